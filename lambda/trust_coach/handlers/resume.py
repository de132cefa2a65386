""" "Continue": pick up the strategy or exercise the user was on, in this or a later session."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.handlers.strategies import read_strategy
from trust_coach.turn import Turn


def resume(turn: Turn) -> Response:
    from trust_coach.handlers import exercises  # imported here: it imports this module

    if exercises.unfinished(turn) is not None:
        return exercises.resume_or_choose(turn)
    number = turn.progress.last_strategy
    if number is None:
        speech = turn.speech(turn.say("resume_nothing"))
        return turn.ask(speech, turn.say("resume_nothing_reprompt"), pending="strategy:1")
    return read_strategy(turn, number, intro=turn.say("resume_intro"))


class ResumeHandler(TurnHandler):
    intents = ("ResumeIntent",)

    def respond(self, turn: Turn) -> Response:
        return resume(turn)
