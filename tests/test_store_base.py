"""The versioned save every store shares: it retries conflicts, but never past its time budget."""

from __future__ import annotations

import time

import pytest

from trust_coach.state import Progress
from trust_coach.store.base import (
    MAX_SAVE_ATTEMPTS,
    SAVE_BUDGET_SECONDS,
    ProgressStore,
    StoreError,
    VersionConflict,
)


class AlwaysRacedStore(ProgressStore):
    """Every write loses a race; every read is slow. A fake, to drive `save` to its limits."""

    def __init__(self, read_seconds: float) -> None:
        self.read_seconds = read_seconds
        self.writes = 0

    def read(self, key: str) -> Progress | None:
        time.sleep(self.read_seconds)
        return Progress(version=self.writes + 1)

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        self.writes += 1
        raise VersionConflict(key)

    def remove(self, key: str) -> None:
        pass

    def remove_account(self, account: str) -> None:
        pass


def test_conflicts_are_retried_up_to_the_attempt_limit():
    store = AlwaysRacedStore(read_seconds=0)
    with pytest.raises(StoreError):
        store.save("key", Progress(visits=1))
    assert store.writes == MAX_SAVE_ATTEMPTS


def test_a_slow_store_stops_retrying_once_the_budget_is_spent():
    store = AlwaysRacedStore(read_seconds=SAVE_BUDGET_SECONDS * 0.6)
    started = time.monotonic()
    with pytest.raises(StoreError):
        store.save("key", Progress(visits=1))
    assert store.writes == 2  # the second reload ends past the budget: no third write
    assert time.monotonic() - started < SAVE_BUDGET_SECONDS * 1.5
