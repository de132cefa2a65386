"""What a short reply means, read against the question the skill asked last: one table.

A turn that asks a question names it (`Turn.ask(..., Question(Ask.TIP))`); the next turn's
reply is looked up here, in the question's row. A reply the row does not name means what it
means after no question at all (`WITHOUT_QUESTION`). This is the one module that sees every
conversation area; the areas themselves never import each other.

Replies are "yes" and "no" today. A reply that depends on the question just asked ("you
pick" after "which area?", "thanks" after a closing question, "I'm done" mid-exercise) is one
more `Reply`, a column in the rows where it means something and one entry in
`WITHOUT_QUESTION`, and a handler for its intent that calls `answer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum

from ask_sdk_model import Response

from trust_coach import guided
from trust_coach.exercises import PROMISE
from trust_coach.handlers import (
    exercises,
    navigation,
    privacy,
    promises,
    safety,
    sharing,
    strategies,
    tips,
)
from trust_coach.handlers.base import TurnHandler
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn


class Reply(Enum):
    YES = "yes"
    NO = "no"


Answer = Callable[[Turn, Question], Response]
YES, NO = Reply.YES, Reply.NO


def _continue(turn: Turn) -> Response:
    """Where the user left off: an exercise partway, else the strategy they were on."""
    saved = guided.unfinished(turn)
    return exercises.resume_or_choose(turn, saved) if saved else strategies.resume(turn)


def _resume_exercise(turn: Turn) -> Response:
    """ "Yes" to "the exercise or the strategy?": the exercise, if it is still there."""
    saved = guided.unfinished(turn)
    return guided.resume_saved(turn, saved) if saved else _continue(turn)


def _start(turn: Turn, exercise_id: str | None) -> Response:
    if exercise_id == PROMISE:
        return promises.ask(turn)
    return guided.start_by_id(turn, exercise_id or "")


def _go_on(turn: Turn) -> Response:
    return guided.go_on(turn) if guided.in_exercise(turn) else navigation.home(turn)


FOLLOWUPS: Mapping[Ask, Mapping[Reply, Answer]] = {
    Ask.READ_STRATEGY: {YES: lambda t, q: strategies.read_strategy(t, q.strategy or 1)},
    Ask.MORE: {YES: lambda t, _: strategies.read_more(t)},
    Ask.TRY_TODAY: {YES: lambda t, _: strategies.try_today(t)},
    Ask.NEXT_STRATEGY: {YES: lambda t, _: strategies.next_strategy(t)},
    Ask.LIST: {YES: lambda t, _: strategies.list_strategies(t)},
    Ask.TIP: {YES: lambda t, _: tips.daily_tip(t)},
    Ask.RESUME: {YES: lambda t, _: _continue(t)},
    Ask.HOME: {YES: lambda t, _: navigation.home(t)},
    Ask.CLOSING: {
        YES: lambda t, _: navigation.home(t),
        NO: lambda t, _: navigation.goodbye(t),
    },
    Ask.SAFETY_REPEAT: {
        YES: lambda t, _: safety.safety_answer(t, acknowledge=False),
        NO: lambda t, _: safety.safety_close(t),
    },
    Ask.SHARE_OFFER: {
        YES: lambda t, _: guided.start_by_id(t, sharing.SETTLING_EXERCISE),
        NO: lambda t, _: navigation.home(t),
    },
    Ask.OFFER_EXERCISE: {
        YES: lambda t, q: _start(t, q.exercise),
        NO: lambda t, _: guided.choose(t),
    },
    Ask.START_EXERCISE: {YES: lambda t, q: _start(t, q.exercise)},
    Ask.EXERCISE_CONTINUE: {
        YES: lambda t, _: _go_on(t),
        NO: lambda t, _: guided.stop(t),
    },
    Ask.RESUME_CHOICE: {
        YES: lambda t, _: _resume_exercise(t),
        NO: lambda t, _: strategies.back_to_strategy(t),
    },
    Ask.FORGET: {
        YES: lambda t, _: privacy.forget(t),
        NO: lambda t, _: privacy.keep(t),
    },
    Ask.FORGET_HOUSEHOLD: {
        YES: lambda t, _: privacy.forget_everyone(t),
        NO: lambda t, _: privacy.keep_everyone(t),
    },
    Ask.KEEP_PROMISE: {
        YES: lambda t, _: promises.keep(t),
        NO: lambda t, _: promises.ask(t),
    },
    Ask.PROMISE_KEPT: {
        YES: lambda t, _: promises.kept(t),
        NO: lambda t, _: promises.missed(t),
    },
    Ask.ANOTHER_PROMISE: {YES: lambda t, _: promises.ask(t)},
}

# A reply to no question, or to one whose row does not name it.
WITHOUT_QUESTION: Mapping[Reply, Callable[[Turn], Response]] = {
    YES: navigation.home,
    NO: navigation.anything_else,
}


def answer(turn: Turn, reply: Reply) -> Response:
    question = turn.question
    action = FOLLOWUPS.get(question.ask, {}).get(reply) if question else None
    if question is None or action is None:
        return WITHOUT_QUESTION[reply](turn)
    return action(turn, question)


class YesHandler(TurnHandler):
    intents = ("AMAZON.YesIntent",)

    def respond(self, turn: Turn) -> Response:
        return answer(turn, YES)


class NoHandler(TurnHandler):
    intents = ("AMAZON.NoIntent",)

    def respond(self, turn: Turn) -> Response:
        return answer(turn, NO)
