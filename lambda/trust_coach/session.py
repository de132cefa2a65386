"""One Alexa session's memory between turns, typed: the only code that knows its keys.

Alexa sends the session's attributes with every request and keeps what the response sends
back. `Session.read` checks each one against its type, its size and today's content
(`Bounds`): anything out of bounds is dropped and its kind reported, so a forged or damaged
session can neither break a turn nor reach the store. `Session.write` puts the session back
once, at the end of the turn.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from trust_coach.bounds import Bounds
from trust_coach.places import (
    At,
    AtStrategy,
    ConfirmingPromise,
    InExercise,
    Part,
    Place,
)
from trust_coach.promises import MAX_PROMISE_CHARS
from trust_coach.questions import Question
from trust_coach.state import MAX_EPOCH_SECONDS, Counters, Damage, Progress, session_count
from trust_coach.timezone import known_zone

PROGRESS = "progress"
SAVED = "saved"  # the progress's fingerprint when it was last loaded or saved
BASE = "base"  # the counters then: what this session counted since (see state.session_count)
SESSION_ID = "sid"  # this session's key in Progress.sessions
PLACE = "place"
PENDING = "pending"  # the question asked last, by its code
TIMEZONE = "tz"
UNLOADED = "unloaded"  # progress in this session was never loaded from the store (it was down)
OWNER = "owner"  # whose record the progress copy is: its store key (hashes only)
MISSES = "misses"  # requests not understood in a row, up to this one
KEYS = frozenset(
    {PROGRESS, SAVED, BASE, SESSION_ID, PLACE, PENDING, TIMEZONE, UNLOADED, OWNER, MISSES}
)
MAX_MISSES = 10  # more in a row are counted as this many

_FINGERPRINT = re.compile(r"[0-9a-f]{16}")
_SESSION_ID = re.compile(r"[0-9A-Za-z_-]{1,32}")
_RECORD_KEY = re.compile(r"[0-9a-f]{32}(\.[0-9a-f]{32})?")
MAX_CODE_CHARS = 64
MAX_ZONE_CHARS = 64


@dataclass
class Session:
    progress: Progress | None = None  # the session's copy, once loaded: the store is read once
    saved: str | None = None
    base: Counters | None = None
    session_id: str | None = None
    place: Place = At.NOWHERE
    question: Question | None = None
    timezone: str | None = None
    unloaded: bool = False
    # The store key of the record the progress copy belongs to: the account's, or a
    # recognised speaker's (see store.base). None before anything was loaded.
    owner: str | None = None
    misses: int = 0  # requests not understood in a row (see `Turn.misunderstood`)

    @classmethod
    def read(cls, attributes: Mapping[str, Any], bounds: Bounds, damage: Damage) -> Session:
        """The session the attributes describe; each kind of damage is added to `damage`."""
        session = cls()
        if any(key not in KEYS for key in attributes):
            damage.append("unknown keys")
        raw = attributes.get(PROGRESS)
        if raw is not None:
            found: Damage = []
            progress = Progress.from_dict(raw, found)
            progress.fit(bounds, found)
            damage += [f"{PROGRESS}.{kind}" for kind in found]
            session.progress = progress
        session.saved = _checked(attributes, SAVED, _fingerprint, damage)
        session.base = _checked(attributes, BASE, Counters.from_dict, damage)
        session.session_id = _checked(attributes, SESSION_ID, _session_id, damage)
        session.timezone = _checked(attributes, TIMEZONE, _zone, damage)
        session.unloaded = _checked(attributes, UNLOADED, _flag, damage) or False
        session.owner = _checked(attributes, OWNER, _record_key, damage)
        session.misses = _checked(attributes, MISSES, _misses, damage) or 0
        session.question = _checked(attributes, PENDING, lambda v: _question(v, bounds), damage)
        place = _checked(attributes, PLACE, lambda v: _place(v, bounds), damage)
        session.place = place or At.NOWHERE
        return session

    def write(self, attributes: dict[str, Any]) -> None:
        """What the session carries to the next turn, in place of what it brought."""
        attributes.clear()
        if self.progress is not None:
            attributes[PROGRESS] = self.progress.to_dict()
        if self.saved is not None:
            attributes[SAVED] = self.saved
        if self.base is not None:
            attributes[BASE] = self.base.to_dict()
        if self.session_id is not None:
            attributes[SESSION_ID] = self.session_id
        if self.place is not At.NOWHERE:
            attributes[PLACE] = _place_record(self.place)
        if self.question is not None:
            attributes[PENDING] = self.question.code
        if self.timezone is not None:
            attributes[TIMEZONE] = self.timezone
        if self.unloaded:
            attributes[UNLOADED] = True
        if self.owner is not None:
            attributes[OWNER] = self.owner
        if self.misses:
            attributes[MISSES] = self.misses

    def key(self) -> str:
        """This session's key in the record's per-session counts, made on first use."""
        if self.session_id is None:
            self.session_id = uuid.uuid4().hex[:12]
        return self.session_id

    def counted(self, progress: Progress, at: float) -> dict[str, Any] | None:
        """Everything this session counted so far (see `state.session_count`), or None when
        it counted nothing or lost track (no base): a merge then keeps the larger counts,
        which for a session that counted nothing are the stored ones, and the record gains
        no entry."""
        if self.base is None:
            return None
        counted = session_count(progress, self.base, progress.sessions.get(self.key()), at)
        return counted if counted["visits"] or counted["done"] else None

    def mark_saved(self, progress: Progress) -> None:
        """`progress` is what the store holds now: nothing to save until it changes."""
        self.saved = progress.fingerprint()
        self.base = Counters.of(progress)


def _checked[T](
    attributes: Mapping[str, Any], key: str, read: Callable[[Any], T | None], damage: Damage
) -> T | None:
    """`read` of the attribute if it is there; None, noted as damage, if it cannot be read."""
    if key not in attributes:
        return None
    value = read(attributes[key])
    if value is None:
        damage.append(key)
    return value


def _fingerprint(value: Any) -> str | None:
    return value if isinstance(value, str) and _FINGERPRINT.fullmatch(value) else None


def _session_id(value: Any) -> str | None:
    return value if isinstance(value, str) and _SESSION_ID.fullmatch(value) else None


def _zone(value: Any) -> str | None:
    if isinstance(value, str) and len(value) <= MAX_ZONE_CHARS and known_zone(value):
        return value
    return None


def _record_key(value: Any) -> str | None:
    return value if isinstance(value, str) and _RECORD_KEY.fullmatch(value) else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _misses(value: Any) -> int | None:
    return value if type(value) is int and 0 < value <= MAX_MISSES else None


def _question(value: Any, bounds: Bounds) -> Question | None:
    if not isinstance(value, str) or len(value) > MAX_CODE_CHARS:
        return None
    question = Question.from_code(value)
    if question is None:
        return None
    if question.strategy is not None and not bounds.has_strategy(question.strategy):
        return None
    if question.exercise is not None and not bounds.offerable(question.exercise):
        return None
    return question


# Places ----------------------------------------------------------------------------------------
_SIMPLE_PLACES: dict[str, At] = {
    "list": At.LIST,
    "tip": At.TIP,
    "exercise_choice": At.CHOOSING_EXERCISE,
    "share": At.SHARE,
    "safety": At.SAFETY,
    "promise_ask": At.ASKING_PROMISE,
    "promise_follow_up": At.FOLLOWING_UP_PROMISE,
}
_AREAS: dict[At, str] = {place: area for area, place in _SIMPLE_PLACES.items()}


def _place_record(place: Place) -> dict[str, Any]:
    if isinstance(place, AtStrategy):
        return {"area": "strategy", "number": place.number, "part": str(place.part)}
    if isinstance(place, InExercise):
        record: dict[str, Any] = {
            "area": "exercise",
            "id": place.exercise,
            "rounds": place.rounds,
            "at": place.begin,
            "next": place.following,
        }
        if place.spoken_at is not None:
            record["spoken_at"] = place.spoken_at
        if place.done:
            record["done"] = True
        if place.held:
            record["held"] = True
        return record
    if isinstance(place, ConfirmingPromise):
        return {"area": "promise_confirm", "text": place.text}
    return {"area": _AREAS[place]}


def _place(value: Any, bounds: Bounds) -> Place | None:
    """The place a session's record describes, if it is one today's content has."""
    if not isinstance(value, Mapping):
        return None
    area = value.get("area")
    if not value or area is None:
        return At.NOWHERE
    if not isinstance(area, str):
        return None
    if area in _SIMPLE_PLACES:
        return _SIMPLE_PLACES[area]
    if area == "strategy":
        return _strategy_place(value, bounds)
    if area == "exercise":
        return _exercise_place(value, bounds)
    if area == "promise_confirm":
        text = value.get("text")
        fits = isinstance(text, str) and 0 < len(text) <= MAX_PROMISE_CHARS
        return ConfirmingPromise(text) if fits else None
    return None


_PARTS = frozenset(part.value for part in Part)


def _strategy_place(value: Mapping[str, Any], bounds: Bounds) -> Place | None:
    number, part = value.get("number"), value.get("part", Part.SUMMARY)
    if type(number) is not int or not bounds.has_strategy(number):
        return None
    return AtStrategy(number, Part(part)) if isinstance(part, str) and part in _PARTS else None


def _exercise_place(value: Mapping[str, Any], bounds: Bounds) -> Place | None:
    ident, rounds = value.get("id"), value.get("rounds")
    begin, following = value.get("at"), value.get("next")
    spoken_at, done = value.get("spoken_at"), value.get("done", False)
    held = value.get("held", False)
    if not isinstance(ident, str) or not all(type(n) is int for n in (rounds, begin, following)):
        return None
    segments = bounds.exercise_segments(ident, rounds)
    if segments is None or not 0 <= begin <= following <= segments or begin >= segments:
        return None
    if spoken_at is not None and not _moment(spoken_at):
        return None
    if not isinstance(done, bool) or not isinstance(held, bool):
        return None
    return InExercise(ident, rounds, begin, following, spoken_at, done, held)


def _moment(value: Any) -> bool:
    return type(value) in (int, float) and 0 <= value <= MAX_EPOCH_SECONDS
