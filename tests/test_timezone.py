"""The user's "day" follows the device's time zone, looked up quickly or not at all."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from stand_in_api import Call, stand_in

from trust_coach.alexa_api import EXTRA_ENDPOINTS_ENV, api_base
from trust_coach.budget import LOOKUP_TIMEOUT_SECONDS
from trust_coach.timezone import local_date


@contextmanager
def settings_api(zone: str, delay: float = 0.0) -> Iterator[tuple[str, list[str]]]:
    """A local stand-in for the Alexa Settings API; yields its URL and the paths it was asked."""
    asked: list[str] = []

    def answer(call: Call) -> tuple[int, str]:
        asked.append(call.path)
        time.sleep(delay)
        return 200, zone

    with stand_in(answer) as url:
        yield url, asked


@pytest.fixture(autouse=True)
def api_allowed(monkeypatch):
    """The stand-in API's address, on the list only through the environment, as for tools."""

    def allow(url: str) -> None:
        monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, url)

    return allow


def with_api(device, url):
    original = device.envelope

    def envelope(request):
        event = original(request)
        event["context"]["System"]["apiEndpoint"] = url
        event["context"]["System"]["apiAccessToken"] = "token"
        return event

    device.envelope = envelope


def test_local_date_crosses_midnight_by_zone():
    moment = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    assert local_date(moment, "UTC") == "2026-05-01"
    assert local_date(moment, "America/Los_Angeles") == "2026-04-30"
    assert local_date(moment, "Not/AZone") == "2026-05-01"


def test_tip_day_follows_the_device_zone_and_is_asked_once_per_session(device, api_allowed):
    # 03:30 UTC on May 1st is still April 30th in Los Angeles.
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with settings_api("America/Los_Angeles") as (url, asked):
        api_allowed(url)
        with_api(device, url)
        device.launch()
        device.intent("DailyTipIntent")
        device.intent("DailyTipIntent")
    assert len(asked) == 1 and asked[0].endswith("/settings/System.timeZone")
    assert device.attributes["progress"]["tip_date"] == "2026-04-30"


def test_a_welcome_back_asks_for_the_zone_only_with_a_promise_to_follow_up(device, api_allowed):
    # The date matters at launch only to ask about a promise made a few days ago.
    device.clock = datetime(2026, 5, 1, 9, tzinfo=UTC)
    with settings_api("Europe/London") as (url, asked):
        api_allowed(url)
        with_api(device, url)
        device.launch()
        device.intent("AMAZON.StopIntent")
        device.launch()  # a returning user with no promise: no lookup
        assert asked == []
        device.intent("PromiseIntent", promise="to call when I'm late")
        device.intent("AMAZON.YesIntent")  # keeping it needs the date: one lookup
        device.intent("AMAZON.StopIntent")
        device.clock = datetime(2026, 5, 3, 9, tzinfo=UTC)
        device.launch()  # two days on: the welcome asks how it went
    assert len(asked) == 2
    assert "call when I'm late" in device.ssml


def test_a_slow_settings_api_falls_back_to_utc_quickly(device, api_allowed):
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with settings_api("America/Los_Angeles", delay=LOOKUP_TIMEOUT_SECONDS + 1) as (url, _):
        api_allowed(url)
        with_api(device, url)
        device.launch()
        started = time.monotonic()
        device.intent("DailyTipIntent")
        elapsed = time.monotonic() - started
    assert elapsed < LOOKUP_TIMEOUT_SECONDS + 0.5
    assert device.attributes["progress"]["tip_date"] == "2026-05-01"


def test_remote_plain_http_is_never_asked(device):
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with_api(device, "http://example.com")
    device.launch()
    device.intent("DailyTipIntent")
    assert device.attributes["progress"]["tip_date"] == "2026-05-01"


def test_a_local_service_named_by_the_request_never_gets_the_token(device):
    # GIVEN a request (forged: nothing verified it) naming a local service as its API
    device.clock = datetime(2026, 5, 1, 3, 30, tzinfo=UTC)
    with settings_api("America/Los_Angeles") as (url, asked):
        with_api(device, url)
        device.launch()
        device.intent("DailyTipIntent")
    # THEN the skill does not call it, and the day is UTC's
    assert asked == []
    assert device.attributes["progress"]["tip_date"] == "2026-05-01"


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.amazonalexa.com",
        "https://api.eu.amazonalexa.com/",
        "https://API.FE.amazonalexa.com:443",
    ],
)
def test_amazons_api_hosts_are_allowed(endpoint):
    assert api_base(endpoint) == endpoint.lower().rstrip("/").removesuffix(":443")


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://api.amazonalexa.com",
        "https://api.amazonalexa.com.evil.example",
        "https://evil.example@api.amazonalexa.com",
        "https://api.amazonalexa.com@evil.example",
        "https://api.amazonalexa.com:8443",
        "https://api.amazonalexa.com/internal/admin",
        "https://api.amazonalexa.com?x=1",
        "https://[x/",
        "https://169.254.169.254",
        "",
        None,
        42,
    ],
)
def test_anything_else_is_refused(endpoint):
    assert api_base(endpoint) is None


def test_the_environment_adds_base_urls_and_nothing_else_does(monkeypatch):
    monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, "http://127.0.0.1:8123, http://localhost:9")
    assert api_base("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
    assert api_base("http://localhost:9/") == "http://localhost:9"
    assert api_base("http://127.0.0.1:8124") is None
