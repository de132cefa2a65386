"""What a turn did, counted for production metrics: launches, strategies, exercises, tips, errors.

Handlers know nothing of metrics. A request interceptor notes where the user's progress stood
before the handler ran; a response interceptor counts what the turn did. Counts go to the sink
installed for this invocation (on Lambda, powertools Metrics, see `observability`); with no
sink, counting does nothing, so the console, the web endpoint and the tests pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

# Metric names, as CloudWatch shows them (the SAM template's store-error alarm uses one).
LAUNCHES = "Launches"
STRATEGIES_READ = "StrategiesRead"
EXERCISES_FINISHED = "ExercisesFinished"
TIPS_HEARD = "TipsHeard"
STORE_ERRORS = "StoreErrors"
METRICS = (LAUNCHES, STRATEGIES_READ, EXERCISES_FINISHED, TIPS_HEARD, STORE_ERRORS)

Sink = Callable[[str, int], None]
_sink: ContextVar[Sink | None] = ContextVar("trust_coach_metric_sink", default=None)
_EXERCISES_BEFORE = "telemetry_exercises_before"


@contextmanager
def counting(sink: Sink) -> Iterator[None]:
    """Send every count made inside the block to `sink`."""
    token = _sink.set(sink)
    try:
        yield
    finally:
        _sink.reset(token)


def count(name: str, value: int = 1) -> None:
    sink = _sink.get()
    if sink is not None and value > 0:
        sink(name, value)


def _exercises_done(handler_input: HandlerInput) -> int:
    from trust_coach.turn import Turn

    return sum(Turn.of(handler_input).progress.exercises_done.values())


class TurnStartInterceptor(AbstractRequestInterceptor):
    """Registered after the progress loader: remembers the exercise count before the turn."""

    def process(self, handler_input: HandlerInput) -> None:
        if _sink.get() is None or handler_input.request_envelope.session is None:
            return
        before = _exercises_done(handler_input)
        handler_input.attributes_manager.request_attributes[_EXERCISES_BEFORE] = before


class TurnMetricsInterceptor(AbstractResponseInterceptor):
    """Counts what the turn did from where it left the user."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if _sink.get() is None:
            return
        if get_request_type(handler_input) == "LaunchRequest":
            count(LAUNCHES)
        attributes = handler_input.attributes_manager.request_attributes
        if _EXERCISES_BEFORE not in attributes:
            return
        from trust_coach.handlers.strategies import STRATEGY_AREA
        from trust_coach.turn import Turn

        place = Turn.of(handler_input).place
        if place.get("area") == STRATEGY_AREA and place.get("part") == "summary":
            count(STRATEGIES_READ)
        if place.get("area") == "tip":
            count(TIPS_HEARD)
        count(EXERCISES_FINISHED, _exercises_done(handler_input) - attributes[_EXERCISES_BEFORE])
