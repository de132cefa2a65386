"""One contract, both stores: SQLite on a temporary file, DynamoDB on a real server over HTTP.

GIVEN a store WHEN progress is loaded, saved, raced or deleted THEN no update is lost, the
record carries its expiry, numbers come back as they went in, and it stays small.
"""

from __future__ import annotations

import json
import sys
from datetime import date, timedelta

import pytest
from ask_sdk_model import RequestEnvelope
from ask_sdk_model.context import Context
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.user import User

from trust_coach.content import catalog_for
from trust_coach.handlers.tips import todays_tip
from trust_coach.state import MAX_PRACTICE_DAYS, MAX_TIPS_REMEMBERED, Progress
from trust_coach.store.base import (
    KEY_ATTRIBUTE,
    RETENTION_SECONDS,
    ProgressStore,
    RecordDeleted,
    VersionConflict,
    person_key,
    user_key,
)
from trust_coach.store.dynamodb import DynamoDbStore
from trust_coach.store.sqlite import SqliteStore

DYNAMODB_ITEM_LIMIT = 400 * 1024


@pytest.fixture(params=["sqlite", "dynamodb"])
def any_store(request, tmp_path) -> ProgressStore:
    if request.param == "sqlite":
        return SqliteStore(tmp_path / "contract.sqlite3")
    return request.getfixturevalue("dynamodb_store")


def stored_bytes(store: ProgressStore, key: str) -> int:
    """About how big the record is as the store holds it."""
    if isinstance(store, DynamoDbStore):
        item = store.client.get_item(TableName=store.table_name, Key={KEY_ATTRIBUTE: {"S": key}})
        return len(json.dumps(item["Item"]).encode())
    row = store._connection().execute(
        "SELECT length(body) + length(user_key) + 16 FROM progress WHERE user_key = ?", (key,)
    )
    return row.fetchone()[0]


def set_clock(monkeypatch, store: ProgressStore, seconds: float) -> None:
    monkeypatch.setattr(sys.modules[type(store).__module__], "now", lambda: seconds)


def test_unknown_user_loads_empty_then_saves_and_reloads(any_store):
    key = user_key("amzn1.ask.account.contract-1")
    assert any_store.read(key) is None
    assert any_store.load(key) == Progress()
    progress = Progress(visits=1, strategies_heard=[2], last_strategy=2, position_at=10.5)
    saved = any_store.save(key, progress)
    assert saved.version == 1
    assert any_store.load(key) == saved
    saved.visits = 2
    again = any_store.save(key, saved)
    assert again.version == 2
    assert any_store.load(key).visits == 2


def test_after_reconnecting_the_store_keeps_its_records_and_still_saves(any_store):
    # GIVEN a saved record WHEN the store drops its connections (a SnapStart restore)
    key = user_key("amzn1.ask.account.contract-reconnect")
    saved = any_store.save(key, Progress(visits=1))
    any_store.reconnect()
    # THEN the record is there and the next save goes through
    assert any_store.load(key) == saved
    assert any_store.save(key, saved).version == 2


def test_a_write_with_a_stale_version_is_refused(any_store):
    key = user_key("amzn1.ask.account.contract-stale")
    any_store.save(key, Progress(visits=1))
    with pytest.raises(VersionConflict):
        any_store.write(key, Progress(version=1, visits=9), expected_version=0)
    any_store.save(key, any_store.load(key))  # now at version 2
    with pytest.raises(VersionConflict):
        any_store.write(key, Progress(version=2, visits=9), expected_version=1)
    assert any_store.load(key).visits == 1


def test_two_devices_racing_lose_nothing(any_store):
    key = user_key("amzn1.ask.account.contract-race")
    base = any_store.save(key, Progress(visits=1, strategies_heard=[1], tips_heard=["t1"]))
    kitchen, bedroom = any_store.load(key), any_store.load(key)

    kitchen.hear_strategy(2, now=100.0)
    kitchen.tips_heard.append("t2")
    kitchen.exercises_done = {"breathing": 3}
    kitchen.visits = 4
    any_store.save(key, kitchen)

    bedroom.hear_strategy(5, now=200.0)  # later: its position wins
    bedroom.tips_heard.append("t3")
    bedroom.exercises_done = {"breathing": 1, "forgiveness": 1}
    bedroom.record_practice("2026-11-20")
    stored = any_store.save(key, bedroom)  # conflicts, reloads, merges, retries

    final = any_store.load(key)
    assert final == stored
    assert final.version == base.version + 2
    assert final.strategies_heard == [1, 2, 5]
    assert final.last_strategy == 5 and final.position_at == 200.0
    assert set(final.tips_heard) == {"t1", "t2", "t3"}
    assert final.exercises_done == {"breathing": 3, "forgiveness": 1}  # never goes down
    assert final.visits == 4
    assert final.practice_days == ["2026-11-20"]


def test_delete_removes_only_that_record_and_can_be_repeated(any_store):
    key = user_key("amzn1.ask.account.contract-delete")
    other = user_key("amzn1.ask.account.contract-keep")
    any_store.save(key, Progress(visits=3))
    any_store.save(other, Progress(visits=7))
    any_store.remove(key)
    assert any_store.read(key) is None
    any_store.remove(key)  # nothing there: no error
    assert any_store.load(other).visits == 7


def test_each_recognised_speaker_has_a_record_of_their_own_on_the_account(any_store):
    account_id = "amzn1.ask.account.contract-household"
    account, first, second = (
        user_key(account_id),
        person_key(account_id, "amzn1.ask.person.one"),
        person_key(account_id, "amzn1.ask.person.two"),
    )
    assert len({account, first, second}) == 3
    assert account_id not in first and "person.one" not in first  # hashes, never the ids
    any_store.save(account, Progress(visits=1))
    any_store.save(first, Progress(visits=2))
    any_store.save(second, Progress(visits=3))
    assert [any_store.load(k).visits for k in (account, first, second)] == [1, 2, 3]
    any_store.remove(first)  # one person forgets: only that record goes
    assert any_store.read(first) is None
    assert [any_store.load(k).visits for k in (account, second)] == [1, 3]


def test_removing_an_account_deletes_every_record_on_it_and_nothing_else(any_store):
    account_id, neighbour_id = "amzn1.ask.account.contract-gone", "amzn1.ask.account.contract-2"
    gone = [
        user_key(account_id),
        *(person_key(account_id, f"amzn1.ask.person.{n}") for n in range(3)),
    ]
    kept = [user_key(neighbour_id), person_key(neighbour_id, "amzn1.ask.person.0")]
    for key in gone + kept:
        any_store.save(key, Progress(visits=5))
    any_store.remove_account(user_key(account_id))
    assert [any_store.read(key) for key in gone] == [None] * len(gone)
    assert [any_store.load(key).visits for key in kept] == [5, 5]
    any_store.remove_account(user_key(account_id))  # nothing left: no error


def test_a_stale_copy_never_brings_deleted_progress_back(any_store):
    key = user_key("amzn1.ask.account.contract-forgotten")
    stale = any_store.save(key, Progress(visits=2, strategies_heard=[1, 2, 3]))
    any_store.remove(key)
    stale.hear_strategy(4, now=50.0)
    with pytest.raises(RecordDeleted):
        any_store.save(key, stale)
    assert any_store.read(key) is None


def test_every_write_sets_and_refreshes_the_expiry(any_store, monkeypatch):
    key = user_key("amzn1.ask.account.contract-expiry")
    set_clock(monkeypatch, any_store, 1_700_000_000.0)
    saved = any_store.save(key, Progress(visits=1))
    assert any_store.expiry_of(key) == 1_700_000_000 + RETENTION_SECONDS
    set_clock(monkeypatch, any_store, 1_700_086_400.0)
    saved.visits = 2
    any_store.save(key, saved)
    assert any_store.expiry_of(key) == 1_700_086_400 + RETENTION_SECONDS


def test_numbers_come_back_as_they_went_in(any_store):
    key = user_key("amzn1.ask.account.contract-numbers")
    extra = {"ratio": 0.1, "big": 2**53 + 1, "nested": {"pace": [1.5, 2, -0.25]}, "ok": True}
    progress = Progress(
        visits=12, position_at=1_764_000_123.456789, exercises_done={"breathing": 40}, extra=extra
    )
    any_store.save(key, progress)
    loaded = any_store.load(key)
    assert loaded.position_at == 1_764_000_123.456789
    assert isinstance(loaded.position_at, float)
    assert loaded.visits == 12 and isinstance(loaded.visits, int)
    assert loaded.exercises_done == {"breathing": 40}
    assert loaded.extra == extra
    assert isinstance(loaded.extra["big"], int) and loaded.extra["ok"] is True


def _a_day_of_use(progress: Progress, day: date, salt: str) -> None:
    catalog = catalog_for("en-US")
    today = day.isoformat()
    progress.visits += 1
    progress.hear_strategy(day.toordinal() % 6 + 1, now=float(day.toordinal() * 86_400))
    todays_tip(progress, catalog.tips, today, salt)
    exercise = ("breathing", "forgiveness", "reflection")[day.toordinal() % 3]
    progress.exercises_done[exercise] = progress.exercises_done.get(exercise, 0) + 1
    progress.last_practice[exercise] = today
    progress.record_practice(today)


def test_the_record_stays_small_however_long_it_is_used(any_store):
    key = user_key("amzn1.ask.account.contract-years")
    progress = any_store.load(key)
    first = date(2026, 1, 1)
    sizes = {}
    days = 36 * 30  # about three years, saved every thirty days
    for offset in range(days):
        _a_day_of_use(progress, first + timedelta(days=offset), key)
        if offset % 30 == 29:
            progress = any_store.save(key, progress)
            sizes[offset + 1] = stored_bytes(any_store, key)
    loaded = any_store.load(key)
    assert loaded == progress
    assert len(loaded.tips_heard) <= MAX_TIPS_REMEMBERED
    assert len(loaded.practice_days) == MAX_PRACTICE_DAYS
    assert loaded.visits == days
    # Bounded, not just small: in years two and three it grows no bigger than in year one.
    first_year = max(size for day, size in sizes.items() if day <= 360)
    assert max(sizes.values()) <= first_year + 64
    assert max(sizes.values()) < DYNAMODB_ITEM_LIMIT / 50


def test_the_ask_sdk_seam_loads_saves_and_deletes_by_envelope(any_store):
    user_id = "amzn1.ask.account.contract-envelope"
    envelope = RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))
    attributes = any_store.get_attributes(envelope)
    assert attributes == Progress().to_dict()
    attributes["visits"] = 1
    any_store.save_attributes(envelope, attributes)
    assert attributes["version"] == 1  # the stored version comes back for the next save
    assert any_store.load(user_key(user_id)).visits == 1
    any_store.delete_attributes(envelope)
    assert any_store.read(user_key(user_id)) is None


def test_a_store_keeps_working_after_it_reconnects(any_store):
    # What a SnapStart restore hook calls: connections made before the snapshot are dropped.
    key = user_key("amzn1.ask.account.contract-reconnect")
    saved = any_store.save(key, Progress(visits=1))
    any_store.reconnect()
    saved.visits = 2
    assert any_store.save(key, saved).version == 2
    assert any_store.load(key).visits == 2
