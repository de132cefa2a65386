"""The production store: one DynamoDB item per user, written conditionally on its version.

The item holds the key, the version, the expiry (for DynamoDB TTL) and the progress as a map.
The botocore client is made once per process, with short timeouts and one retry, so that a turn
whose store call fails still answers well inside Alexa's 8 seconds (see `WORST_CASE_SECONDS`).
"""

from __future__ import annotations

import os
from decimal import Decimal
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from trust_coach.state import Progress
from trust_coach.store.attribute_values import deserialize, serialize
from trust_coach.store.base import (
    EXPIRY_ATTRIBUTE,
    KEY_ATTRIBUTE,
    ProgressStore,
    StoreError,
    VersionConflict,
    expiry_from,
    now,
)

SERVICE = "dynamodb"
VERSION_ATTRIBUTE = "version"
PROGRESS_ATTRIBUTE = "progress"

# DynamoDB answers in milliseconds; these bound a slow or unreachable table instead.
CONNECT_TIMEOUT = 0.3
READ_TIMEOUT = 0.6
MAX_ATTEMPTS = 2  # one retry: enough for a dropped connection, cheap when the table is down
# botocore's legacy retry mode waits 50 ms before a DynamoDB retry, whatever the error. Its
# standard mode may wait up to 1 s after throttling: in a voice turn that second is better
# spent answering without memory.
RETRY_MODE = "legacy"
RETRY_WAIT = 0.05
# One pooled connection per request thread of the web endpoint (web.THREADS); Lambda uses one.
MAX_POOL_CONNECTIONS = 64
# The longest one failing store call can take. A turn makes at most one such call: a failed
# load skips the save, and a save is only tried when the load worked.
WORST_CASE_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) + RETRY_WAIT


def client_config() -> Config:
    """Timeouts and retries that keep a failing store call inside `WORST_CASE_SECONDS`."""
    return Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": RETRY_MODE, "total_max_attempts": MAX_ATTEMPTS},
        tcp_keepalive=True,
        max_pool_connections=MAX_POOL_CONNECTIONS,
    )


_CONDITION_FAILED = "ConditionalCheckFailedException"


def make_client(endpoint_url: str | None = None, region: str | None = None) -> Any:
    """A DynamoDB client with the store's timeouts; region and endpoint default to botocore's env.

    botocore reads `AWS_DEFAULT_REGION` and `AWS_ENDPOINT_URL_DYNAMODB` itself; Lambda also
    sets `AWS_REGION`, which botocore does not read, so it is passed on here. botocore rather
    than boto3: boto3 adds ~30 ms of imports to a cold start and nothing the store uses.
    """
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    session = botocore.session.get_session()
    # Before loading a model, botocore lists every service it ships (hundreds of folders) to
    # check that the name exists: ~60 ms of a cold start to confirm "dynamodb". This session
    # makes a DynamoDB client only, so its loader is told the answer.
    session.get_component("data_loader").list_available_services = _dynamodb_only
    return session.create_client(
        "dynamodb", region_name=region, endpoint_url=endpoint_url, config=client_config()
    )


def _dynamodb_only(type_name: str) -> list[str]:
    return [SERVICE]


@cache
def shared_client() -> Any:
    """The process's client: made once, so warm Lambda invocations reuse its connections."""
    return make_client()


def to_item(key: str, progress: Progress, expires_at: int) -> dict[str, Any]:
    body = progress.to_dict()
    version = body.pop("version")
    plain = {
        KEY_ATTRIBUTE: key,
        VERSION_ATTRIBUTE: version,
        EXPIRY_ATTRIBUTE: expires_at,
        PROGRESS_ATTRIBUTE: _numbers_as_decimals(body),
    }
    return {name: serialize(value) for name, value in plain.items()}


def from_item(item: dict[str, Any]) -> Progress:
    plain = {name: deserialize(value) for name, value in item.items()}
    progress = Progress.from_dict(plain.get(PROGRESS_ATTRIBUTE) or {})
    progress.version = int(plain[VERSION_ATTRIBUTE])
    return progress


def _numbers_as_decimals(value: Any) -> Any:
    """DynamoDB rejects floats; `str` keeps the shortest form that reads back as the same float."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _numbers_as_decimals(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_numbers_as_decimals(v) for v in value]
    return value


class DynamoDbStore(ProgressStore):
    """Progress in a DynamoDB table keyed by `KEY_ATTRIBUTE`; uses only `DYNAMODB_ACTIONS`."""

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            try:
                self._client = shared_client()
            except BotoCoreError as error:  # e.g. no region configured
                raise StoreError(f"no DynamoDB client: {type(error).__name__}") from error
        return self._client

    def _key(self, key: str) -> dict[str, Any]:
        return {KEY_ATTRIBUTE: {"S": key}}

    def read(self, key: str) -> Progress | None:
        try:
            # Consistent: the read after a conflict must see the write that caused it.
            answer = self.client.get_item(
                TableName=self.table_name, Key=self._key(key), ConsistentRead=True
            )
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"DynamoDB read failed: {_reason(error)}") from error
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
        except ClientError as error:
            if _reason(error) == _CONDITION_FAILED:
                raise VersionConflict(key) from error
            raise StoreError(f"DynamoDB write failed: {_reason(error)}") from error
        except BotoCoreError as error:
            raise StoreError(f"DynamoDB write failed: {_reason(error)}") from error

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
        except (BotoCoreError, ClientError) as error:
            raise StoreError(f"DynamoDB delete failed: {_reason(error)}") from error


def _reason(error: Exception) -> str:
    """The error code or class name: never the message, which can echo request data."""
    if isinstance(error, ClientError):
        return str(error.response.get("Error", {}).get("Code", "ClientError"))
    return type(error).__name__
