"""The question the skill asked last, as a typed value: what a short reply is read against.

Each turn that leaves the microphone open may name the question it asked (`Turn.ask`); the
next turn's "yes" or "no" is looked up against it in one table (`handlers/followups.py`).
A question is an `Ask` and, for a few, what it is about (a strategy's number, an exercise).
Its code is how it travels in the session and how content names one (`exercises.json`'s
`next.action`): "tip", "strategy:3", "exercise_offer:box".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Ask(StrEnum):
    """Every question a plain reply can answer; the value is its code."""

    READ_STRATEGY = "strategy"  # "Want to hear strategy N?"
    MORE = "more"  # "Want to hear more about it?"
    TRY_TODAY = "try_today"  # "Want something to try today?"
    NEXT_STRATEGY = "next"  # "On to the next strategy?"
    LIST = "list"  # "Want to hear the strategies?"
    CHOOSE_STRATEGY = "strategy_choose"  # after the list: "Which one would you like?"
    TIP = "tip"  # "Would you like today's tip?"
    RESUME = "resume"  # "Want to continue where you left off?"
    HOME = "home"
    CLOSING = "closing"  # "Is there anything else you'd like?"
    SAFETY_REPEAT = "safety_repeat"  # "Would you like me to say the numbers again?"
    SHARE_OFFER = "share_offer"  # after someone shared a feeling: "a short breathing exercise?"
    OFFER_EXERCISE = "exercise_offer"  # "Want to try <the strategy's exercise>?"
    START_EXERCISE = "exercise"  # "Want to do <an exercise>?"
    SUGGEST_EXERCISE = "exercise_suggest"  # today's, from the history: "Shall we start it?"
    CHOOSE_EXERCISE = "exercise_choose"  # "Which area would you like to work on?"
    EXERCISE_CONTINUE = "exercise_continue"  # mid-exercise: "Say next when you're ready."
    STOP_EXERCISE = "exercise_stop"  # after "no" to "say next": "Would you like to stop here?"
    RESUME_CHOICE = "exercise_resume_choice"  # "Pick up the exercise, or the strategy?"
    FORGET = "forget"  # "Forget everything I remember?"
    FORGET_HOUSEHOLD = "forget_household"  # after a person forgot theirs: "Everyone's too?"
    KEEP_PROMISE = "promise_keep"  # "<the promise> - shall I keep that for you?"
    PROMISE_KEPT = "promise_kept"  # "Did you keep your promise?"
    ANOTHER_PROMISE = "promise"  # "Want to make another one?"


# What a question can be about, in a code: a strategy's number or an exercise's id.
_ABOUT_STRATEGY = frozenset({Ask.READ_STRATEGY})
_ABOUT_EXERCISE = frozenset({Ask.OFFER_EXERCISE, Ask.START_EXERCISE, Ask.SUGGEST_EXERCISE})
_EXERCISE_ID = re.compile(r"[a-z_]{1,32}")
_NUMBER = re.compile(r"[1-9][0-9]?")


@dataclass(frozen=True)
class Question:
    ask: Ask
    strategy: int | None = None  # READ_STRATEGY: which one
    exercise: str | None = None  # OFFER_, START_, SUGGEST_EXERCISE: which one

    @property
    def code(self) -> str:
        if self.strategy is not None:
            return f"{self.ask}:{self.strategy}"
        if self.exercise is not None:
            return f"{self.ask}:{self.exercise}"
        return str(self.ask)

    @classmethod
    def from_code(cls, code: str) -> Question | None:
        """The question a code names, or None for anything that is not one."""
        name, _, about = code.partition(":")
        try:
            ask = Ask(name)
        except ValueError:
            return None
        if ask in _ABOUT_STRATEGY:
            # An older session may carry "strategy" alone: it meant the first.
            if not about:
                return cls(ask, strategy=1)
            return cls(ask, strategy=int(about)) if _NUMBER.fullmatch(about) else None
        if ask in _ABOUT_EXERCISE:
            return cls(ask, exercise=about) if _EXERCISE_ID.fullmatch(about) else None
        return None if about else cls(ask)
