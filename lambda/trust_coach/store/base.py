"""The persistence seam: ask-sdk-core's AbstractPersistenceAdapter, with versioned saves.

Every store keeps one record per user, keyed by a hash of the Alexa user id (the raw id is
never stored or logged). Saves are conditional on the version the turn loaded; on a conflict
the store reloads, merges (see `state.merge`) and tries again, so no update is lost.
"""

from __future__ import annotations

import hashlib
import logging
import time
from abc import abstractmethod
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from trust_coach.state import MAX_WRITES_REMEMBERED, Progress, merge

# The record's key: a hash of the Alexa user id. The SAM table's key schema uses this name.
KEY_ATTRIBUTE = "user_key"
# DynamoDB TTL attribute (epoch seconds); the SAM template names the same attribute.
EXPIRY_ATTRIBUTE = "expires_at"
# Every DynamoDB action the store calls; the SAM policy grants exactly these.
DYNAMODB_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")
# A record nobody has touched for this long is left to expire.
RETENTION_SECONDS = 400 * 24 * 3600
MAX_SAVE_ATTEMPTS = 4
# In the attributes handed to `save_attributes`, never saved: the counters the session started
# from, this save's id, and an earlier save that failed but may have landed (id and counters).
BASE_KEY = "_base"
WRITE_KEY = "_write"
ATTEMPT_KEY = "_attempt"
# Conflict retries stop after this long, so a slow store cannot hold up the answer.
SAVE_BUDGET_SECONDS = 1.0

log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store could not be reached or did not answer in time."""


class VersionConflict(Exception):
    """Someone else saved this user's record since it was loaded."""


class RecordDeleted(StoreError):
    """The record was deleted after this copy was loaded; saving it would undo the deletion."""


def user_key(user_id: str) -> str:
    """A stable, non-reversible key for a user: what is stored and logged instead of the id."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:32]


def envelope_user_key(request_envelope: RequestEnvelope) -> str:
    system = request_envelope.context.system if request_envelope.context else None
    user = system.user if system else None
    if user is None or not user.user_id:
        raise StoreError("request has no user id")
    return user_key(user.user_id)


def expiry_from(now: float) -> int:
    return int(now) + RETENTION_SECONDS


class ProgressStore(AbstractPersistenceAdapter):
    """A store of `Progress` records. Subclasses implement the four record operations."""

    @abstractmethod
    def read(self, key: str) -> Progress | None:
        """The stored record, or None if there is none."""

    @abstractmethod
    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        """Store `progress` (its version already bumped) if the stored version is expected.

        Raises VersionConflict otherwise; a missing record has version 0.
        """

    @abstractmethod
    def remove(self, key: str) -> None:
        """Delete the record if there is one."""

    def load(self, key: str) -> Progress:
        return self.read(key) or Progress()

    def save(
        self,
        key: str,
        progress: Progress,
        base: Progress | None = None,
        write_id: str | None = None,
        attempts: list[tuple[str, Progress]] | None = None,
    ) -> Progress:
        """Save with optimistic locking, merging on conflict; returns what was stored.

        `base` is the copy `progress` started from, so a merge adds its counts (see merge).
        `write_id` is kept in the record's recent writes. `attempts` are earlier saves of this
        session that failed without an answer, oldest first: if one's id is in the record, it
        landed after all, and the counts it carried are not added twice.
        """
        mine = progress.copy()
        if write_id:
            mine.writes = [*mine.writes, write_id][-MAX_WRITES_REMEMBERED:]
        started = time.monotonic()
        for attempt in range(MAX_SAVE_ATTEMPTS):
            if attempt and time.monotonic() - started > SAVE_BUDGET_SECONDS:
                break  # the answer must not wait; the session keeps progress for the next turn
            expected = mine.version
            candidate = mine.copy()
            candidate.version = expected + 1
            try:
                self.write(key, candidate, expected)
                return candidate
            except VersionConflict:
                stored = self.read(key)
                if stored is None and expected > 0:
                    # Forgotten on another device, or the skill was disabled, since this copy
                    # was loaded: never bring the forgotten progress back.
                    raise RecordDeleted(key) from None
                stored = stored or Progress()
                if write_id and write_id in stored.writes:
                    # This very write landed, and the client's retry of it conflicted with
                    # it (a lost answer): what is stored already holds it.
                    return stored
                for earlier_id, carried in reversed(attempts or []):
                    if earlier_id in stored.writes:
                        base = carried  # that save landed after all: its counts are stored
                        break
                mine = merge(stored, mine, base)
                mine.version = stored.version
                base = stored  # mine now holds what is stored, plus its own changes
        raise StoreError("too many concurrent saves for one user")

    # ask-sdk-core's seam, on top of the record operations.
    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self.load(envelope_user_key(request_envelope)).to_dict()

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Save, then write the stored version back into `attributes` for the next save."""
        raw_base = attributes.pop(BASE_KEY, None)
        base = Progress.from_dict(raw_base) if isinstance(raw_base, dict) else None
        write_id = attributes.pop(WRITE_KEY, None)
        attempts = attributes.pop(ATTEMPT_KEY, None)
        saved = self.save(
            envelope_user_key(request_envelope),
            Progress.from_dict(attributes),
            base,
            write_id if isinstance(write_id, str) else None,
            attempts if isinstance(attempts, list) else None,
        )
        attributes.clear()
        attributes.update(saved.to_dict())

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.remove(envelope_user_key(request_envelope))


def now() -> float:
    return time.time()
