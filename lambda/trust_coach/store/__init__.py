"""Which store runs is configuration: `TABLE_NAME` set means DynamoDB, else embedded SQLite."""

from __future__ import annotations

import os
from pathlib import Path

from trust_coach.store.base import EXPIRY_ATTRIBUTE, ProgressStore, StoreError, user_key

__all__ = [
    "EXPIRY_ATTRIBUTE",
    "ProgressStore",
    "StoreError",
    "default_sqlite_path",
    "make_store",
    "user_key",
]


def default_sqlite_path() -> Path:
    """`TRUST_COACH_DB`, or a per-user file under the XDG data folder."""
    configured = os.environ.get("TRUST_COACH_DB")
    if configured:
        return Path(configured).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "trust-coach" / "progress.sqlite3"


def make_store() -> ProgressStore:
    table = os.environ.get("TABLE_NAME")
    if table:
        from trust_coach.store.dynamodb import DynamoDbStore

        return DynamoDbStore(table)
    from trust_coach.store.sqlite import SqliteStore

    return SqliteStore(default_sqlite_path())
