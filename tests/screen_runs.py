"""Conversations on a screen device, for the screen and sound tests: a breathing exercise
run through its chunk events, and every document the skill can send, per screen."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from conftest import assert_within_limits

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.screen.documents import DOCUMENT_NAME_PREFIX
from trust_coach_tools.device import Device, slot_payload

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
APLA = "Alexa.Presentation.APLA.RenderDocument"
BREATHING_DOCUMENT = DOCUMENT_NAME_PREFIX + "breathing"
CARD_DOCUMENT = DOCUMENT_NAME_PREFIX + "card"


def resolved(name: str, value: str) -> dict[str, Any]:
    return {name: slot_payload(name, value, (value, value))}


def breathe(device: Device, pattern: str, rounds: int | None = None) -> dict[str, Any]:
    values = {"rounds": str(rounds)} if rounds is not None else {}
    return device.intent("BreathingIntent", slots=resolved("pattern", pattern), **values)


def commands(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps of a breathing chunk's onMount Sequential."""
    (sequential,) = document["document"]["onMount"]
    assert sequential["type"] == "Sequential"
    return sequential["commands"]


def chunk_event(device: Device) -> list[str] | None:
    """What the breathing document on screen sends when it has played, if it is one."""
    for document in device.documents:
        if document["token"] == BREATHING_DOCUMENT:
            last = commands(document)[-1]
            assert last["type"] == "SendEvent"
            return last["arguments"]
    return None


def breathe_through(device: Device, limit: int = 50) -> list[dict[str, Any]]:
    """Let each breathing document play to its end (its SendEvent), until an answer asks
    the person something; the responses, the first included."""
    responses = [device.last]
    while (arguments := chunk_event(device)) is not None:
        assert len(responses) < limit, "the chunks never end"
        responses.append(device.user_event(*arguments))
    return responses


def apla(device: Device) -> list[dict[str, Any]]:
    return [d for d in device.directives if d.get("type") == APLA]


def visit_everything(device: Device) -> list[dict[str, Any]]:
    """Every place with something on screen: strategies (each part), the tip, every
    exercise to its end, and the crisis answer. The responses, in order."""
    seen: list[dict[str, Any]] = [device.launch()]
    for number in range(1, len(CATALOG.strategies) + 1):
        seen.append(device.intent("StrategyIntent", slots=resolved("strategy", str(number))))
        seen.append(device.intent("TellMeMoreIntent"))
        seen.append(device.intent("TryTodayIntent"))
    seen.append(device.intent("AMAZON.NextIntent"))  # past the last strategy
    seen.append(device.intent("DailyTipIntent"))
    for exercise in LIBRARY.exercises:
        if exercise.is_breathing:
            breathe(device, exercise.id, exercise.rounds_max)
            seen += breathe_through(device)
            continue
        seen.append(device.intent("ExerciseIntent", slots=resolved("exercise", exercise.id)))
        for _ in range(40):
            if device.last["response"].get("shouldEndSession") is False and (
                "sessionAttributes" in device.last
                and (device.last["sessionAttributes"].get("place") or {}).get("done")
            ):
                break
            seen.append(device.intent("AMAZON.NextIntent"))
    seen.append(device.intent("CrisisIntent"))
    return seen


def rendered(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        d
        for r in responses
        for d in (r.get("response") or {}).get("directives") or []
        if d.get("type") == "Alexa.Presentation.APL.RenderDocument"
    ]


def same_ids(send: Callable[[dict], dict]) -> Callable[[dict], dict]:
    """Deliver with request and session ids that depend only on the order of requests, so two
    devices driven alike send identical envelopes (the ids pick prompt variants)."""
    count = 0

    def deliver(event: dict) -> dict:
        nonlocal count
        count += 1
        event = copy.deepcopy(event)
        event["request"]["requestId"] = f"amzn1.echo-api.request.{count}"
        if "session" in event:
            event["session"]["sessionId"] = "amzn1.echo-api.session.same"
        return assert_within_limits(send(event))

    return deliver
