"""Built-ins that move around: home, help, fallback, repeat, stop, session end, and the last
resort for requests nothing else answered. (Where an area does something of its own with a
built-in, its handler comes earlier in the list: repeating a strategy, stopping after the
safety numbers, help mid-exercise.)"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler
from trust_coach.places import At, AtStrategy
from trust_coach.questions import Ask, Question
from trust_coach.turn import Turn

MENU_AFTER_MISSES = 2  # requests not understood in a row before a short menu of things to say


def home(turn: Turn) -> Response:
    turn.place = At.NOWHERE
    speech = turn.speech(turn.say("home"))
    return turn.ask(speech, turn.say("home_reprompt"), Question(Ask.LIST))


def anything_else(turn: Turn) -> Response:
    speech = turn.speech(turn.say("anything_else"))
    return turn.ask(speech, turn.say("anything_else_reprompt"), Question(Ask.CLOSING))


def goodbye(turn: Turn) -> Response:
    return turn.tell(turn.speech(turn.say("goodbye")))


def thanks_close(turn: Turn) -> Response:
    """ "Thank you", "goodnight", "I feel better": a warm close that ends the session."""
    return turn.tell(turn.speech(turn.say("thanks_close")))


def help_answer(turn: Turn) -> Response:
    place = turn.place
    if isinstance(place, AtStrategy):
        name = turn.catalog.strategy(place.number).name
        text = turn.say("help_strategy", strategy_name=name)
    else:
        text = turn.say("help_top")
    return turn.ask(turn.speech(text), turn.say("help_reprompt"))


def fallback(turn: Turn) -> Response:
    if turn.misunderstood() >= MENU_AFTER_MISSES:  # say exactly what works, three things
        return turn.ask(turn.speech(turn.say("fallback_menu")), turn.say("fallback_menu_reprompt"))
    key = "fallback_strategy" if isinstance(turn.place, AtStrategy) else "fallback_top"
    return turn.ask(turn.speech(turn.say(key)), turn.say("fallback_reprompt"))


class HelpHandler(TurnHandler):
    """Help; also "repeat the instructions" outside the listening timer."""

    intents = ("AMAZON.HelpIntent", "InstructionsIntent")

    def respond(self, turn: Turn) -> Response:
        return help_answer(turn)


class FallbackHandler(TurnHandler):
    intents = ("AMAZON.FallbackIntent",)

    def respond(self, turn: Turn) -> Response:
        return fallback(turn)


class RepeatHandler(TurnHandler):
    """ "Repeat" where there is nothing of an area's own to say again: the menu."""

    intents = ("AMAZON.RepeatIntent",)

    def respond(self, turn: Turn) -> Response:
        return home(turn)


class NavigateHomeHandler(TurnHandler):
    intents = ("AMAZON.NavigateHomeIntent",)

    def respond(self, turn: Turn) -> Response:
        return home(turn)


class StopHandler(TurnHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def respond(self, turn: Turn) -> Response:
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
            return fallback(turn)
        return turn.handler_input.response_builder.response
