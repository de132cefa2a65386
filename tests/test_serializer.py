"""The skill's serializer reads requests exactly as the SDK's does, only cheaper."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from trust_coach.app import build_skill
from trust_coach.device import Device
from trust_coach.serializer import Serializer


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
