"""Figure 5: requests per second against `trust-coach serve` with verification ON (every
request signed by the test CA, tests/alexa_signing.py) and against a flask-ask-sdk hello world
with verification OFF (baselines/hello_endpoint.py), both on waitress at 127.0.0.1.

Both servers stay up; measuring windows alternate between them. Clients are threads with
keep-alive connections replaying pre-signed requests, the one-shot kind Alexa sends: launches
and single intents of returning users, each a new session. `trust-coach serve` keeps progress
in its embedded SQLite file here, so the figure is the endpoint's own cost.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from alexa_signing import SigningPki, body_of
from processes import stop_process

from bench.env import BASELINES_DIR, BenchEnv
from bench.stats import median, pairwise_ratio
from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.signing_certs import CHAIN_DIR_ENV, ROOTS_ENV

CLIENT_THREADS = 4
USERS = 16


@dataclass
class Endpoint:
    process: subprocess.Popen[str]
    port: int

    def stop(self) -> None:
        stop_process(self.process)


def _start(command: list[str], env: dict[str, str]) -> Endpoint:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and programs
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    banner = process.stdout.readline() if process.stdout else ""
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
    if not found:
        process.kill()
        raise RuntimeError(f"endpoint did not start: {banner!r}")
    return Endpoint(process, int(found.group(1)))


def _events() -> list[dict[str, Any]]:
    captured: list[dict[str, Any]] = []

    def keep(event: dict[str, Any]) -> dict[str, Any]:
        captured.append(event)
        return {"response": {"shouldEndSession": True}}

    for number in range(USERS):
        device = Device(keep, user_id=f"amzn1.ask.account.bench-endpoint-{number}")
        device.launch()
        device.session_id = None  # a one-shot request: a new session of its own
        device.intent("StrategyIntent", strategy="two")
    return captured


def _signed(pki: SigningPki | None) -> list[tuple[bytes, dict[str, str]]]:
    """Fresh request bodies (timestamps now), signed when `pki` is given."""
    requests = []
    for event in _events():
        body = body_of(event)
        headers = pki.headers(body) if pki else {"Content-Type": "application/json"}
        requests.append((body, headers))
    return requests


def _load(port: int, requests: list[tuple[bytes, dict[str, str]]], seconds: float) -> float:
    """Requests per second answered with 200 by `CLIENT_THREADS` keep-alive clients."""
    answered = [0] * CLIENT_THREADS
    failures: list[str] = []
    deadline = time.perf_counter() + seconds

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        index = slot
        while time.perf_counter() < deadline:
            body, headers = requests[index % len(requests)]
            index += CLIENT_THREADS
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status != 200 or b"outputSpeech" not in payload:
                failures.append(f"{response.status} {payload[:200]!r}")
                return
            answered[slot] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"endpoint on port {port} refused a request: {failures[0]}")
    return sum(answered) / (time.perf_counter() - started)


def measure(env: BenchEnv, runs: int, seconds: float) -> dict[str, Any]:
    pki = SigningPki()
    chain_dir, roots = pki.write(env.scratch / "certs")
    ours_env = env.child_env(
        "trust_coach",
        **{CHAIN_DIR_ENV: str(chain_dir), ROOTS_ENV: str(roots)},
        TRUST_COACH_DB=str(env.scratch / "serve.sqlite3"),
    )
    ours_env.pop("TABLE_NAME")
    ours = _start(
        [sys.executable, "-m", "trust_coach_tools.cli", "serve", "--port", "0",
         "--skill-id", DEFAULT_SKILL_ID],
        ours_env,
    )  # fmt: skip
    hello = _start(
        [sys.executable, str(BASELINES_DIR / "hello_endpoint.py")], env.child_env("floor")
    )
    try:
        rates: dict[str, list[float]] = {"trust_coach": [], "hello": []}
        warm_up = min(seconds, 0.5)
        _load(ours.port, _signed(pki), warm_up)
        _load(hello.port, _signed(None), warm_up)
        for round_number in range(runs):
            order = [("trust_coach", ours, pki), ("hello", hello, None)]
            for name, endpoint, signer in order if round_number % 2 == 0 else order[::-1]:
                rates[name].append(_load(endpoint.port, _signed(signer), seconds))
    finally:
        ours.stop()
        hello.stop()
    return {
        "runs": runs,
        "seconds_per_run": seconds,
        "client_threads": CLIENT_THREADS,
        "trust_coach_rps": median(rates["trust_coach"]),
        "hello_rps": median(rates["hello"]),
        "ratio_to_hello": pairwise_ratio(rates["trust_coach"], rates["hello"]),
    }
