"""What a plain "yes" or "no" means, given the question the skill asked last.

Each question the skill asks records a pending action (see `Turn.ask`); this table turns it
back into the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from ask_sdk_model import Response

from trust_coach.handlers import navigation, resume, safety, strategies, tips
from trust_coach.handlers.base import TurnHandler
from trust_coach.turn import Turn

YesAction = Callable[[Turn, str], Response]

YES_ACTIONS: dict[str, YesAction] = {
    "strategy": lambda turn, arg: strategies.read_strategy(turn, int(arg or 1)),
    "more": lambda turn, _: strategies.read_more(turn),
    "try_today": lambda turn, _: strategies.try_today(turn),
    "next": lambda turn, _: strategies.next_strategy(turn),
    "list": lambda turn, _: strategies.list_strategies(turn),
    "tip": lambda turn, _: tips.daily_tip(turn),
    "resume": lambda turn, _: resume.resume(turn),
    "home": lambda turn, _: navigation.home(turn),
    "closing": lambda turn, _: navigation.home(turn),
    "safety_repeat": lambda turn, _: safety.safety_answer(turn, acknowledge=False),
}

NO_ACTIONS: dict[str, YesAction] = {
    "closing": lambda turn, _: navigation.goodbye(turn),
    "safety_repeat": lambda turn, _: safety.safety_close(turn),
}


def register(name: str, on_yes: YesAction, on_no: YesAction | None = None) -> None:
    """Let another conversation area add its own yes/no questions."""
    YES_ACTIONS[name] = on_yes
    if on_no is not None:
        NO_ACTIONS[name] = on_no


def _split(pending: str | None) -> tuple[str, str]:
    name, _, arg = (pending or "").partition(":")
    return name, arg


class YesHandler(TurnHandler):
    intents = ("AMAZON.YesIntent",)

    def respond(self, turn: Turn) -> Response:
        name, arg = _split(turn.conversation.pending)
        action = YES_ACTIONS.get(name)
        if action is None:
            return navigation.home(turn)
        return action(turn, arg)


class NoHandler(TurnHandler):
    intents = ("AMAZON.NoIntent",)

    def respond(self, turn: Turn) -> Response:
        name, arg = _split(turn.conversation.pending)
        action = NO_ACTIONS.get(name)
        if action is None:
            return navigation.anything_else(turn)
        return action(turn, arg)
