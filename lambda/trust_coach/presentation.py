"""After each turn: what a screen shows and whether a sound bed plays under the answer.

One response interceptor, run after the handler has answered in words. It never changes
what is said: on a device without APL, and with no sound bed chosen, the answer goes out
exactly as the handler built it. The crisis answer gets nothing but its card. If anything
here fails, the answer goes out as the handler built it (voice first).
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.directive import Directive
from ask_sdk_model.ui import SsmlOutputSpeech

from trust_coach import soundbed
from trust_coach.exercises import Exercise, library_for
from trust_coach.places import At, InExercise
from trust_coach.screen import noted_chunk
from trust_coach.screen.viewport import screen_of
from trust_coach.turn import Turn

log = logging.getLogger(__name__)


class PresentationInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None:
            return
        try:
            present(Turn.of(handler_input), response)
        except Exception as error:  # the spoken answer stands as it was built
            log.error("screen and sound left out: %s", type(error).__name__)


def chunk_exercise(turn: Turn) -> tuple[Exercise, InExercise] | None:
    """The exercise whose chunk this turn speaks, if it speaks one."""
    place = turn.place
    if noted_chunk(turn) is None or not isinstance(place, InExercise):
        return None
    library = library_for(turn.catalog)
    if not library.known(place.exercise):
        return None
    return library.get(place.exercise), place


def present(turn: Turn, response: Response) -> None:
    """Add the screen's document and the sound bed to `response`, changing it only at the end,
    all at once."""
    screen = screen_of(turn.handler_input.request_envelope)
    if screen is None and soundbed.chosen(turn.progress) is None:
        return  # a speaker with no sound chosen: the answer exactly as the handler built it
    # Imported here, so a voice-only cold start does not pay for the documents' modules.
    from trust_coach.screen.breathing import chunk_directive
    from trust_coach.screen.cards import card_directive, card_for, crisis, words

    if turn.place is At.SAFETY:  # the numbers on screen, and nothing else
        if screen is not None:
            response.directives = [card_directive(crisis(turn, screen))]
        return
    chunk = chunk_exercise(turn)
    if response.output_speech is None and chunk is None:
        return  # nothing said, nothing changes (an event from a document no longer current)
    bed = soundbed.chosen(turn.progress) if chunk is not None and not chunk[0].is_timer else None
    # The moving circle speaks through its document, which cannot mix in a sound: a person
    # who chose a sound bed hears it, with the round on a still card, and says "no background
    # sound" to see the circle move.
    if screen is not None and chunk is not None and chunk[0].is_breathing and bed is None:
        exercise, place = chunk
        lead = noted_chunk(turn) or []
        shown = chunk_directive(turn, screen, exercise, place, lead)
        # The document speaks the chunk itself and asks for the next one when it ends: the
        # session stays open without opening the microphone.
        response.output_speech = None
        response.reprompt = None
        response.should_end_session = None
        response.directives = [*(response.directives or []), shown]
        return
    added: list[Directive] = []
    speech = response.output_speech
    if not (isinstance(speech, SsmlOutputSpeech) and soundbed.fits(speech.ssml)):
        bed = None  # not SSML, or too long to mix inside 240 s: said plainly
    if bed is not None and isinstance(speech, SsmlOutputSpeech):
        added.append(soundbed.directive(speech.ssml, bed))
    if screen is not None and response.should_end_session is not True:
        footer = ""
        if bed is not None:
            label = words(turn)["sounds"][bed]["label"]
            footer = words(turn)["sound_playing"].format(label=label)
        card = card_for(turn, screen, footer, speaking=chunk is not None)
        if card is not None:
            added.append(card_directive(card))
    if not added:
        return
    if bed is not None:
        response.output_speech = None  # it plays inside the sound bed's mix
    response.directives = [*(response.directives or []), *added]
