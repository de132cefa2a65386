"""The welcome may use a recognised speaker's given name, when they let the skill have it.

GIVEN a local stand-in for the Alexa person profile API (allowed through
TRUST_COACH_API_ENDPOINTS) WHEN a recognised speaker who granted the given-name permission
opens the skill THEN the welcome greets them by name; without the permission (403), without a
recognised speaker, or when the API is slow, the welcome is word for word what it was, on time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from stand_in_api import Call, stand_in

from trust_coach.alexa_api import EXTRA_ENDPOINTS_ENV
from trust_coach.budget import NAME_LOOKUP_TIMEOUT_SECONDS
from trust_coach.profile import GIVEN_NAME_PATH
from trust_coach.speech import readable
from trust_coach_tools.device import Device

GRANTED, NOT_GRANTED = "token-with-given-name", "token-without"
PERSON = "amzn1.ask.person.SAM"
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass
class ProfileApi:
    url: str = ""
    asked: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization)


@contextmanager
def profile_api(name: object = "Sam", delay: float = 0.0) -> Iterator[ProfileApi]:
    """The person profile API as documented: the given name as a JSON string for a token
    with the permission, 403 ACCESS_DENIED for one without."""
    api = ProfileApi()

    def answer(call: Call) -> tuple[int, object]:
        auth = call.headers.get("authorization", "")
        api.asked.append((call.path, auth))
        time.sleep(delay)
        if call.path != GIVEN_NAME_PATH:
            return 404, {"code": "NOT_FOUND"}
        if auth != f"Bearer {GRANTED}":
            return 403, {"code": "ACCESS_DENIED", "message": "Access denied"}
        return 200, name

    with stand_in(answer) as api.url:
        yield api


@pytest.fixture
def speaker(make_device, monkeypatch) -> Iterator[tuple[Device, ProfileApi]]:
    """A recognised speaker on a device whose API endpoint is the stand-in."""
    with profile_api() as api:
        monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, api.url)
        device = make_device()
        device.person_id = PERSON
        device.api_endpoint = api.url
        device.api_access_token = GRANTED
        device.clock = START
        yield device, api


def welcome_without_name(make_device, monkeypatch, returning: bool) -> str:
    """What the same launch says with no API at all, for comparison (same request id)."""
    device = make_device()
    device.clock = START
    if returning:
        device.launch()
        device.intent("AMAZON.StopIntent")
    device.send = numbered(device.send, "amzn1.echo-api.request.same")
    device.launch()
    return readable(device.ssml)


def numbered(send, request_id: str):
    def deliver(event):
        event["request"]["requestId"] = request_id
        return send(event)

    return deliver


def test_a_speaker_who_granted_their_name_is_welcomed_by_it(speaker, make_device, monkeypatch):
    device, api = speaker
    device.send = numbered(device.send, "amzn1.echo-api.request.same")
    device.launch()
    heard = readable(device.ssml)
    assert heard.split(".")[0] in {"Hi, Sam", "Hello, Sam", "Good to hear you, Sam"}
    assert api.asked == [(GIVEN_NAME_PATH, f"Bearer {GRANTED}")]
    plain = welcome_without_name(make_device, monkeypatch, returning=False)
    assert heard.endswith(plain)  # the name comes first; the welcome is the same


def test_the_name_is_asked_at_launch_only_and_greets_a_returning_speaker_too(speaker):
    device, api = speaker
    device.launch()
    device.intent("StrategyIntent", strategy="2")
    device.intent("AMAZON.StopIntent")
    assert len(api.asked) == 1
    device.clock = START + timedelta(days=1)
    device.launch()
    assert "Sam" in readable(device.ssml) and len(api.asked) == 2


def test_without_the_permission_the_welcome_is_unchanged(
    speaker, make_device, monkeypatch, caplog
):
    device, api = speaker
    device.api_access_token = NOT_GRANTED
    device.send = numbered(device.send, "amzn1.echo-api.request.same")
    with caplog.at_level(logging.DEBUG):
        device.launch()
    assert api.asked and "Sam" not in readable(device.ssml)
    assert readable(device.ssml) == welcome_without_name(make_device, monkeypatch, False)
    assert PERSON not in caplog.text and NOT_GRANTED not in caplog.text


def test_a_voice_alexa_does_not_recognise_is_never_looked_up(speaker):
    device, api = speaker
    device.person_id = None
    device.launch()
    assert api.asked == [] and "Sam" not in readable(device.ssml)


def test_a_slow_api_leaves_the_name_out_and_the_welcome_on_time(make_device, monkeypatch):
    with profile_api(delay=NAME_LOOKUP_TIMEOUT_SECONDS * 4 + 1) as api:
        monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, api.url)
        device = make_device()
        device.person_id, device.api_endpoint, device.api_access_token = PERSON, api.url, GRANTED
        started = time.monotonic()
        device.launch()
        elapsed = time.monotonic() - started
    assert api.asked and "Sam" not in readable(device.ssml)
    assert elapsed < 2 * NAME_LOOKUP_TIMEOUT_SECONDS + 0.5


@pytest.mark.parametrize("odd", ["", "   ", "<speak>Sam</speak>", "x" * 200, 42, None, ["Sam"]])
def test_an_answer_that_is_not_a_plausible_name_is_not_said(odd, make_device, monkeypatch):
    with profile_api(name=odd) as api:
        monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, api.url)
        device = make_device()
        device.person_id, device.api_endpoint, device.api_access_token = PERSON, api.url, GRANTED
        device.launch()
    assert api.asked and "<speak>" not in device.ssml[7:] and "xxxx" not in device.ssml


def test_an_endpoint_off_the_allow_list_never_gets_the_token(make_device):
    with profile_api() as api:  # not named in TRUST_COACH_API_ENDPOINTS
        device = make_device()
        device.person_id, device.api_endpoint, device.api_access_token = PERSON, api.url, GRANTED
        device.launch()
    assert api.asked == [] and "Sam" not in readable(device.ssml)
