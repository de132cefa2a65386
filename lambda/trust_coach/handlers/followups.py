"""What a short reply means, read against the question the skill asked last: one table.

A turn that asks a question names it (`Turn.ask(..., Question(Ask.TIP))`); the next turn's
reply is looked up here, in the question's row. A reply the row does not name means what it
means after no question at all (`WITHOUT_QUESTION`). This is the one module that sees every
conversation area; the areas themselves never import each other.

Replies are "yes", "no", "you pick", "thanks", "I'm done" and "something else". A reply is
a `Reply`, a column in the rows where it means something and one entry in
`WITHOUT_QUESTION`, and a handler for its intent that calls `answer`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import ClassVar

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
    CHOOSE_FOR_ME = "you pick"
    THANKS = "thanks"
    ENOUGH = "I'm done"
    SOMETHING_ELSE = "something else"


Answer = Callable[[Turn, Question], Response]
YES, NO = Reply.YES, Reply.NO
CHOOSE_FOR_ME, THANKS, ENOUGH, SOMETHING_ELSE = (
    Reply.CHOOSE_FOR_ME,
    Reply.THANKS,
    Reply.ENOUGH,
    Reply.SOMETHING_ELSE,
)


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


def _enough(turn: Turn) -> Response:
    """ "I'm done": the exercise's close (done, or its place kept), else the session's."""
    return guided.enough(turn) if guided.in_exercise(turn) else navigation.goodbye(turn)


def _no_to_go_on(turn: Turn) -> Response:
    """ "No" mid-exercise: after "say next when you're ready" it may mean "not yet", so ask;
    after "say continue for more, or stop" it means stop."""
    if not guided.in_exercise(turn):
        return navigation.anything_else(turn)
    return guided.ask_to_stop(turn) if guided.waiting_for_next(turn) else guided.stop(turn)


def _no_to_offer_after(turn: Turn) -> Response:
    """ "No" to the one next step an exercise offers when it ends closes the session."""
    return navigation.goodbye(turn) if guided.finished(turn) else navigation.anything_else(turn)


FOLLOWUPS: Mapping[Ask, Mapping[Reply, Answer]] = {
    Ask.READ_STRATEGY: {YES: lambda t, q: strategies.read_strategy(t, q.strategy or 1)},
    Ask.MORE: {
        YES: lambda t, _: strategies.read_more(t),
        SOMETHING_ELSE: lambda t, _: strategies.next_strategy(t),
    },
    Ask.TRY_TODAY: {
        YES: lambda t, _: strategies.try_today(t),
        SOMETHING_ELSE: lambda t, _: strategies.next_strategy(t),
    },
    Ask.NEXT_STRATEGY: {
        YES: lambda t, _: strategies.next_strategy(t),
        SOMETHING_ELSE: lambda t, _: strategies.next_strategy(t),
    },
    Ask.LIST: {YES: lambda t, _: strategies.list_strategies(t)},
    Ask.CHOOSE_STRATEGY: {CHOOSE_FOR_ME: lambda t, _: exercises.suggest(t)},
    Ask.TIP: {  # "... before you go?": a closing question
        YES: lambda t, _: tips.daily_tip(t),
        NO: lambda t, _: navigation.goodbye(t),
    },
    Ask.RESUME: {YES: lambda t, _: _continue(t)},
    Ask.HOME: {YES: lambda t, _: navigation.home(t)},
    Ask.CLOSING: {
        YES: lambda t, _: navigation.home(t),
        NO: lambda t, _: navigation.goodbye(t),
    },
    Ask.SAFETY_REPEAT: {  # whatever closes here, closes with the numbers pointed to again
        YES: lambda t, _: safety.safety_answer(t, acknowledge=False),
        NO: lambda t, _: safety.safety_close(t),
        THANKS: lambda t, _: safety.safety_close(t),
        ENOUGH: lambda t, _: safety.safety_close(t),
    },
    Ask.SHARE_OFFER: {
        YES: lambda t, _: guided.start_by_id(t, sharing.SETTLING_EXERCISE),
        NO: lambda t, _: navigation.home(t),
    },
    Ask.OFFER_EXERCISE: {
        YES: lambda t, q: _start(t, q.exercise),
        NO: lambda t, _: guided.choose(t),
        SOMETHING_ELSE: lambda t, q: exercises.suggest_another(t, q.exercise),
    },
    Ask.SUGGEST_EXERCISE: {
        YES: lambda t, q: _start(t, q.exercise),
        NO: lambda t, _: guided.choose(t),
        SOMETHING_ELSE: lambda t, q: exercises.suggest_another(t, q.exercise),
    },
    Ask.CHOOSE_EXERCISE: {
        CHOOSE_FOR_ME: lambda t, _: exercises.suggest(t),
        SOMETHING_ELSE: lambda t, _: exercises.suggest(t),
    },
    Ask.START_EXERCISE: {
        YES: lambda t, q: _start(t, q.exercise),
        NO: lambda t, _: _no_to_offer_after(t),
        SOMETHING_ELSE: lambda t, q: exercises.suggest_another(t, q.exercise),
    },
    Ask.EXERCISE_CONTINUE: {
        YES: lambda t, _: _go_on(t),
        NO: lambda t, _: _no_to_go_on(t),
        THANKS: lambda t, _: _enough(t),  # kind, and honest about the place kept
        ENOUGH: lambda t, _: _enough(t),
    },
    Ask.STOP_EXERCISE: {
        YES: lambda t, _: _enough(t),
        NO: lambda t, _: _go_on(t),
        ENOUGH: lambda t, _: _enough(t),
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
    CHOOSE_FOR_ME: exercises.suggest,
    THANKS: navigation.thanks_close,
    ENOUGH: _enough,
    SOMETHING_ELSE: navigation.home,
}


def answer(turn: Turn, reply: Reply) -> Response:
    question = turn.question
    action = FOLLOWUPS.get(question.ask, {}).get(reply) if question else None
    if question is None or action is None:
        return WITHOUT_QUESTION[reply](turn)
    return action(turn, question)


class ReplyHandler(TurnHandler):
    """The intent of one reply, read against the question just asked."""

    reply: ClassVar[Reply]

    def respond(self, turn: Turn) -> Response:
        return answer(turn, self.reply)


class YesHandler(ReplyHandler):
    intents = ("AMAZON.YesIntent",)
    reply = YES


class NoHandler(ReplyHandler):
    intents = ("AMAZON.NoIntent",)
    reply = NO


class ChooseForMeHandler(ReplyHandler):
    intents = ("ChooseForMeIntent",)
    reply = CHOOSE_FOR_ME


class ThanksHandler(ReplyHandler):
    intents = ("ThanksIntent",)
    reply = THANKS


class EnoughHandler(ReplyHandler):
    intents = ("EnoughIntent",)
    reply = ENOUGH


class SomethingElseHandler(ReplyHandler):
    intents = ("SomethingElseIntent",)
    reply = SOMETHING_ELSE


class NextAfterExerciseHandler(TurnHandler):
    """ "Next" once an exercise has ended goes on to the one step it offered (its closing
    question), not to a strategy unrelated to it."""

    intents = ("AMAZON.NextIntent",)

    def applies(self, turn: Turn) -> bool:
        return guided.finished(turn) and turn.question is not None

    def respond(self, turn: Turn) -> Response:
        return answer(turn, YES)
