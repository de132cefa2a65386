"""The Lambda entry answers every event: a request envelope gets the skill's answer, anything
else a spoken apology, and a request for another skill a refusal, each logged; never an
exception from the entry's own wrapper.

Found by an outside review: the logging wrapper raised AttributeError on events that are not
objects, or whose request, System, user or intent have the wrong type (9 of 18 such events),
before the skill's own safety net could answer.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from alexa_schema import response_problems

from trust_coach import app
from trust_coach.app import build_skill
from trust_coach.store.base import user_key
from trust_coach_tools.device import DEFAULT_SKILL_ID, Device

pytestmark = pytest.mark.filterwarnings("ignore:No application metrics to publish")

USER = {"userId": "amzn1.ask.account.malformed"}
APPLICATION = {"applicationId": DEFAULT_SKILL_ID}
SYSTEM = {"application": APPLICATION, "user": USER}
LAUNCH = {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.1", "locale": "en-US"}


def envelope(request: Any = LAUNCH, system: Any = SYSTEM, **extra: Any) -> dict[str, Any]:
    return {"version": "1.0", "context": {"System": system}, "request": request, **extra}


def intent_request(intent: Any) -> dict[str, Any]:
    return {**LAUNCH, "type": "IntentRequest", "intent": intent}


MALFORMED: dict[str, Any] = {
    "null": None,
    "empty list": [],
    "list": ["request"],
    "string": "LaunchRequest",
    "number": 42,
    "boolean": True,
    "empty object": {},
    "request null": {"request": None},
    "request a string": {"request": "LaunchRequest"},
    "request a list": {"request": ["LaunchRequest"]},
    "request type a number": envelope(request={**LAUNCH, "type": 7}),
    "context a string": {"version": "1.0", "context": "System", "request": LAUNCH},
    "context a list": {"version": "1.0", "context": ["System"], "request": LAUNCH},
    "System a string": envelope(system="amzn1.ask.account.x"),
    "System a list": envelope(system=[SYSTEM]),
    "user a string": envelope(system={**SYSTEM, "user": "amzn1.ask.account.x"}),
    "user a list": envelope(system={**SYSTEM, "user": ["amzn1.ask.account.x"]}),
    "userId a list": envelope(system={**SYSTEM, "user": {"userId": ["x"]}}),
    "intent a string": envelope(request=intent_request("AMAZON.HelpIntent")),
    "intent a list": envelope(request=intent_request(["AMAZON.HelpIntent"])),
    "intent name a list": envelope(request=intent_request({"name": ["CrisisIntent"]})),
    "slots a string": envelope(request=intent_request({"name": "CrisisIntent", "slots": "x"})),
    "session a string": envelope(session="amzn1.echo-api.session.1"),
    "session attributes a string": envelope(
        session={"attributes": "progress", "new": True, "sessionId": "s", "user": USER}
    ),
    "a long request type": envelope(request={**LAUNCH, "type": "x" * 100_000}),
}


@pytest.fixture
def handler(monkeypatch, package_logger_restored):
    """`app.lambda_handler` itself on a skill of the test's; logs and metrics go to stdout."""

    def on(skill: Any, log_events: bool = False) -> Any:
        monkeypatch.setattr(app, "_skill", skill)
        monkeypatch.setattr(app, "_lambda_entry", None)
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"trust-coach-{uuid.uuid4().hex[:8]}")
        monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true" if log_events else "false")
        return app.lambda_handler

    return on


def spoken(response: dict[str, Any]) -> str:
    return ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")


def log_lines(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines()]  # every line is one JSON object
    return [line for line in lines if "_aws" not in line]  # not the metrics


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
@pytest.mark.parametrize("log_events", [False, True], ids=["plain", "events-logged"])
def test_a_malformed_event_gets_an_apology_not_an_exception(
    handler, skill, event, log_events, capsys
):
    # WHEN Lambda hands the entry point an event that is not a well-formed request
    response = handler(skill, log_events)(event, None)
    # THEN it answers with speech Alexa accepts (the skill's answer, or an apology)
    assert response_problems(response) == [], response
    assert spoken(response).startswith("<speak>")
    # AND the answer is logged, as one JSON line, without the event's long text
    out = capsys.readouterr().out
    assert any(line.get("message") == "request answered" for line in log_lines(out))
    assert "x" * 200 not in out or log_events


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_with_a_skill_id_a_malformed_event_gets_an_apology_or_a_refusal(
    handler, store, event, capsys
):
    # GIVEN the entry point deployed with its skill id
    response = handler(build_skill(store=store, skill_id=DEFAULT_SKILL_ID))(event, None)
    # THEN an event it cannot read gets the apology; one that names no skill, a refusal
    assert response_problems(response) == [], response
    assert spoken(response).startswith("<speak>") or response == app.refusal()
    log_lines(capsys.readouterr().out)


def test_a_request_for_another_skill_is_refused_and_logged(handler, store, capsys):
    entry = handler(build_skill(store=store, skill_id=DEFAULT_SKILL_ID))
    other = Device(lambda event: entry(event, None), skill_id="amzn1.ask.skill.another")
    assert other.launch() == app.refusal()
    lines = log_lines(capsys.readouterr().out)
    refused = [line for line in lines if "refused" in str(line.get("message"))]
    assert [line["level"] for line in refused] == ["WARNING"]
    assert store.read(user_key(other.user_id)) is None  # the skill never ran
