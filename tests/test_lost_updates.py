"""Counts survive concurrency: two devices of one user, or a session that ran while the store
was down, each add what they counted (visits, exercises finished) instead of the larger count
winning. Found by the load run (tests/test_load.py), where two devices finishing an exercise
each in overlapping sessions were stored as one.
"""

from __future__ import annotations

from trust_coach.app import build_skill, handle_event
from trust_coach.state import (
    MAX_SESSIONS_REMEMBERED,
    SESSION_MEMORY_SECONDS,
    Progress,
    merge,
)
from trust_coach.store.base import StoreError, user_key
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device


def test_a_merge_adds_what_the_session_counted_beyond_its_stored_entry():
    # The other device's session counted a visit and an exercise; this session has counted a
    # visit and one more exercise, one of them already stored by an earlier save of its own.
    stored = Progress(
        version=7,
        visits=6,
        exercises_done={"breathing": 3},
        sessions={"other": {"at": 5, "visits": 1, "done": {"breathing": 1}},
                  "mine": {"at": 4, "visits": 1, "done": {}}},
    )  # fmt: skip
    mine = Progress(
        version=6,
        visits=6,
        exercises_done={"breathing": 2, "forgiveness": 1},
        sessions={"mine": {"at": 9, "visits": 1, "done": {"forgiveness": 1}}},
    )
    merged = merge(stored, mine, "mine")
    assert merged.visits == 6  # this session's visit is stored already
    assert merged.exercises_done == {"breathing": 3, "forgiveness": 1}
    assert merged.version == 7
    assert merged.sessions["mine"]["done"] == {"forgiveness": 1}
    assert merged.sessions["other"] == stored.sessions["other"]


def test_a_merge_never_brings_back_a_session_entry_the_store_pruned():
    stored = Progress(sessions={"new": {"at": 9, "visits": 1, "done": {}}})
    mine = Progress(sessions={"gone": {"at": 1, "visits": 3, "done": {}},
                              "mine": {"at": 9, "visits": 1, "done": {}}})  # fmt: skip
    assert set(merge(stored, mine, "mine").sessions) == {"new", "mine"}


def test_without_a_session_counts_never_go_down():
    stored = Progress(visits=6, exercises_done={"breathing": 3})
    mine = Progress(visits=2, exercises_done={"breathing": 1, "gentle": 1})
    merged = merge(stored, mine)
    assert merged.visits == 6 and merged.exercises_done == {"breathing": 3, "gentle": 1}


def counted(progress: Progress, session_id: str, visits: int) -> Progress:
    """`progress` carrying a session's entry: it counted `visits` visits in all."""
    progress.sessions[session_id] = {"at": 1, "visits": visits, "done": {}}
    return progress


def test_a_save_that_conflicts_twice_adds_its_counts_once(tmp_path):
    store = SqliteStore(tmp_path / "p.sqlite3")
    key = user_key("amzn1.ask.account.twice")
    start = store.save(key, Progress(visits=1))
    mine = Progress.from_dict(start.to_dict())
    mine.visits = 2  # this device's visit
    for n in range(2):  # two other devices visit meanwhile
        other = store.load(key)
        other.visits += 1
        store.save(key, counted(other, f"other-{n}", 1), f"other-{n}")
    saved = store.save(key, counted(mine, "mine", 1), "mine")
    assert saved.visits == 4
    assert store.load(key).visits == 4


def finish_an_exercise(device: Device) -> None:
    device.intent("BreathingIntent", rounds="1")  # a round of gentle breathing: one response
    device.intent("AMAZON.RepeatIntent")  # after it was heard (so counted): the close again
    assert (device.attributes.get("place") or {}).get("done"), device.attributes


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


class LateLandingStore(SwitchableStore):
    """Its next write lands but the answer never comes, as when a request times out late;
    it can also be taken down."""

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


def test_a_landed_save_followed_by_many_failed_ones_is_counted_once(tmp_path):
    # Found by the 50-user load run with the store frozen for 10 s: the first save of the
    # outage landed, a dozen more failed, and the skill had kept only the latest eight saves'
    # ids, so the landed one was not recognised and its exercise was counted again.
    store = LateLandingStore(tmp_path / "p.sqlite3")
    skill = build_skill(store=store, skill_id=None)
    device = Device(lambda event: handle_event(skill, event))
    device.launch()
    # GIVEN a finished exercise whose save landed unanswered, and then the store went away
    store.lose_next_answer = True
    finish_an_exercise(device)
    store.down = True
    for _ in range(12):  # every turn that changed progress tries, and fails, to save
        device.intent("AMAZON.HelpIntent")
        device.intent("DailyTipIntent")
    # WHEN the store is back and the session saves
    store.down = False
    device.intent("AMAZON.StopIntent")
    # THEN the visit and the exercise are counted once
    stored = store.load(user_key(device.user_id))
    assert stored.visits == 1
    assert stored.exercises_done == {"gentle": 1}


def test_the_record_remembers_only_its_latest_sessions(tmp_path):
    store = SqliteStore(tmp_path / "p.sqlite3")
    key = user_key("amzn1.ask.account.sessions")
    progress = Progress()
    for n in range(MAX_SESSIONS_REMEMBERED + 4):
        progress.visits += 1
        progress.sessions[f"s{n}"] = {"at": n, "visits": 1, "done": {}}
        progress = store.save(key, progress, f"s{n}")
    stored = store.load(key)
    assert sorted(stored.sessions, key=lambda sid: int(sid[1:])) == [
        f"s{n}" for n in range(4, MAX_SESSIONS_REMEMBERED + 4)
    ]
    assert stored.visits == MAX_SESSIONS_REMEMBERED + 4


def test_entries_a_day_older_than_the_newest_are_dropped():
    day = SESSION_MEMORY_SECONDS
    progress = Progress.from_dict(
        {"sessions": {"old": {"at": 1000, "visits": 1, "done": {}},
                      "day": {"at": 1000 + 1, "visits": 1, "done": {}},
                      "new": {"at": 1001 + day, "visits": 1, "done": {}}}}
    )  # fmt: skip
    assert set(progress.sessions) == {"day", "new"}


def test_a_damaged_session_entry_is_dropped_when_loaded():
    progress = Progress.from_dict(
        {"visits": 2, "sessions": {"good": {"at": 1, "visits": 1, "done": {"gentle": 1}},
                                   "bad": {"visits": "x"}, "worse": [1]}}
    )  # fmt: skip
    assert set(progress.sessions) == {"good"}


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
    saved = store.save(key, counted(mine, "mine", 1), "mine")
    assert saved.visits == 2
    assert store.load(key).visits == 2


def test_a_newer_copy_without_a_strategy_keeps_the_stored_one():
    # Found by the load run: a session that ran while the store was down (its copy started
    # empty) did an exercise, which is newer, and its merge dropped the strategy the user
    # was on, so "continue" had nothing to continue.
    stored = Progress(version=3, last_strategy=4, position_at=100.0, strategies_heard=[4])
    mine = Progress(position_at=200.0, exercises_done={"gentle": 1})
    mine.sessions["mine"] = {"at": 1, "visits": 0, "done": {"gentle": 1}}
    merged = merge(stored, mine, "mine")
    assert merged.last_strategy == 4
    assert merged.position_at == 200.0 and merged.exercises_done == {"gentle": 1}


def test_only_sessions_that_counted_something_keep_an_entry(make_device, store):
    device = make_device()
    device.intent("StrategyIntent", strategy="2")  # a one-shot request: no visit counted
    device.intent("AMAZON.StopIntent")
    assert store.load(user_key(device.user_id)).sessions == {}
    device.launch()
    device.intent("AMAZON.StopIntent")
    entries = list(store.load(user_key(device.user_id)).sessions.values())
    assert [(entry["visits"], entry["done"]) for entry in entries] == [(1, {})]
