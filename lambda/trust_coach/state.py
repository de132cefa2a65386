"""The user's progress and the conversation's place: the only code that knows attribute keys.

`Progress` is what persists between sessions. `Conversation` wraps the session attributes of
one Alexa session: a copy of the progress (so the store is read at most once per session),
what was last saved, and where in the conversation the user is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cache
from typing import Any

# Bounds that keep a stored record small however long someone uses the skill.
MAX_PRACTICE_DAYS = 14
MAX_TIPS_REMEMBERED = 64
# Ids of the latest saves, so a save that timed out but landed is recognised (see store.base).
MAX_WRITES_REMEMBERED = 8


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
    writes: list[str] = field(default_factory=list)  # ids of the latest saves, newest last

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
        progress.writes = progress.writes[-MAX_WRITES_REMEMBERED:]
        return progress

    def copy(self) -> Progress:
        """An independent copy of progress that is already valid (no re-validation)."""
        return Progress(**_copied_fields(self))

    def fingerprint(self) -> str:
        """A short digest of the content (not the version), to tell whether a save is due."""
        # The values themselves: a copy (to_dict) would encode the same.
        body = {name: getattr(self, name) for name, _ in _FIELDS if name != "version"}
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
_FIELD_CHECKS: tuple[tuple[str, Check], ...] = tuple((n, _checker(a)) for n, a in _FIELDS)
# What fingerprint encodes with: json.dumps(sort_keys=True, default=str), made once.
_FINGERPRINT_JSON = json.JSONEncoder(sort_keys=True, default=str)


def _copied_fields(progress: Progress) -> dict[str, Any]:
    """Each field's value by name, copied as `_copied` copies (plain values need no call)."""
    copied = {}
    for name, _ in _FIELDS:
        value = getattr(progress, name)
        copied[name] = value if type(value) in _LEAVES else _copied(value)
    return copied


def _copied(value: Any) -> Any:
    """A deep copy of a JSON-like value (what progress holds): dicts and lists are new."""
    if type(value) in _LEAVES:
        return value
    if isinstance(value, dict):
        return {k: v if type(v) in _LEAVES else _copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _LEAVES else _copied(v) for v in value]
    return value


def merge(stored: Progress, mine: Progress, base: Progress | None = None) -> Progress:
    """Combine two copies of one user's progress so that no update is lost.

    Sets are unioned and the newer position wins. Counters (visits, exercises finished) add
    what `mine` counted since `base`, the copy it started from, to what is stored: two devices
    that each finished an exercise count two. Without a base they never go down.
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
    merged.visits = _counted(stored.visits, mine.visits, base.visits if base else None)
    done = dict(stored.exercises_done)
    for key, count in mine.exercises_done.items():
        since = base.exercises_done.get(key, 0) if base else None
        done[key] = _counted(done.get(key, 0), count, since)
    merged.exercises_done = done
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
    writes = list(stored.writes)
    writes += [w for w in mine.writes if w not in writes]
    merged.writes = writes[-MAX_WRITES_REMEMBERED:]
    return merged


def _counters(progress: Progress) -> dict[str, Any]:
    return {"visits": progress.visits, "exercises_done": dict(progress.exercises_done)}


def _counted(stored: int, mine: int, base: int | None) -> int:
    if base is None:
        return max(stored, mine)
    return stored + max(0, mine - base)


def _is_counter(value: Any) -> bool:
    return isinstance(value, dict) and all(
        isinstance(v, int) and not isinstance(v, bool) for v in value.values()
    )


class Conversation:
    """Typed access to one session's attributes."""

    PROGRESS = "progress"
    SAVED = "saved"
    BASE = "base"  # the counters as last loaded or saved: what a merge adds to
    ATTEMPTS = "attempts"  # saves that failed but may have landed: their ids and counters
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
        """The copy this session's counters started from, if the session knows it."""
        raw = self._attrs.get(self.BASE)
        return Progress.from_dict(raw) if isinstance(raw, dict) else None

    def set_base(self, progress: Progress) -> None:
        self._attrs[self.BASE] = _counters(progress)
        self._attrs.pop(self.ATTEMPTS, None)

    def attempts(self) -> list[tuple[str, Progress]]:
        """Saves since the last good one that failed without an answer, oldest first: any of
        them may still have landed. Each is its write id and the counters it carried."""
        raw = self._attrs.get(self.ATTEMPTS)
        if not isinstance(raw, list):
            return []
        return [
            (item["id"], Progress.from_dict(item))
            for item in raw
            if isinstance(item, dict) and isinstance(item.get("id"), str)
        ]

    def add_attempt(self, write_id: str, progress: Progress) -> None:
        kept = [item for item in self._attrs.get(self.ATTEMPTS) or [] if isinstance(item, dict)]
        kept.append({"id": write_id, **_counters(progress)})
        self._attrs[self.ATTEMPTS] = kept[-MAX_WRITES_REMEMBERED:]

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
