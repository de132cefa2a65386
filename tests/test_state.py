"""Progress records: tolerant loading, bounded size, and merges that lose nothing."""

from datetime import date, timedelta

from trust_coach.state import MAX_PRACTICE_DAYS, MAX_TIPS_REMEMBERED, Progress, merge


def test_round_trip():
    progress = Progress(last_strategy=3, strategies_heard=[1, 3], tips_heard=["a"], visits=2)
    assert Progress.from_dict(progress.to_dict()) == progress


def test_wrong_types_fall_back_to_defaults_field_by_field():
    raw = {
        "last_strategy": "three",
        "visits": 4,
        "tips_heard": ["a", 2],
        "exercises_done": {"x": "y"},
        "strategies_heard": [1, 2],
        "unknown": 1,
        "position_at": True,
    }
    progress = Progress.from_dict(raw)
    assert progress.last_strategy is None and progress.visits == 4
    assert progress.tips_heard == [] and progress.exercises_done == {}
    assert progress.strategies_heard == [1, 2] and progress.position_at == 0.0
    assert Progress.from_dict("garbage") == Progress()


def test_decimals_from_dynamodb_become_numbers():
    from decimal import Decimal

    progress = Progress.from_dict({"visits": Decimal(3), "position_at": Decimal("1.5")})
    assert progress.visits == 3 and isinstance(progress.visits, int)
    assert progress.position_at == 1.5


def test_history_stays_bounded():
    progress = Progress(tips_heard=[f"t{n}" for n in range(500)])
    for day in range(100):
        progress.record_practice((date(2026, 1, 1) + timedelta(days=day)).isoformat())
    loaded = Progress.from_dict(progress.to_dict())
    assert len(loaded.tips_heard) == MAX_TIPS_REMEMBERED
    assert len(loaded.practice_days) == MAX_PRACTICE_DAYS


def test_fingerprint_ignores_version_only():
    a = Progress(visits=1, version=1)
    b = Progress(visits=1, version=7)
    assert a.fingerprint() == b.fingerprint()
    b.visits = 2
    assert a.fingerprint() != b.fingerprint()


def test_merge_unions_sets_keeps_counters_and_newest_position():
    stored = Progress(version=5, last_strategy=2, position_at=100, strategies_heard=[1, 2],
                      tips_heard=["a"], visits=7, exercises_done={"box": 2})  # fmt: skip
    mine = Progress(version=4, last_strategy=4, position_at=200, strategies_heard=[4],
                    tips_heard=["b"], visits=3, exercises_done={"box": 1, "478": 1})  # fmt: skip
    merged = merge(stored, mine)
    assert merged.version == 5
    assert merged.last_strategy == 4
    assert merged.strategies_heard == [1, 2, 4]
    assert set(merged.tips_heard) == {"a", "b"}
    assert merged.visits == 7
    assert merged.exercises_done == {"box": 2, "478": 1}
    older_position = merge(mine, stored)
    assert older_position.last_strategy == 4


def test_merge_keeps_counters_that_later_features_store_in_extra():
    stored = Progress(position_at=100, extra={"promise_counts": {"heard": 3, "kept": 2}})
    mine = Progress(position_at=200, extra={"promise_counts": {"heard": 2, "missed": 1}})
    merged = merge(stored, mine)
    assert merged.extra["promise_counts"] == {"heard": 3, "kept": 2, "missed": 1}
