"""Built-ins that move around: home, help, fallback, repeat, start over, stop, session end."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach.handlers import strategies
from trust_coach.handlers.base import TurnHandler
from trust_coach.handlers.safety import in_safety, safety_answer, safety_close
from trust_coach.turn import Turn


def home(turn: Turn) -> Response:
    turn.place = {}
    return turn.ask(turn.speech(turn.say("home")), turn.say("home_reprompt"), pending="list")


def anything_else(turn: Turn) -> Response:
    speech = turn.speech(turn.say("anything_else"))
    return turn.ask(speech, turn.say("anything_else_reprompt"), pending="closing")


def goodbye(turn: Turn) -> Response:
    return turn.tell(turn.speech(turn.say("goodbye")))


def in_strategy(turn: Turn) -> bool:
    return turn.place.get("area") == strategies.STRATEGY_AREA


class HelpHandler(TurnHandler):
    intents = ("AMAZON.HelpIntent",)

    def respond(self, turn: Turn) -> Response:
        if in_strategy(turn):
            name = turn.catalog.strategy(int(turn.place["number"])).name
            text = turn.say("help_strategy", strategy_name=name)
        else:
            text = turn.say("help_top")
        return turn.ask(turn.speech(text), turn.say("help_reprompt"))


class FallbackHandler(TurnHandler):
    intents = ("AMAZON.FallbackIntent",)

    def respond(self, turn: Turn) -> Response:
        key = "fallback_strategy" if in_strategy(turn) else "fallback_top"
        return turn.ask(turn.speech(turn.say(key)), turn.say("fallback_reprompt"))


class RepeatHandler(TurnHandler):
    intents = ("AMAZON.RepeatIntent",)

    def respond(self, turn: Turn) -> Response:
        area = turn.place.get("area")
        if area == strategies.STRATEGY_AREA:
            return strategies.repeat_strategy_part(turn)
        if area == "list":
            return strategies.list_strategies(turn)
        if area == "tip":
            from trust_coach.handlers.tips import daily_tip

            return daily_tip(turn)
        if in_safety(turn):
            return safety_answer(turn, acknowledge=False)
        return home(turn)


class StartOverHandler(TurnHandler):
    intents = ("AMAZON.StartOverIntent",)

    def respond(self, turn: Turn) -> Response:
        return strategies.read_strategy(turn, 1)


class NavigateHomeHandler(TurnHandler):
    intents = ("AMAZON.NavigateHomeIntent",)

    def respond(self, turn: Turn) -> Response:
        return home(turn)


class StopHandler(TurnHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def respond(self, turn: Turn) -> Response:
        if in_safety(turn):  # after the numbers: a kind close that points to them again
            return safety_close(turn)
        return goodbye(turn)


class SessionEndedHandler(TurnHandler):
    """Says nothing; the response interceptor saves what changed."""

    request_types = ("SessionEndedRequest",)

    def respond(self, turn: Turn) -> Response:
        return turn.handler_input.response_builder.response


class UnknownRequestHandler(TurnHandler):
    """Last in the list: an intent we do not know is a fallback; other requests get silence."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def respond(self, turn: Turn) -> Response:
        request = turn.handler_input.request_envelope.request
        if getattr(request, "object_type", None) == "IntentRequest":
            return FallbackHandler().respond(turn)
        return turn.handler_input.response_builder.response
