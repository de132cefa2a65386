"""Production logging and metrics on Lambda: powertools Logger (JSON) and Metrics (EMF).

Only the Lambda entry point imports this, on its first invocation, so the console, the web
endpoint and the tests never load powertools. On Lambda it adds one import of
`aws_lambda_powertools`: 15-35 ms on one full core here, on top of the ~150-300 ms the skill's
own imports take (about 75 ms alone; much is shared). The benchmark measures the real cold path.

Every log line carries the Alexa request id and a hash of the user id, never the raw id, and
never what the user said. Metrics are flushed once per invocation, as one EMF line on stdout.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from collections.abc import Callable
from functools import wraps
from typing import IO, Any, NamedTuple

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from trust_coach import telemetry
from trust_coach.store.base import user_key

Handler = Callable[[Any, Any], dict[str, Any]]  # any event: Lambda hands over any JSON
PACKAGE_LOGGER = "trust_coach"
CRISIS_INTENT = "CrisisIntent"
MAX_LABEL_CHARS = 100

# An invocation that counted nothing (say, a SessionEndedRequest) is normal here.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def request_keys(event: Any) -> dict[str, str]:
    """What each log line of this invocation says about the request: no raw ids, no words.
    Any event at all is read without raising: the answer to a malformed one is logged too."""
    envelope = _object(event)
    request = _object(envelope.get("request"))
    system = _object(_object(envelope.get("context")).get("System"))
    user_id = _object(system.get("user")).get("userId")
    keys = {
        "request_type": _label(request.get("type")),
        "locale": _label(request.get("locale")),
    }
    intent = _label(_object(request.get("intent")).get("name"))
    if intent:
        keys["intent"] = intent
    # A call for help is sensitive health data: its log lines are not tied to anyone.
    if isinstance(user_id, str) and user_id and intent != CRISIS_INTENT:
        keys["user"] = user_key(user_id)
    return keys


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the event, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def _label(value: Any) -> str:
    """A name from the event (a request type, a locale), kept short: it is any sender's text."""
    return value[:MAX_LABEL_CHARS] if isinstance(value, str) else ""


def request_id(event: Any) -> Any:
    """What powertools' JMESPath `request.requestId` finds in an event, without JMESPath (its
    search cost more than the rest of the correlation id's work)."""
    request = event.get("request") if isinstance(event, dict) else None
    return request.get("requestId") if isinstance(request, dict) else None


# Characters a JSON document can start with (json.loads skips leading whitespace).
_JSON_STARTS = frozenset(' \t\n\r{["-0123456789tfnNI')


def message_json(text: Any) -> Any:
    """json.loads for powertools, which tries to read every log message as JSON: most are plain
    sentences, and refusing those at their first character spares a JSONDecodeError each."""
    if isinstance(text, str) and text and text[0] not in _JSON_STARTS:
        raise ValueError("not JSON")
    return json.loads(text)


def _events_logged() -> bool:
    """Whether powertools is set to log each event (POWERTOOLS_LOGGER_LOG_EVENT), as it reads it."""
    flag = os.environ.get("POWERTOOLS_LOGGER_LOG_EVENT", "false").lower()
    return flag in ("1", "y", "yes", "t", "true", "on")


class Observability:
    """A powertools Logger and Metrics pair, and the wrapper that applies them to a handler."""

    def __init__(
        self,
        service: str | None = None,
        namespace: str | None = None,
        stream: IO[str] | None = None,
    ) -> None:
        service = service or os.environ.get("POWERTOOLS_SERVICE_NAME") or "trust-coach"
        namespace = namespace or os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "TrustCoach"
        self.logger = Logger(service=service, stream=stream, json_deserializer=message_json)
        self.metrics = Metrics(namespace=namespace, service=service)
        self._route_package_logs()

    def _route_package_logs(self) -> None:
        """The skill's own module loggers (trust_coach.*) write through the JSON handler too."""
        package = logging.getLogger(PACKAGE_LOGGER)
        handler = self.logger.registered_handler
        if handler not in package.handlers:
            package.addHandler(handler)
        package.setLevel(self.logger.log_level)
        package.propagate = False  # the runtime's root handler would print each line twice

    def _count(self, name: str, value: int) -> None:
        self.metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def instrument(self, handler: Handler) -> Handler:
        logger, metrics = self.logger, self.metrics

        def with_context(instrumented: Handler) -> Handler:
            # Powertools reads the Lambda context; a local call (None) gets a stand-in.
            @wraps(instrumented)
            def call(event: Any, context: Any) -> dict[str, Any]:
                return instrumented(event, context if context is not None else LocalContext())

            return call

        # An event powertools logs must carry the correlation id, so then powertools sets it.
        path = "request.requestId" if _events_logged() else None

        @logger.inject_lambda_context(correlation_id_path=path, clear_state=True)
        @metrics.log_metrics(capture_cold_start_metric=True)
        @wraps(handler)
        def instrumented(event: Any, context: Any) -> dict[str, Any]:
            if path is None:
                logger.set_correlation_id(request_id(event))
            logger.append_keys(**request_keys(event))
            with telemetry.counting(self._count):
                response = handler(event, context)
            logger.info("request answered")
            return response

        return with_context(instrumented)


class LocalContext(NamedTuple):
    """What powertools reads from a Lambda context, for calls made outside Lambda."""

    function_name: str = "trust-coach-local"
    memory_limit_in_mb: int = 0
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:trust-coach-local"
    aws_request_id: str = "local"
