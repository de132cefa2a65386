"""What only the DynamoDB store has: the item's shape, its botocore client (timeouts, retries,
connections, configuration), and failures as StoreError naming only an error code."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import TypeSerializer
from dynamodb_server import ScriptedEndpoint, client_for, dynamodb_error, stopwatch

from trust_coach.state import Progress
from trust_coach.store import dynamodb, make_store
from trust_coach.store.base import (
    ACCOUNT_ATTRIBUTE,
    EXPIRY_ATTRIBUTE,
    KEY_ATTRIBUTE,
    StoreError,
    VersionConflict,
    person_key,
    user_key,
)
from trust_coach.store.dynamodb import DynamoDbStore, make_client, shared_client

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"


def stored_item(store: DynamoDbStore, key: str) -> dict[str, Any]:
    return store.client.get_item(TableName=store.table_name, Key={KEY_ATTRIBUTE: {"S": key}})[
        "Item"
    ]


def test_the_item_holds_key_version_expiry_and_progress_and_no_user_id(dynamodb_store):
    user_id = "amzn1.ask.account.item-shape"
    key = user_key(user_id)
    dynamodb_store.save(key, Progress(visits=2, strategies_heard=[1], position_at=3.5))
    item = stored_item(dynamodb_store, key)
    assert set(item) == {KEY_ATTRIBUTE, ACCOUNT_ATTRIBUTE, "version", EXPIRY_ATTRIBUTE, "progress"}
    assert item[KEY_ATTRIBUTE] == {"S": key}
    assert item[ACCOUNT_ATTRIBUTE] == {"S": key}  # an account's own record: its own account
    assert item["version"] == {"N": "1"}
    assert int(item[EXPIRY_ATTRIBUTE]["N"]) > 0  # a number, as DynamoDB TTL needs
    assert json.loads(item["progress"]["S"])["position_at"] == 3.5
    assert user_id not in str(item)


def test_a_persons_item_names_its_account_for_the_account_index(dynamodb_store):
    user_id, person_id = "amzn1.ask.account.item-owner", "amzn1.ask.person.item-person"
    key = person_key(user_id, person_id)
    dynamodb_store.save(key, Progress(visits=1))
    item = stored_item(dynamodb_store, key)
    assert item[ACCOUNT_ATTRIBUTE] == {"S": user_key(user_id)}
    assert user_id not in str(item) and person_id not in str(item)


def test_an_item_holding_progress_as_a_map_is_read_and_rewritten_as_a_string(dynamodb_store):
    # GIVEN an item as the store wrote it before: progress as a DynamoDB map of typed values
    key = user_key("amzn1.ask.account.map-item")
    old = {
        "visits": 3,
        "strategies_heard": [1, 2],
        "last_strategy": 2,
        "position_at": Decimal("1764000123.25"),
    }
    dynamodb_store.client.put_item(
        TableName=dynamodb_store.table_name,
        Item={
            KEY_ATTRIBUTE: {"S": key},
            "version": {"N": "4"},
            EXPIRY_ATTRIBUTE: {"N": "1800000000"},
            "progress": TypeSerializer().serialize(old),
        },
    )
    # WHEN it is loaded THEN numbers come back as ints and floats, not Decimals
    loaded = dynamodb_store.load(key)
    assert loaded.version == 4 and loaded.visits == 3 and loaded.strategies_heard == [1, 2]
    assert loaded.position_at == 1764000123.25 and isinstance(loaded.position_at, float)
    # AND the next save writes the string form, on the same version line
    loaded.visits += 1
    assert dynamodb_store.save(key, loaded).version == 5
    assert json.loads(stored_item(dynamodb_store, key)["progress"]["S"])["visits"] == 4


def test_a_missing_table_is_a_store_error_naming_only_the_code(dynamodb_server, aws_env):
    store = DynamoDbStore("no-such-table", client=dynamodb_server.client())
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.read(user_key("amzn1.ask.account.anyone"))
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.write(user_key("amzn1.ask.account.anyone"), Progress(version=1), 0)
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.remove(user_key("amzn1.ask.account.anyone"))


def scripted(*answers: tuple[int, dict[str, Any]], close: bool = False) -> ScriptedEndpoint:
    """An endpoint giving `answers` in turn."""
    return ScriptedEndpoint(lambda number: answers[number - 1], close=close)


def store_on(endpoint: str) -> DynamoDbStore:
    return DynamoDbStore("progress", client=client_for(endpoint))


def test_a_failed_condition_is_a_conflict_at_once_and_never_echoes_the_message():
    with (
        scripted((400, dynamodb_error("ConditionalCheckFailedException"))) as server,
        pytest.raises(VersionConflict) as raised,
    ):
        store_on(server.endpoint).write("k", Progress(version=2), expected_version=1)
    assert "echoed" not in str(raised.value) and "echoed" not in repr(raised.value)
    assert server.targets == ["DynamoDB_20120810.PutItem"]  # not retried
    with (
        scripted((400, dynamodb_error("ValidationException"))) as server,
        pytest.raises(StoreError) as failed,
    ):
        store_on(server.endpoint).read("k")
    assert str(failed.value) == "DynamoDB read failed: ValidationException"


@pytest.mark.parametrize(
    "first",
    [
        (500, {}),
        (400, dynamodb_error("ThrottlingException")),
        (503, dynamodb_error("ServiceUnavailable")),
    ],
)
def test_a_server_error_or_throttling_is_retried_once(first):
    item = {
        KEY_ATTRIBUTE: {"S": "k"},
        "version": {"N": "3"},
        "progress": {"S": json.dumps({"visits": 2})},
    }
    with scripted(first, (200, {"Item": item})) as server:
        loaded = store_on(server.endpoint).read("k")
    assert loaded is not None and loaded.version == 3 and loaded.visits == 2
    assert len(server.targets) == 2


def test_keep_alive_reuses_one_connection_and_survives_the_server_closing_it():
    ok = (200, {})
    with scripted(ok, ok, ok) as kept:
        store = store_on(kept.endpoint)
        for _ in range(3):
            assert store.read("k") is None
    assert len(kept.client_ports) == 1
    with scripted(ok, ok, ok, close=True) as closing:
        store = store_on(closing.endpoint)
        for _ in range(3):
            assert store.read("k") is None
    assert len(closing.targets) == 3  # each call once: no failed send, no retry


def test_an_endpoint_that_refuses_is_a_store_error_quickly():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again at once: nothing listens there
    with stopwatch() as took, pytest.raises(StoreError, match="EndpointConnectionError"):
        store_on(f"http://127.0.0.1:{port}").read("k")
    assert took[0] < dynamodb.CALL_WORST_SECONDS


def test_region_and_endpoint_come_from_the_environment(monkeypatch):
    for name in ("AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-central-1")  # Lambda's; botocore reads only the other
    client = make_client()
    assert client.meta.region_name == "eu-central-1"
    assert client.meta.endpoint_url == "https://dynamodb.eu-central-1.amazonaws.com"
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:5005")
    assert make_client().meta.endpoint_url == "http://127.0.0.1:5005"


@pytest.fixture
def no_aws_configuration(monkeypatch, aws_env):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL_DYNAMODB"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TABLE_NAME", "progress")
    shared_client.cache_clear()
    yield
    shared_client.cache_clear()


def test_table_name_chooses_dynamodb_and_a_missing_region_degrades_not_crashes(
    no_aws_configuration,
):
    store = make_store()  # building the skill's store makes no network call and cannot fail
    assert isinstance(store, DynamoDbStore) and store.table_name == "progress"
    with pytest.raises(StoreError, match="NoRegionError"):
        store.read(user_key("amzn1.ask.account.anyone"))


def test_the_dynamodb_adapter_from_ask_sdk_is_never_imported():
    """ask_sdk_dynamodb builds a boto3 resource at import time (see DESIGN pitfalls)."""
    probe = (
        "import sys, trust_coach.app, trust_coach.store.dynamodb; "
        "trust_coach.app.build_skill(store=trust_coach.store.dynamodb.DynamoDbStore('t')); "
        "print('ask_sdk_dynamodb' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": str(LAMBDA_DIR)}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.fixture
def configured_like_lambda(dynamodb_server, aws_env, monkeypatch):
    """The deployed configuration: a table and boto3's endpoint variable, nothing else."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_server.endpoint)
    shared_client.cache_clear()
    yield dynamodb_server.create_table()
    shared_client.cache_clear()


def test_reconnect_replaces_the_process_client_and_keeps_working(configured_like_lambda):
    # GIVEN the store on the process's client, as Lambda runs it, with progress saved
    store = DynamoDbStore(configured_like_lambda)
    key = user_key("amzn1.ask.account.reconnect")
    store.save(key, Progress(visits=1))
    before = store.client
    assert before is shared_client()
    # WHEN it reconnects (as after a SnapStart restore)
    store.reconnect()
    # THEN a new client (new session: new connections, credentials looked up again) serves it
    assert store.client is not before and store.client is shared_client()
    assert store.load(key).visits == 1
    # AND a store given a client of its own keeps it
    own = DynamoDbStore(configured_like_lambda, client=before)
    own.reconnect()
    assert own.client is before


def test_reconnect_without_a_region_does_not_raise_and_calls_still_degrade(
    no_aws_configuration, caplog
):
    store = make_store()
    store.reconnect()  # a restore hook must not fail
    assert "store client not remade: no DynamoDB client: NoRegionError" in caplog.text
    with pytest.raises(StoreError, match="NoRegionError"):
        store.read(user_key("amzn1.ask.account.anyone"))


def test_the_lambda_path_imports_botocore_and_not_boto3(configured_like_lambda):
    # boto3 (with s3transfer and multiprocessing) would add its import to every cold start;
    # the store needs only botocore's client.
    probe = (
        "import sys, trust_coach.app; "
        "from trust_coach.store.dynamodb import DynamoDbStore; "
        f"DynamoDbStore({configured_like_lambda!r}).read('nobody'); "
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(LAMBDA_DIR)}
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['botocore']"
