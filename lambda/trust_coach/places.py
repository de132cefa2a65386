"""Where the user is in this session: one small type per place.

Handlers ask `turn.place is At.TIP` or `isinstance(turn.place, AtStrategy)` and read typed
fields (a place with nothing more to say is one value of `At`); a place read from
the session has already been checked against today's content (`session.py`, the only code
that knows how places are kept), so a strategy's number is one the catalog has and an
exercise's counts fit that exercise.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum, auto


class Part(StrEnum):
    """Which part of a strategy was read last."""

    SUMMARY = "summary"
    MORE = "more"
    ACTION = "action"
    END = "end"  # "That was the last strategy."


class At(Enum):
    """The places that need nothing more said about them."""

    NOWHERE = auto()  # the start, the menu, or anywhere a later turn need not know about
    LIST = auto()  # the list of strategies was read
    TIP = auto()  # today's tip was read
    CHOOSING_EXERCISE = auto()  # the skill asked which exercise
    SHARE = auto()  # someone told the skill how they feel; it offered gentle breathing
    SAFETY = auto()  # the safety numbers were said; "repeat" says them again
    ASKING_PROMISE = auto()  # the skill asked for a small promise
    FOLLOWING_UP_PROMISE = auto()  # the skill asked how an earlier promise went


@dataclass(frozen=True)
class AtStrategy:
    number: int
    part: Part = Part.SUMMARY


@dataclass(frozen=True)
class InExercise:
    """In an exercise, finished or not: which segments the last response covered.

    While `spoken_at` is set, that response may still be playing: the next request's time
    says how far it got (`guided.catch_up`). An interruption leaves the place `held` at the
    segment it cut into (`begin`); `following` is then the start of the next step.
    """

    exercise: str
    rounds: int  # the exercise's one option: rounds of breathing, or a timer's turn in seconds
    begin: int  # the first segment the last response said
    following: int  # the segment after the last one it said
    spoken_at: float | None = None  # epoch seconds when that response's segments began playing
    done: bool = False  # the end could be heard: the run is counted
    held: bool = False  # cut into at `begin`: "continue" goes on from there


@dataclass(frozen=True)
class ConfirmingPromise:
    """The skill said a promise back and asked whether to keep it."""

    text: str


Place = At | AtStrategy | InExercise | ConfirmingPromise
