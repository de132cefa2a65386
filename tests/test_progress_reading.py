"""Reading progress: whatever a record or a session holds, what comes out is within bounds,
and reading it again changes nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from envelope_strategies import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from trust_coach.state import (
    MAX_COUNT,
    MAX_EXTRA_BYTES,
    MAX_KINDS,
    MAX_PRACTICE_DAYS,
    MAX_SESSIONS_REMEMBERED,
    MAX_STRATEGY_NUMBER,
    MAX_TIPS_REMEMBERED,
    Progress,
)

FIELDS = list(Progress().to_dict())
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
    | st.sampled_from(["2026-03-02", "gentle", "box", "2026-13-40", "x" * 100])
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(st.text(max_size=6) | st.sampled_from(["id", "rounds", "step"]), inner)
    ),
    max_leaves=24,
)


def within_bounds(progress: Progress) -> None:
    assert type(progress.visits) is int and 0 <= progress.visits <= MAX_COUNT
    assert all(1 <= n <= MAX_STRATEGY_NUMBER for n in progress.strategies_heard)
    assert progress.last_strategy is None or 1 <= progress.last_strategy <= MAX_STRATEGY_NUMBER
    assert len(progress.tips_heard) <= MAX_TIPS_REMEMBERED
    assert len(progress.practice_days) <= MAX_PRACTICE_DAYS
    assert len(progress.exercises_done) <= MAX_KINDS
    assert all(0 <= n <= MAX_COUNT for n in progress.exercises_done.values())
    assert len(json.dumps(progress.extra)) <= MAX_EXTRA_BYTES
    assert len(progress.sessions) <= MAX_SESSIONS_REMEMBERED
    assert isinstance(progress.position_at, float)
    if progress.exercise is not None:
        assert set(progress.exercise) == {"id", "rounds", "step"}


@pytest.mark.slow  # fuzzing
@fuzz_settings(600)
@given(st.dictionaries(st.sampled_from(FIELDS), values, max_size=8) | values)
def test_any_record_reads_within_bounds_and_reads_again_the_same(raw: Any):
    damage: list[str] = []
    progress = Progress.from_dict(raw, damage)
    within_bounds(progress)
    again = Progress.from_dict(json.loads(json.dumps(progress.to_dict())))
    assert again == progress
    assert again.fingerprint() == progress.fingerprint()


@pytest.mark.slow  # fuzzing
@fuzz_settings(400)
@given(st.dictionaries(st.text(max_size=14) | st.integers(), values, max_size=12) | values)
def test_session_entries_are_kept_only_well_formed_and_as_plain_ints(raw: Any):
    sessions = Progress.from_dict({"sessions": raw, "visits": 1}).sessions
    assert len(sessions) <= MAX_SESSIONS_REMEMBERED
    for sid, entry in sessions.items():
        assert isinstance(sid, str) and set(entry) == {"seq", "at", "visits", "done"}
        counts = [entry["seq"], entry["at"], entry["visits"], *entry["done"].values()]
        assert all(type(n) is int and n >= 0 for n in counts)
        assert all(isinstance(key, str) for key in entry["done"])
    assert Progress.from_dict(Progress(sessions=sessions).to_dict()).sessions == sessions


def test_damage_is_reported_by_field_never_by_value():
    damage: list[str] = []
    progress = Progress.from_dict(
        {"visits": 10**30, "tip_date": "yesterday", "extra": {"blob": "x" * 10_000}}, damage
    )
    assert damage == ["tip_date", "visits", "extra"]
    assert progress.visits == MAX_COUNT and progress.tip_date is None and progress.extra == {}


def test_numbers_from_dynamodb_become_plain():
    progress = Progress.from_dict(
        {"visits": Decimal(3), "extra": {"pace": [Decimal("1.5"), Decimal(2)]}}
    )
    assert progress.visits == 3 and type(progress.visits) is int
    assert progress.extra == {"pace": [1.5, 2]} and type(progress.extra["pace"][1]) is int
