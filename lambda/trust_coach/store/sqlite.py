"""The embedded store: one SQLite file, for local use and the self-hosted endpoint.

A recognised speaker's key starts with the account's key and a dot, so an account's records
are one range of the primary key: deleting them all needs no column or index of its own.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import weakref
from pathlib import Path

from trust_coach.state import Progress
from trust_coach.store.base import (
    PERSON_SEPARATOR,
    ProgressStore,
    StoreError,
    VersionConflict,
    expiry_from,
    now,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS progress (
    user_key   TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,
    expires_at INTEGER NOT NULL
)
"""


class SqliteStore(ProgressStore):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        # Every connection this store opened, with its thread. Each is closed when its thread
        # has ended, on close() or reconnect(), and when the store itself is collected: an
        # unclosed database is a ResourceWarning since Python 3.13.
        self._opened: list[tuple[threading.Thread, sqlite3.Connection]] = []
        self._opened_lock = threading.Lock()
        weakref.finalize(self, _close_all, self._opened)
        with self._connection() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        # One connection per thread: the web server answers on several threads.
        db = getattr(self._local, "db", None)
        if db is None:
            # Autocommit: each write is one statement, atomic by itself, so Python's implicit
            # BEGIN and the COMMIT after it were two more calls into SQLite per save (each
            # letting go of the GIL and taking it back), with the write lock held in between.
            # Only its own thread uses a connection; check_same_thread=False lets close()
            # close it from another.
            db = sqlite3.connect(
                self.path, timeout=2.0, isolation_level=None, check_same_thread=False
            )
            # With WAL, NORMAL syncs at checkpoints instead of every commit: a crash of the
            # process loses nothing and the file never corrupts; a power cut may lose the last
            # few turns' progress. Syncing every commit held each save ~1 ms and capped the
            # endpoint's throughput (bench figure 5).
            db.execute("PRAGMA synchronous=NORMAL")
            with self._opened_lock:
                still_open = []
                for thread, other in self._opened:
                    if thread.is_alive():
                        still_open.append((thread, other))
                    else:
                        other.close()
                self._opened[:] = [*still_open, (threading.current_thread(), db)]
            self._local.db = db
        return db

    def close(self) -> None:
        """Close every connection; the store stays usable (the next call opens new ones)."""
        with self._opened_lock:
            self._local = threading.local()
            _close_all(self._opened)
            self._opened.clear()

    def reconnect(self) -> None:
        self.close()

    def read(self, key: str) -> Progress | None:
        try:
            row = (
                self._connection()
                .execute("SELECT version, body FROM progress WHERE user_key = ?", (key,))
                .fetchone()
            )
        except sqlite3.Error as error:
            raise StoreError(f"sqlite read failed: {error}") from error
        if row is None:
            return None
        progress = Progress.from_dict(json.loads(row[1]))
        progress.version = row[0]
        return progress

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        body = json.dumps(progress.to_dict(), sort_keys=True)
        expires = expiry_from(now())
        try:
            with self._connection() as db:
                if expected_version == 0:
                    cursor = db.execute(
                        "INSERT OR IGNORE INTO progress VALUES (?, ?, ?, ?)",
                        (key, progress.version, body, expires),
                    )
                else:
                    cursor = db.execute(
                        "UPDATE progress SET version = ?, body = ?, expires_at = ? "
                        "WHERE user_key = ? AND version = ?",
                        (progress.version, body, expires, key, expected_version),
                    )
        except sqlite3.Error as error:
            raise StoreError(f"sqlite write failed: {error}") from error
        if cursor.rowcount != 1:
            raise VersionConflict(key)

    def expiry_of(self, key: str) -> int | None:
        row = (
            self._connection()
            .execute("SELECT expires_at FROM progress WHERE user_key = ?", (key,))
            .fetchone()
        )
        return row[0] if row else None

    def remove(self, key: str) -> None:
        try:
            with self._connection() as db:
                db.execute("DELETE FROM progress WHERE user_key = ?", (key,))
        except sqlite3.Error as error:
            raise StoreError(f"sqlite delete failed: {error}") from error

    def remove_account(self, account: str) -> None:
        # Keys of the account's people sort between "<account>." and "<account>/".
        first, beyond = account + PERSON_SEPARATOR, account + chr(ord(PERSON_SEPARATOR) + 1)
        try:
            with self._connection() as db:
                db.execute(
                    "DELETE FROM progress WHERE user_key = ? OR (user_key > ? AND user_key < ?)",
                    (account, first, beyond),
                )
        except sqlite3.Error as error:
            raise StoreError(f"sqlite delete failed: {error}") from error


def _close_all(opened: list[tuple[threading.Thread, sqlite3.Connection]]) -> None:
    for _, db in opened:
        db.close()
