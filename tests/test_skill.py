"""The skill object: the SDK's behaviour, with a cheaper session copy and handler choice."""

from __future__ import annotations

import json

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.dispatch_components.request_components import GenericRequestMapper
from envelope_strategies import envelopes, fuzz_settings
from hypothesis import given

from trust_coach.app import build_skill
from trust_coach.handler_index import IndexedRequestMapper
from trust_coach.serializer import Serializer
from trust_coach.skill import SessionAttributesManager
from trust_coach_tools.device import Device


def _envelope(**attributes) -> RequestEnvelope:
    captured = []
    device = Device(lambda e: captured.append(e) or {"response": {}})
    device.attributes = attributes
    device.new_session = False
    device.session_id = "amzn1.echo-api.session.1"
    device.intent("AMAZON.HelpIntent")
    return Serializer().read(captured[0], RequestEnvelope)


def test_the_turn_changes_its_copy_of_the_session_not_the_request():
    envelope = _envelope(place={"area": "list"}, pending="x")
    manager = SessionAttributesManager(envelope)
    assert manager.session_attributes == {"place": {"area": "list"}, "pending": "x"}
    manager.session_attributes["pending"] = "y"
    manager.session_attributes["tz"] = "UTC"
    assert envelope.session.attributes == {"place": {"area": "list"}, "pending": "x"}


def test_sessions_without_attributes_are_as_in_the_sdk():
    envelope = _envelope()
    envelope.session.attributes = None
    assert SessionAttributesManager(envelope).session_attributes == {}
    assert envelope.session.attributes is None
    envelope.session = None
    for manager in (SessionAttributesManager(envelope), AttributesManager(envelope)):
        with pytest.raises(AttributesManagerException):
            manager.session_attributes  # noqa: B018 - the getter refuses


def test_the_skill_indexes_its_handlers(store):
    mappers = build_skill(store=store, skill_id=None).request_dispatcher.request_mappers
    assert [type(m) for m in mappers] == [IndexedRequestMapper]


def _choice(mapper, handler_input):
    try:
        chain = mapper.get_request_handler_chain(handler_input)
    except Exception as error:
        return ("raised", type(error))
    return type(chain.request_handler).__name__ if chain else None


@pytest.mark.slow  # fuzzing
@fuzz_settings(400)
@given(envelopes())
def test_the_index_picks_the_handler_the_full_scan_picks(envelope):
    skill = build_skill(store=None, skill_id=None)
    serializer = Serializer()
    try:
        request = serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    except Exception:
        return
    if request is None or request.request is None:
        return
    indexed = skill.request_dispatcher.request_mappers[0]
    full = GenericRequestMapper(indexed.request_handler_chains)
    choices = []
    for mapper in (indexed, full):
        handler_input = HandlerInput(request, AttributesManager(request))
        choices.append(_choice(mapper, handler_input))
    assert choices[0] == choices[1]
