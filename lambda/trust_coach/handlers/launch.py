"""Opening the skill: a fuller welcome the first time, a short one that offers to continue after.

(A returning user with a promise to ask about is welcomed by `promises.PromiseFollowUpHandler`,
which comes first in the list.)
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.guided import unfinished, welcome_note
from trust_coach.handlers.base import TurnHandler, arrive, greeting
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn

SHORT_PAUSE = 0.5


def welcome(turn: Turn) -> Response:
    progress = turn.progress
    first_time = progress.is_new
    salt = arrive(turn)
    catalog = turn.catalog
    hello = greeting(turn, salt)
    if first_time:
        speech = turn.speech(hello, catalog.prompt("welcome_first", salt))
        speech.pause(SHORT_PAUSE).say(catalog.prompt("welcome_first_offer", salt))
        return turn.ask(speech, catalog.prompt("welcome_first_reprompt", salt))
    if progress.last_strategy:
        name = catalog.strategy(progress.last_strategy).name
        speech = turn.speech(hello, catalog.prompt("welcome_back", salt, strategy_name=name))
        speech.say(welcome_note(turn, offers_continue=False))
        speech.say(catalog.prompt("welcome_back_offer", salt))
        reprompt = catalog.prompt("welcome_back_reprompt", salt)
        return turn.ask(speech, reprompt, Question(Ask.RESUME))
    speech = turn.speech(hello, catalog.prompt("welcome_back_plain", salt), welcome_note(turn))
    if unfinished(turn) is not None:  # the note already offered to continue it
        reprompt = catalog.prompt("welcome_back_reprompt", salt)
        return turn.ask(speech, reprompt, Question(Ask.RESUME))
    speech.say(catalog.prompt("welcome_back_plain_offer", salt))
    reprompt = catalog.prompt("welcome_first_reprompt", salt)
    return turn.ask(speech, reprompt, Question(Ask.LIST))


class LaunchHandler(TurnHandler):
    request_types = ("LaunchRequest",)

    def respond(self, turn: Turn) -> Response:
        return welcome(turn)
