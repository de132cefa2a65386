"""The skill on a screen, through real request envelopes: the breathing circle's chunks carry
a whole exercise, touch buttons do what the spoken words do, the crisis answer shows only its
numbers, and a device without a screen hears exactly what it heard before screens existed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from screen_runs import (
    BREATHING_DOCUMENT,
    CARD_DOCUMENT,
    LIBRARY,
    apla,
    breathe,
    breathe_through,
    chunk_event,
    commands,
    rendered,
    same_ids,
)

from trust_coach.app import build_skill, handle_event
from trust_coach.presentation import PresentationInterceptor
from trust_coach.screen.controls import TouchControlInterceptor
from trust_coach.store.base import user_key
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device, slot_payload

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
BOX = LIBRARY.get("box")


def without_screen_and_sound(skill: Any) -> Any:
    """The skill as it was before this feature: its interceptors taken out."""
    dispatcher = skill.request_dispatcher
    dispatcher.request_interceptors = [
        i for i in dispatcher.request_interceptors if not isinstance(i, TouchControlInterceptor)
    ]
    dispatcher.response_interceptors = [
        i for i in dispatcher.response_interceptors if not isinstance(i, PresentationInterceptor)
    ]
    return skill


def twin(tmp_path, name: str, plain: bool = False, **device: Any) -> Device:
    store = SqliteStore(tmp_path / f"{name}.sqlite3")
    skill = build_skill(store=store, skill_id=None)
    if plain:
        skill = without_screen_and_sound(skill)
    made = Device(
        same_ids(lambda event: handle_event(skill, event)),
        user_id="amzn1.ask.account.twin",
        device_id="amzn1.ask.device.twin",
        **device,
    )
    made.clock = START
    made.store = store  # type: ignore[attr-defined]
    return made


def script(device: Device) -> list[dict]:
    """A visit through most areas, the way a voice-only user talks."""
    said = [device.launch()]
    said.append(device.intent("StrategyIntent", slots={"strategy": slot_payload("strategy", "1")}))
    said.append(device.intent("TellMeMoreIntent"))
    said.append(device.intent("AMAZON.NextIntent"))
    said.append(device.intent("DailyTipIntent"))
    said.append(breathe(device, "box", 8))
    while device.session_open and device.last["response"].get("shouldEndSession") is False:
        said.append(device.intent("AMAZON.YesIntent"))
        if len(said) > 20:
            break
    said.append(device.launch())
    said.append(device.intent("ForgivenessIntent"))
    said.append(device.intent("AMAZON.NextIntent"))
    said.append(device.intent("AMAZON.PauseIntent"))
    said.append(device.intent("CrisisIntent"))
    said.append(device.intent("AMAZON.StopIntent"))
    return said


def fixed_chance_and_clock(monkeypatch) -> Callable[[], None]:
    """Session ids from a counter and the store's wall clock stopped, so two runs of a script
    make the same bytes; the returned function starts the counter again."""
    import types
    import uuid

    from trust_coach import interceptors, session

    made = {"count": 0}

    def counted_uuid() -> uuid.UUID:
        made["count"] += 1
        return uuid.UUID(int=made["count"])

    monkeypatch.setattr(session, "uuid", types.SimpleNamespace(uuid4=counted_uuid))
    monkeypatch.setattr(interceptors, "time", types.SimpleNamespace(time=lambda: 1772442000.0))
    return lambda: made.update(count=0)


def test_a_voice_only_device_gets_byte_for_byte_what_it_got_before(tmp_path, monkeypatch):
    again = fixed_chance_and_clock(monkeypatch)
    before = script(twin(tmp_path, "before", plain=True))
    again()
    after = script(twin(tmp_path, "after"))
    assert len(before) == len(after) > 10
    for old, new in zip(before, after, strict=True):
        assert json.dumps(new) == json.dumps(old)
    assert all("directives" not in r["response"] for r in after)


def test_a_device_reporting_an_old_apl_version_hears_the_voice_answer_alone(make_device):
    device = make_device(screen="show8", apl_version="1.4")
    device.launch()
    breathe(device, "box", 2)
    assert device.documents == []
    assert "Breathe in." in device.ssml


def test_a_whole_breathing_exercise_runs_through_its_chunk_events_on_a_screen(make_device, store):
    device = make_device(screen="show8")
    device.clock = START
    device.launch()
    breathe(device, "box", BOX.rounds_max)
    responses = breathe_through(device)
    documents = [d for d in rendered(responses) if d["token"] == BREATHING_DOCUMENT]
    assert len(documents) > 1  # 15 rounds do not fit one response
    covered: list[int] = []
    for document in documents:
        _, exercise, begin, end = commands(document)[-1]["arguments"]
        assert exercise == "box"
        covered += list(range(int(begin), int(end)))
    assert covered == list(range(BOX.rounds_max))  # every round once, in order
    for response in responses[:-1]:  # the document speaks; the microphone stays closed
        body = response["response"]
        assert "outputSpeech" not in body and "shouldEndSession" not in body
    last = responses[-1]["response"]
    assert BOX.close in device.ssml and last["shouldEndSession"] is False
    assert store.load(user_key(device.user_id)).exercises_done == {"box": 1}


def test_the_same_exercise_on_a_voice_only_device_goes_on_by_voice(make_device, store):
    device = make_device()
    device.clock = START
    device.launch()
    breathe(device, "box", BOX.rounds_max)
    rounds = device.ssml.count("Breathe in.")
    while BOX.close not in device.ssml:
        assert chunk_event(device) is None and device.directives == []
        device.intent("AMAZON.YesIntent")
        rounds += device.ssml.count("Breathe in.")
    assert rounds == BOX.rounds_max
    device.end_session()  # after the close was heard
    assert store.load(user_key(device.user_id)).exercises_done == {"box": 1}


def test_the_lead_is_spoken_by_the_document_before_the_first_breath(make_device):
    device = make_device(screen="show5")
    device.launch()
    breathe(device, "box", 2)
    (document,) = device.documents
    steps = commands(document)
    assert steps[0] == {"type": "SpeakItem", "componentId": "lead"}
    lead = document["datasources"]["breathing"]["properties"]["lead"]
    assert BOX.posture.split(".")[0] in lead


def test_a_chunk_event_from_a_document_the_conversation_left_gets_an_empty_answer(make_device):
    device = make_device(screen="show8")
    device.launch()
    breathe(device, "box", BOX.rounds_max)
    stale = chunk_event(device)
    device.intent("DailyTipIntent")
    response = device.user_event(*stale)
    assert response["response"].get("outputSpeech") is None
    assert device.documents == []


@pytest.mark.parametrize(
    ("control", "intent"),
    [
        ("next", "AMAZON.NextIntent"),
        ("repeat", "AMAZON.RepeatIntent"),
        ("pause", "AMAZON.PauseIntent"),
        ("stop", "AMAZON.StopIntent"),
    ],
)
@pytest.mark.parametrize("where", ["strategy", "tip", "breathing", "reflection", "crisis"])
def test_a_touch_button_does_exactly_what_saying_it_does(
    tmp_path, monkeypatch, control, intent, where
):
    def arrive(device: Device) -> None:
        device.launch()
        if where == "strategy":
            device.intent("StrategyIntent", slots={"strategy": slot_payload("strategy", "2")})
        elif where == "tip":
            device.intent("DailyTipIntent")
        elif where == "breathing":
            breathe(device, "box", BOX.rounds_max)
        elif where == "reflection":
            device.intent("ForgivenessIntent")
        else:
            device.intent("CrisisIntent")

    again = fixed_chance_and_clock(monkeypatch)
    touched = twin(tmp_path, "touched", screen="show8")
    arrive(touched)
    again()
    spoken = twin(tmp_path, "spoken", screen="show8")
    arrive(spoken)
    by_touch = touched.user_event("control", control)
    by_voice = spoken.intent(intent)
    assert json.dumps(by_touch) == json.dumps(by_voice)
    assert touched.store.load(user_key(touched.user_id)) == spoken.store.load(
        user_key(spoken.user_id)
    )


def test_the_crisis_answer_mid_breathing_shows_only_its_numbers(make_device):
    device = make_device(screen="show15")
    device.launch()
    device.intent(
        "SoundBedIntent", slots={"sound": slot_payload("sound", "rain", ("rain", "rain"))}
    )
    breathe(device, "box", BOX.rounds_max)
    device.intent("CrisisIntent")
    assert apla(device) == []
    (card,) = device.directives
    assert card["token"] == CARD_DOCUMENT
    data = card["datasources"]["card"]
    assert data["buttons"] == [] and data["footer"] == "" and data["dots"] == []
    numbers = [n["number"] for n in data["numbers"]]
    assert numbers == ["911", "988", "1-800-799-7233"]
    assert "911" in device.ssml  # the spoken answer is as it always was


@pytest.mark.parametrize(
    "where", ["launch", "strategy", "tip", "breathing", "reflection", "timer", "sound chosen"]
)
@pytest.mark.parametrize("screen", ["show5", "tv"])
def test_from_any_place_on_a_screen_the_crisis_answer_shows_only_its_card(
    make_device, where, screen
):
    device = make_device(screen=screen)
    device.launch()
    device.intent("SoundBedIntent", slots={"sound": slot_payload("sound", "ocean", ("ocean", "o"))})
    if where == "strategy":
        device.intent("StrategyIntent", slots={"strategy": slot_payload("strategy", "4")})
    elif where == "tip":
        device.intent("DailyTipIntent")
    elif where == "breathing":
        device.intent("NoSoundBedIntent")
        breathe(device, "box", BOX.rounds_max)
        assert device.documents[0]["token"] == BREATHING_DOCUMENT
    elif where == "reflection":
        device.intent("ForgivenessIntent")
    elif where == "timer":
        device.intent("ListeningIntent")
    device.intent("CallForHelpIntent")
    assert [d["token"] for d in device.directives] == [CARD_DOCUMENT]
    assert device.directives[0]["datasources"]["card"]["numbers"]
    assert "911" in device.ssml and device.last["response"]["shouldEndSession"] is False
