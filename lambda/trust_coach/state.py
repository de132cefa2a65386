"""The user's progress (what the skill remembers between sessions) and merging two copies of it.

`Progress` is read from a plain record once, where it comes in: the store's record, or the
session's copy (`session.py`). Reading checks every field's type, range and size; anything
out of bounds is dropped or clamped, and the kind of damage is reported, never the value.
Inside the skill progress is changed in place; it becomes a plain dict again only where it
goes out (the store's record, the session's attributes).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple, Protocol

# Bounds that keep a record small however long someone uses the skill, and however a
# forged session tries to make it big.
MAX_PRACTICE_DAYS = 14
MAX_TIPS_REMEMBERED = 64
MAX_COUNT = 1_000_000  # visits, or times one exercise was done
MAX_VERSION = 2**53  # a DynamoDB number, and a JSON one, stays exact up to here
MAX_STRATEGY_NUMBER = 99  # before the catalog narrows it (see `Progress.fit`)
MAX_KINDS = 64  # exercises counted, and last practice dates kept, by exercise id
MAX_ID_CHARS = 32  # an exercise id or a session id
MAX_TIP_ID_CHARS = 64
MAX_EXERCISE_COUNT = 10_000  # a saved exercise's rounds or step, before the exercise narrows it
MAX_EPOCH_SECONDS = 1e11  # about the year 5100
MAX_EXTRA_BYTES = 8 * 1024  # later features' data, as JSON
# What the latest sessions each counted, so a save that timed out but landed later is never
# counted twice (see merge). An entry is needed only while its session lives (minutes: Alexa
# ends a silent session within seconds), so entries a day older than the newest are dropped,
# and a live session's entry could only be lost after this many sessions saved after it.
MAX_SESSIONS_REMEMBERED = 8
SESSION_MEMORY_SECONDS = 24 * 3600

Damage = list[str]  # the kinds of damage found while reading, for one log line


def kinds(damage: Damage) -> str:
    """The kinds of damage for a log line, each once: never the values, which may be anything
    someone sent."""
    return ", ".join(dict.fromkeys(damage))


class ContentBounds(Protocol):
    """What today's content allows: `Progress.fit` drops what it does not."""

    @property
    def strategies(self) -> int: ...

    def exercise_segments(self, exercise_id: str, rounds: int) -> int | None:
        """How many segments the exercise has at `rounds`, if it exists and `rounds` is a
        value it would use; else None."""


@dataclass
class Progress:
    """Everything the skill remembers about one user between sessions."""

    version: int = 0
    last_strategy: int | None = None
    position_at: float = 0.0  # epoch seconds when last_strategy or exercise was last set
    strategies_heard: list[int] = field(default_factory=list)
    tips_heard: list[str] = field(default_factory=list)
    tip_date: str | None = None
    tip_id: str | None = None
    visits: int = 0
    exercise: dict[str, Any] | None = None  # an unfinished exercise: id, rounds, step
    exercises_done: dict[str, int] = field(default_factory=dict)
    last_practice: dict[str, str] = field(default_factory=dict)  # exercise id -> ISO date
    practice_days: list[str] = field(default_factory=list)  # ISO dates, newest last
    extra: dict[str, Any] = field(default_factory=dict)  # later features' data, kept as is
    # Session id -> what that session counted in all (see `session_count`), latest sessions only.
    sessions: dict[str, Any] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.visits == 0 and self.version == 0

    @classmethod
    def from_dict(cls, raw: Any, damage: Damage | None = None) -> Progress:
        """Progress from a stored record or the session's copy.

        Missing keys take their defaults and unknown keys are dropped. A value of the wrong
        type takes its field's default; one out of range or too big is clamped or dropped.
        Each kind of damage is added to `damage`.
        """
        found: Damage = [] if damage is None else damage
        if not isinstance(raw, Mapping):
            if raw is not None:
                found.append("progress")
            return cls()
        progress = cls()
        for name, read in _READERS.items():
            if name in raw:
                value = read(raw[name])
                if value is _DAMAGED:
                    found.append(name)
                    continue
                if isinstance(value, _Clamped):
                    found.append(name)
                    value = value.value
                setattr(progress, name, value)
        return progress

    def to_dict(self) -> dict[str, Any]:
        """A plain copy, sharing no list or dict with the progress."""
        return {
            "version": self.version,
            "last_strategy": self.last_strategy,
            "position_at": self.position_at,
            "strategies_heard": list(self.strategies_heard),
            "tips_heard": list(self.tips_heard),
            "tip_date": self.tip_date,
            "tip_id": self.tip_id,
            "visits": self.visits,
            "exercise": _copied(self.exercise),
            "exercises_done": dict(self.exercises_done),
            "last_practice": dict(self.last_practice),
            "practice_days": list(self.practice_days),
            "extra": _copied(self.extra),
            "sessions": {sid: _entry_copy(entry) for sid, entry in self.sessions.items()},
        }

    def copy(self) -> Progress:
        return Progress(**self.to_dict())

    def replace_with(self, other: Progress) -> None:
        """Become `other` (what a save stored, merged or not), so the one object a turn
        holds stays the one it changes."""
        for name in _FIELD_NAMES:
            setattr(self, name, getattr(other, name))

    def fit(self, bounds: ContentBounds, damage: Damage) -> None:
        """Drop what today's content does not have: a strategy number beyond the catalog,
        an exercise that is gone or whose saved place is outside it."""
        if self.last_strategy is not None and self.last_strategy > bounds.strategies:
            self.last_strategy = None
            damage.append("last_strategy")
        heard = [n for n in self.strategies_heard if n <= bounds.strategies]
        if len(heard) != len(self.strategies_heard):
            self.strategies_heard = heard
            damage.append("strategies_heard")
        saved = self.exercise
        if saved is not None:
            segments = bounds.exercise_segments(saved["id"], saved["rounds"])
            if segments is None or saved["step"] >= segments:
                self.exercise = None
                damage.append("exercise")

    def fingerprint(self) -> str:
        """A short digest of the content, to tell whether a save is due. Not the version, nor
        the session counts: only a save changes those, so they never make one due."""
        body = {name: getattr(self, name) for name in _FINGERPRINTED}
        encoded = _FINGERPRINT_JSON.encode(body).encode()
        return hashlib.sha256(encoded).hexdigest()[:16]

    def hear_strategy(self, number: int, now: float) -> None:
        self.last_strategy = number
        self.position_at = now
        if number not in self.strategies_heard:
            self.strategies_heard.append(number)
            self.strategies_heard.sort()

    def record_practice(self, day: str) -> None:
        if day not in self.practice_days:
            self.practice_days.append(day)
            self.practice_days.sort()
            del self.practice_days[:-MAX_PRACTICE_DAYS]


_FIELD_NAMES = tuple(f.name for f in fields(Progress))
_FINGERPRINTED = tuple(name for name in _FIELD_NAMES if name not in ("version", "sessions"))
# What fingerprint encodes with: json.dumps(sort_keys=True, default=str), made once.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)


@dataclass(frozen=True)
class Counters:
    """A session's copy's counters as last loaded or saved: what it has counted since is
    the difference (see `session_count`)."""

    visits: int = 0
    done: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, progress: Progress) -> Counters:
        return cls(progress.visits, dict(progress.exercises_done))

    def to_dict(self) -> dict[str, Any]:
        return {"visits": self.visits, "exercises_done": dict(self.done)}

    @classmethod
    def from_dict(cls, raw: Any) -> Counters | None:
        if not isinstance(raw, Mapping):
            return None
        visits = _count(raw.get("visits", 0))
        done = _read_counts(raw.get("exercises_done", {}))
        if visits is None or not isinstance(done, dict):
            return None
        return cls(visits, done)


# Reading -------------------------------------------------------------------------------------
class _Damaged:
    """A value that cannot be read: the field keeps its default."""


_DAMAGED = _Damaged()


class _Clamped(NamedTuple):
    """A value read, but only after dropping or clamping part of it."""

    value: Any


def _whole(value: Any) -> int | None:
    """An int (not a bool), or a whole Decimal as DynamoDB returns numbers; else None."""
    if type(value) is int:
        return value
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return int(value)
    return None


def _count(value: Any) -> int | None:
    """A whole number from 0 to MAX_COUNT, clamped from above; None if not one at all."""
    number = _whole(value)
    return None if number is None or number < 0 else min(number, MAX_COUNT)


def _read_version(value: Any) -> Any:
    number = _whole(value)
    return number if number is not None and 0 <= number <= MAX_VERSION else _DAMAGED


def _read_strategy(value: Any) -> Any:
    if value is None:
        return None
    number = _whole(value)
    return number if number is not None and 1 <= number <= MAX_STRATEGY_NUMBER else _DAMAGED


def _read_moment(value: Any) -> Any:
    if isinstance(value, Decimal):
        value = float(value)
    if type(value) not in (int, float) or not math.isfinite(value):
        return _DAMAGED
    return float(value) if 0 <= value <= MAX_EPOCH_SECONDS else _DAMAGED


def _read_visits(value: Any) -> Any:
    number = _whole(value)
    if number is None or number < 0:
        return _DAMAGED
    return number if number <= MAX_COUNT else _Clamped(MAX_COUNT)


def _read_strategies(value: Any) -> Any:
    if not isinstance(value, list):
        return _DAMAGED
    numbers = [_whole(item) for item in value]
    if any(number is None for number in numbers):
        return _DAMAGED
    kept = sorted({n for n in numbers if n is not None and 1 <= n <= MAX_STRATEGY_NUMBER})
    return kept if len(kept) == len(set(numbers)) else _Clamped(kept)


def _read_tips(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return _DAMAGED
    kept = [tip for tip in value if len(tip) <= MAX_TIP_ID_CHARS][-MAX_TIPS_REMEMBERED:]
    return kept if len(kept) == len(value) else _Clamped(kept)


def _read_date(value: Any) -> Any:
    return value if value is None or _is_date(value) else _DAMAGED


def _read_tip_id(value: Any) -> Any:
    if value is None or (isinstance(value, str) and len(value) <= MAX_TIP_ID_CHARS):
        return value
    return _DAMAGED


def _read_exercise(value: Any) -> Any:
    """An unfinished exercise as {"id", "rounds", "step"}; anything else is none at all."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        return _DAMAGED
    ident, rounds, step = value.get("id"), _whole(value.get("rounds")), _whole(value.get("step"))
    if not _is_id(ident) or rounds is None or step is None:
        return _DAMAGED
    if not (0 <= rounds <= MAX_EXERCISE_COUNT and 0 <= step <= MAX_EXERCISE_COUNT):
        return _DAMAGED
    return {"id": ident, "rounds": rounds, "step": step}


def _read_counts(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return _DAMAGED
    counts = {}
    clamped = False
    for key, raw in value.items():
        count = _whole(raw)
        if not isinstance(key, str) or count is None:
            return _DAMAGED
        if not _is_id(key) or count < 0 or len(counts) == MAX_KINDS:
            clamped = True
            continue
        clamped = clamped or count > MAX_COUNT
        counts[key] = min(count, MAX_COUNT)
    return _Clamped(counts) if clamped else counts


def _read_last_practice(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return _DAMAGED
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return _DAMAGED
    kept = {k: v for k, v in value.items() if _is_id(k) and _is_date(v)}
    kept = dict(list(kept.items())[:MAX_KINDS])
    return kept if len(kept) == len(value) else _Clamped(kept)


def _read_days(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(day, str) for day in value):
        return _DAMAGED
    kept = [day for day in value if _is_date(day)][-MAX_PRACTICE_DAYS:]
    return kept if len(kept) == len(value) else _Clamped(kept)


def _read_extra(value: Any) -> Any:
    """Later features' data as it is, while it stays small: an entry that would take the
    whole past MAX_EXTRA_BYTES (as JSON), or that JSON cannot hold, is dropped."""
    if not isinstance(value, Mapping):
        return _DAMAGED
    kept: dict[str, Any] = {}
    size = 0
    for key, raw in value.items():
        if not isinstance(key, str):
            return _DAMAGED
        entry = plain(raw)
        try:
            size += len(json.dumps({key: entry}, allow_nan=False))
        except (TypeError, ValueError, RecursionError):
            size = MAX_EXTRA_BYTES + 1
        if size > MAX_EXTRA_BYTES:
            return _Clamped(kept)
        kept[key] = entry
    return kept


def _read_sessions(value: Any) -> Any:
    """The well-formed entries of a `sessions` map, as new plain dicts, the newest kept; a
    damaged entry is dropped (its session's counts then merge as the larger ones)."""
    if not isinstance(value, Mapping):
        return _DAMAGED
    kept = {}
    for sid, entry in value.items():
        read = _read_entry(entry)
        if _is_session_id(sid) and read is not None:
            kept[sid] = read
    newest = newest_sessions(kept)
    return newest if len(newest) == len(value) else _Clamped(newest)


def _read_entry(entry: Any) -> dict[str, Any] | None:
    if not isinstance(entry, Mapping):
        return None
    seq, at = _whole(entry.get("seq", 0)), _whole(entry.get("at", 0))
    visits, done = _count(entry.get("visits", 0)), _read_counts(entry.get("done", {}))
    if seq is None or at is None or visits is None or not isinstance(done, dict):
        return None
    if not (0 <= seq <= MAX_VERSION and 0 <= at <= MAX_EPOCH_SECONDS):
        return None
    return {"seq": seq, "at": at, "visits": visits, "done": done}


_READERS = {
    "version": _read_version,
    "last_strategy": _read_strategy,
    "position_at": _read_moment,
    "strategies_heard": _read_strategies,
    "tips_heard": _read_tips,
    "tip_date": _read_date,
    "tip_id": _read_tip_id,
    "visits": _read_visits,
    "exercise": _read_exercise,
    "exercises_done": _read_counts,
    "last_practice": _read_last_practice,
    "practice_days": _read_days,
    "extra": _read_extra,
    "sessions": _read_sessions,
}


def _is_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID_CHARS


def _is_session_id(value: Any) -> bool:
    return _is_id(value) and value.isascii() and value.replace("-", "").replace("_", "").isalnum()


def _is_date(value: Any) -> bool:
    if not isinstance(value, str) or len(value) != 10:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def plain(value: Any) -> Any:
    """DynamoDB's Decimals as ints or floats, in a new copy of lists and dicts."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def _copied(value: Any) -> Any:
    """A copy of a JSON-like value whose lists and dicts are new."""
    if isinstance(value, dict):
        return {k: _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_copied(v) for v in value]
    return value


def _entry_copy(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "done": dict(entry.get("done") or {})}


# Merging -------------------------------------------------------------------------------------
def merge(stored: Progress, mine: Progress, session_id: str | None = None) -> Progress:
    """Combine two copies of one user's progress so that no update is lost.

    Sets are unioned and the newer position wins. Counters (visits, exercises finished): with
    `session_id`, `mine.sessions[session_id]` is everything that session counted, and what is
    stored gains only the part its own entry for that session does not hold yet. Two devices
    that each finished an exercise count two; a save that timed out but landed later, or was
    retried after landing, is not counted again. Without a session they never go down.
    """
    newer, older = (mine, stored) if mine.position_at >= stored.position_at else (stored, mine)
    merged = newer.copy()
    merged.version = stored.version
    if merged.last_strategy is None:  # an exercise moves the position but names no strategy
        merged.last_strategy = older.last_strategy
    merged.strategies_heard = sorted(set(stored.strategies_heard) | set(mine.strategies_heard))
    tips = list(older.tips_heard)
    tips += [t for t in newer.tips_heard if t not in tips]
    merged.tips_heard = tips[-MAX_TIPS_REMEMBERED:]
    counted = mine.sessions.get(session_id) if session_id else None
    if counted is not None:
        already = stored.sessions.get(session_id) or {}
        merged.visits = min(stored.visits + _more(counted, already, "visits"), MAX_COUNT)
        done = dict(stored.exercises_done)
        counted_done, already_done = counted.get("done", {}), already.get("done", {})
        for key in counted_done:
            more = _more(counted_done, already_done, key)
            done[key] = min(done.get(key, 0) + more, MAX_COUNT)
        merged.exercises_done = done
        # Other sessions' entries as stored: this copy's may be stale, or pruned since.
        merged.sessions = newest_sessions({**stored.sessions, session_id: _entry_copy(counted)})
    else:
        merged.visits = max(stored.visits, mine.visits)
        merged.exercises_done = {
            key: max(stored.exercises_done.get(key, 0), mine.exercises_done.get(key, 0))
            for key in stored.exercises_done.keys() | mine.exercises_done.keys()
        }
        merged.sessions = {sid: _entry_copy(e) for sid, e in stored.sessions.items()}
    last = dict(older.last_practice)
    for key, day in newer.last_practice.items():
        last[key] = max(last.get(key, day), day)
    merged.last_practice = last
    merged.practice_days = sorted(set(stored.practice_days) | set(mine.practice_days))[
        -MAX_PRACTICE_DAYS:
    ]
    tip_pick = max((stored, mine), key=lambda p: p.tip_date or "")
    merged.tip_date, merged.tip_id = tip_pick.tip_date, tip_pick.tip_id
    merged.extra = {**_copied(older.extra), **_copied(newer.extra)}
    for key in older.extra.keys() & newer.extra.keys():
        # Counters kept by later features (maps of numbers) never go down either.
        if _is_counter(older.extra[key]) and _is_counter(newer.extra[key]):
            mine_counts, stored_counts = newer.extra[key], older.extra[key]
            merged.extra[key] = {
                name: max(mine_counts.get(name, 0), stored_counts.get(name, 0))
                for name in mine_counts.keys() | stored_counts.keys()
            }
    return merged


def _more(counted: Mapping[str, Any], already: Mapping[str, Any], key: str) -> int:
    """How much of a session's count the store does not hold yet; never negative."""
    return max(0, int(counted.get(key, 0)) - int(already.get(key, 0)))


def _is_counter(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )


# Per-session counts --------------------------------------------------------------------------
def session_count(
    progress: Progress, base: Counters, synced: Mapping[str, Any] | None, at: float
) -> dict[str, Any]:
    """Everything one session counted: what it had counted when its copy was last loaded or
    saved (`synced`, its entry then), plus what `progress` counted since (`base`, the
    counters then). Stored under the session's id; `at` says when, for the day's cutoff."""
    synced = synced or {}
    done = dict(synced.get("done") or {})
    for key, count in progress.exercises_done.items():
        done[key] = min(done.get(key, 0) + max(0, count - base.done.get(key, 0)), MAX_COUNT)
    visits = min(synced.get("visits", 0) + max(0, progress.visits - base.visits), MAX_COUNT)
    return {
        "seq": synced.get("seq", 0),
        "at": int(at),
        "visits": visits,
        "done": {k: v for k, v in done.items() if v},
    }


def newest_sessions(sessions: dict[str, Any]) -> dict[str, Any]:
    """The entries of the last day (by the newest entry's time, not a clock), at most
    MAX_SESSIONS_REMEMBERED of them: what keeps the record and each turn's work small.

    Entries are ordered by `seq`, the record's version when the entry was last saved, which
    no two saves share; an entry from before `seq` (0) is older than any with one, and among
    those time and then the session id decide. So the entry a save just wrote is the newest,
    and a session still going loses its entry only after that many others saved after it.
    """
    if len(sessions) <= 1:
        return sessions
    since = max(entry.get("at", 0) for entry in sessions.values()) - SESSION_MEMORY_SECONDS
    recent = {sid: entry for sid, entry in sessions.items() if entry.get("at", 0) >= since}
    if len(recent) <= MAX_SESSIONS_REMEMBERED:
        return recent
    return dict(sorted(recent.items(), key=_age)[-MAX_SESSIONS_REMEMBERED:])


def _age(item: tuple[str, Mapping[str, Any]]) -> tuple[int, int, str]:
    sid, entry = item
    return entry.get("seq", 0), entry.get("at", 0), sid
