"""The embedded store syncs at WAL checkpoints, not at every commit (see store/sqlite.py)."""

from __future__ import annotations

import contextlib
import sqlite3

from trust_coach.state import Progress
from trust_coach.store.sqlite import SqliteStore

WAL_NORMAL = 1  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL


def test_connections_use_wal_with_normal_sync(tmp_path):
    store = SqliteStore(tmp_path / "progress.sqlite3")
    db = store._connection()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == WAL_NORMAL


def test_a_save_is_seen_by_another_connection_at_once(tmp_path):
    # GIVEN a save through the store
    path = tmp_path / "progress.sqlite3"
    store = SqliteStore(path)
    store.save("user", Progress(visits=2))
    # THEN a fresh connection (another process, say) reads it: NORMAL still commits
    with contextlib.closing(sqlite3.connect(path)) as other:
        row = other.execute("SELECT version FROM progress").fetchone()
    assert row == (1,)
