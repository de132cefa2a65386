"""What the skill did, counted for production metrics: launches, strategies, exercises, tips,
errors. Each is counted where it happens (`count(TIPS_HEARD)` where a tip is read).

Counts go to the sink installed for this invocation (on Lambda, powertools Metrics, see
`observability`); with no sink, counting does nothing, so the console, the web endpoint and
the tests pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# Metric names, as CloudWatch shows them (the SAM template's store-error alarm uses one).
LAUNCHES = "Launches"
STRATEGIES_READ = "StrategiesRead"
EXERCISES_FINISHED = "ExercisesFinished"
TIPS_HEARD = "TipsHeard"
STORE_ERRORS = "StoreErrors"
METRICS = (LAUNCHES, STRATEGIES_READ, EXERCISES_FINISHED, TIPS_HEARD, STORE_ERRORS)

Sink = Callable[[str, int], None]
_sink: ContextVar[Sink | None] = ContextVar("trust_coach_metric_sink", default=None)


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
