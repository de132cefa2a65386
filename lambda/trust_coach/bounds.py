"""What today's content allows in a session or a stored record: which strategy numbers exist,
which exercises, and which places in them. A value outside these is damage (a record from
older content, or a forged session) and is dropped where it is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from trust_coach.content import Catalog
from trust_coach.exercises import PROMISE, Library, library_for


@dataclass(frozen=True)
class Bounds:
    strategies: int  # numbered 1 to this
    library: Library

    def has_strategy(self, number: int) -> bool:
        return 1 <= number <= self.strategies

    def exercise_segments(self, exercise_id: str, rounds: int) -> int | None:
        return self.library.segment_count(exercise_id, rounds)

    def offerable(self, exercise_id: str) -> bool:
        """An exercise the skill can offer or start: one of the library's, or the promise."""
        return exercise_id == PROMISE or self.library.known(exercise_id)


@cache
def bounds_for(catalog: Catalog) -> Bounds:
    return Bounds(len(catalog.strategies), library_for(catalog))
