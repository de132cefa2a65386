"""The checks every request to the self-hosted endpoint passes before the skill sees it.

They plug into flask-ask-sdk as its `verifiers` and replace the stock signature and
timestamp verifiers, which walk the certificate chain again on every request (through
certvalidator and oscrypto). A failed check raises the SDK's VerificationException, which
flask-ask-sdk answers with 400; the exception's message is a short reason for the log.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.datastructures import EnvironHeaders, Headers

from trust_coach_tools import oscrypto_fix
from trust_coach_tools.signing_certs import CertificateError, SigningCertificates

oscrypto_fix.install()  # ask_sdk_webservice_support imports oscrypto; see oscrypto_fix

from ask_sdk_model import RequestEnvelope  # noqa: E402
from ask_sdk_webservice_support.verifier import (  # noqa: E402
    AbstractVerifier,
    VerificationException,
)

log = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
# A 4,096-bit RSA signature is 684 characters of base64; Alexa's are 2,048-bit (344).
MAX_SIGNATURE_CHARACTERS = 1024
REQUEST_TOLERANCE = timedelta(seconds=150)
# Skill events (enabled, disabled, permissions, account linked) may be delivered late.
SKILL_EVENT_TOLERANCE = timedelta(seconds=3600)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """A header's value whatever its case (Flask's headers and plain dicts alike)."""
    if isinstance(headers, Headers | EnvironHeaders):  # they look names up whatever the case
        value = headers.get(name)
        return None if value is None else str(value)
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return str(value)
    return None


class SignatureVerifier(AbstractVerifier):
    """The body must carry a SHA-256 RSA signature by Alexa's signing certificate.

    Nothing here is trusted yet: any failure to prove the signature, whatever raised it, is
    a refusal (VerificationException), never an error of the endpoint's own.
    """

    def __init__(self, certificates: SigningCertificates) -> None:
        self.certificates = certificates

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        url = header(headers, CERT_URL_HEADER)
        encoded = header(headers, SIGNATURE_HEADER)
        if not url or not encoded:
            raise VerificationException("signature headers are missing")
        if len(encoded) > MAX_SIGNATURE_CHARACTERS:
            raise VerificationException("signature is too long")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as error:
            raise VerificationException("signature is not base64") from error
        try:
            self.certificates.verify(url, signature, serialized_request_env.encode("utf-8"))
        except CertificateError as error:
            raise VerificationException(str(error)) from error
        except Exception as error:  # unproven input met something unexpected: refused
            log.warning("signature check failed on %s", type(error).__name__)
            raise VerificationException("signature could not be checked") from error


class TimestampVerifier(AbstractVerifier):
    """The request must be recent, so a captured request cannot be replayed later."""

    def __init__(self, clock: Clock = _now) -> None:
        self.clock = clock

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        request = deserialized_request_env.request
        stamp = getattr(request, "timestamp", None)
        if not isinstance(stamp, datetime):
            raise VerificationException("request has no timestamp")
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        kind = getattr(request, "object_type", None) or ""
        tolerance = (
            SKILL_EVENT_TOLERANCE if kind.startswith(SKILL_EVENT_PREFIX) else REQUEST_TOLERANCE
        )
        if abs(self.clock() - stamp) > tolerance:
            raise VerificationException("request timestamp is out of tolerance")


class SkillIdVerifier(AbstractVerifier):
    """The request must be for this skill; checked before the skill runs, answered with 400."""

    def __init__(self, skill_id: str) -> None:
        self.skill_id = skill_id

    def verify(
        self,
        headers: Mapping[str, Any],
        serialized_request_env: str,
        deserialized_request_env: RequestEnvelope,
    ) -> None:
        # The SDK checks the context's id (and fails on a request without one): so must we.
        context_system = getattr(deserialized_request_env.context, "system", None)
        if (
            getattr(context_system, "application", None) is None
            or application_id(deserialized_request_env) != self.skill_id
        ):
            raise VerificationException("request is for another skill")


def application_id(envelope: RequestEnvelope) -> str | None:
    """The skill id a request is addressed to (context first, as the SDK reads it)."""
    system = getattr(envelope.context, "system", None)
    application = getattr(system, "application", None)
    if application is None and envelope.session is not None:
        application = envelope.session.application
    return getattr(application, "application_id", None)


def request_verifiers(
    verify_requests: bool,
    skill_id: str | None,
    certificates: SigningCertificates | None = None,
    clock: Clock | None = None,
) -> list[AbstractVerifier]:
    """The checks in the order Amazon lists them: signature, timestamp, then skill id."""
    verifiers: list[AbstractVerifier] = []
    if verify_requests:
        verifiers.append(SignatureVerifier(certificates or SigningCertificates.from_env()))
        verifiers.append(TimestampVerifier(clock or _now))
    if skill_id:
        verifiers.append(SkillIdVerifier(skill_id))
    return verifiers
