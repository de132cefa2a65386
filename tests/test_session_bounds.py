"""Session data is read with bounds: types, ranges and sizes. Anything out of bounds is
dropped or clamped, logged by kind, and never stored.

Found by an outside review: forged session attributes (possible wherever requests are not
verified) were stored as they came: `visits` 10^30, `strategies_heard` [-1, 99], a 3 MB
`extra` blob; and "step 999" of an exercise was spoken as "round 1000".
"""

from __future__ import annotations

import json
import logging

import pytest

from trust_coach.content import catalog_for
from trust_coach.speech import readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device

CATALOG = catalog_for("en-US")
BLOB = "x" * (3 * 1024 * 1024)


def said(device: Device) -> str:
    return readable(device.ssml)


def warnings(caplog: pytest.LogCaptureFixture) -> str:
    return " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def forge(device: Device, **progress: object) -> None:
    """Replace the session's copy of the progress with forged values, keeping the rest."""
    device.attributes["progress"] = {**device.attributes["progress"], **progress}


def test_forged_progress_in_the_session_is_bounded_before_it_is_stored(device, store, caplog):
    # GIVEN a session whose copy of the progress was forged
    device.launch()
    forge(
        device,
        visits=10**30,
        strategies_heard=[-1, 99, 2],
        extra={"blob": BLOB},
        tips_heard=["t"] * 10_000,
        exercises_done={f"e{n}": 10**30 for n in range(5_000)},
    )
    # WHEN a turn changes the progress and saves it
    caplog.set_level(logging.WARNING, logger="trust_coach")
    device.intent("StrategyIntent", strategy="3")
    # THEN it was answered, and what is stored is within bounds
    assert "Sorry" not in said(device)
    stored = store.load(user_key(device.user_id))
    assert stored.visits < 10**9
    assert stored.strategies_heard == [2, 3]
    assert "blob" not in stored.extra
    assert len(stored.tips_heard) <= 64
    assert len(stored.exercises_done) <= 64
    assert all(count < 10**9 for count in stored.exercises_done.values())
    assert len(json.dumps(stored.to_dict())) < 64 * 1024
    # AND the session's copy is bounded too, and the kinds of damage were logged, not values
    assert len(json.dumps(device.attributes)) < 64 * 1024
    logged = warnings(caplog)
    for kind in ("visits", "strategies_heard", "extra", "tips_heard", "exercises_done"):
        assert kind in logged
    assert BLOB[:100] not in logged and str(10**30) not in logged


def test_a_forged_exercise_step_is_never_spoken(device, store):
    # GIVEN a session that says the user left box breathing at step 999
    device.launch()
    forge(device, exercise={"id": "box", "rounds": 4, "step": 999})
    # WHEN they ask to continue
    device.intent("ResumeIntent")
    # THEN no round beyond the exercise's own is spoken, and nothing forged is stored
    assert "1000" not in said(device) and "999" not in said(device)
    assert "Sorry" not in said(device)
    exercise = store.load(user_key(device.user_id)).exercise
    assert exercise is None or exercise["step"] < 999


def test_a_forged_place_and_session_keys_are_not_kept(device, store):
    device.launch()
    device.attributes["place"] = {"area": "promise_confirm", "text": BLOB}
    device.attributes["sid"] = BLOB
    device.attributes["tz"] = BLOB
    device.attributes["base"] = {"visits": 10**30, "exercises_done": {"x": -5}}
    device.intent("AMAZON.YesIntent")
    assert "Sorry" not in said(device)
    device.intent("DailyTipIntent")
    assert "Sorry" not in said(device)
    record = json.dumps(store.load(user_key(device.user_id)).to_dict())
    assert BLOB[:100] not in record and len(record) < 64 * 1024
    assert BLOB[:100] not in json.dumps(device.attributes)


@pytest.mark.parametrize(
    "pending",
    ["strategy:99", "strategy:-1", "strategy:x", "exercise_offer:nope", "exercise:" + "x" * 5000],
)
def test_a_forged_question_is_answered_as_no_question(device, pending):
    device.launch()
    device.attributes["pending"] = pending
    device.intent("AMAZON.YesIntent")
    assert "Sorry" not in said(device)


@pytest.mark.parametrize("misses", [10**30, -1, "2", True, 1.5])
def test_a_forged_count_of_misunderstandings_counts_as_none(device, misses, caplog):
    device.launch()
    device.attributes["misses"] = misses
    device.intent("AMAZON.FallbackIntent")  # the first in a row: no menu yet
    assert "a breathing exercise" not in said(device)
    assert device.attributes.get("misses") == 1
    assert "misses" in warnings(caplog)
