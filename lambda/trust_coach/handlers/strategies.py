"""The six strategies: list, read one, tell me more, something to try, next/previous, repeat,
start over, and "continue" to the strategy the user was on."""

from __future__ import annotations

from ask_sdk_model import Response

from trust_coach.choosing import exercise_for, name_and_length
from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At, AtStrategy, Part
from trust_coach.questions import Ask, Question
from trust_coach.telemetry import STRATEGIES_READ, count
from trust_coach.turn import Turn

SHORT_PAUSE = 0.6
REFLECT_PAUSE = 2.0
FIRST = Question(Ask.READ_STRATEGY, strategy=1)  # "Want to start with the first one?"


def current_number(turn: Turn) -> int | None:
    """The strategy the user is on in this session, else the one they were last on."""
    place = turn.place
    if isinstance(place, AtStrategy):
        return place.number
    return turn.progress.last_strategy


def list_strategies(turn: Turn) -> Response:
    turn.place = At.LIST
    speech = turn.speech(turn.say("strategy_list_first"))
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_list_last"))
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_list_ask"))
    return turn.ask(speech, turn.say("strategy_list_reprompt"), Question(Ask.CHOOSE_STRATEGY))


def read_strategy(turn: Turn, number: int, intro: str = "") -> Response:
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = AtStrategy(number, Part.SUMMARY)
    count(STRATEGIES_READ)
    speech = turn.speech(intro, strategy.summary)
    offered = _exercise_offered(turn, number)
    if offered is not None:  # name the strategy's exercise; "exercise" then starts it
        _, name, _ = offered
        speech.pause(SHORT_PAUSE).say(turn.say("strategy_follow_up_exercise", exercise=name))
        reprompt = turn.say("strategy_follow_up_exercise_reprompt")
        return turn.ask(speech, reprompt, Question(Ask.MORE))
    speech.pause(SHORT_PAUSE).say(turn.say("strategy_follow_up"))
    return turn.ask(speech, turn.say("strategy_follow_up_reprompt"), Question(Ask.MORE))


def read_more(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return nothing_started(turn)
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = AtStrategy(number, Part.MORE)
    speech = turn.speech(strategy.more)
    speech.pause(SHORT_PAUSE).say(turn.say("more_question_intro")).say(strategy.question)
    speech.pause(REFLECT_PAUSE).say(turn.say("more_follow_up"))
    return turn.ask(speech, turn.say("more_follow_up_reprompt"), Question(Ask.TRY_TODAY))


def try_today(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return nothing_started(turn)
    strategy = turn.catalog.strategy(number)
    turn.progress.hear_strategy(number, turn.now.timestamp())
    turn.place = AtStrategy(number, Part.ACTION)
    speech = turn.speech(turn.say("action_intro"), strategy.action)
    offered = _exercise_offered(turn, number)
    if offered is not None:  # offer the strategy's exercise; "next" still goes on
        ident, name, length = offered
        follow_up = turn.say("action_follow_up_exercise", exercise=name, length=length)
        reprompt = turn.say("action_follow_up_exercise_reprompt", exercise=name)
        speech.pause(SHORT_PAUSE).say(follow_up)
        return turn.ask(speech, reprompt, Question(Ask.OFFER_EXERCISE, exercise=ident))
    speech.pause(SHORT_PAUSE).say(turn.say("action_follow_up"))
    return turn.ask(speech, turn.say("action_follow_up_reprompt"), Question(Ask.NEXT_STRATEGY))


def _exercise_offered(turn: Turn, number: int) -> tuple[str, str, str] | None:
    """The strategy's exercise as (id, name, length in words), if it has one."""
    ident = exercise_for(turn, number)
    if ident is None:
        return None
    return (ident, *name_and_length(turn, ident))


def next_strategy(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return read_strategy(turn, 1)
    if number >= len(turn.catalog.strategies):
        turn.place = AtStrategy(number, Part.END)
        speech = turn.speech(turn.say("last_strategy_reached"))
        return turn.ask(speech, turn.say("last_strategy_reached_reprompt"), FIRST)
    return read_strategy(turn, number + 1)


def previous_strategy(turn: Turn) -> Response:
    number = current_number(turn)
    if number is None:
        return read_strategy(turn, 1)
    if number <= 1:
        speech = turn.speech(turn.say("first_strategy_reached"))
        return turn.ask(speech, turn.say("first_strategy_reached_reprompt"), FIRST)
    return read_strategy(turn, number - 1)


def repeat_part(turn: Turn, place: AtStrategy) -> Response:
    if place.part == Part.MORE:
        return read_more(turn)
    if place.part == Part.ACTION:
        return try_today(turn)
    return read_strategy(turn, place.number)


def nothing_started(turn: Turn) -> Response:
    speech = turn.speech(turn.say("no_strategy_yet"))
    return turn.ask(speech, turn.say("no_strategy_yet_reprompt"), FIRST)


def resume(turn: Turn) -> Response:
    """ "Continue" with no exercise left partway: the strategy the user was last on."""
    number = turn.progress.last_strategy
    if number is None:
        speech = turn.speech(turn.say("resume_nothing"))
        return turn.ask(speech, turn.say("resume_nothing_reprompt"), FIRST)
    return read_strategy(turn, number, intro=turn.say("resume_intro"))


def back_to_strategy(turn: Turn) -> Response:
    """The strategy the user was last on (or the first), said as picking up again."""
    return read_strategy(turn, turn.progress.last_strategy or 1, intro=turn.say("resume_intro"))


class ListStrategiesHandler(TurnHandler):
    intents = ("ListStrategiesIntent",)

    def respond(self, turn: Turn) -> Response:
        return list_strategies(turn)


class StrategyHandler(TurnHandler):
    intents = ("StrategyIntent",)

    def respond(self, turn: Turn) -> Response:
        strategy = turn.catalog.find_strategy(turn.slot("strategy"))
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


class ResumeHandler(TurnHandler):
    """ "Continue" (or Alexa's own "resume") with no exercise left partway."""

    intents = ("ResumeIntent", "AMAZON.ResumeIntent")

    def respond(self, turn: Turn) -> Response:
        return resume(turn)


class StrategyRepeatHandler(TurnHandler):
    """ "Repeat" on a strategy says its part again; on the list, the list."""

    intents = ("AMAZON.RepeatIntent",)

    def applies(self, turn: Turn) -> bool:
        return turn.place is At.LIST or isinstance(turn.place, AtStrategy)

    def respond(self, turn: Turn) -> Response:
        place = turn.place
        return repeat_part(turn, place) if isinstance(place, AtStrategy) else list_strategies(turn)


class StartOverHandler(TurnHandler):
    intents = ("AMAZON.StartOverIntent",)

    def respond(self, turn: Turn) -> Response:
        return read_strategy(turn, 1)
