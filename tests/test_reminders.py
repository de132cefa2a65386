"""The daily tip reminder, by voice, against a local stand-in for the Alexa API.

GIVEN a user on a device whose requests name the stand-in as their API endpoint (allowed only
through TRUST_COACH_API_ENDPOINTS), WHEN they ask for, about, or to stop a daily reminder, THEN
the skill makes the documented calls (checked by the stand-in) and says what happened,
including when the permission is missing, refused, unanswered, or the API fails or hangs.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from reminders_api import ACCESS, FakeAlexaApi

from trust_coach.alexa_api import EXTRA_ENDPOINTS_ENV
from trust_coach.budget import API_TIMEOUT_SECONDS, TURN_BUDGET_SECONDS, api_timeout
from trust_coach.handlers.reminders import TIME_TAG
from trust_coach.reminders import (
    REMINDERS_SCOPE,
    DailyTime,
    Failure,
    RemindersApi,
    RemindersError,
    daily_reminder,
)
from trust_coach_tools.nlu import Understanding
from trust_coach_tools.skill_package import MANIFEST_PATH

# 16:00 UTC is 09:00 in Los Angeles: 8 a.m. there has passed, so the first one is tomorrow.
NOW = datetime(2026, 5, 1, 16, 0, tzinfo=UTC)
SCOPE = REMINDERS_SCOPE


@pytest.fixture
def api(monkeypatch):
    fake = FakeAlexaApi()
    fake.start()
    monkeypatch.setenv(EXTRA_ENDPOINTS_ENV, fake.url)
    yield fake
    fake.stop()
    assert fake.problems == [], fake.problems


@pytest.fixture
def user(device, api):
    """A device whose requests carry the stand-in's address and an API token."""
    original = device.envelope

    def envelope(request):
        event = original(request)
        event["context"]["System"]["apiEndpoint"] = api.url
        event["context"]["System"]["apiAccessToken"] = ACCESS
        return event

    device.envelope = envelope
    device.clock = NOW
    return device


def directives(device):
    return device.last["response"].get("directives") or []


def card(device):
    return device.last["response"].get("card")


def ended(device):
    return device.last["response"].get("shouldEndSession") is True


def rule(hour, minute=0):
    return f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"


def tagged(time: str) -> str:
    """An AskFor token as the skill makes them: the time asked, tagged."""
    return TIME_TAG + time


def ask_for_permission(user):
    """One-shot "ask Trust Coach to remind me every day at eight", with no permission yet."""
    user.intent("SetReminderIntent", time="08:00")
    (directive,) = directives(user)
    return directive


# The consent conversation --------------------------------------------------------------------
def test_no_permission_asks_for_it_by_voice_then_accepted_sets_the_reminder(user, api):
    # WHEN a user without the permission asks for a reminder at 8
    directive = ask_for_permission(user)
    # THEN the skill tried the API (401), says what will happen, and hands over to Alexa
    assert [c.method for c in api.calls()] == ["GET"]
    assert "8 a.m." in user.ssml
    assert directive == {
        "type": "Connections.SendRequest",
        "name": "AskFor",
        "payload": {
            "@type": "AskForPermissionsConsentRequest",
            "@version": "1",
            "permissionScope": SCOPE,
        },
        "token": "reminder:08:00",
    }
    assert "shouldEndSession" not in user.last["response"]
    assert "reprompt" not in user.last["response"]
    assert not api.calls("POST")
    # WHEN the user says yes to Alexa, and Alexa sends the answer back
    api.granted = True
    user.connections_response(
        "AskFor", {"permissionScope": SCOPE, "status": "ACCEPTED"}, token=directive["token"]
    )
    # THEN the daily reminder is created at 8 in the device's zone, starting tomorrow there
    (created,) = api.calls("POST")
    assert created.path == "/v1/alerts/reminders"
    trigger = created.body["trigger"]
    assert trigger["timeZoneId"] == "America/Los_Angeles"
    assert trigger["recurrence"] == {
        "startDateTime": "2026-05-02T08:00:00.000",
        "recurrenceRules": [rule(8)],
    }
    # Alexa's answer came once the question had been heard: a few seconds after nine there.
    assert created.body["requestTime"].startswith("2026-05-01T09:00:")
    text = created.body["alertInfo"]["spokenInfo"]["content"][0]
    assert text["locale"] == "en-US" and "ask Trust Coach for today's tip" in text["text"]
    assert created.body["pushNotification"] == {"status": "ENABLED"}
    assert "8 a.m." in user.ssml and "every day" in user.ssml.lower()
    assert ended(user)
    assert len(api.reminders) == 1


def test_denied_sets_nothing_and_says_so_kindly(user, api):
    directive = ask_for_permission(user)
    user.connections_response(
        "AskFor", {"permissionScope": SCOPE, "status": "DENIED"}, token=directive["token"]
    )
    assert "no reminder" in user.ssml.lower()
    assert card(user) is None
    assert not api.calls("POST") and ended(user)


def test_not_answered_sends_the_permissions_card(user, api):
    directive = ask_for_permission(user)
    user.connections_response(
        "AskFor", {"permissionScope": SCOPE, "status": "NOT_ANSWERED"}, token=directive["token"]
    )
    assert card(user) == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert "haven't set a reminder" in user.ssml and "Alexa app" in user.ssml
    assert not api.calls("POST") and ended(user)


def test_a_device_that_cannot_ask_falls_back_to_the_card(user, api):
    directive = ask_for_permission(user)
    user.connections_response("AskFor", {"permissionScope": SCOPE}, code="400", token=tagged("x"))
    assert directive["token"] == tagged("08:00")
    assert card(user) == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert "Alexa app" in user.ssml and not api.calls("POST")


def test_accepted_with_a_forged_token_uses_the_default_time(user, api):
    api.granted = True
    user.connections_response(
        "AskFor", {"permissionScope": SCOPE, "status": "ACCEPTED"}, token=tagged("99:99")
    )
    (created,) = api.calls("POST")
    assert created.body["trigger"]["recurrence"]["recurrenceRules"] == [rule(8)]


def test_accepted_but_still_refused_sends_the_card_instead_of_asking_again(user, api):
    user.connections_response(
        "AskFor", {"permissionScope": SCOPE, "status": "ACCEPTED"}, token=tagged("07:30")
    )
    assert not directives(user)
    assert card(user) == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert ended(user)


def test_another_permissions_answer_is_not_taken_for_this_one(user, api):
    api.granted = True
    user.connections_response(
        "AskFor", {"permissionScope": "alexa::profile:given_name:read", "status": "ACCEPTED"}
    )
    assert not api.calls("POST")


# With the permission -----------------------------------------------------------------------
def test_a_time_of_day_and_no_time_at_all_become_an_hour(user, api):
    api.granted = True
    user.intent("SetReminderIntent", time="EV")
    assert api.calls("POST")[-1].body["trigger"]["recurrence"]["recurrenceRules"] == [rule(19)]
    assert "7 p.m." in user.ssml
    api.reminders.clear()
    user.intent("SetReminderIntent")
    assert api.calls("POST")[-1].body["trigger"]["recurrence"]["recurrenceRules"] == [rule(8)]
    assert "8 a.m." in user.ssml and "another time" in user.ssml


def test_a_second_time_changes_the_reminder_instead_of_adding_one(user, api):
    api.granted = True
    token = api.add(8)
    user.intent("SetReminderIntent", time="21:30")
    (changed,) = api.calls("PUT")
    assert changed.path == f"/v1/alerts/reminders/{token}"
    assert changed.body["trigger"]["recurrence"]["recurrenceRules"] == [rule(21, 30)]
    assert not api.calls("POST") and len(api.reminders) == 1
    assert "9:30 p.m." in user.ssml and "8 a.m." in user.ssml


def test_the_same_time_again_changes_nothing(user, api):
    api.granted = True
    api.add(8)
    user.intent("SetReminderIntent", time="08:00")
    assert not api.calls("PUT") and not api.calls("POST")
    assert "already" in user.ssml


def test_when_is_my_reminder(user, api):
    api.granted = True
    user.intent("ReminderStatusIntent")
    assert "don't have a daily tip reminder" in user.ssml
    api.add(20, 15)
    user.intent("ReminderStatusIntent")
    assert "8:15 p.m." in user.ssml
    assert [c.method for c in api.calls()] == ["GET", "GET"]


def test_when_is_my_reminder_without_the_permission(user, api):
    user.intent("ReminderStatusIntent")
    assert "isn't allowed to set reminders" in user.ssml
    assert not directives(user)  # a question about it never asks for the permission


def test_stop_my_reminders_deletes_it(user, api):
    api.granted = True
    token = api.add(8)
    user.intent("StopRemindersIntent")
    (deleted,) = api.calls("DELETE")
    assert deleted.path == f"/v1/alerts/reminders/{token}" and deleted.body is None
    assert api.reminders == {}
    assert "stopped your daily tip reminder" in user.ssml
    user.intent("StopRemindersIntent")
    assert "nothing to stop" in user.ssml


def test_a_full_reminder_list(user, api):
    api.granted = True
    api.full = True
    user.intent("SetReminderIntent", time="08:00")
    assert len(api.calls("POST")) == 1
    assert "reminder list is full" in user.ssml
    assert api.reminders == {}


INTENTS = ["SetReminderIntent", "ReminderStatusIntent", "StopRemindersIntent"]


@pytest.mark.parametrize("intent", INTENTS)
def test_an_api_error_gets_a_clear_answer(user, api, intent):
    api.fail_with = 500
    user.intent(intent)
    assert "couldn't reach your reminders" in user.ssml
    assert ended(user)  # a one-shot still ends


def test_a_hanging_api_is_given_up_on_inside_the_budget(user, api):
    api.granted = True
    api.delay = 2 * TURN_BUDGET_SECONDS
    user.launch()
    started = time.monotonic()
    user.intent("SetReminderIntent", time="08:00")
    elapsed = time.monotonic() - started
    assert elapsed < 2 * API_TIMEOUT_SECONDS + 0.5 < TURN_BUDGET_SECONDS
    assert "couldn't reach your reminders" in user.ssml
    assert user.session_open  # in a session already going: "anything else?"


def test_in_a_session_the_answer_asks_for_anything_else(user, api):
    api.granted = True
    user.launch()
    user.intent("SetReminderIntent", time="08:00")
    assert "8 a.m." in user.ssml and user.session_open
    user.intent("AMAZON.NoIntent")
    assert not user.session_open


def test_an_endpoint_not_on_the_list_never_gets_the_token(user, api, monkeypatch):
    monkeypatch.delenv(EXTRA_ENDPOINTS_ENV)
    api.granted = True
    user.intent("SetReminderIntent", time="08:00")
    assert api.seen == []
    assert "couldn't reach your reminders" in user.ssml


def test_danger_still_comes_first_after_the_permission_request(user, api):
    ask_for_permission(user)
    user.intent("CrisisIntent")
    assert "988" in user.ssml or "telephone" in user.ssml


@pytest.mark.parametrize(
    ("said", "intent", "value"),
    [
        ("remind me every day at eight", "SetReminderIntent", "08:00"),
        ("remind me of the tip every morning", "SetReminderIntent", None),
        ("remind me at nine thirty p m", "SetReminderIntent", "21:30"),
        ("when is my reminder", "ReminderStatusIntent", None),
        ("stop my reminders", "StopRemindersIntent", None),
    ],
)
def test_the_words_in_the_issue_reach_the_reminder_intents(said, intent, value):
    match = Understanding.for_locale("en-US").resolve(said)
    assert match.intent == intent
    assert (match.slots.get("time") or {}).get("value") == value


def test_the_manifest_asks_for_the_permission_and_tells_of_the_routine():
    manifest = json.loads(MANIFEST_PATH.read_text())["manifest"]
    assert {"name": SCOPE} in manifest["permissions"]
    for locale, info in manifest["publishingInformation"]["locales"].items():
        assert "remind me every day" in info["description"], locale
        assert "Routine" in info["description"] and "good morning" in info["description"]


# The pieces underneath ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("slot", "expected"),
    [("08:00", (8, 0)), ("20:30", (20, 30)), ("MO", (8, 0)), ("NI", (21, 0)), ("ev", (19, 0))],
)
def test_what_amazon_time_sends_becomes_a_time_of_day(slot, expected):
    assert DailyTime.from_slot(slot) == DailyTime(*expected)


@pytest.mark.parametrize("slot", [None, "", "T08", "24:00", "8:00", "XX", "2026-05-01"])
def test_anything_else_is_no_time(slot):
    assert DailyTime.from_slot(slot) is None


def test_a_zone_known_only_as_the_fallback_is_left_to_the_device():
    # 06:00 UTC: 8 a.m. has not come yet today, so the first is today
    body = daily_reminder(DailyTime(8), "UTC", datetime(2026, 5, 1, 6, tzinfo=UTC), "en-GB", "x")
    assert "timeZoneId" not in body["trigger"]
    assert body["trigger"]["recurrence"]["startDateTime"] == "2026-05-01T08:00:00.000"
    assert body["alertInfo"]["spokenInfo"]["content"] == [{"locale": "en-GB", "text": "x"}]


def test_with_no_time_left_in_the_turn_no_call_is_made(api):
    assert api_timeout(TURN_BUDGET_SECONDS) == 0
    client = RemindersApi.for_request(api.url, ACCESS, lambda: api_timeout(TURN_BUDGET_SECONDS))
    with pytest.raises(RemindersError) as raised:
        client.list()
    assert raised.value.failure is Failure.UNAVAILABLE
    assert api.seen == []
