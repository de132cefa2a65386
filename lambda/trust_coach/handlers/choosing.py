"""Choosing an exercise: the one that goes with a strategy, offered or started.

"Give me a trust exercise" offers the exercise for the strategy the user was last on (or
asks which area); "an exercise for communication" goes straight there; reading a strategy
offers its exercise. The pairing of strategies and exercises is data (`for_strategy` in
exercises.json); "promise" names the small promise, which has its own conversation.
"""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.exercises import library_for
from trust_coach.handlers.base import slot_value
from trust_coach.handlers.followups import register
from trust_coach.turn import Turn

PROMISE = "promise"
OFFER = "exercise_offer"  # pending: "yes" starts the exercise offered, "no" asks which


def exercise_for(turn: Turn, strategy_number: int) -> str | None:
    """The id of the exercise that goes with a strategy, if any."""
    strategy = turn.catalog.strategy(strategy_number)
    ident = library_for(turn.catalog).for_strategy.get(strategy.id)
    return ident if ident == PROMISE or library_for(turn.catalog).known(ident) else None


def name_and_length(turn: Turn, ident: str) -> tuple[str, str]:
    """How to call an exercise when offering it, and how long it takes, in words."""
    from trust_coach.handlers.exercises import (  # imports this module's users
        length_words,
        run_seconds,
    )

    library = library_for(turn.catalog)
    if ident == PROMISE:
        return library.promise_name, length_words(turn, library.promise_seconds)
    exercise = library.get(ident)
    return exercise.name, length_words(turn, run_seconds(turn, exercise))


def start_chosen(turn: Turn, ident: str) -> Response:
    from trust_coach.handlers import exercises, promises

    if ident == PROMISE:
        return promises.ask(turn)
    return exercises.start_by_id(turn, ident)


def offer(turn: Turn, strategy_number: int) -> Response:
    """Offer the exercise for a strategy, saying its length; without one, ask which."""
    ident = exercise_for(turn, strategy_number)
    if ident is None:
        return choose(turn)
    name, length = name_and_length(turn, ident)
    strategy_name = turn.catalog.strategy(strategy_number).name
    speech = turn.speech(
        turn.say("exercise_offer", strategy_name=strategy_name, exercise=name, length=length)
    )
    reprompt = turn.say("exercise_offer_reprompt", exercise=name)
    return turn.ask(speech, reprompt, pending=f"{OFFER}:{ident}")


def choose(turn: Turn) -> Response:
    from trust_coach.handlers.exercises import choose as ask_which

    return ask_which(turn)


def exercise_request(turn: Turn) -> Response:
    """ "An exercise" with no exercise named: by area if one was named, else by where the
    user is: the strategy they are on now starts its exercise (it was just offered), the
    one they were last on is offered, and otherwise the skill asks which."""
    from trust_coach.handlers.strategies import STRATEGY_AREA

    area = turn.catalog.find_strategy(slot_value(turn, "area"))
    if area is not None:
        ident = exercise_for(turn, area.number)
        return start_chosen(turn, ident) if ident else choose(turn)
    place = turn.place
    if place.get("area") == STRATEGY_AREA and isinstance(place.get("number"), int):
        ident = exercise_for(turn, place["number"])
        if ident:
            return start_chosen(turn, ident)
    if turn.progress.last_strategy is not None:
        return offer(turn, turn.progress.last_strategy)
    return choose(turn)


def chosen_by_word(turn: Turn, spoken: str | None) -> str | None:
    """After "which exercise?": an exercise's name, or a strategy's, as an exercise id."""
    library = library_for(turn.catalog)
    exercise = library.find(spoken)
    if exercise is not None:
        return exercise.id
    strategy = turn.catalog.find_strategy(spoken)
    return exercise_for(turn, strategy.number) if strategy else None


register(OFFER, lambda turn, ident: start_chosen(turn, ident), lambda turn, _: choose(turn))
