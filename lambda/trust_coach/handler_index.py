"""Which handlers to ask about a request: only those that might say yes, in the same order.

The SDK asks each of the skill's ~40 handlers in order until one can handle the request. A
`TurnHandler` (handlers.base) that keeps the shared `can_handle` says no to any request whose
type and intent it does not name, so for each request type, or intent, the index keeps the
handlers that name it and those that decide some other way (which are always asked). The first
to say yes is the one the full scan would have found.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest
from ask_sdk_runtime.dispatch_components.request_components import (
    GenericRequestHandlerChain,
    GenericRequestMapper,
)

from trust_coach.handlers.base import TurnHandler

INTENT_REQUEST = "IntentRequest"

Chains = tuple[GenericRequestHandlerChain, ...]


def _names(chain: GenericRequestHandlerChain) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """The request types and intents a handler can answer, or None if it decides otherwise."""
    handler = chain.request_handler
    if isinstance(handler, TurnHandler) and type(handler).can_handle is TurnHandler.can_handle:
        return handler.request_types, handler.intents
    return None


class IndexedRequestMapper(GenericRequestMapper):
    """GenericRequestMapper, asking only the handlers that might handle the request."""

    def __init__(self, request_handler_chains: Sequence[GenericRequestHandlerChain]) -> None:
        super().__init__(request_handler_chains=list(request_handler_chains))
        chains = self.request_handler_chains
        names = [_names(chain) for chain in chains]
        types = {t for found in names if found for t in found[0]} | {INTENT_REQUEST}
        intents = {i for found in names if found for i in found[1]}

        def asked(request_type: str, intent: str | None) -> Chains:
            return tuple(
                chain
                for chain, found in zip(chains, names, strict=True)
                if found is None
                or request_type in found[0]
                or (request_type == INTENT_REQUEST and intent in found[1])
            )

        self._by_type = {t: asked(t, None) for t in types}
        self._by_intent = {i: asked(INTENT_REQUEST, i) for i in intents}
        self._others = asked("", None)  # a request type no handler names

    def candidates(self, handler_input: HandlerInput) -> Chains | None:
        """The handlers to ask, in order; None means all (when the request is unusual)."""
        try:
            request = handler_input.request_envelope.request
            request_type = request.object_type
            if request_type == INTENT_REQUEST:
                if not isinstance(request, IntentRequest):
                    return None
                intent = request.intent.name
                return self._by_intent.get(intent, self._by_type[INTENT_REQUEST])
            return self._by_type.get(request_type, self._others)
        except Exception:  # e.g. an intent request without an intent: the full scan decides
            return None

    def get_request_handler_chain(self, handler_input: HandlerInput) -> Any:
        chains = self.candidates(handler_input)
        if chains is None:
            return super().get_request_handler_chain(handler_input)
        for chain in chains:
            if chain.request_handler.can_handle(handler_input=handler_input):
                return chain
        return None


def index_request_mappers(mappers: Sequence[Any]) -> list[Any]:
    """The skill's request mappers, each of the SDK's generic ones indexed."""
    return [
        IndexedRequestMapper(mapper.request_handler_chains)
        if type(mapper) is GenericRequestMapper
        else mapper
        for mapper in mappers
    ]
