"""Where the user is in this session: one small type per place.

Handlers ask `isinstance(turn.place, AtStrategy)` and read typed fields; a place read from
the session has already been checked against today's content (`session.py`, the only code
that knows how places are kept), so a strategy's number is one the catalog has and an
exercise's counts fit that exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Part(StrEnum):
    """Which part of a strategy was read last."""

    SUMMARY = "summary"
    MORE = "more"
    ACTION = "action"
    END = "end"  # "That was the last strategy."


@dataclass(frozen=True)
class Nowhere:
    """The start, the menu, or anywhere a later turn need not know about."""


@dataclass(frozen=True)
class AtList:
    """The list of strategies was read."""


@dataclass(frozen=True)
class AtTip:
    """Today's tip was read."""


@dataclass(frozen=True)
class AtStrategy:
    number: int
    part: Part = Part.SUMMARY


@dataclass(frozen=True)
class InExercise:
    """In an exercise, finished or not: which segments the last response covered."""

    exercise: str
    rounds: int  # the exercise's one option: rounds of breathing, or a timer's turn in seconds
    begin: int  # the first segment the last response said
    following: int  # the segment after the last one it said
    spoken_at: float | None = None  # epoch seconds when that response's segments began playing
    done: bool = False


@dataclass(frozen=True)
class ChoosingExercise:
    """The skill asked which exercise."""


@dataclass(frozen=True)
class AtShare:
    """Someone told the skill how they feel; it offered gentle breathing."""


@dataclass(frozen=True)
class AtSafety:
    """The safety numbers were said; "repeat" says them again."""


@dataclass(frozen=True)
class AskingPromise:
    """The skill asked for a small promise."""


@dataclass(frozen=True)
class ConfirmingPromise:
    """The skill said a promise back and asked whether to keep it."""

    text: str


@dataclass(frozen=True)
class FollowingUpPromise:
    """The skill asked how an earlier promise went."""


Place = (
    Nowhere
    | AtList
    | AtTip
    | AtStrategy
    | InExercise
    | ChoosingExercise
    | AtShare
    | AtSafety
    | AskingPromise
    | ConfirmingPromise
    | FollowingUpPromise
)
NOWHERE = Nowhere()
