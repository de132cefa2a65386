"""One small promise: what was promised, when, and how promises have gone, in the progress.

The records live in `Progress.extra` (which keeps later features' data as is), so this module
is the only code that knows their keys, and it keeps them bounded: the last few promises,
each cut to a sentence's length, and three counts. A damaged record reads as no promises.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from trust_coach.state import Progress

PROMISES = "promises"
COUNTS = "promise_counts"
MAX_PROMISES = 3
MAX_PROMISE_CHARS = 160
# A promise is asked about on a later visit one to seven days after it was made.
FOLLOW_UP_DAYS = range(1, 8)
COUNT_NAMES = ("heard", "kept", "missed")


@dataclass(frozen=True)
class Promise:
    text: str
    made: str  # ISO date, the user's local day
    asked: bool = False

    def as_record(self) -> dict[str, Any]:
        return {"text": self.text, "made": self.made, "asked": self.asked}


def clean(heard: str | None) -> str:
    """The words of a promise as heard, tidied and cut at a word to a bounded length."""
    printable = "".join(c if c.isprintable() else " " for c in heard or "")
    words = " ".join(printable.split()).strip(" .,;:")
    # "I promise {to call}" and "I promise {that I'll call}" are kept without the joining word.
    for joining in ("to ", "that "):
        if words.lower().startswith(joining):
            words = words[len(joining) :]
    if len(words) <= MAX_PROMISE_CHARS:
        return words
    return words[:MAX_PROMISE_CHARS].rsplit(" ", 1)[0]


def promises(progress: Progress) -> list[Promise]:
    """The promises kept in the progress, oldest first; anything malformed is left out."""
    raw = progress.extra.get(PROMISES)
    if not isinstance(raw, list):
        return []
    found = []
    for record in raw[-MAX_PROMISES:]:
        if (
            isinstance(record, dict)
            and isinstance(record.get("text"), str)
            and record["text"].strip()
            and _is_date(record.get("made"))
        ):
            found.append(
                Promise(clean(record["text"]), record["made"], record.get("asked") is True)
            )
    return found


def drop_unsafe(progress: Progress, unsafe: Callable[[str], bool]) -> bool:
    """Forget every kept promise whose words `unsafe` refuses; whether any was dropped.

    The screen grows over time: a promise kept before it learned a phrase must not be
    followed up, praised or said back once it has.
    """
    kept = promises(progress)
    safe = [p for p in kept if not unsafe(p.text)]
    if len(safe) == len(kept):
        return False
    _write(progress, safe)
    return True


def counts(progress: Progress) -> dict[str, int]:
    raw = progress.extra.get(COUNTS)
    raw = raw if isinstance(raw, dict) else {}
    return {
        name: raw[name] if type(raw.get(name)) is int and raw[name] >= 0 else 0
        for name in COUNT_NAMES
    }


def make(progress: Progress, text: str, today: str) -> Promise:
    """Keep a new promise (never an empty one); the oldest beyond the bound is dropped."""
    text = clean(text)
    if not text:
        raise ValueError("a promise needs words")
    promise = Promise(text, today)
    kept = [*promises(progress), promise][-MAX_PROMISES:]
    _write(progress, kept)
    _count(progress, "heard")
    return promise


def due(progress: Progress, today: str) -> Promise | None:
    """The newest promise not yet asked about, if it was made one to seven days ago."""
    for promise in reversed(promises(progress)):
        if promise.asked:
            return None  # an older promise is not brought up after a newer one was asked
        days = (date.fromisoformat(today) - date.fromisoformat(promise.made)).days
        if days in FOLLOW_UP_DAYS:
            return promise
        if days < FOLLOW_UP_DAYS.start:
            continue  # made today: an older one may still be due
        return None
    return None


def days_since(promise: Promise, today: str) -> int:
    return (date.fromisoformat(today) - date.fromisoformat(promise.made)).days


def mark_asked(progress: Progress, asked: Promise) -> None:
    """A promise is asked about once, so nobody hears the same question every visit."""
    _write(
        progress, [Promise(p.text, p.made, True) if p == asked else p for p in promises(progress)]
    )


def answered(progress: Progress, kept: bool) -> None:
    _count(progress, "kept" if kept else "missed")


def _count(progress: Progress, name: str) -> None:
    totals = counts(progress)
    totals[name] += 1
    progress.extra[COUNTS] = totals


def _write(progress: Progress, kept: list[Promise]) -> None:
    progress.extra[PROMISES] = [p.as_record() for p in kept]


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True
