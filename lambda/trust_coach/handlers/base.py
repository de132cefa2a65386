"""What every handler shares: matching by request type or intent name, and the Turn."""

from __future__ import annotations

from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from trust_coach.turn import Turn


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


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name; None for an IntentRequest that names none (the SDK's helper raises)."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    return getattr(intent, "name", None)


def slot_value(turn: Turn, name: str) -> str | None:
    """A slot's resolved value id or name if Alexa resolved it, else what was heard."""
    request = turn.handler_input.request_envelope.request
    intent = getattr(request, "intent", None)
    slots = getattr(intent, "slots", None) or {}
    slot = slots.get(name) if isinstance(slots, dict) else None
    if slot is None:
        return None
    resolutions = getattr(slot, "resolutions", None)
    for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
        status = getattr(getattr(authority, "status", None), "code", None)
        values = getattr(authority, "values", None) or []
        if getattr(status, "value", status) == "ER_SUCCESS_MATCH" and values:
            resolved = values[0].value
            if resolved is not None and (resolved.id or resolved.name):
                return resolved.id or resolved.name
    value = getattr(slot, "value", None)
    return value if isinstance(value, str) and value.strip() else None
