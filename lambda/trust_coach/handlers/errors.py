"""The last resort: any failure becomes a short spoken apology, never a stack trace."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach.content import catalog_for
from trust_coach.handlers.base import is_skill_event
from trust_coach.interceptors import finish_turn
from trust_coach.store.base import ProgressStore

log = logging.getLogger(__name__)


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Apologises, keeping what the turn did before it failed (saved, and in the session)."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        # A failed skill event (e.g. a deletion) must fail the invocation, not be apologised for.
        return not is_skill_event(handler_input)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # Log the kind of failure only: messages can carry what the user said.
        log.error("turn failed: %s", type(exception).__name__, exc_info=False)
        request = handler_input.request_envelope.request
        catalog = catalog_for(getattr(request, "locale", None))
        salt = getattr(request, "request_id", "") or ""
        builder = handler_input.response_builder
        if getattr(request, "object_type", None) == "SessionEndedRequest":
            return builder.response
        try:
            finish_turn(handler_input, self.store)
        except Exception as save_error:  # the apology must still go out
            log.warning("progress save after failure failed: %s", type(save_error).__name__)
        return (
            builder.speak(catalog.prompt("error", salt))
            .ask(catalog.prompt("error_reprompt", salt))
            .response
        )
