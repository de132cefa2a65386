"""The verifiers on their own: what they read from headers and envelopes, and their limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alexa_signing import SigningPki, body_of
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.signing_certs import SigningCertificates
from trust_coach_tools.verification import (
    SignatureVerifier,
    SkillIdVerifier,
    TimestampVerifier,
    VerificationException,
    application_id,
    header,
    request_verifiers,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def envelope(**request: object) -> tuple[dict, RequestEnvelope]:
    device = Device(lambda event: {})
    device.clock = NOW
    event = device.envelope({"type": "LaunchRequest", **request})
    parsed = DefaultSerializer().deserialize(body_of(event).decode(), RequestEnvelope)
    return event, parsed


def test_headers_are_found_whatever_their_case():
    assert header({"signature-256": "abc"}, "Signature-256") == "abc"
    assert header({"SIGNATURECERTCHAINURL": "u"}, "SignatureCertChainUrl") == "u"
    assert header({}, "Signature-256") is None


def test_flask_headers_are_looked_up_as_the_scan_finds_them():
    from werkzeug.datastructures import EnvironHeaders, Headers

    environ = {"HTTP_SIGNATURE_256": "abc", "HTTP_SIGNATURECERTCHAINURL": "u", "CONTENT_TYPE": "x"}
    for headers in (EnvironHeaders(environ), Headers([("signature-256", "abc"), ("X", "1")])):
        for name in ("Signature-256", "SignatureCertChainUrl", "Content-Type", "Missing"):
            scanned = next((str(v) for k, v in headers.items() if k.lower() == name.lower()), None)
            assert header(headers, name) == scanned


def test_the_signature_verifier_reads_lower_case_headers():
    pki = SigningPki(now=NOW)
    certificates = SigningCertificates(
        load=lambda url: pki.chain_pem(), roots=[pki.root], clock=lambda: NOW
    )
    event, parsed = envelope()
    body = body_of(event)
    headers = {k.lower(): v for k, v in pki.headers(body).items()}
    SignatureVerifier(certificates).verify(headers, body.decode(), parsed)  # no exception
    with pytest.raises(VerificationException, match="does not match"):
        SignatureVerifier(certificates).verify(headers, body.decode() + " ", parsed)


@pytest.mark.parametrize(
    ("kind", "age", "accepted"),
    [
        ("LaunchRequest", 150, True),
        ("LaunchRequest", 151, False),
        ("LaunchRequest", -151, False),
        ("AlexaSkillEvent.SkillDisabled", 3600, True),
        ("AlexaSkillEvent.SkillDisabled", 3601, False),
        ("AlexaSkillEvent.SkillPermissionAccepted", 1000, True),
    ],
)
def test_timestamp_tolerance_by_request_kind(kind, age, accepted):
    _, parsed = envelope(type=kind)
    verifier = TimestampVerifier(clock=lambda: NOW + timedelta(seconds=age))
    if accepted:
        verifier.verify({}, "", parsed)
    else:
        with pytest.raises(VerificationException, match="tolerance"):
            verifier.verify({}, "", parsed)


def test_a_timestamp_without_a_zone_is_read_as_utc():
    event, _ = envelope()
    event["request"]["timestamp"] = NOW.strftime("%Y-%m-%dT%H:%M:%S")
    parsed = DefaultSerializer().deserialize(body_of(event).decode(), RequestEnvelope)
    TimestampVerifier(clock=lambda: NOW + timedelta(seconds=10)).verify({}, "", parsed)


def test_the_skill_id_is_read_from_the_context_or_else_the_session():
    event, parsed = envelope()
    assert application_id(parsed) == DEFAULT_SKILL_ID
    del event["context"]
    without_context = DefaultSerializer().deserialize(body_of(event).decode(), RequestEnvelope)
    assert application_id(without_context) == DEFAULT_SKILL_ID
    with pytest.raises(VerificationException, match="another skill"):
        SkillIdVerifier("amzn1.ask.skill.other").verify({}, "", without_context)


def test_an_empty_trust_list_is_refused_at_start():
    with pytest.raises(ValueError, match="no trusted root"):
        SigningCertificates(roots=[])


def test_the_verifier_list_follows_the_settings():
    certificates = SigningCertificates(load=lambda url: b"", roots=[SigningPki().root])
    kinds = [type(v).__name__ for v in request_verifiers(True, "id", certificates)]
    assert kinds == ["SignatureVerifier", "TimestampVerifier", "SkillIdVerifier"]
    assert [type(v).__name__ for v in request_verifiers(False, "id")] == ["SkillIdVerifier"]
    assert request_verifiers(False, None) == []
