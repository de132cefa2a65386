"""The skill's serializer reads requests and writes responses exactly as the SDK's does, only
cheaper."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from envelope_strategies import envelopes, fuzz_settings
from hypothesis import given

from trust_coach.app import build_skill, handle_event
from trust_coach.serializer import Serializer
from trust_coach_tools.device import Device


def _launch(timestamp: str) -> str:
    captured = []
    Device(lambda e: captured.append(e) or {"response": {}}).launch()
    captured[0]["request"]["timestamp"] = timestamp
    return json.dumps(captured[0])


def test_alexa_timestamps_read_the_same_as_the_sdk_reads_them():
    payload = _launch("2026-11-24T17:32:15Z")
    ours = Serializer().deserialize(payload=payload, obj_type=RequestEnvelope)
    sdk = DefaultSerializer().deserialize(payload=payload, obj_type=RequestEnvelope)
    assert ours.request.timestamp == sdk.request.timestamp
    assert ours.request.timestamp == datetime(2026, 11, 24, 17, 32, 15, tzinfo=UTC)
    assert ours == sdk


def test_other_date_forms_fall_back_to_the_sdk_parser():
    payload = _launch("Tue, 24 Nov 2026 17:32:15 GMT")  # not ISO 8601: dateutil still reads it
    ours = Serializer().deserialize(payload=payload, obj_type=RequestEnvelope)
    assert ours.request.timestamp.replace(tzinfo=None) == datetime(2026, 11, 24, 17, 32, 15)


def test_model_classes_are_resolved_once(monkeypatch):
    lookups = []
    real = DefaultSerializer._DefaultSerializer__load_class_from_name

    def counting(self, class_name):
        lookups.append(class_name)
        return real(self, class_name)

    monkeypatch.setattr(DefaultSerializer, "_DefaultSerializer__load_class_from_name", counting)
    serializer = Serializer()
    serializer.deserialize(payload=_launch("2026-11-24T17:32:15Z"), obj_type=RequestEnvelope)
    first = len(lookups)
    serializer.deserialize(payload=_launch("2026-11-24T17:32:16Z"), obj_type=RequestEnvelope)
    assert first > 0 and len(lookups) == first


def test_the_built_skill_uses_it(store):
    assert isinstance(build_skill(store=store, skill_id=None).serializer, Serializer)


def _sdk_read(serializer: Serializer, text: str):
    """The SDK's own walk of the payload, with the serializer's timestamp and class look-ups."""
    try:
        return DefaultSerializer.deserialize(serializer, text, RequestEnvelope)
    except Exception as error:
        return ("raised", type(error), str(error))


@pytest.mark.slow  # fuzzing
@fuzz_settings(300)
@given(envelopes())
def test_any_envelope_reads_and_writes_as_the_sdk_does(envelope):
    serializer = Serializer()
    text = json.dumps(envelope)
    expected = _sdk_read(serializer, text)
    try:
        ours = serializer.read(json.loads(text), RequestEnvelope)
    except Exception as error:
        ours = ("raised", type(error), str(error))
    assert ours == expected
    assert _sdk_read(serializer, text) == expected  # and the text form the same
    if not isinstance(expected, tuple):
        assert serializer.serialize(expected) == DefaultSerializer.serialize(serializer, expected)


def test_responses_are_written_as_the_sdk_writes_them(store):
    written = []

    class Checking(Serializer):
        def serialize(self, obj):
            ours = super().serialize(obj)
            if isinstance(obj, ResponseEnvelope):  # the SDK's walk calls this for every part
                assert ours == DefaultSerializer.serialize(self, obj)
                written.append(ours)
            return ours

    skill = build_skill(store=store, skill_id=None)
    skill.serializer = Checking()
    device = Device(lambda event: handle_event(skill, event))
    device.launch()
    for intent, slots in (
        ("ListStrategiesIntent", {}),
        ("StrategyIntent", {"strategy": "three"}),
        ("TryTodayIntent", {}),
        ("DailyTipIntent", {}),
        ("AMAZON.StopIntent", {}),
    ):
        device.intent(intent, **slots)
    assert len(written) == 6 and all(w["response"].get("outputSpeech") for w in written)


def test_an_unreadable_payload_fails_as_in_the_sdk():
    with pytest.raises(SerializationException):
        Serializer().deserialize(payload="{not json", obj_type=RequestEnvelope)
    with pytest.raises(SerializationException):
        Serializer().read({"request": {"type": "NoSuchRequest"}}, RequestEnvelope)


def test_reading_imports_only_the_model_modules_a_request_uses():
    import os
    import subprocess
    import sys
    from pathlib import Path

    import trust_coach

    lambda_dir = str(Path(trust_coach.__file__).resolve().parents[1])
    code = (
        "import sys, json\n"
        "from ask_sdk_model import RequestEnvelope\n"
        "from trust_coach.serializer import Serializer\n"
        "payload = sys.stdin.read()\n"
        "before = set(sys.modules)\n"
        "if sys.argv[1] == 'ours':\n"
        "    Serializer().read(json.loads(payload), RequestEnvelope)\n"
        "else:\n"
        "    from ask_sdk_core.serialize import DefaultSerializer\n"
        "    DefaultSerializer().deserialize(payload, RequestEnvelope)\n"
        "print(' '.join(m for m in set(sys.modules) - before if m.startswith('ask_sdk_model')))\n"
    )

    def imported(which: str) -> set[str]:
        done = subprocess.run(  # a fresh interpreter: nothing read yet
            [sys.executable, "-c", code, which], input=_launch("2026-11-24T17:32:15Z"),
            capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": lambda_dir},
        )  # fmt: skip
        return set(done.stdout.split())

    assert imported("ours") <= imported("sdk")
