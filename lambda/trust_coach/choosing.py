"""Which exercise goes with a strategy, and which one a request asks for.

The pairing of strategies and exercises is data (`for_strategy` in exercises.json); the
small promise (`PROMISE`) is paired like an exercise but has its own conversation, so the
handlers that start exercises and the promise's handlers both read the choice made here.
"""

from __future__ import annotations

from trust_coach.exercises import PROMISE
from trust_coach.guided import length_words, library, run_seconds
from trust_coach.places import At, AtStrategy
from trust_coach.turn import Turn

__all__ = ["PROMISE", "chosen", "exercise_for", "name_and_length"]


def exercise_for(turn: Turn, strategy_number: int) -> str | None:
    """The id of the exercise that goes with a strategy, if any."""
    strategy = turn.catalog.strategy(strategy_number)
    ident = library(turn).for_strategy.get(strategy.id)
    return ident if ident is not None and turn.bounds.offerable(ident) else None


def name_and_length(turn: Turn, ident: str) -> tuple[str, str]:
    """How to call an exercise when offering it, and how long it takes, in words."""
    exercises = library(turn)
    if ident == PROMISE:
        return exercises.promise_name, length_words(turn, exercises.promise_seconds)
    exercise = exercises.get(ident)
    return exercise.name, length_words(turn, run_seconds(turn, exercise))


def chosen(turn: Turn) -> str | None:
    """The exercise this request starts, if it names one or where the user is implies one.

    "An exercise" (ExerciseIntent): the one named; else the one for the area named; else,
    on a strategy (whose exercise was just offered), that strategy's. After "which
    exercise?" (StrategyIntent): an exercise's name, or a strategy's, as its exercise.
    """
    intent = turn.intent
    if intent == "ExerciseIntent":
        named = library(turn).find(turn.slot("exercise"))
        if named is not None:
            return named.id
        area = turn.catalog.find_strategy(turn.slot("area"))
        if area is not None:
            return exercise_for(turn, area.number)
        place = turn.place
        return exercise_for(turn, place.number) if isinstance(place, AtStrategy) else None
    if intent == "StrategyIntent" and turn.place is At.CHOOSING_EXERCISE:
        return chosen_by_word(turn, turn.slot("strategy"))
    return None


def chosen_by_word(turn: Turn, spoken: str | None) -> str | None:
    """An exercise's name, or a strategy's, as an exercise id."""
    exercise = library(turn).find(spoken)
    if exercise is not None:
        return exercise.id
    strategy = turn.catalog.find_strategy(spoken)
    return exercise_for(turn, strategy.number) if strategy else None
