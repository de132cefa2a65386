"""What only the DynamoDB store has: the item's shape, configuration, and failures as StoreError."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trust_coach.state import Progress
from trust_coach.store import make_store
from trust_coach.store.base import EXPIRY_ATTRIBUTE, KEY_ATTRIBUTE, StoreError, user_key
from trust_coach.store.dynamodb import DynamoDbStore, shared_client

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"


def test_the_item_holds_key_version_expiry_and_progress_and_no_user_id(dynamodb_store):
    user_id = "amzn1.ask.account.item-shape"
    key = user_key(user_id)
    dynamodb_store.save(key, Progress(visits=2, strategies_heard=[1], position_at=3.5))
    item = dynamodb_store.client.get_item(
        TableName=dynamodb_store.table_name, Key={KEY_ATTRIBUTE: {"S": key}}
    )["Item"]
    assert set(item) == {KEY_ATTRIBUTE, "version", EXPIRY_ATTRIBUTE, "progress"}
    assert item[KEY_ATTRIBUTE] == {"S": key}
    assert item["version"] == {"N": "1"}
    assert int(item[EXPIRY_ATTRIBUTE]["N"]) > 0  # a number, as DynamoDB TTL needs
    assert item["progress"]["M"]["position_at"] == {"N": "3.5"}
    assert user_id not in str(item)


def test_a_missing_table_is_a_store_error_naming_only_the_code(dynamodb_server, aws_env):
    store = DynamoDbStore("no-such-table", client=dynamodb_server.client())
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.read(user_key("amzn1.ask.account.anyone"))
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.write(user_key("amzn1.ask.account.anyone"), Progress(version=1), 0)
    with pytest.raises(StoreError, match="ResourceNotFoundException"):
        store.remove(user_key("amzn1.ask.account.anyone"))


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
