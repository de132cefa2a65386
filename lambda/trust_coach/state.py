"""The user's progress and the conversation's place: the only code that knows attribute keys.

`Progress` is what persists between sessions. `Conversation` wraps the session attributes of
one Alexa session: a copy of the progress (so the store is read at most once per session),
what was last saved, and where in the conversation the user is.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cache
from typing import Any

# Bounds that keep a stored record small however long someone uses the skill.
MAX_PRACTICE_DAYS = 14
MAX_TIPS_REMEMBERED = 64
# What the latest sessions each counted, so a save that timed out but landed later is never
# counted twice (see merge). An entry is needed only while its session lives (minutes: Alexa
# ends a silent session within seconds), so entries a day older than the newest are dropped,
# and a live session's entry could only be lost after this many newer sessions.
MAX_SESSIONS_REMEMBERED = 8
SESSION_MEMORY_SECONDS = 24 * 3600


# Values that are their own plain copy. Checking the exact type first spares most values the
# isinstance checks and a call each: progress is read, copied and hashed several times a turn.
_LEAVES = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """Turn DynamoDB's Decimals back into ints/floats, recursively."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [v if type(v) in _LEAVES else _plain(v) for v in value]
    return value


@cache
def _options(annotation: str) -> tuple[tuple[str, str, str], ...]:
    """An annotation's alternatives as (option, base, inner), parsed once per annotation."""
    parsed = []
    for option in (part.strip() for part in annotation.split("|")):
        base, _, inner = option.partition("[")
        parsed.append((option, base, inner))
    return tuple(parsed)


def _fits(value: Any, annotation: str) -> bool:
    """Whether a plain JSON value matches a field annotation such as `list[int] | None`."""
    return _checker(annotation)(value)


Check = Callable[[Any], bool]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_float(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_none(value: Any) -> bool:
    return value is None


_SCALAR_CHECKS: dict[str, Check] = {"int": _is_int, "float": _is_float, "str": _is_str}


def _items_check(item: str) -> Callable[[Any], bool]:
    """A test that every item of a list (or value of a dict) fits `item`."""
    if item == "str":  # the common cases, without a call per item
        return lambda items: all(isinstance(v, str) for v in items)
    if item == "int":
        return lambda items: all(isinstance(v, int) and not isinstance(v, bool) for v in items)
    check = _checker(item)
    return lambda items: all(check(v) for v in items)


@cache
def _checker(annotation: str) -> Check:
    """The test `_fits` applies for an annotation, worked out once.

    As written, the first alternative of the value's kind decides: a scalar one says yes, a
    list or dict one says whether the items fit. A dict or list is no scalar kind, so the test
    is: a dict by the first dict alternative, a list by the first list one, else any scalar.
    """
    scalars: list[Check] = []
    dict_items: Callable[[Any], bool] | None = None
    list_items: Callable[[Any], bool] | None = None
    has_dict = has_list = False
    for option, base, inner in _options(annotation):
        if option == "None":
            scalars.append(_is_none)
        elif base in _SCALAR_CHECKS:
            scalars.append(_SCALAR_CHECKS[base])
        elif base == "dict" and not has_dict:
            has_dict = True
            item = inner.rstrip("]").partition(",")[2].strip() or "Any"
            dict_items = None if item == "Any" else _items_check(item)
        elif base == "list" and not has_list:
            has_list = True
            list_items = _items_check(inner.rstrip("]"))
    if not has_dict and not has_list and len(scalars) == 1:
        return scalars[0]

    def check(value: Any) -> bool:
        if isinstance(value, dict):
            return has_dict and (
                all(isinstance(k, str) for k in value)
                and (dict_items is None or dict_items(value.values()))
            )
        if isinstance(value, list):
            return list_items is not None and list_items(value)
        return any(test(value) for test in scalars)

    return check


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
    exercise: dict[str, Any] | None = None  # an unfinished exercise: id, step, options
    exercises_done: dict[str, int] = field(default_factory=dict)
    last_practice: dict[str, str] = field(default_factory=dict)  # exercise id -> ISO date
    practice_days: list[str] = field(default_factory=list)  # ISO dates, newest last
    extra: dict[str, Any] = field(default_factory=dict)  # later features' data, kept as is
    # Session id -> what that session counted in all (see `session_count`), latest sessions only.
    sessions: dict[str, Any] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.visits == 0 and self.version == 0

    def to_dict(self) -> dict[str, Any]:
        # A plain copy, as dataclasses.asdict gives, without its per-value deepcopy: this runs
        # several times a turn, and asdict was the largest cost of a warm turn.
        return _copied_fields(self)

    @classmethod
    def from_dict(cls, raw: Any) -> Progress:
        """Build progress from stored or session attributes.

        Missing keys take their defaults; unknown keys are dropped; a value of the wrong type
        (a damaged record, a tampered session) is replaced by the default rather than kept.
        """
        if not isinstance(raw, dict) or not raw:
            return cls()
        if type(raw) is not dict:
            raw = dict(raw.items())
        values = {}
        for name, check in _FIELD_CHECKS:
            if name in raw:
                value = _plain(raw[name])  # only the fields kept are worth converting
                if check(value):
                    values[name] = value
        progress = cls(**values)
        progress.tips_heard = progress.tips_heard[-MAX_TIPS_REMEMBERED:]
        progress.practice_days = progress.practice_days[-MAX_PRACTICE_DAYS:]
        if "sessions" in raw:
            progress.sessions = _read_sessions(raw["sessions"])
        return progress

    def copy(self) -> Progress:
        """An independent copy of progress that is already valid (no re-validation)."""
        return Progress(**_copied_fields(self))

    def fingerprint(self) -> str:
        """A short digest of the content, to tell whether a save is due. Not the version, nor
        the session counts: only a save changes those, so they never make one due."""
        # The values themselves: a copy (to_dict) would encode the same.
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


# Each field's name and annotation, read once rather than on every (de)serialisation.
_FIELDS: tuple[tuple[str, str], ...] = tuple((f.name, str(f.type)) for f in fields(Progress))
# `sessions` is read by `_read_sessions`, which checks and copies its entries in one pass.
_FIELD_CHECKS: tuple[tuple[str, Check], ...] = tuple(
    (n, _checker(a)) for n, a in _FIELDS if n != "sessions"
)
_FINGERPRINTED = tuple(name for name, _ in _FIELDS if name not in ("version", "sessions"))
# What fingerprint encodes with: json.dumps(sort_keys=True, default=str), made once.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)


def _copied_fields(progress: Progress) -> dict[str, Any]:
    """Each field's value by name, copied as `_copied` copies (plain values need no call)."""
    copied = {}
    for name, _ in _FIELDS:
        value = getattr(progress, name)
        if name == "sessions":
            copied[name] = _copied_sessions(value)
        else:
            copied[name] = value if type(value) in _LEAVES else _copied(value)
    return copied


def _copied_sessions(sessions: dict[str, Any]) -> dict[str, Any]:
    """A copy of well-formed session entries (flat but for `done`), without recursion."""
    return {
        sid: {**entry, "done": dict(entry.get("done") or {})} for sid, entry in sessions.items()
    }


def _copied(value: Any) -> Any:
    """A deep copy of a JSON-like value (what progress holds): dicts and lists are new."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _LEAVES else _copied(v) for v in value]
    return value


def merge(stored: Progress, mine: Progress, session_id: str | None = None) -> Progress:
    """Combine two copies of one user's progress so that no update is lost.

    Sets are unioned and the newer position wins. Counters (visits, exercises finished): with
    `session_id`, `mine.sessions[session_id]` is everything that session counted, and what is
    stored gains only the part its own entry for that session does not hold yet. Two devices
    that each finished an exercise count two; a save that timed out but landed later, or was
    retried after landing, is not counted again. Without a session they never go down.
    """
    newer, older = (mine, stored) if mine.position_at >= stored.position_at else (stored, mine)
    merged = Progress.from_dict(newer.to_dict())
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
        merged.visits = stored.visits + _more(counted, already, "visits")
        done = dict(stored.exercises_done)
        counted_done, already_done = counted.get("done", {}), already.get("done", {})
        for key in counted_done:
            done[key] = done.get(key, 0) + _more(counted_done, already_done, key)
        merged.exercises_done = done
        # Other sessions' entries as stored: this copy's may be stale, or pruned since.
        merged.sessions = _newest_sessions({**stored.sessions, session_id: counted})
    else:
        merged.visits = max(stored.visits, mine.visits)
        merged.exercises_done = {
            key: max(stored.exercises_done.get(key, 0), mine.exercises_done.get(key, 0))
            for key in stored.exercises_done.keys() | mine.exercises_done.keys()
        }
        merged.sessions = dict(stored.sessions)
    last = dict(older.last_practice)
    for key, day in newer.last_practice.items():
        last[key] = max(last.get(key, day), day)
    merged.last_practice = last
    merged.practice_days = sorted(set(stored.practice_days) | set(mine.practice_days))[
        -MAX_PRACTICE_DAYS:
    ]
    tip_pick = max((stored, mine), key=lambda p: p.tip_date or "")
    merged.tip_date, merged.tip_id = tip_pick.tip_date, tip_pick.tip_id
    merged.extra = {**older.extra, **newer.extra}
    for key in older.extra.keys() & newer.extra.keys():
        # Counters kept by later features (maps of numbers) never go down either.
        if _is_counter(older.extra[key]) and _is_counter(newer.extra[key]):
            mine_counts, stored_counts = newer.extra[key], older.extra[key]
            merged.extra[key] = {
                name: max(mine_counts.get(name, 0), stored_counts.get(name, 0))
                for name in mine_counts.keys() | stored_counts.keys()
            }
    return merged


def _more(counted: dict[str, Any], already: dict[str, Any], key: str) -> int:
    """How much of a session's count the store does not hold yet; never negative."""
    return max(0, int(counted.get(key, 0)) - int(already.get(key, 0)))


def session_count(
    progress: Progress, base: Progress, synced: dict[str, Any] | None, at: float
) -> dict[str, Any]:
    """Everything one session counted: what it had counted when its copy was last loaded or
    saved (`synced`, its entry then), plus what `progress` counted since (`base`, the
    counters then). Stored under the session's id; `at` orders entries for pruning."""
    synced = synced or {}
    done = dict(synced.get("done") or {})
    for key, count in progress.exercises_done.items():
        done[key] = done.get(key, 0) + max(0, count - base.exercises_done.get(key, 0))
    visits = synced.get("visits", 0) + max(0, progress.visits - base.visits)
    return {"at": int(at), "visits": visits, "done": {k: v for k, v in done.items() if v}}


def _newest_sessions(sessions: dict[str, Any]) -> dict[str, Any]:
    """The entries of the last day (by the newest entry's time, not a clock), at most
    MAX_SESSIONS_REMEMBERED of them: what keeps the record and each turn's work small."""
    if len(sessions) <= 1:
        return sessions
    since = max(entry.get("at", 0) for entry in sessions.values()) - SESSION_MEMORY_SECONDS
    recent = {sid: entry for sid, entry in sessions.items() if entry.get("at", 0) >= since}
    if len(recent) <= MAX_SESSIONS_REMEMBERED:
        return recent
    newest = sorted(recent, key=lambda sid: recent[sid].get("at", 0))
    return {sid: recent[sid] for sid in newest[-MAX_SESSIONS_REMEMBERED:]}


def _read_sessions(raw: Any) -> dict[str, Any]:
    """The well-formed entries of a stored or session `sessions` map, as new plain dicts; a
    damaged entry is dropped (its session's counts then merge as the larger ones)."""
    if not isinstance(raw, dict):
        return {}
    kept = {}
    for sid, entry in raw.items():
        if not isinstance(sid, str) or not isinstance(entry, dict):
            continue
        at, visits, done = _count(entry.get("at", 0)), _count(entry.get("visits", 0)), {}
        raw_done = entry.get("done", {})
        if at is None or visits is None or not isinstance(raw_done, dict):
            continue
        for key, value in raw_done.items():
            count = _count(value)
            if not isinstance(key, str) or count is None:
                break
            done[key] = count
        else:
            kept[sid] = {"at": at, "visits": visits, "done": done}
    return _newest_sessions(kept)


def _count(value: Any) -> int | None:
    """A whole, non-negative number (DynamoDB's Decimal included) as an int, else None."""
    if type(value) is int:
        return value if value >= 0 else None
    if isinstance(value, Decimal) and value == value.to_integral_value() and value >= 0:
        return int(value)
    return None


def _counters(progress: Progress) -> dict[str, Any]:
    return {"visits": progress.visits, "exercises_done": dict(progress.exercises_done)}


def _is_counter(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )


class Conversation:
    """Typed access to one session's attributes."""

    PROGRESS = "progress"
    SAVED = "saved"
    BASE = "base"  # the counters as last loaded or saved: what the session counted since
    SESSION_ID = "sid"  # the session's key in Progress.sessions
    PLACE = "place"
    PENDING = "pending"
    TIMEZONE = "tz"

    def __init__(self, session_attributes: dict[str, Any]) -> None:
        self._attrs = session_attributes

    @property
    def has_progress(self) -> bool:
        return self.PROGRESS in self._attrs

    def progress(self) -> Progress:
        return Progress.from_dict(self._attrs.get(self.PROGRESS))

    def keep_progress(self, progress: Progress) -> None:
        self._attrs[self.PROGRESS] = progress.to_dict()

    @property
    def saved_fingerprint(self) -> str | None:
        return self._attrs.get(self.SAVED)

    def mark_saved(self, progress: Progress) -> None:
        self._attrs[self.SAVED] = progress.fingerprint()
        self.set_base(progress)

    def base(self) -> Progress | None:
        """The counters of this session's copy as last loaded or saved, if the session knows."""
        raw = self._attrs.get(self.BASE)
        return Progress.from_dict(raw) if isinstance(raw, dict) else None

    def set_base(self, progress: Progress) -> None:
        self._attrs[self.BASE] = _counters(progress)

    @property
    def session_id(self) -> str:
        """This session's key in the record's per-session counts, made on first use."""
        current = self._attrs.get(self.SESSION_ID)
        if not isinstance(current, str) or not current:
            current = uuid.uuid4().hex[:12]
            self._attrs[self.SESSION_ID] = current
        return current

    def counted(self, progress: Progress, at: float) -> dict[str, Any] | None:
        """Everything this session counted so far (see `session_count`), or None when it
        counted nothing or lost track (no base): a merge then keeps the larger counts, which
        for a session that counted nothing are the stored ones, and the record gains no entry."""
        base = self.base()
        if base is None:
            return None
        counted = session_count(progress, base, progress.sessions.get(self.session_id), at)
        return counted if counted["visits"] or counted["done"] else None

    @property
    def place(self) -> dict[str, Any]:
        """Where the user is in this session, e.g. {"area": "strategy", "number": 3}."""
        place = self._attrs.get(self.PLACE)
        return dict(place) if isinstance(place, dict) else {}

    @place.setter
    def place(self, value: dict[str, Any]) -> None:
        self._attrs[self.PLACE] = value

    @property
    def pending(self) -> str | None:
        """The yes/no question the skill asked last, if any."""
        pending = self._attrs.get(self.PENDING)
        return pending if isinstance(pending, str) else None

    @pending.setter
    def pending(self, value: str | None) -> None:
        if value is None:
            self._attrs.pop(self.PENDING, None)
        else:
            self._attrs[self.PENDING] = value

    @property
    def timezone(self) -> str | None:
        zone = self._attrs.get(self.TIMEZONE)
        return zone if isinstance(zone, str) else None

    @timezone.setter
    def timezone(self, value: str) -> None:
        self._attrs[self.TIMEZONE] = value
