"""Attacks over the wire on a real `trust-coach serve`, on 127.0.0.1: slow clients that hold
connections open, and malformed HTTP that never reaches the skill. Each is answered with a 4xx
or outlasted; real, signed requests keep being answered within a second; nothing the attacker
sends produces a traceback in the log."""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from alexa_signing import SigningPki
from test_serve import Server, envelope, signed, start_verifying_server, stop

from trust_coach_tools.web import CHANNEL_TIMEOUT_SECONDS, CLEANUP_SECONDS

IDLE = 150  # connected, nothing sent
TRICKLING = 100  # half a request, then one byte every TRICKLE_SECONDS
TRICKLE_SECONDS = 0.5
REAL_REQUESTS = 20
ANSWER_WITHIN_SECONDS = 1.0


@pytest.fixture(scope="module")
def pki() -> SigningPki:
    return SigningPki()


@pytest.fixture(scope="module")
def server(tmp_path_factory, pki) -> Iterator[Server]:
    running = start_verifying_server(tmp_path_factory.mktemp("attacks"), pki)
    yield running
    errors = stop(running)
    assert "Traceback" not in errors


def _port(server: Server) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


def _timed_post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ANSWER_WITHIN_SECONDS * 3)
    try:
        connection.request("POST", "/", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        connection.close()


def test_real_requests_are_answered_while_250_slow_clients_hold_connections(server, pki):
    port = _port(server)
    sockets: list[socket.socket] = []
    stop_trickling = threading.Event()
    try:
        # GIVEN 150 connections that send nothing and 100 that send half a request and then
        # one byte every half second
        for _ in range(IDLE):
            sockets.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        trickling = []
        for _ in range(TRICKLING):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(
                b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100000\r\n\r\n{"
            )
            trickling.append(connection)
        sockets.extend(trickling)

        def trickle() -> None:
            while not stop_trickling.wait(TRICKLE_SECONDS):
                for connection in trickling:
                    with contextlib.suppress(OSError):  # closed by the server: allowed too
                        connection.send(b" ")

        trickler = threading.Thread(target=trickle, daemon=True)
        trickler.start()
        # WHEN real, signed requests arrive on new connections meanwhile
        answers = [_timed_post(port, *signed(pki, envelope())) for _ in range(REAL_REQUESTS)]
    finally:
        stop_trickling.set()
        for connection in sockets:
            connection.close()
    # THEN every one is answered, each within a second
    slowest = max(seconds for _, seconds in answers)
    print(
        f"{REAL_REQUESTS} requests beside {IDLE + TRICKLING} slow clients: slowest {slowest:.3f} s"
    )
    assert [status for status, _ in answers] == [200] * REAL_REQUESTS
    assert slowest < ANSWER_WITHIN_SECONDS
    assert server.health() == 200


@pytest.mark.slow
def test_idle_connections_are_closed_by_the_server(server):
    # GIVEN 50 connections that send nothing
    port = _port(server)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(50)]
    try:
        # WHEN the channel timeout and a cleanup round have passed
        time.sleep(CHANNEL_TIMEOUT_SECONDS + CLEANUP_SECONDS + 1)
        # THEN the server has closed every one of them
        closed = 0
        for connection in idle:
            connection.settimeout(2)
            try:
                closed += connection.recv(1) == b""
            except ConnectionResetError:
                closed += 1
            except TimeoutError:
                pass  # still open
    finally:
        for connection in idle:
            connection.close()
    assert closed == len(idle)


# -- malformed HTTP: a 4xx with a reason, never a 5xx or a traceback (issue 16 item 2) ----

SIGNED_HEADERS = (
    b"SignatureCertChainUrl: https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem\r\n"
    b"Signature-256: AAAA\r\n"
)
ENVELOPE = json.dumps(
    {
        "version": "1.0",
        "request": {"type": "LaunchRequest", "requestId": "r", "timestamp": "2020-01-01T00:00:00Z"},
    }
).encode()


def _post(
    path: bytes = b"/", headers: bytes = b"", body: bytes = ENVELOPE, length: bool = True
) -> bytes:
    head = b"POST " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers
    if length:
        head += b"Content-Length: %d\r\n" % len(body)
    return head + b"\r\n" + body


MALFORMED = {
    "certificate URL that is not a URL": _post(
        headers=b"SignatureCertChainUrl: https://[x/echo.api/a.pem\r\nSignature-256: AAAA\r\n"
    ),
    "certificate URL with user information": _post(
        headers=b"SignatureCertChainUrl: https://169.254.169.254@s3.amazonaws.com/echo.api/a.pem"
        b"\r\nSignature-256: AAAA\r\n"
    ),
    "certificate URL with encoded dots": _post(
        headers=b"SignatureCertChainUrl: https://s3.amazonaws.com/echo.api/%2e%2e/evil/x.pem"
        b"\r\nSignature-256: AAAA\r\n"
    ),
    "certificate URL in Latin-1": _post(
        headers=b"SignatureCertChainUrl: https://s3.amazonaws.com/echo.api/\xe9.pem\r\n"
        b"Signature-256: AAAA\r\n"
    ),
    "signature of 100 KB": _post(
        headers=b"SignatureCertChainUrl: https://s3.amazonaws.com/echo.api/x.pem\r\n"
        b"Signature-256: " + b"A" * 100_000 + b"\r\n"
    ),
    "body nested 1,000 deep": _post(body=b"[" * 1000 + b"]" * 1000),
    "body nested 50,000 deep": _post(body=b"[" * 50_000 + b"]" * 50_000),
    "body with a 5,000-digit number": _post(body=ENVELOPE[:-1] + b', "x": ' + b"9" * 5000 + b"}"),
    "body that is not UTF-8": _post(body=b"\xff\xfe{}"),
    "body with NaN": _post(body=b'{"version": NaN}'),
    "form body": _post(
        headers=b"Content-Type: application/x-www-form-urlencoded\r\n", body=b"a=1&b=2"
    ),
    "lone surrogate in the envelope": _post(
        headers=SIGNED_HEADERS, body=ENVELOPE.replace(b'"r"', b'"\\ud800"')
    ),
    "Content-Length not a number": _post(headers=b"Content-Length: abc\r\n", length=False),
    "negative Content-Length": _post(headers=b"Content-Length: -1\r\n", length=False),
    "two Content-Lengths": _post(
        headers=b"Content-Length: 5\r\nContent-Length: 6\r\n", length=False
    ),
    "bad chunk": _post(
        headers=b"Transfer-Encoding: chunked\r\n", body=b"zz\r\nabc\r\n0\r\n\r\n", length=False
    ),
    "body over the limit": _post(headers=b"Content-Length: 10000000\r\n", length=False, body=b""),
    "path %ff": _post(path=b"/%ff"),
    "path of 70 KB": _post(path=b"/" + b"a" * 70_000),
    "absolute URL": _post(path=b"http://169.254.169.254/"),
    "query string": _post(path=b"/?a=%ff&b"),
    "Host that is not a host": b"POST / HTTP/1.1\r\nHost: [::1\r\nContent-Length: 2\r\n"
    b"Connection: close\r\n\r\n{}",
    "Host in Latin-1": b"POST / HTTP/1.1\r\nHost: \xff\xfe\r\nContent-Length: 2\r\n"
    b"Connection: close\r\n\r\n{}",
    "no Host": b"POST / HTTP/1.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
    "HTTP/9.9": b"POST / HTTP/9.9\r\nContent-Length: 2\r\n\r\n{}",
    "binary start line": b"\x00\x01\x02 garbage\r\n\r\n",
    "unknown method": b"BREW / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "header without a colon": _post(headers=b"Broken header\r\n"),
    "headers of 300 KB": _post(headers=b"X-A: " + b"a" * 300_000 + b"\r\n"),
}


def _exchange(port: int, data: bytes) -> bytes:
    connection = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        # The server may answer and close before reading it all.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass
    finally:
        connection.close()
    return answer


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_http_gets_a_4xx_with_a_reason(server, case):
    answer = _exchange(_port(server), MALFORMED[case])
    status_line, _, rest = answer.partition(b"\r\n")
    found = re.match(rb"HTTP/1\.[01] (\d{3}) ", status_line)
    assert found, answer[:200]
    assert 400 <= int(found.group(1)) < 500, answer[:300]
    body = rest.partition(b"\r\n\r\n")[2]
    assert body.strip(), "a reason, not an empty answer"
    for internal in (b"Traceback", b'File "', b"trust_coach"):
        assert internal not in answer
    assert server.health() == 200
