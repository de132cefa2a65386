"""The production store: one DynamoDB item per user, written conditionally on its version.

The item holds the key, the version and the expiry (for DynamoDB TTL) as DynamoDB's own string
and number values, and the progress as one JSON string, as the SQLite store keeps it: a float
goes in and comes back a float, never a Decimal, and nothing but botocore is imported. (Items
written before kept the progress as a map; they are still read, with boto3's deserializer.)

The client is botocore's low-level client, made once per process with short timeouts and one
retry, so that a turn whose store calls fail still answers inside the project's 3 s (see
`TURN_WORST_SECONDS`).
"""

from __future__ import annotations

import json
import logging
import os
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from trust_coach import budget
from trust_coach.state import Progress, plain
from trust_coach.store.base import (
    ACCOUNT_ATTRIBUTE,
    ACCOUNT_INDEX,
    EXPIRY_ATTRIBUTE,
    KEY_ATTRIBUTE,
    ProgressStore,
    StoreError,
    VersionConflict,
    account_of,
    expiry_from,
    now,
)

VERSION_ATTRIBUTE = "version"
PROGRESS_ATTRIBUTE = "progress"

# The store's share of a turn's time budget (see `budget` for the arithmetic).
CONNECT_TIMEOUT = budget.STORE_CONNECT_TIMEOUT
READ_TIMEOUT = budget.STORE_READ_TIMEOUT
MAX_ATTEMPTS = budget.STORE_MAX_ATTEMPTS
RETRY_WAIT_MAX = budget.STORE_RETRY_WAIT_MAX
CALL_WORST_SECONDS = budget.STORE_CALL_WORST_SECONDS
TURN_WORST_SECONDS = 2 * CALL_WORST_SECONDS

CLIENT_CONFIG = Config(
    connect_timeout=CONNECT_TIMEOUT,
    read_timeout=READ_TIMEOUT,
    retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
    tcp_keepalive=True,
)

_CONDITION_FAILED = "ConditionalCheckFailedException"

log = logging.getLogger(__name__)


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    credentials: tuple[str, str] | None = None,
) -> Any:
    """A botocore DynamoDB client with the store's timeouts and retries, on a new session (so
    new connections and credentials). Region, endpoint and credentials default to what Lambda
    and the AWS tools set: `AWS_REGION` (which botocore alone does not read) or
    `AWS_DEFAULT_REGION`; `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`; botocore's
    credential chain. Calls nothing in DynamoDB; credentials are looked up now (on Lambda,
    from its environment variables)."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    access_key, secret_key = credentials or (None, None)
    try:
        return botocore.session.get_session().create_client(
            "dynamodb",
            region_name=region,
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=CLIENT_CONFIG,
        )
    except BotoCoreError as error:  # e.g. NoRegionError
        raise StoreError(f"no DynamoDB client: {type(error).__name__}") from error


@cache
def shared_client() -> Any:
    """The process's client: made once, so warm Lambda invocations reuse its connections."""
    return make_client()


def to_item(key: str, progress: Progress, expires_at: int) -> dict[str, Any]:
    body = progress.to_dict()
    version = body.pop("version")
    return {
        KEY_ATTRIBUTE: {"S": key},
        ACCOUNT_ATTRIBUTE: {"S": account_of(key)},
        VERSION_ATTRIBUTE: {"N": str(version)},
        EXPIRY_ATTRIBUTE: {"N": str(expires_at)},
        PROGRESS_ATTRIBUTE: {"S": json.dumps(body, separators=(",", ":"), sort_keys=True)},
    }


def from_item(item: dict[str, Any]) -> Progress:
    stored = item.get(PROGRESS_ATTRIBUTE) or {"S": "{}"}
    if "S" in stored:
        body = json.loads(stored["S"])
    else:  # an item written when progress was kept as a DynamoDB map
        from boto3.dynamodb.types import TypeDeserializer

        body = plain(TypeDeserializer().deserialize(stored))  # Decimals as ints and floats
    progress = Progress.from_dict(body)
    progress.version = int(item[VERSION_ATTRIBUTE]["N"])
    return progress


def _failure(error: Exception) -> str:
    """What went wrong, by code or kind only: DynamoDB's messages can echo request data."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code") or "ClientError")
    return type(error).__name__


class DynamoDbStore(ProgressStore):
    """Progress in a DynamoDB table keyed by `KEY_ATTRIBUTE`; uses only `DYNAMODB_ACTIONS`,
    and `DYNAMODB_INDEX_ACTIONS` on the account index.

    Without a client of its own it uses the process's (`shared_client`), made on first use;
    `reconnect` replaces that one.
    """

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client = client
        self._shared = client is None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = shared_client()  # StoreError when there is no region
        return self._client

    def reconnect(self) -> None:
        """Drop the process's client and make a new one: new connections, and credentials
        looked up afresh (after a SnapStart restore, those of the snapshot are not reused).
        A store given its own client keeps it. Never raises: a client that cannot be made
        now is a StoreError on the next call, as at first use."""
        if not self._shared:
            return
        shared_client.cache_clear()
        self._client = None
        try:
            self._client = shared_client()
        except StoreError as error:
            log.warning("store client not remade: %s", error)

    def _key(self, key: str) -> dict[str, Any]:
        return {KEY_ATTRIBUTE: {"S": key}}

    def read(self, key: str) -> Progress | None:
        try:
            # Consistent: the read after a conflict must see the write that caused it.
            answer = self.client.get_item(
                TableName=self.table_name, Key=self._key(key), ConsistentRead=True
            )
        except (ClientError, BotoCoreError) as error:
            raise StoreError(f"DynamoDB read failed: {_failure(error)}") from error
        item = answer.get("Item")
        return from_item(item) if item else None

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        if expected_version == 0:
            condition = "attribute_not_exists(#key)"
            names = {"#key": KEY_ATTRIBUTE}
            values: dict[str, Any] = {}
        else:
            condition = "#version = :expected"
            names = {"#version": VERSION_ATTRIBUTE}
            values = {":expected": {"N": str(expected_version)}}
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "Item": to_item(key, progress, expiry_from(now())),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
        }
        if values:
            request["ExpressionAttributeValues"] = values
        try:
            self.client.put_item(**request)
        except (ClientError, BotoCoreError) as error:
            code = _failure(error)
            if code == _CONDITION_FAILED:
                raise VersionConflict(key) from error
            raise StoreError(f"DynamoDB write failed: {code}") from error

    def expiry_of(self, key: str) -> int | None:
        """The record's expiry (epoch seconds), for checks and tests."""
        answer = self.client.get_item(
            TableName=self.table_name, Key=self._key(key), ConsistentRead=True
        )
        item = answer.get("Item")
        return int(item[EXPIRY_ATTRIBUTE]["N"]) if item else None

    def remove(self, key: str) -> None:
        try:
            self.client.delete_item(TableName=self.table_name, Key=self._key(key))
        except (ClientError, BotoCoreError) as error:
            raise StoreError(f"DynamoDB delete failed: {_failure(error)}") from error

    def remove_account(self, account: str) -> None:
        """The account's own item by its key (an item written before the account index
        existed has no `account_key`), then every item the index finds for the account.
        The index is eventually consistent: a person's first save in the last moment before
        this may be missed (see docs/persistence.md)."""
        self.remove(account)
        for key in self._account_keys(account):
            if key != account:
                self.remove(key)

    def _account_keys(self, account: str) -> list[str]:
        keys: list[str] = []
        request: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": ACCOUNT_INDEX,
            "KeyConditionExpression": "#account = :account",
            "ExpressionAttributeNames": {"#account": ACCOUNT_ATTRIBUTE},
            "ExpressionAttributeValues": {":account": {"S": account}},
            "ProjectionExpression": "#key",
        }
        request["ExpressionAttributeNames"]["#key"] = KEY_ATTRIBUTE
        while True:
            try:
                answer = self.client.query(**request)
            except (ClientError, BotoCoreError) as error:
                raise StoreError(f"DynamoDB query failed: {_failure(error)}") from error
            keys += [item[KEY_ATTRIBUTE]["S"] for item in answer.get("Items", [])]
            if "LastEvaluatedKey" not in answer:
                return keys
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
