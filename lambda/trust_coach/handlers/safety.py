"""When someone may be in danger: acknowledge, give hotlines, and do not coach."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.speech import Speech
from trust_coach.turn import Turn

NUMBER_PAUSE = 0.8


def hotline_speech(turn: Turn) -> Speech:
    safety = turn.catalog.safety
    speech = Speech()
    emergency_before, emergency_after = safety["emergency"].split("{number}", 1)
    speech.say(emergency_before.strip()).phone(safety["emergency_number"]).say(
        emergency_after.strip()
    )
    speech.pause(NUMBER_PAUSE).say(safety["hotlines_intro"])
    for line in safety["hotlines"]:
        speech.pause(NUMBER_PAUSE).say(f"{line['for']} {line['name']}, at")
        speech.phone(line["number"]).say(".")
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
