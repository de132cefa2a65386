"""When someone may be in danger: acknowledge, give hotlines, and do not coach.

Two ways in, checked before any other handler so they win in every state (mid-exercise,
during a yes/no question, inside a promise): Alexa's CrisisIntent, and any intent whose
free-text slot (the user's own words) fails the danger screen. Nothing that was said is
echoed or kept, and what the crisis interrupted is dropped: an unfinished exercise is not
offered again next visit. Nothing is stored that says a crisis happened.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from trust_coach.danger import sounds_unsafe
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.speech import Speech
from trust_coach.turn import Turn

NUMBER_PAUSE = 0.8
# Slots that carry the user's own words rather than a value from a list.
FREE_TEXT_SLOTS = ("promise", "words")


def say_with_number(
    speech: Speech, template: str, number: str, values: dict[str, str] | None = None
) -> Speech:
    """Say a sentence whose `{number}` is read as a telephone number, digit by digit."""
    before, after = template.split("{number}", 1)
    before = before.format(**(values or {}))
    return speech.say(before.strip()).phone(number).say(after.strip())


def hotline_speech(turn: Turn) -> Speech:
    safety = turn.catalog.safety
    speech = say_with_number(Speech(), safety["emergency"], safety["emergency_number"])
    speech.pause(NUMBER_PAUSE).say(safety["hotlines_intro"])
    for line in safety["hotlines"]:
        speech.pause(NUMBER_PAUSE)
        say_with_number(speech, safety["hotline"], line["number"], line)
    return speech


def safety_answer(turn: Turn, acknowledge: bool = True, asked_to_call: bool = False) -> Response:
    safety = turn.catalog.safety
    speech = Speech()
    if acknowledge:  # Alexa cannot call anyone: a request to call hears that first
        speech.say(safety["acknowledge_call" if asked_to_call else "acknowledge"])
        speech.pause(NUMBER_PAUSE)
    speech.raw(hotline_speech(turn).body)
    speech.pause(NUMBER_PAUSE).say(safety["offer_repeat"])
    # Whatever was under way (an exercise, a promise being confirmed) is let go of here and in
    # the stored progress; the place says only where the numbers can be repeated from.
    turn.progress.exercise = None
    turn.place = At.SAFETY
    return turn.ask(speech, safety["offer_repeat_reprompt"], Question(Ask.SAFETY_REPEAT))


def safety_close(turn: Turn) -> Response:
    return turn.tell(turn.speech(turn.catalog.safety["after_decline"]))


def unsafe_words(turn: Turn) -> bool:
    """Whether any free-text slot of the request says someone may be in danger."""
    return any(sounds_unsafe(turn.catalog, turn.slot(name)) for name in FREE_TEXT_SLOTS)


class SafetyHandler(TurnHandler):
    """First in the list after skill events: nothing else may answer a call for help."""

    intents = ("CrisisIntent", "CallForHelpIntent")

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # CrisisIntent, or any intent at all whose free-text slot fails the danger screen.
        if super().can_handle(handler_input):
            return True
        return get_request_type(handler_input) == "IntentRequest" and unsafe_words(
            Turn.of(handler_input)
        )

    def respond(self, turn: Turn) -> Response:
        asked_to_call = turn.intent == "CallForHelpIntent"
        return safety_answer(turn, asked_to_call=asked_to_call)


class SafetyRepeatHandler(TurnHandler):
    """ "Repeat" after the numbers says them again."""

    intents = ("AMAZON.RepeatIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.SAFETY

    def respond(self, turn: Turn) -> Response:
        return safety_answer(turn, acknowledge=False)


class SafetyStopHandler(TurnHandler):
    """ "Stop" after the numbers: a kind close that points to them again."""

    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.SAFETY

    def respond(self, turn: Turn) -> Response:
        return safety_close(turn)
