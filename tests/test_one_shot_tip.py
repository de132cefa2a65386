"""The one-shot tip: "Alexa, ask Trust Coach for today's tip" answers and ends.

GIVEN a session whose first request is the tip intent (a one-shot, or an Alexa Routine),
THEN the tip is the whole answer and the session ends; the first few times, at most once a
day, one line says a daily reminder can be set. In a session already going, the tip asks its
question as before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trust_coach.content import catalog_for
from trust_coach.handlers.tips import REMINDER_HINTS

CATALOG = catalog_for("en-US")
HINT = "remind me every day"
START = datetime(2026, 3, 1, 7, tzinfo=UTC)


def said(device) -> str:
    return device.ssml


def one_shot_tip(device) -> dict:
    """A new session whose first request is the tip intent."""
    device.session_id = None
    device.attributes = {}
    return device.intent("DailyTipIntent")


def test_a_one_shot_tip_answers_and_ends(device):
    device.clock = START
    response = one_shot_tip(device)["response"]
    assert any(t.text in said(device) for t in CATALOG.tips)
    assert response["shouldEndSession"] is True
    assert "reprompt" not in response
    assert "strategy" not in said(device).lower()  # no question after the tip
    assert not device.session_open


def test_the_hint_comes_the_first_few_days_and_once_a_day(device):
    hinted_days = []
    for day in range(REMINDER_HINTS + 2):
        device.clock = START + timedelta(days=day)
        one_shot_tip(device)
        first = HINT in said(device)
        one_shot_tip(device)  # later the same day
        assert HINT not in said(device)
        if first:
            hinted_days.append(day)
    assert hinted_days == list(range(REMINDER_HINTS))


def test_the_hint_count_is_kept_in_the_stored_progress(make_device, store):
    device = make_device(user_id="amzn1.ask.account.hint-user")
    device.clock = START
    one_shot_tip(device)
    assert HINT in said(device)
    again = make_device(user_id="amzn1.ask.account.hint-user")  # another device, same user
    again.clock = START + timedelta(hours=3)
    one_shot_tip(again)
    assert HINT not in said(again)


def test_in_a_session_the_tip_asks_as_before_and_never_hints(device):
    device.clock = START
    device.launch()
    response = device.intent("DailyTipIntent")["response"]
    assert HINT not in said(device)
    assert device.session_open and response.get("reprompt")
