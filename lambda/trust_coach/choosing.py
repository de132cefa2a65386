"""Which exercise goes with a strategy, which one a request asks for, and which one to
suggest today.

The pairing of strategies and exercises is data (`for_strategy` in exercises.json); the
small promise (`PROMISE`) is paired like an exercise but has its own conversation, so the
handlers that start exercises and the promise's handlers both read the choice made here.
Today's suggestion comes from the person's own history (`rotation`, pure and tested alone).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from trust_coach.exercises import PROMISE
from trust_coach.guided import length_words, library, run_seconds
from trust_coach.places import At, AtStrategy
from trust_coach.turn import Turn

__all__ = [
    "PROMISE",
    "chosen",
    "exercise_for",
    "name_and_length",
    "rotation",
    "suggested",
    "suggested_after",
]

# An exercise practised this many days ago or less was done lately: others come first.
LATELY_DAYS = 7


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


# Today's suggestion ------------------------------------------------------------------------
def rotation(
    paired: Sequence[str | None],
    on: int | None,
    first: str,
    practised: Mapping[str, str],
    today: str,
) -> list[str]:
    """Every exercise to suggest, best first: what "give me an exercise" offers, and what
    "something else" goes on to.

    `paired` is each strategy's exercise in strategy order (None: it has none to offer),
    `on` the strategy the person is on (1-based, None before any), `first` the exercise for
    someone who has read no strategy (gentle breathing), `practised` each exercise's last
    practice date and `today` the person's date (ISO dates). The exercise of the strategy
    they are on comes first, then the following strategies' in turn, round to the start,
    then `first`; before any strategy, `first` leads and the strategies follow in order.
    Exercises practised in the last `LATELY_DAYS` days go to the end, the longest ago first,
    so a new visit rotates through those not done lately.
    """
    order = [ident for ident in paired if ident is not None]
    if on is None:
        order = [first, *order]
    else:
        start = sum(1 for ident in paired[: max(on - 1, 0)] if ident is not None)
        order = [*order[start:], *order[:start], first]
    order = list(dict.fromkeys(order))  # each once, in its first place
    since = (date.fromisoformat(today) - timedelta(days=LATELY_DAYS)).isoformat()
    lately = {ident for ident in order if since < practised.get(ident, "") <= today}
    fresh = [ident for ident in order if ident not in lately]
    # Stable: exercises practised on the same day keep their place in the order.
    return fresh + sorted(lately, key=lambda ident: (practised[ident], order.index(ident)))


def todays_rotation(turn: Turn) -> list[str]:
    """`rotation` for this person, today, with the exercises the content offers."""
    paired = [exercise_for(turn, number) for number in range(1, len(turn.catalog.strategies) + 1)]
    progress = turn.progress
    first = library(turn).default_breathing.id
    return rotation(paired, progress.last_strategy, first, progress.last_practice, turn.today())


def suggested(turn: Turn) -> str:
    """The exercise to suggest today."""
    return todays_rotation(turn)[0]


def suggested_after(turn: Turn, ident: str | None) -> str:
    """The one to suggest after `ident` ("something else"), round to the first again."""
    order = todays_rotation(turn)
    if ident not in order:
        return order[0]
    return order[(order.index(ident) + 1) % len(order)]
