"""Opening the skill: a fuller welcome the first time, a short one that offers to continue after."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.handlers.exercises import unfinished, welcome_note
from trust_coach.handlers.promises import follow_up
from trust_coach.turn import Turn

SHORT_PAUSE = 0.5


def welcome(turn: Turn) -> Response:
    progress = turn.progress
    first_time = progress.is_new
    # Vary the returning welcome by visit, so it is not word for word the same each day.
    salt = str(progress.visits)
    progress.visits += 1
    turn.place = {}
    if first_time:
        speech = turn.speech(turn.catalog.prompt("welcome_first", salt))
        speech.pause(SHORT_PAUSE).say(turn.catalog.prompt("welcome_first_offer", salt))
        return turn.ask(speech, turn.catalog.prompt("welcome_first_reprompt", salt))
    # A promise made a few days ago is asked about first, once.
    asked = follow_up(turn, turn.catalog.prompt("welcome_back_plain", salt))
    if asked is not None:
        return asked
    if progress.last_strategy:
        name = turn.catalog.strategy(progress.last_strategy).name
        speech = turn.speech(turn.catalog.prompt("welcome_back", salt, strategy_name=name))
        speech.say(welcome_note(turn, offers_continue=False))
        speech.say(turn.catalog.prompt("welcome_back_offer", salt))
        return turn.ask(
            speech, turn.catalog.prompt("welcome_back_reprompt", salt), pending="resume"
        )
    speech = turn.speech(turn.catalog.prompt("welcome_back_plain", salt), welcome_note(turn))
    if unfinished(turn) is not None:  # the note already offered to continue it
        return turn.ask(
            speech, turn.catalog.prompt("welcome_back_reprompt", salt), pending="resume"
        )
    speech.say(turn.catalog.prompt("welcome_back_plain_offer", salt))
    return turn.ask(speech, turn.catalog.prompt("welcome_first_reprompt", salt), pending="list")


class LaunchHandler(TurnHandler):
    request_types = ("LaunchRequest",)

    def respond(self, turn: Turn) -> Response:
        return welcome(turn)
