"""Counts survive concurrency: two devices of one user, or a session that ran while the store
was down, each add what they counted (visits, exercises finished) instead of the larger count
winning. Found by the load run (tests/test_load.py), where two devices finishing an exercise
each in overlapping sessions were stored as one.
"""

from __future__ import annotations

from trust_coach.app import build_skill, handle_event
from trust_coach.device import Device
from trust_coach.state import Progress, merge
from trust_coach.store.base import StoreError, user_key
from trust_coach.store.sqlite import SqliteStore


def test_a_merge_adds_what_was_counted_since_the_base():
    base = Progress(visits=5, exercises_done={"breathing": 2})
    stored = Progress(version=7, visits=6, exercises_done={"breathing": 3})  # the other device
    mine = Progress(version=6, visits=6, exercises_done={"breathing": 3, "forgiveness": 1})
    merged = merge(stored, mine, base)
    assert merged.visits == 7
    assert merged.exercises_done == {"breathing": 4, "forgiveness": 1}
    assert merged.version == 7


def test_without_a_base_counts_never_go_down_as_before():
    stored = Progress(visits=6, exercises_done={"breathing": 3})
    mine = Progress(visits=2, exercises_done={"breathing": 1})
    merged = merge(stored, mine)
    assert merged.visits == 6 and merged.exercises_done == {"breathing": 3}


def test_a_save_that_conflicts_twice_adds_its_counts_once(tmp_path):
    store = SqliteStore(tmp_path / "p.sqlite3")
    key = user_key("amzn1.ask.account.twice")
    start = store.save(key, Progress(visits=1))
    mine = Progress.from_dict(start.to_dict())
    mine.visits = 2  # this device's visit
    for _ in range(2):  # two other devices visit meanwhile
        other = store.load(key)
        other.visits += 1
        store.save(key, other, base=store.load(key))
    saved = store.save(key, mine, base=start)
    assert saved.visits == 4
    assert store.load(key).visits == 4


def finish_an_exercise(device: Device) -> None:
    device.intent("BreathingIntent", rounds="1")  # the gentle breathing exercise
    for _ in range(20):
        if (device.attributes.get("place") or {}).get("done"):
            return
        device.intent("AMAZON.NextIntent")
    raise AssertionError("the exercise never finished")


def test_two_devices_in_overlapping_sessions_each_count(make_device, store):
    # GIVEN one user opening the skill on two devices at once
    kitchen = make_device()
    bedroom = make_device(user_id=kitchen.user_id)
    kitchen.launch()
    bedroom.launch()
    # WHEN each finishes a breathing exercise, one after the other's save
    finish_an_exercise(kitchen)
    finish_an_exercise(bedroom)
    kitchen.intent("AMAZON.StopIntent")
    bedroom.intent("AMAZON.StopIntent")
    # THEN both visits and both exercises are counted
    stored = store.load(user_key(kitchen.user_id))
    assert stored.visits == 2
    assert stored.exercises_done == {"gentle": 2}


class SwitchableStore(SqliteStore):
    """A store that can be taken down: every call fails while `down` is true."""

    down = False

    def read(self, key: str) -> Progress | None:
        if self.down:
            raise StoreError("unreachable")
        return super().read(key)

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        if self.down:
            raise StoreError("unreachable")
        super().write(key, progress, expected_version)


def test_a_session_during_an_outage_adds_its_counts_after_recovery(tmp_path):
    store = SwitchableStore(tmp_path / "p.sqlite3")
    skill = build_skill(store=store, skill_id=None)
    device = Device(lambda event: handle_event(skill, event))
    # GIVEN a user with two visits and one exercise stored
    for _ in range(2):
        device.launch()
        device.intent("AMAZON.StopIntent")
    device.launch()
    finish_an_exercise(device)
    device.intent("AMAZON.StopIntent")
    assert store.load(user_key(device.user_id)).visits == 3
    # WHEN they open the skill and finish an exercise while the store is down
    store.down = True
    device.launch()
    finish_an_exercise(device)
    store.down = False
    device.intent("AMAZON.StopIntent")  # the store is back: load, merge, save
    # THEN the visit and the exercise are added to what was stored
    stored = store.load(user_key(device.user_id))
    assert stored.visits == 4
    assert stored.exercises_done == {"gentle": 2}


class LateLandingStore(SqliteStore):
    """Its next write lands but the answer never comes, as when a request times out late."""

    lose_next_answer = False

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        super().write(key, progress, expected_version)
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise StoreError("read timeout")


def test_a_save_that_timed_out_but_landed_is_not_counted_twice(tmp_path):
    store = LateLandingStore(tmp_path / "p.sqlite3")
    skill = build_skill(store=store, skill_id=None)
    device = Device(lambda event: handle_event(skill, event))
    device.launch()
    device.intent("AMAZON.StopIntent")
    # GIVEN a session whose save of a finished exercise landed, though the skill heard a timeout
    device.launch()
    store.lose_next_answer = True
    finish_an_exercise(device)
    assert store.load(user_key(device.user_id)).exercises_done == {"gentle": 1}
    # WHEN the next turn saves again (its version is stale: a conflict, then a merge)
    device.intent("DailyTipIntent")
    device.intent("AMAZON.StopIntent")
    # THEN the exercise and the visit are counted once, and the tip is kept
    stored = store.load(user_key(device.user_id))
    assert stored.exercises_done == {"gentle": 1}
    assert stored.visits == 2
    assert stored.tip_id is not None


def test_the_record_remembers_only_its_latest_writes(tmp_path):
    store = SqliteStore(tmp_path / "p.sqlite3")
    key = user_key("amzn1.ask.account.writes")
    progress = Progress()
    for n in range(20):
        progress = store.save(key, progress, write_id=f"w{n}")
    assert store.load(key).writes == [f"w{n}" for n in range(12, 20)]


class RetriedAfterLandingStore(SqliteStore):
    """Its next write lands, the answer is lost and the client retries it: a conflict."""

    retry_next = False

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        super().write(key, progress, expected_version)
        if self.retry_next:
            self.retry_next = False
            super().write(key, progress, expected_version)  # the retry: VersionConflict


def test_a_write_whose_retry_conflicts_with_itself_is_counted_once(tmp_path):
    store = RetriedAfterLandingStore(tmp_path / "p.sqlite3")
    key = user_key("amzn1.ask.account.retried")
    start = store.save(key, Progress(visits=1))
    mine = Progress.from_dict(start.to_dict())
    mine.visits = 2
    store.retry_next = True
    saved = store.save(key, mine, base=start, write_id="w-retried")
    assert saved.visits == 2
    assert store.load(key).visits == 2


def test_a_newer_copy_without_a_strategy_keeps_the_stored_one():
    # Found by the load run: a session that ran while the store was down (its copy started
    # empty) did an exercise, which is newer, and its merge dropped the strategy the user
    # was on, so "continue" had nothing to continue.
    stored = Progress(version=3, last_strategy=4, position_at=100.0, strategies_heard=[4])
    mine = Progress(position_at=200.0, exercises_done={"gentle": 1})
    merged = merge(stored, mine, base=Progress())
    assert merged.last_strategy == 4
    assert merged.position_at == 200.0 and merged.exercises_done == {"gentle": 1}
