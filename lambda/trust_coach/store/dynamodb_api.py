"""DynamoDB's JSON API over HTTP(S): the three calls the store makes, without botocore.

botocore's import, client and first call cost about 200 ms of every cold start; this client
costs a few. It keeps botocore's behaviour where the store relies on it: the same timeouts,
one retry after 50 ms for a dropped connection, a timeout, a 5xx or throttling, and an error
code (never the message, which can echo request data) for everything else.

Credentials come from the environment, as Lambda sets them. Where they are not there (with
SnapStart, Lambda serves them from a container endpoint instead; or a developer's AWS
profile), botocore's own chain is asked, if installed, and refreshes them as they expire.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import socket
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from trust_coach.store.sigv4 import Credentials, signed_headers

SERVICE = "dynamodb"
TARGET_PREFIX = "DynamoDB_20120810."
CONTENT_TYPE = "application/x-amz-json-1.0"
# Errors a retry may cure, as botocore's legacy mode retries them for DynamoDB.
RETRYABLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "Throttling",
        "RequestLimitExceeded",
        "TransactionInProgressException",
        "InternalServerError",
        "ServiceUnavailable",
    }
)


class DynamoDbError(Exception):
    """DynamoDB refused the call; `code` is its error code (e.g. a failed condition)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class DynamoDbUnreachable(DynamoDbError):
    """No answer: refused, dropped, or timed out. `code` names the kind."""


class DynamoDbApi:
    """A thread-safe client: each thread keeps one keep-alive connection to the endpoint."""

    def __init__(
        self,
        endpoint_url: str,
        region: str,
        credentials: Credentials | Callable[[], Credentials],
        *,
        connect_timeout: float,
        read_timeout: float,
        max_attempts: int,
        retry_wait: float,
    ) -> None:
        parts = urlsplit(endpoint_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the DynamoDB endpoint must be an http(s) URL")
        self.secure = parts.scheme == "https"
        self.hostname = parts.hostname
        self.port = parts.port or (443 if self.secure else 80)
        self.host_header = parts.netloc
        self.region = region
        self._credentials = credentials
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.max_attempts = max_attempts
        self.retry_wait = retry_wait
        self._local = threading.local()
        self._watchers: list[Callable[[str], None]] = []

    @property
    def credentials(self) -> Credentials:
        """The credentials to sign with now (a source that refreshes is asked every call)."""
        if isinstance(self._credentials, Credentials):
            return self._credentials
        return self._credentials()

    def watch(self, watcher: Callable[[str], None]) -> None:
        """Call `watcher` with the operation's name (e.g. "GetItem") before each call."""
        self._watchers.append(watcher)

    # The calls the store makes, named and shaped as boto3's client names them.
    def get_item(self, **request: Any) -> dict[str, Any]:
        return self.call("GetItem", request)

    def put_item(self, **request: Any) -> dict[str, Any]:
        return self.call("PutItem", request)

    def delete_item(self, **request: Any) -> dict[str, Any]:
        return self.call("DeleteItem", request)

    def call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        for watcher in self._watchers:
            watcher(operation)
        body = json.dumps(request, separators=(",", ":")).encode()
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._send(operation, body)
            except DynamoDbError as error:
                retryable = isinstance(error, DynamoDbUnreachable) or error.code in RETRYABLE_CODES
                if not retryable or attempt == self.max_attempts:
                    raise
            time.sleep(self.retry_wait)
        raise AssertionError("unreachable")  # the loop returns or raises

    def _send(self, operation: str, body: bytes) -> dict[str, Any]:
        headers = signed_headers(
            host=self.host_header,
            region=self.region,
            service=SERVICE,
            target=TARGET_PREFIX + operation,
            body=body,
            credentials=self.credentials,
            content_type=CONTENT_TYPE,
        )
        connection = self._connection()
        try:
            connection.request("POST", "/", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except TimeoutError as error:
            self._drop()
            code = "ReadTimeoutError" if connection.sock_connected else "ConnectTimeoutError"
            raise DynamoDbUnreachable(code) from error
        except (OSError, http.client.HTTPException) as error:
            self._drop()
            raise DynamoDbUnreachable(type(error).__name__) from error
        if response.status == 200:
            return json.loads(payload) if payload else {}
        raise DynamoDbError(_error_code(payload, response.status))

    def _connection(self) -> _Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = _Connection(
                self.hostname, self.port, self.secure, self.connect_timeout, self.read_timeout
            )
            self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class _Connection:
    """One keep-alive connection with separate connect and read timeouts."""

    def __init__(
        self, host: str, port: int, secure: bool, connect_timeout: float, read_timeout: float
    ) -> None:
        kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
        self._http = kind(host, port, timeout=connect_timeout)
        self.read_timeout = read_timeout
        self.sock_connected = False

    def request(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> None:
        if self._http.sock is not None and _closed_by_peer(self._http.sock):
            self._http.close()  # the server ended the idle connection: open a new one
        if self._http.sock is None:
            self.sock_connected = False
            self._http.connect()  # under the connect timeout
            self._http.sock.settimeout(self.read_timeout)
            self._http.sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self.sock_connected = True
        self._http.request(method, url, body=body, headers=headers)

    def getresponse(self) -> http.client.HTTPResponse:
        return self._http.getresponse()

    def close(self) -> None:
        self._http.close()


def _closed_by_peer(sock: socket.socket) -> bool:
    """An idle keep-alive socket that is readable has been closed (or reset) by the server."""
    readable, _, _ = select.select([sock], [], [], 0)
    return bool(readable)


def _error_code(payload: bytes, status: int) -> str:
    """The short error code from DynamoDB's `__type` ("com.amazonaws...#Code"), else the status."""
    try:
        kind = json.loads(payload).get("__type", "")
    except (ValueError, AttributeError):
        kind = ""
    code = str(kind).rpartition("#")[2]
    if code:
        return code
    return "InternalServerError" if status >= 500 else f"HTTP{status}"


def credentials_from_environment() -> Credentials | None:
    access_key = os.environ.get("AWS_ACCESS_KEY_ID")
    secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not access_key or not secret_key:
        return None
    return Credentials(access_key, secret_key, os.environ.get("AWS_SESSION_TOKEN") or None)


def credentials_from_botocore() -> Callable[[], Credentials] | None:
    """botocore's chain (container endpoint, profiles, SSO...): a source of credentials that
    botocore refreshes before they expire. None if botocore is missing or finds nothing."""
    try:
        import botocore.session
    except ImportError:
        return None
    found = botocore.session.get_session().get_credentials()
    if found is None:
        return None

    def current() -> Credentials:
        frozen = found.get_frozen_credentials()
        return Credentials(frozen.access_key, frozen.secret_key, frozen.token)

    return current
