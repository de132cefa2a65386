"""A real DynamoDB-compatible server for tests: moto's standalone server, over HTTP on 127.0.0.1.

`moto[server]` is in the project's dev extra, so `make test` on a fresh machine runs these tests.
The server is its own process, so a test can stop it (connections refused), freeze it with
SIGSTOP (connections accepted, never answered: the timeout path) and bring it back. A
`FaultyEndpoint` answers every call with one DynamoDB error (e.g. throttling).

Fixtures (registered in conftest.py): `dynamodb_server` (one per run), `private_dynamodb_server`
(one per test, free to stop), `aws_env` (dummy credentials), `dynamodb_store` (a fresh table).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from processes import stop_process

from trust_coach.store.base import (
    ACCOUNT_ATTRIBUTE,
    ACCOUNT_INDEX,
    EXPIRY_ATTRIBUTE,
    KEY_ATTRIBUTE,
)
from trust_coach.store.dynamodb import DynamoDbStore, make_client

REGION = "us-east-1"
START_TIMEOUT_SECONDS = 30.0
# Credentials moto accepts; set so boto3 never looks for real ones (no files, no IMDS).
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client_for(endpoint: str) -> Any:
    """The store's client, with its timeouts and retries, pointed at `endpoint`."""
    credentials = (FAKE_AWS_ENV["AWS_ACCESS_KEY_ID"], FAKE_AWS_ENV["AWS_SECRET_ACCESS_KEY"])
    return make_client(endpoint_url=endpoint, region=REGION, credentials=credentials)


def admin_client_for(endpoint: str) -> Any:
    """A boto3 client, for what the store never does (creating tables) and for checks."""
    session = boto3.session.Session(
        aws_access_key_id=FAKE_AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        region_name=REGION,
    )
    return session.client("dynamodb", endpoint_url=endpoint)


class DynamoDbServer:
    """moto's server in a child process on 127.0.0.1; keeps its port across restarts."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> DynamoDbServer:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto server exited; see {self.log_path}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
            ):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto server did not start in {START_TIMEOUT_SECONDS:.0f} s")

    def stop(self) -> None:
        """Ends the process: connections are refused, and its tables are gone."""
        if self.process is None:
            return
        self.thaw()
        stop_process(self.process)
        self.process = None

    def freeze(self) -> None:
        """The process stops answering; the kernel still accepts connections for it."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)

    def client(self) -> Any:
        """The store's client on this server."""
        return client_for(self.endpoint)

    def admin(self) -> Any:
        return admin_client_for(self.endpoint)

    def create_table(self, name: str | None = None) -> str:
        """A progress table as the SAM template declares it: string key, the account index
        (keys only), on demand, TTL."""
        name = name or f"progress-{uuid.uuid4().hex[:8]}"
        admin = self.admin()
        admin.create_table(
            TableName=name,
            AttributeDefinitions=[
                {"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"},
                {"AttributeName": ACCOUNT_ATTRIBUTE, "AttributeType": "S"},
            ],
            KeySchema=[{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": ACCOUNT_INDEX,
                    "KeySchema": [{"AttributeName": ACCOUNT_ATTRIBUTE, "KeyType": "HASH"}],
                    "Projection": {"ProjectionType": "KEYS_ONLY"},
                }
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        admin.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": EXPIRY_ATTRIBUTE},
        )
        return name


class ScriptedEndpoint:
    """An HTTP endpoint that answers each DynamoDB call as `answer(call_number)` says:
    (status, JSON body). With `close`, it ends every connection after its answer."""

    def __init__(
        self, answer: Callable[[int], tuple[int, dict[str, Any]]], close: bool = False
    ) -> None:
        self.calls = 0
        self.targets: list[str] = []
        self.client_ports: set[int] = set()
        endpoint = self

        class Answer(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                endpoint.calls += 1
                endpoint.targets.append(self.headers.get("X-Amz-Target", ""))
                endpoint.client_ports.add(self.client_address[1])
                status, body = answer(endpoint.calls)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(data)))
                if close:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> ScriptedEndpoint:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def dynamodb_error(code: str) -> dict[str, str]:
    """DynamoDB's error body; its message echoes request data, which must never be logged."""
    return {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": f"{code}: echoed"}


class FaultyEndpoint(ScriptedEndpoint):
    """An HTTP endpoint that answers every DynamoDB call with the same error."""

    def __init__(self, code: str = "ProvisionedThroughputExceededException") -> None:
        super().__init__(lambda _: (400, dynamodb_error(code)))


class CallLog:
    """DynamoDB calls as the store's client makes them, by operation (botocore's before-call
    event: once per call, however many attempts it takes)."""

    def __init__(self, client: Any) -> None:
        self.calls: list[str] = []
        client.meta.events.register("before-call.dynamodb", self._record)

    def _record(self, model: Any, **_: Any) -> None:
        self.calls.append(model.name)

    def take(self) -> Counter[str]:
        """Calls since the last take."""
        counted = Counter(self.calls)
        self.calls.clear()
        return counted


@pytest.fixture(scope="session")
def dynamodb_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DynamoDbServer]:
    """One server for the whole run; each test makes its own table."""
    server = DynamoDbServer(tmp_path_factory.mktemp("moto") / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def private_dynamodb_server(tmp_path: Path) -> Iterator[DynamoDbServer]:
    """A server for one test, which may stop, freeze or restart it."""
    server = DynamoDbServer(tmp_path / "server.log").start()
    yield server
    server.stop()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return FAKE_AWS_ENV


@pytest.fixture
def dynamodb_store(dynamodb_server: DynamoDbServer, aws_env: dict[str, str]) -> DynamoDbStore:
    return DynamoDbStore(dynamodb_server.create_table(), client=dynamodb_server.client())


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as took: ...` then `took[0]` is the seconds the block took."""
    took: list[float] = []
    started = time.monotonic()
    yield took
    took.append(time.monotonic() - started)
