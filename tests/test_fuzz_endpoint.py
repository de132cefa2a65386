"""Property-based fuzzing through the self-hosted endpoint: every request gets a valid skill
response or a clean 4xx (JSON, a short reason, nothing from inside), never a 5xx.

Through Flask's test client with verification on: generated envelopes, signed by the test CA
(mostly fresh, sometimes with fuzzed timestamps, headers or bodies), and raw bodies that are
not envelopes at all. Then a smaller batch over HTTP to a real `trust-coach serve` process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alexa_schema import response_problems
from alexa_signing import CERT_URL, SigningPki, body_of
from conftest import assert_within_limits
from envelope_strategies import SKILL_ID, envelopes, fuzz_settings, odd_timestamps
from hypothesis import given
from hypothesis import strategies as st

from trust_coach.app import build_skill
from trust_coach_tools.signing_certs import SigningCertificates
from trust_coach_tools.web import create_app

pytestmark = pytest.mark.slow  # fuzzing: `make test` runs it, `make check` does not

ENDPOINT_EXAMPLES = 1000
SERVED_EXAMPLES = 200
LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"
INTERNALS = ("Traceback", 'File "', "trust_coach", "werkzeug", "Exception")

PKI = SigningPki()
FRESH = PKI.now.strftime("%Y-%m-%dT%H:%M:%SZ")
STALE = (PKI.now - timedelta(seconds=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
# Mostly now (verification passes, the skill answers), else stale or odd (refused).
fresh_or_odd = st.integers(0, 9).flatmap(
    lambda n: st.just(FRESH) if n < 8 else (st.just(STALE) | odd_timestamps)
)
# What can travel in an HTTP header: printable ASCII, no line breaks.
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=60)
raw_bodies = (
    st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | st.sampled_from([b"", b"{}", b"null", b"[]", b'{"version": "1.0", "request": {}}'])
    | st.integers(60, 30_000).map(lambda depth: b"[" * depth + b"]" * depth)
)
# Certificate URLs put together from the spellings and tricks a forger would try; those that
# normalise to the test chain's URL are answered, the rest refused before any download.
certificate_urls = st.tuples(
    st.sampled_from(["https", "HTTPS", "http", ""]),
    st.sampled_from(["", "", "169.254.169.254@", "user:pw@", "@"]),
    st.sampled_from(
        ["s3.amazonaws.com", "S3.AMAZONAWS.COM", "s3.amazonaws.com.", "[x", "[::1]", "evil.test"]
    ),
    st.sampled_from(["", ":443", ":0443", ":", ":abc", ":99999"]),
    st.lists(
        st.sampled_from(
            ["echo.api", "..", ".", "%2e%2e", "%2E", "%2f", "%65cho.api", "", "evil", "\\", "%zz"]
        ),
        max_size=4,
    ),
    st.sampled_from(["echo-api-cert-test.pem", "", "other.pem", "\u00e9.pem"]),
    st.sampled_from(["", "", "?x=1", "#f", "?"]),
).map(lambda p: f"{p[0]}://{p[1]}{p[2]}{p[3]}/{'/'.join([*p[4], p[5]])}{p[6]}")


@st.composite
def requests(draw: Any) -> tuple[bytes, dict[str, str]]:
    """A body and headers: mostly a correctly signed envelope, else something broken."""
    if draw(st.integers(0, 9)) == 0:
        return draw(raw_bodies), draw(st.just({}) | st.just(PKI.headers(b"x")))
    body = body_of(draw(envelopes(timestamp=fresh_or_odd)))
    headers = PKI.headers(body)
    mischief = draw(st.integers(0, 14))
    if mischief == 0:
        headers["Signature-256"] = draw(header_text)
    elif mischief == 1:
        headers["SignatureCertChainUrl"] = draw(header_text | st.just(CERT_URL + "x"))
    elif mischief == 2:
        body = body[:-1] + b" }"  # changed after signing
    elif mischief == 3:
        headers["SignatureCertChainUrl"] = draw(certificate_urls)
    return body, headers


def chain_at(url: str) -> bytes:
    """The test chain at its URL; elsewhere nothing, as the folder loader answers."""
    if url != CERT_URL:
        raise FileNotFoundError(url)
    return PKI.chain_pem()


def assert_answer_or_clean_4xx(status: int, text: str) -> str:
    assert status < 500, (status, text)
    if status == 200:
        response = json.loads(text)
        assert response_problems(response) == [], response
        assert_within_limits(response)
        return "answered"
    assert 400 <= status < 500, (status, text)
    answer = json.loads(text)
    assert set(answer) == {"error"} and isinstance(answer["error"], str), text
    for internal in INTERNALS:
        assert internal not in text
    return str(status)


def test_every_request_through_the_verifying_endpoint_is_answered_or_refused_cleanly(store):
    certificates = SigningCertificates(load=chain_at, roots=[PKI.root], clock=lambda: PKI.now)
    app = create_app(
        build_skill(store=store, skill_id=SKILL_ID),
        skill_id=SKILL_ID,
        certificates=certificates,
        clock=lambda: PKI.now,
    )
    client = app.test_client()
    outcomes: Counter[str] = Counter()

    @fuzz_settings(ENDPOINT_EXAMPLES)
    @given(requests())
    def check(request: tuple[bytes, dict[str, str]]) -> None:
        body, headers = request
        response = client.post("/", data=body, headers=headers)
        outcomes[
            assert_answer_or_clean_4xx(response.status_code, response.get_data(as_text=True))
        ] += 1

    check()
    print(f"fuzzed the verifying endpoint with {sum(outcomes.values())} requests: {outcomes}")
    assert sum(outcomes.values()) >= ENDPOINT_EXAMPLES
    # Both sides were exercised: many reached the skill, many were refused.
    assert outcomes["answered"] > ENDPOINT_EXAMPLES / 5
    assert outcomes["400"] > ENDPOINT_EXAMPLES / 10


def test_a_served_process_answers_or_refuses_every_request_cleanly(tmp_path):
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
    }
    for name in ("SKILL_ID", "TABLE_NAME"):
        environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "trust_coach_tools.cli", "serve", "--port", "0",
         "--insecure-skip-verification", "--skill-id", SKILL_ID],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", process.stdout.readline())
        assert found, process.stderr.read() if process.stderr else ""
        url = f"http://127.0.0.1:{found.group(1)}/"
        outcomes: Counter[str] = Counter()

        @fuzz_settings(SERVED_EXAMPLES)
        @given(requests())
        def check(request: tuple[bytes, dict[str, str]]) -> None:
            body, headers = request
            outcomes[assert_answer_or_clean_4xx(*post(url, body, headers))] += 1

        check()
    finally:
        process.terminate()
        _, errors = process.communicate(timeout=10)
    print(f"fuzzed a served process with {sum(outcomes.values())} requests: {outcomes}")
    assert sum(outcomes.values()) >= SERVED_EXAMPLES
    assert outcomes["answered"] > SERVED_EXAMPLES / 5
    assert "Traceback" not in errors


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    # The URL is the loopback server this test started.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
