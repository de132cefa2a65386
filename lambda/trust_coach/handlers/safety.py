"""When someone may be in danger: acknowledge, give hotlines, and do not coach."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.speech import Speech
from trust_coach.turn import Turn

NUMBER_PAUSE = 0.8


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


def safety_answer(turn: Turn, acknowledge: bool = True) -> Response:
    safety = turn.catalog.safety
    speech = Speech()
    if acknowledge:
        speech.say(safety["acknowledge"]).pause(NUMBER_PAUSE)
    speech.raw(hotline_speech(turn).body)
    speech.pause(NUMBER_PAUSE).say(safety["offer_repeat"])
    turn.place = {"area": "safety"}
    return turn.ask(speech, safety["offer_repeat_reprompt"], pending="safety_repeat")


def safety_close(turn: Turn) -> Response:
    return turn.tell(turn.speech(turn.catalog.safety["after_decline"]))


class SafetyHandler(TurnHandler):
    """First in the list after skill events: nothing else may answer a call for help."""

    intents = ("CrisisIntent",)

    def respond(self, turn: Turn) -> Response:
        return safety_answer(turn)
