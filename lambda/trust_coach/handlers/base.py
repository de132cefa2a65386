"""What every handler shares: matching by request type or intent name, and the Turn.

Handler modules (one per conversation area) import this and the modules below them, never
each other: what one area's question leads to in another is the follow-up table's to say
(`followups.py`), and which area answers a request is the ordered list's (`__init__.py`).
"""

from __future__ import annotations

import time
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from trust_coach.budget import name_lookup_timeout
from trust_coach.places import At
from trust_coach.profile import fetch_given_name
from trust_coach.telemetry import LAUNCHES, count
from trust_coach.turn import Turn, intent_name

SKILL_EVENT_PREFIX = "AlexaSkillEvent."


class TurnHandler(AbstractRequestHandler):
    """Handles the request types or intents it names; subclasses write `respond`."""

    request_types: ClassVar[tuple[str, ...]] = ()
    intents: ClassVar[tuple[str, ...]] = ()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = get_request_type(handler_input)
        if request_type in self.request_types:
            return self.applies(Turn.of(handler_input))
        if self.intents and request_type == "IntentRequest":
            return intent_name(handler_input) in self.intents and self.applies(
                Turn.of(handler_input)
            )
        return False

    def applies(self, turn: Turn) -> bool:
        """A further condition on where the user is; true unless a subclass narrows it."""
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.respond(Turn.of(handler_input))

    def respond(self, turn: Turn) -> Response:
        raise NotImplementedError


def is_skill_event(handler_input: HandlerInput) -> bool:
    return get_request_type(handler_input).startswith(SKILL_EVENT_PREFIX)


def arrive(turn: Turn) -> str:
    """A launch: the visit is counted, the session starts nowhere. Returns what varies the
    welcome from visit to visit, so it is not word for word the same each day."""
    salt = str(turn.progress.visits)
    turn.progress.visits += 1
    turn.place = At.NOWHERE
    count(LAUNCHES)
    return salt


def greeting(turn: Turn, salt: str) -> str:
    """ "Hi, Sam." before a welcome, for a recognised speaker who let the skill have their
    given name; otherwise nothing, and the welcome is as it always was."""
    elapsed = time.monotonic() - turn.started
    name = fetch_given_name(turn.handler_input.request_envelope, name_lookup_timeout(elapsed))
    return turn.catalog.prompt("welcome_name", salt, name=name) if name else ""
