"""The six strategies: list, read one, tell me more, something to try, next/previous."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler, slot_value
from trust_coach.turn import Turn

STRATEGY_AREA = "strategy"
SHORT_PAUSE = 0.6
REFLECT_PAUSE = 2.0


def current_number(turn: Turn) -> int | None:
    """The strategy the user is on in this session, else the one they were last on."""
    place = turn.place
    if place.get("area") == STRATEGY_AREA:
        return int(place["number"])
    return turn.progress.last_strategy


def list_strategies(turn: Turn) -> Response:
    turn.place = {"area": "list"}
    speech = turn.speech(turn.say("strategy_list_first"))
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_list_last"))
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_list_ask"))
    return turn.ask(speech, turn.say("strategy_list_reprompt"))


def read_strategy(turn: Turn, number: int, intro: str = "") -> Response:
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = {"area": STRATEGY_AREA, "number": number, "part": "summary"}
    speech = turn.speech(intro, strategy.summary)
    offered = _exercise_offered(turn, number)
    if offered is not None:  # name the strategy's exercise; "exercise" then starts it
        _, name, _ = offered
        speech.pause(SHORT_PAUSE).say(turn.say("strategy_follow_up_exercise", exercise=name))
        reprompt = turn.say("strategy_follow_up_exercise_reprompt")
        return turn.ask(speech, reprompt, pending="more")
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_follow_up"))
    return turn.ask(speech, turn.say("strategy_follow_up_reprompt"), pending="more")


def read_more(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return nothing_started(turn)
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = {"area": STRATEGY_AREA, "number": number, "part": "more"}
    speech = turn.speech(strategy.more)
    speech.pause(SHORT_PAUSE).say(turn.say("more_question_intro")).say(strategy.question)
    speech.pause(REFLECT_PAUSE).say(turn.say("more_follow_up"))
    return turn.ask(speech, turn.say("more_follow_up_reprompt"), pending="try_today")


def try_today(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return nothing_started(turn)
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = {"area": STRATEGY_AREA, "number": number, "part": "action"}
    speech = turn.speech(turn.say("action_intro"), strategy.action)
    offered = _exercise_offered(turn, number)
    if offered is not None:  # offer the strategy's exercise; "next" still goes on
        ident, name, length = offered
        follow_up = turn.say("action_follow_up_exercise", exercise=name, length=length)
        reprompt = turn.say("action_follow_up_exercise_reprompt", exercise=name)
        speech.pause(SHORT_PAUSE).say(follow_up)
        return turn.ask(speech, reprompt, pending=f"exercise_offer:{ident}")
    speech.pause(SHORT_PAUSE).say(turn.say("action_follow_up"))
    return turn.ask(speech, turn.say("action_follow_up_reprompt"), pending="next")


def _exercise_offered(turn: Turn, number: int) -> tuple[str, str, str] | None:
    """The strategy's exercise as (id, name, length in words), if it has one."""
    from trust_coach.handlers import choosing  # imported here: choosing imports followups

    ident = choosing.exercise_for(turn, number)
    if ident is None:
        return None
    return (ident, *choosing.name_and_length(turn, ident))


def next_strategy(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return read_strategy(turn, 1)
    if number >= len(turn.catalog.strategies):
        turn.place = {"area": STRATEGY_AREA, "number": number, "part": "end"}
        speech = turn.speech(turn.say("last_strategy_reached"))
        return turn.ask(speech, turn.say("last_strategy_reached_reprompt"), pending="strategy:1")
    return read_strategy(turn, number + 1)


def previous_strategy(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return read_strategy(turn, 1)
    if number <= 1:
        speech = turn.speech(turn.say("first_strategy_reached"))
        return turn.ask(speech, turn.say("first_strategy_reached_reprompt"), pending="strategy:1")
    return read_strategy(turn, number - 1)


def repeat_strategy_part(turn: Turn) -> Response:
    place = turn.place
    part = place.get("part")
    if part == "more":
        return read_more(turn)
    if part == "action":
        return try_today(turn)
    return read_strategy(turn, int(place["number"]))


def nothing_started(turn: Turn) -> Response:
    speech = turn.speech(turn.say("no_strategy_yet"))
    return turn.ask(speech, turn.say("no_strategy_yet_reprompt"), pending="strategy:1")


class ListStrategiesHandler(TurnHandler):
    intents = ("ListStrategiesIntent",)

    def respond(self, turn: Turn) -> Response:
        return list_strategies(turn)


class StrategyHandler(TurnHandler):
    intents = ("StrategyIntent",)

    def respond(self, turn: Turn) -> Response:
        strategy = turn.catalog.find_strategy(slot_value(turn, "strategy"))
        if strategy is None:
            speech = turn.speech(turn.say("strategy_not_caught"))
            return turn.ask(speech, turn.say("strategy_list_reprompt"))
        return read_strategy(turn, strategy.number)


class TellMeMoreHandler(TurnHandler):
    intents = ("TellMeMoreIntent",)

    def respond(self, turn: Turn) -> Response:
        return read_more(turn)


class TryTodayHandler(TurnHandler):
    intents = ("TryTodayIntent",)

    def respond(self, turn: Turn) -> Response:
        return try_today(turn)


class NextHandler(TurnHandler):
    intents = ("AMAZON.NextIntent",)

    def respond(self, turn: Turn) -> Response:
        return next_strategy(turn)


class PreviousHandler(TurnHandler):
    intents = ("AMAZON.PreviousIntent",)

    def respond(self, turn: Turn) -> Response:
        return previous_strategy(turn)
