"""The persistence seam: ask-sdk-core's AbstractPersistenceAdapter, with versioned saves.

Every store keeps one record per account, keyed by a hash of the Alexa user id, and one per
speaker Alexa recognises on that account, keyed by the account's key, a dot and a hash of the
person id (the raw ids are never stored or logged). So every record of an account can be
found from the account's key alone: `ProgressStore.remove_account` deletes them all.

Saves are conditional on the version the turn loaded; on a conflict the store reloads,
merges (see `state.merge`) and tries again, so no update is lost.
"""

from __future__ import annotations

import hashlib
import logging
import time
from abc import abstractmethod
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from trust_coach.state import Progress, merge, newest_sessions

# The record's key: a hash of the Alexa user id, with a person's hash after a dot for a
# recognised speaker's record. The SAM table's key schema uses this name.
KEY_ATTRIBUTE = "user_key"
# The account's key, on every DynamoDB item: the key of the index that finds an account's
# records (`ACCOUNT_INDEX`, declared in the SAM template) when they are all deleted.
ACCOUNT_ATTRIBUTE = "account_key"
ACCOUNT_INDEX = "by_account"
PERSON_SEPARATOR = "."
# DynamoDB TTL attribute (epoch seconds); the SAM template names the same attribute.
EXPIRY_ATTRIBUTE = "expires_at"
# Every DynamoDB action the store calls; the SAM policy grants exactly these.
DYNAMODB_ACTIONS = ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")
# ...and on the account index only, to find an account's records when they are all deleted.
DYNAMODB_INDEX_ACTIONS = ("dynamodb:Query",)
# A record nobody has touched for this long is left to expire.
RETENTION_SECONDS = 400 * 24 * 3600
MAX_SAVE_ATTEMPTS = 4
# In the attributes handed to `save_attributes`, never saved: the id of the session saving,
# whose entry in `Progress.sessions` holds everything it counted (see `state.merge`).
SESSION_KEY = "_session"
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


def person_key(user_id: str, person_id: str) -> str:
    """The key of a recognised speaker's own record on the account `user_id`."""
    return f"{user_key(user_id)}{PERSON_SEPARATOR}{user_key(person_id)}"


def account_of(key: str) -> str:
    """The account's key for any record key (an account's own, or a person's on it)."""
    return key.split(PERSON_SEPARATOR, 1)[0]


def is_person_key(key: str) -> bool:
    return PERSON_SEPARATOR in key


def envelope_user_key(request_envelope: RequestEnvelope) -> str:
    """The account's key: the record of everyone Alexa does not recognise."""
    system = request_envelope.context.system if request_envelope.context else None
    user = system.user if system else None
    if user is None or not user.user_id:
        raise StoreError("request has no user id")
    return user_key(user.user_id)


def envelope_person_id(request_envelope: RequestEnvelope) -> str | None:
    """The recognised speaker's person id, if Alexa recognised one (voice profiles and skill
    personalization on); only ever hashed or sent back to Alexa, never stored or logged."""
    system = request_envelope.context.system if request_envelope.context else None
    person = getattr(system, "person", None) if system else None
    person_id = getattr(person, "person_id", None)
    return person_id if isinstance(person_id, str) and person_id else None


def envelope_record_key(request_envelope: RequestEnvelope) -> str:
    """The speaker's record: the recognised person's own, else the account's."""
    account = envelope_user_key(request_envelope)
    person_id = envelope_person_id(request_envelope)
    if person_id is None:
        return account
    return f"{account}{PERSON_SEPARATOR}{user_key(person_id)}"


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

    @abstractmethod
    def remove_account(self, account: str) -> None:
        """Delete every record of the account `account` (an account key): its own and each
        recognised speaker's."""

    def reconnect(self) -> None:
        """Drop and remake any connection to the store (e.g. after a SnapStart restore, so
        connections and credentials from before the snapshot are not reused). Never raises."""

    def load(self, key: str) -> Progress:
        return self.read(key) or Progress()

    def save(self, key: str, progress: Progress, session_id: str | None = None) -> Progress:
        """Save with optimistic locking, merging on conflict; returns `progress`, which is
        then what was stored (its new version, and whatever a merge added). If the save
        fails, `progress` is as it was.

        With `session_id`, `progress.sessions[session_id]` is everything that session counted,
        so a merge adds only what the store does not hold yet (see `state.merge`): a write
        that timed out but landed, or a retry of one that landed, is never counted twice. The
        entry is stamped with the version written, which orders it after every other.
        """
        mine = progress
        started = time.monotonic()
        for attempt in range(MAX_SAVE_ATTEMPTS):
            if attempt and time.monotonic() - started > SAVE_BUDGET_SECONDS:
                break  # the answer must not wait; the session keeps progress for the next turn
            expected, sessions = mine.version, mine.sessions
            mine.version = expected + 1
            mine.sessions = newest_sessions(_stamped(sessions, session_id, mine.version))
            try:
                self.write(key, mine, expected)
            except VersionConflict:
                mine.version, mine.sessions = expected, sessions
                stored = self.read(key)
                if stored is None and expected > 0:
                    # Forgotten on another device, or the skill was disabled, since this copy
                    # was loaded: never bring the forgotten progress back.
                    raise RecordDeleted(key) from None
                stored = stored or Progress()
                mine = merge(stored, mine, session_id)
                mine.version = stored.version
                continue
            except BaseException:
                mine.version, mine.sessions = expected, sessions
                raise
            if mine is not progress:
                progress.replace_with(mine)
            return progress
        raise StoreError("too many concurrent saves for one user")

    # ask-sdk-core's seam, on top of the record operations.
    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self.load(envelope_record_key(request_envelope)).to_dict()

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Save, then write what was stored back into `attributes` for the next save."""
        session_id = attributes.pop(SESSION_KEY, None)
        saved = self.save(
            envelope_record_key(request_envelope),
            Progress.from_dict(attributes),
            session_id if isinstance(session_id, str) else None,
        )
        attributes.clear()
        attributes.update(saved.to_dict())

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.remove(envelope_record_key(request_envelope))


def _stamped(sessions: dict[str, Any], session_id: str | None, version: int) -> dict[str, Any]:
    """The entries with the saving session's stamped with the version being written."""
    if session_id is None or session_id not in sessions:
        return sessions
    return {**sessions, session_id: {**sessions[session_id], "seq": version}}


def now() -> float:
    return time.time()
