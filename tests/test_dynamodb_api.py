"""The store's own DynamoDB client: signatures as botocore makes them, errors by code, one
retry where botocore would retry, connections kept alive, and no AWS SDK on the Lambda path."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials
from dynamodb_server import REGION, ScriptedEndpoint, client_for, dynamodb_error

from trust_coach.store.dynamodb import make_client, regional_endpoint
from trust_coach.store.dynamodb_api import (
    CONTENT_TYPE,
    DynamoDbError,
    DynamoDbUnreachable,
    credentials_from_environment,
)
from trust_coach.store.sigv4 import Credentials, signed_headers

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
MOMENT = datetime(2026, 11, 27, 5, 30, 12, tzinfo=UTC)


@pytest.mark.parametrize("token", [None, "FwoGZXIvYXdzEJr//////////session+token="])
@pytest.mark.parametrize("host", ["dynamodb.eu-west-1.amazonaws.com", "127.0.0.1:8000"])
def test_signatures_match_botocore(token, host, monkeypatch):
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: MOMENT.replace(tzinfo=None))
    body = json.dumps({"TableName": "progress", "Key": {"user_key": {"S": "ab"}}}).encode()
    ours = signed_headers(
        host=host,
        region="eu-west-1",
        service="dynamodb",
        target="DynamoDB_20120810.GetItem",
        body=body,
        credentials=Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        content_type=CONTENT_TYPE,
        now=MOMENT,
    )
    request = AWSRequest(
        method="POST",
        url=f"https://{host}/",
        data=body,
        headers={"Content-Type": CONTENT_TYPE, "X-Amz-Target": "DynamoDB_20120810.GetItem"},
    )
    signer = SigV4Auth(
        BotocoreCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token),
        "dynamodb",
        "eu-west-1",
    )
    signer.add_auth(request)
    assert ours["authorization"] == request.headers["Authorization"]
    assert ours["x-amz-date"] == request.headers["X-Amz-Date"]
    assert ours.get("x-amz-security-token") == request.headers.get("X-Amz-Security-Token")


def test_credentials_never_print_their_secret():
    shown = repr(Credentials("AKIDEXAMPLE", "very-secret", "token-secret"))
    assert "secret" not in shown and "AKID" in shown


def scripted(*answers: tuple[int, dict[str, Any]], close: bool = False) -> ScriptedEndpoint:
    """An endpoint giving `answers` in turn."""
    return ScriptedEndpoint(lambda number: answers[number - 1], close=close)


def test_a_failed_condition_is_not_retried_and_names_its_code():
    with (
        scripted((400, dynamodb_error("ConditionalCheckFailedException"))) as server,
        pytest.raises(DynamoDbError) as raised,
    ):
        client_for(server.endpoint).put_item(TableName="t", Item={})
    assert raised.value.code == "ConditionalCheckFailedException"
    assert "echoed" not in str(raised.value)
    assert server.targets == ["DynamoDB_20120810.PutItem"]


@pytest.mark.parametrize(
    "first",
    [
        (500, {}),
        (400, dynamodb_error("ThrottlingException")),
        (503, dynamodb_error("ServiceUnavailable")),
    ],
)
def test_a_server_error_or_throttling_is_retried_once(first):
    with scripted(first, (200, {"Item": {"k": {"S": "v"}}})) as server:
        answer = client_for(server.endpoint).get_item(TableName="t", Key={})
    assert answer == {"Item": {"k": {"S": "v"}}}
    assert len(server.targets) == 2


def test_keep_alive_reuses_one_connection_and_survives_the_server_closing_it():
    ok = (200, {})
    with scripted(ok, ok, ok) as kept:
        client = client_for(kept.endpoint)
        for _ in range(3):
            client.get_item(TableName="t", Key={})
    assert len(kept.client_ports) == 1
    with scripted(ok, ok, ok, close=True) as closing:
        client = client_for(closing.endpoint)
        for _ in range(3):
            client.get_item(TableName="t", Key={})
    assert len(closing.targets) == 3  # each call once: no failed send, no retry


def test_an_endpoint_that_refuses_is_unreachable_after_one_retry():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    with pytest.raises(DynamoDbUnreachable) as raised:
        client_for(f"http://127.0.0.1:{port}").get_item(TableName="t", Key={})
    assert raised.value.code == "ConnectionRefusedError"


def test_region_endpoint_and_credentials_come_from_the_environment(monkeypatch):
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDLAMBDA")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    client = make_client()
    assert client.hostname == "dynamodb.eu-central-1.amazonaws.com" and client.secure
    assert client.region == "eu-central-1"
    assert client.credentials == Credentials("AKIDLAMBDA", "secret", "token")
    assert regional_endpoint("cn-north-1") == "https://dynamodb.cn-north-1.amazonaws.com.cn"
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:5005")
    assert make_client().port == 5005 and not make_client().secure


def test_without_keys_in_the_environment_botocores_chain_is_asked(monkeypatch, tmp_path):
    profile = tmp_path / "credentials"
    profile.write_text("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(profile))
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert credentials_from_environment() is None
    assert make_client(region=REGION).credentials.access_key == "AKIDFILE"


def test_container_credentials_as_snapstart_serves_them_are_fetched_and_refreshed(monkeypatch):
    # With SnapStart, Lambda sets no access keys: a local endpoint serves the credentials.
    served = []

    class Endpoint(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            assert self.headers["Authorization"] == "container-token"
            number = len(served) + 1
            served.append(number)
            # 12 minutes: inside the window in which botocore refreshes before expiry
            expires = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=12)
            body = json.dumps(
                {
                    "AccessKeyId": f"ASIA{number}",
                    "SecretAccessKey": "s",
                    "Token": "t",
                    "Expiration": expires.isoformat().replace("+00:00", "Z"),
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            f"http://127.0.0.1:{server.server_address[1]}/creds",
        )
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token")
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)
        monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
        client = make_client(region=REGION)
        first = client.credentials.access_key
        second = client.credentials.access_key  # near expiry: botocore fetches anew
    finally:
        server.shutdown()
        server.server_close()
    assert first.startswith("ASIA") and second != first


def test_the_lambda_path_imports_no_aws_sdk(dynamodb_server, aws_env):
    # Lambda sets the region and the keys: the store then needs neither boto3 nor botocore,
    # whose imports and client were about 200 ms of every cold start.
    table = dynamodb_server.create_table()
    probe = (
        "import sys, trust_coach.app as a; "
        "from trust_coach.store.dynamodb import DynamoDbStore; "
        f"DynamoDbStore({table!r}).read('nobody'); "
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(LAMBDA_DIR),
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_server.endpoint,
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
