"""`trust-coach serve` as a real process on a loopback port, talked to over HTTP.

The server trusts a test CA and reads the signing chain from a folder (the offline
settings), so every verification case runs end to end without network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alexa_signing import CERT_URL, SigningPki, body_of
from conftest import assert_within_limits

from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.signing_certs import CHAIN_DIR_ENV, ROOTS_ENV
from trust_coach_tools.web import MAX_BODY_BYTES

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"
OTHER_SKILL = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str
    banner: str

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
        # The URL is the loopback server this module started.
        request = urllib.request.Request(self.url, data=body, headers=headers or {}, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            return error.code, text

    def health(self) -> int:
        with urllib.request.urlopen(self.url + "healthz", timeout=5) as response:  # noqa: S310
            return response.status


def start_server(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Server:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
        **(env or {}),
    }
    environment.pop("SKILL_ID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "trust_coach_tools.cli", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    banner = process.stdout.readline()  # printed once the socket is bound
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
    if not found:
        process.kill()
        raise AssertionError(f"server did not start: {banner!r} {process.stderr.read()}")
    return Server(process, f"http://127.0.0.1:{found.group(1)}/", banner)


def stop(server: Server) -> str:
    server.process.terminate()
    try:
        _, errors = server.process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        _, errors = server.process.communicate()
    return errors


@pytest.fixture(scope="module")
def pki() -> SigningPki:
    return SigningPki()


def start_verifying_server(tmp_path: Path, pki: SigningPki) -> Server:
    """`trust-coach serve` with verification on, trusting the test PKI's chain and root."""
    folder, roots = pki.write(tmp_path / "certs")
    return start_server(
        tmp_path,
        "--skill-id",
        DEFAULT_SKILL_ID,
        env={CHAIN_DIR_ENV: str(folder), ROOTS_ENV: str(roots)},
    )


@pytest.fixture(scope="module")
def verifying_server(tmp_path_factory, pki) -> Iterator[Server]:
    server = start_verifying_server(tmp_path_factory.mktemp("serve"), pki)
    yield server
    stop(server)


def envelope(
    moment: datetime | None = None, skill_id: str = DEFAULT_SKILL_ID, kind="LaunchRequest"
):
    device = Device(lambda event: {}, skill_id=skill_id)
    device.clock = moment or datetime.now(UTC)
    return device.envelope({"type": kind})


def signed(pki: SigningPki, event: dict, **changes: str) -> tuple[bytes, dict[str, str]]:
    body = body_of(event)
    headers = {**pki.headers(body), **changes}
    return body, {k: v for k, v in headers.items() if v}


def assert_clean_rejection(status: int, answer: Any, expected: int = 400) -> None:
    assert status == expected
    assert isinstance(answer, str)
    assert "Traceback" not in answer
    assert "trust_coach" not in answer
    json.loads(answer)  # a JSON body with a short message


def test_a_signed_request_over_http_is_answered(verifying_server, pki):
    status, answer = verifying_server.post(*signed(pki, envelope()))
    assert status == 200
    assert_within_limits(answer)
    assert "Trust Coach" in answer["response"]["outputSpeech"]["ssml"]


def test_the_server_announces_verification_on(verifying_server):
    assert "verification on" in verifying_server.banner


@pytest.mark.parametrize(
    ("case", "make"),
    [
        ("tampered body", lambda pki: _tampered(pki)),
        ("wrong signature", lambda pki: signed(pki, envelope(), **{"Signature-256": "AAAA"})),
        (
            "http certificate URL",
            lambda pki: signed(
                pki, envelope(), SignatureCertChainUrl=CERT_URL.replace("https", "http")
            ),
        ),
        (
            "another host",
            lambda pki: signed(
                pki,
                envelope(),
                SignatureCertChainUrl=CERT_URL.replace("s3.amazonaws.com", "evil.test"),
            ),
        ),
        (
            "another port",
            lambda pki: signed(
                pki, envelope(), SignatureCertChainUrl=CERT_URL.replace(".com/", ".com:8443/")
            ),
        ),
        (
            "path outside /echo.api/",
            lambda pki: signed(
                pki, envelope(), SignatureCertChainUrl=CERT_URL.replace("/echo.api/", "/other/")
            ),
        ),
        (
            "stale timestamp",
            lambda pki: signed(pki, envelope(datetime.now(UTC) - timedelta(seconds=151))),
        ),
        (
            "stale skill event",
            lambda pki: signed(
                pki,
                envelope(
                    datetime.now(UTC) - timedelta(seconds=3601), kind="AlexaSkillEvent.SkillEnabled"
                ),
            ),
        ),
        ("missing signature", lambda pki: signed(pki, envelope(), **{"Signature-256": ""})),
        ("missing certificate URL", lambda pki: signed(pki, envelope(), SignatureCertChainUrl="")),
        ("wrong skill id", lambda pki: signed(pki, envelope(skill_id=OTHER_SKILL))),
        ("not JSON", lambda pki: (b"hello", {})),
        ("not an envelope", lambda pki: (b'{"version": "1.0"}', {})),
    ],
)
def test_bad_requests_over_http_get_a_clean_400(verifying_server, pki, case, make):
    status, answer = verifying_server.post(*make(pki))
    assert_clean_rejection(status, answer)


def _tampered(pki: SigningPki) -> tuple[bytes, dict[str, str]]:
    body, headers = signed(pki, envelope())
    return body.replace(b"LaunchRequest", b"SessionEndedRequest"), headers


def test_a_body_over_the_limit_over_http_gets_413(verifying_server, pki):
    event = envelope()
    event["session"]["attributes"] = {"padding": "x" * MAX_BODY_BYTES}
    status, answer = verifying_server.post(*signed(pki, event))
    assert status == 413
    assert "Traceback" not in answer


def test_the_server_keeps_serving_after_bad_requests(verifying_server, pki):
    for _ in range(3):
        verifying_server.post(b"\xff garbage")
    assert verifying_server.health() == 200
    status, _ = verifying_server.post(*signed(pki, envelope()))
    assert status == 200


def test_expired_and_misnamed_certificates_are_rejected_over_http(tmp_path, pki):
    # GIVEN a server whose certificate folder holds an expired chain and a misnamed one
    expired = pki.issue(
        pki.leaf_key, not_before=pki.now - timedelta(days=30), not_after=pki.now - timedelta(days=1)
    )
    misnamed = pki.issue(pki.leaf_key, san="echo-api.example.com")
    folder, roots = pki.write(tmp_path / "certs")
    (folder / "expired.pem").write_bytes(pki.chain_pem(expired))
    (folder / "misnamed.pem").write_bytes(pki.chain_pem(misnamed))
    server = start_server(
        tmp_path,
        "--skill-id",
        DEFAULT_SKILL_ID,
        env={CHAIN_DIR_ENV: str(folder), ROOTS_ENV: str(roots)},
    )
    try:
        base = "https://s3.amazonaws.com/echo.api/"
        for name in ("expired.pem", "misnamed.pem"):
            # WHEN a request names that chain THEN it is refused
            assert_clean_rejection(
                *server.post(*signed(pki, envelope(), SignatureCertChainUrl=base + name))
            )
        # AND the good chain in the same folder still works
        assert server.post(*signed(pki, envelope()))[0] == 200
    finally:
        errors = stop(server)
    assert "validity dates" in errors  # the reason is logged, as one line
    assert "Traceback" not in errors


def test_without_verification_the_console_talks_to_the_server(tmp_path):
    server = start_server(tmp_path, "--insecure-skip-verification")
    try:
        assert "verification OFF" in server.banner
        environment = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
            "TRUST_COACH_DB": str(tmp_path / "console" / "progress.sqlite3"),
        }
        chat = subprocess.run(
            [sys.executable, "-m", "trust_coach_tools.cli", "chat", "--endpoint", server.url],
            input="what are the strategies\nstop\n",
            capture_output=True,
            text=True,
            env=environment,
            timeout=60,
        )
    finally:
        errors = stop(server)
    assert chat.returncode == 0, chat.stderr
    assert "six strategies" in chat.stdout
    assert "WARNING" in errors and "verification is OFF" in errors
    # The server's store, not the console's, holds the progress: the turns went over HTTP.
    assert (tmp_path / "progress.sqlite3").exists()
    assert not (tmp_path / "console" / "progress.sqlite3").exists()


def test_the_environment_variable_also_turns_verification_off(tmp_path):
    server = start_server(tmp_path, env={"TRUST_COACH_INSECURE_SKIP_VERIFICATION": "1"})
    try:
        status, _ = server.post(body_of(envelope()))
    finally:
        errors = stop(server)
    assert status == 200
    assert "verification is OFF" in errors


def test_without_verification_the_skill_id_is_still_checked(tmp_path):
    server = start_server(tmp_path, "--insecure-skip-verification", "--skill-id", DEFAULT_SKILL_ID)
    try:
        assert server.post(body_of(envelope()))[0] == 200
        assert_clean_rejection(*server.post(body_of(envelope(skill_id=OTHER_SKILL))))
    finally:
        stop(server)


def test_the_console_explains_a_verifying_endpoint(verifying_server, tmp_path):
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
    }
    chat = subprocess.run(
        [sys.executable, "-m", "trust_coach_tools.cli", "chat", "--endpoint", verifying_server.url],
        input="stop\n",
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )
    assert chat.returncode == 1
    assert "answered 400" in chat.stderr
    assert "--insecure-skip-verification" in chat.stderr
    assert "Traceback" not in chat.stderr


# -- a verifying endpoint names its skill (issue 16 item 5) ------------------------------


def test_a_verifying_server_without_a_skill_id_refuses_to_start(tmp_path, pki):
    # GIVEN verification on and neither --skill-id nor SKILL_ID
    folder, roots = pki.write(tmp_path / "certs")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
        CHAIN_DIR_ENV: str(folder),
        ROOTS_ENV: str(roots),
    }
    environment.pop("SKILL_ID", None)
    environment.pop("TRUST_COACH_INSECURE_SKIP_VERIFICATION", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "trust_coach_tools.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        # WHEN it is started THEN it stops at once, saying what to pass and what that means
        output, errors = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, errors = process.communicate()
        raise AssertionError(f"the server started without a skill id: {output!r}") from None
    assert process.returncode == 2
    assert "--skill-id" in errors and "--any-skill" in errors
    assert "Traceback" not in errors
    assert "http://" not in output


def test_any_skill_must_be_asked_for_and_is_explained(tmp_path, pki):
    folder, roots = pki.write(tmp_path / "certs")
    server = start_server(
        tmp_path, "--any-skill", env={CHAIN_DIR_ENV: str(folder), ROOTS_ENV: str(roots)}
    )
    try:
        assert "verification on" in server.banner
        # a request for any skill, signed, is answered
        assert server.post(*signed(pki, envelope(skill_id=OTHER_SKILL)))[0] == 200
    finally:
        errors = stop(server)
    assert "any alexa skill" in errors.lower() and "--skill-id" in errors
