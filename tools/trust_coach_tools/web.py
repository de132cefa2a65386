"""The self-hosted endpoint: the Lambda skill behind flask-ask-sdk's SkillAdapter, on waitress.

`POST /` takes Alexa's request envelopes, `GET /healthz` says the process is up. The adapter
runs Trust Coach's verifiers (verification.py), passed in through its `verifiers` argument,
then the skill. Before it, the body is read once here: anything that is not an Alexa request
envelope gets a short 4xx in JSON, with nothing about the code, the stack or the store, and
the server goes on serving.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from itertools import accumulate
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from trust_coach_tools import oscrypto_fix
from trust_coach_tools.signing_certs import SigningCertificates
from trust_coach_tools.verification import Clock, request_verifiers

oscrypto_fix.install()  # before flask_ask_sdk, which imports oscrypto; see oscrypto_fix

from ask_sdk_webservice_support.verifier import VerificationException  # noqa: E402
from flask_ask_sdk.skill_adapter import (  # noqa: E402
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)

log = logging.getLogger(__name__)

# Alexa's requests are a few kilobytes; nothing legitimate comes near this.
MAX_BODY_BYTES = 128 * 1024
# How deep objects and arrays may nest in a body. An Alexa envelope nests about 12 deep (a
# slot's resolutions); Python's JSON parser, the SDK's reader and the skill's copies of the
# session recurse once or more per level, and fail somewhere past 1,000.
MAX_JSON_DEPTH = 64
# waitress's request threads (its default is 4). See docs/endpoint.md#threads for the
# measurement behind the number.
THREADS = 16
# Slow clients (docs/endpoint.md#slow-clients). waitress reads each request in full on its
# main loop before a thread serves it, so a connection that sends nothing, or a byte at a
# time, costs a file descriptor and a little memory, not a thread. What runs out is the
# connection limit (waitress's default of 100 counts its own two sockets, and 98 idle
# connections stopped the endpoint): 1,000 here, on poll() since select() cannot watch more
# than 1,024 descriptors. A connection idle for CHANNEL_TIMEOUT_SECONDS is closed (waitress's
# default is 120 s; Alexa sends a whole request at once), checked every CLEANUP_SECONDS.
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_SECONDS = 15
CLEANUP_SECONDS = 5
# Descriptors kept for everything else the process opens (the store, certificates, logs).
SPARE_DESCRIPTORS = 64

_MESSAGES = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
}


# A JSON string (its escapes included), and whatever is not a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEPS = {"[": 1, "{": 1, "]": -1, "}": -1}


def nested_too_deeply(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests objects and arrays deeper than `limit`, found without parsing
    (so without recursing). Brackets inside strings do not count. Up to the first point where
    the text stops being JSON, the strings found here are the parser's own; past it, the
    parser stops anyway."""
    if text.count("[") + text.count("{") <= limit:  # Alexa's envelopes, in one pass
        return False
    brackets = _NOT_BRACKETS.sub("", _JSON_STRING.sub("", text))
    return max(accumulate(_DEPTH_STEPS[c] for c in brackets), default=0) > limit


def read_envelope(body: bytes) -> tuple[RequestEnvelope | None, str | None]:
    """The request envelope in a body, or None and why the body is not one."""
    not_envelope = "body is not an Alexa request envelope"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, "body is not JSON"
    if nested_too_deeply(text):
        return None, "body is nested too deeply"
    try:
        data = json.loads(text)
    except ValueError:
        return None, "body is not JSON"
    request_part = data.get("request") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(request_part, dict):
        return None, not_envelope
    fields = ("type", "requestId", "timestamp")
    if not isinstance(data.get("version"), str) or not all(
        isinstance(request_part.get(name), str) for name in fields
    ):
        return None, not_envelope
    try:
        envelope = _SERIALIZER.deserialize(payload=text, obj_type=RequestEnvelope)
    except Exception:  # the SDK raises several kinds for shapes it cannot read
        return None, not_envelope
    if envelope is None or envelope.request is None:
        return None, not_envelope
    return envelope, None


class CheckedEnvelopes(DefaultSerializer):
    """The SDK's serializer, handing the adapter the envelope this module already read.

    The body must be read before the adapter sees it, so that a body the SDK cannot read is
    a 400 with a reason rather than the adapter's 500. The adapter then asks the skill's
    serializer for the same body again; on this thread, the same payload gets the envelope
    that was read.
    """

    def __init__(self) -> None:
        super().__init__()
        self._checked = threading.local()

    def remember(self, text: str, envelope: RequestEnvelope) -> None:
        self._checked.last = (text, envelope)

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        last = getattr(self._checked, "last", None)
        self._checked.last = None
        if last is not None and obj_type is RequestEnvelope and payload == last[0]:
            return last[1]
        return super().deserialize(payload=payload, obj_type=obj_type)


_SERIALIZER = DefaultSerializer()


class _OneLineRejections(logging.Filter):
    """flask-ask-sdk logs each rejected request with a traceback; a reason line is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, VerificationException):
            record.msg = "request rejected: %s"
            record.args = (error.args[0] if error.args else "verification failed",)
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.WARNING
            record.levelname = "WARNING"
        return True


def create_app(
    skill: CustomSkill | None = None,
    *,
    verify_requests: bool = True,
    skill_id: str | None = None,
    certificates: SigningCertificates | None = None,
    clock: Clock | None = None,
) -> Flask:
    """The Flask app. `skill_id` defaults to env SKILL_ID, as on Lambda."""
    from trust_coach.app import build_skill

    skill_id = skill_id or os.environ.get("SKILL_ID") or None
    target = skill if skill is not None else build_skill(skill_id=skill_id)
    checked = target.serializer = CheckedEnvelopes()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # The stock verifiers walk the certificate chain again on every request; ours, passed in
    # below through the adapter's `verifiers`, keep the walked chain.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    app.logger.addFilter(_OneLineRejections())
    adapter = SkillAdapter(
        skill=target,
        skill_id=skill_id or "trust-coach",
        verifiers=request_verifiers(verify_requests, skill_id, certificates, clock),
        app=app,
    )

    @app.post("/")
    def invoke() -> Any:
        body = request.get_data(cache=True)
        envelope, problem = read_envelope(body)
        if problem or envelope is None:
            log.warning("request rejected: %s", problem)
            raise BadRequest(description=problem)
        checked.remember(body.decode("utf-8"), envelope)
        return adapter.dispatch_request()

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        code = error.code or 500
        if code >= 500:
            return jsonify(error="internal error"), code
        # Our own descriptions and flask-ask-sdk's "failed verification" are safe to show.
        own = error.description if isinstance(error, BadRequest) else None
        if own == BadRequest.description:  # werkzeug's generic paragraph
            own = None
        return jsonify(error=own or _MESSAGES.get(code, "bad request")), code

    return app


def connection_limit(wanted: int = CONNECTION_LIMIT) -> int:
    """How many connections this process can hold open: `wanted`, after raising the soft
    limit on open files towards the hard one where it is lower (as `ulimit -n` would)."""
    try:
        import resource
    except ImportError:  # not on a POSIX system: waitress's own checks apply
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < needed:
        raised = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - SPARE_DESCRIPTORS))


def make_server(app: Flask, host: str, port: int, threads: int = THREADS) -> Any:
    """A waitress server (the production WSGI server) with the endpoint's limits.

    Port 0 picks a free port; the server's `effective_port` says which.
    """
    import waitress

    return waitress.create_server(
        app,
        host=host,
        port=port,
        ident="trust-coach",
        threads=threads,
        max_request_body_size=MAX_BODY_BYTES,
        connection_limit=connection_limit(),
        channel_timeout=CHANNEL_TIMEOUT_SECONDS,
        cleanup_interval=CLEANUP_SECONDS,
        asyncore_use_poll=True,
    )
