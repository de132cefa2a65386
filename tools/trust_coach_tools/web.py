"""The self-hosted endpoint: the Lambda skill behind flask-ask-sdk, verifying every request.

`POST /` takes Alexa's request envelopes, `GET /healthz` says the process is up. Anything
that is not a verified request for this skill gets a short 4xx in JSON: nothing about the
code, the stack or the store, and the server goes on serving.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools import oscrypto_fix
from trust_coach_tools.signing_certs import SigningCertificates
from trust_coach_tools.turn_gate import GatedStore, GatedTasks, TurnGate
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
# Request threads. While the store is down, each turn waits up to its timeout (1.25 s when
# the store accepts connections but never answers): with 8 threads, 60 devices talking at
# once waited up to 7.5 s for an answer; with 64 each gets its answer in about 1.3 s. They
# take turns at running Python code (see turn_gate), not at waiting for the store.
THREADS = 64

# Where create_app keeps the turn gate for make_server (Flask's place for extensions' state).
GATE = "trust_coach_tools.turn_gate"

# The SDK's serializer, as the skill's: the check reads the envelope as the skill will.
_SERIALIZER = DefaultSerializer()

_MESSAGES = {
    400: "bad request",
    404: "not found",
    405: "method not allowed",
    413: "request body too large",
}


def read_envelope(body: bytes) -> tuple[RequestEnvelope | None, str | None]:
    """The request envelope in a body, or None and why the body is not one."""
    not_envelope = "body is not an Alexa request envelope"
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError):
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


def envelope_problem(body: bytes) -> str | None:
    """Why a body is not an Alexa request envelope, or None when it is one."""
    return read_envelope(body)[1]


class _CheckedEnvelopes(DefaultSerializer):
    """Reads each request body once: the adapter gets the envelope the check already read.

    flask-ask-sdk deserializes the body again after our envelope check; on this thread, the
    same payload returns the envelope the check produced.
    """

    def __init__(self) -> None:
        super().__init__()
        self._checked = threading.local()

    def remember(self, body: bytes, envelope: RequestEnvelope) -> None:
        self._checked.last = (body.decode("utf-8"), envelope)

    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        last = getattr(self._checked, "last", None)
        self._checked.last = None
        if last is not None and obj_type is RequestEnvelope and payload == last[0]:
            return last[1]
        return super().deserialize(payload=payload, obj_type=obj_type)


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
    checked = _CheckedEnvelopes()
    target.serializer = checked
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # The stock verifiers re-walk the certificate chain per request; ours cache it.
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = False
    app.logger.addFilter(_OneLineRejections())
    verifiers = request_verifiers(verify_requests, skill_id, certificates, clock)
    adapter = SkillAdapter(
        skill=target, skill_id=skill_id or "trust-coach", verifiers=verifiers, app=app
    )
    # make_server's threads take turns at this gate, and hand the turn on while a remote
    # store answers. A SQLite call is over in microseconds: handing the turn on around it
    # cost more (GIL hand-offs between the threads) than it saved.
    gate = app.extensions[GATE] = TurnGate()
    store = target.persistence_adapter
    if isinstance(store, GatedStore):  # a skill given to a second app: this app's gate
        store.gate = gate
    elif not isinstance(store, SqliteStore):
        target.persistence_adapter = GatedStore(store, gate)

    @app.post("/")
    def invoke() -> Any:
        body = request.get_data(cache=True)
        envelope, problem = read_envelope(body)
        if problem or envelope is None:
            log.warning("request rejected: %s", problem)
            raise BadRequest(description=problem)
        checked.remember(body, envelope)
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


def make_server(app: Flask, host: str, port: int) -> Any:
    """A waitress server (the production WSGI server) with the same body limit.

    Port 0 picks a free port; the server's `effective_port` says which.
    """
    import waitress.server
    from waitress.task import ThreadedTaskDispatcher

    gate = app.extensions.get(GATE)
    tasks = GatedTasks(gate) if gate is not None else ThreadedTaskDispatcher()
    tasks.set_thread_count(THREADS)
    return waitress.server.create_server(
        app,
        host=host,
        port=port,
        ident="trust-coach",
        max_request_body_size=MAX_BODY_BYTES,
        threads=THREADS,
        _dispatcher=tasks,  # waitress's own, or ours with the gate
    )
