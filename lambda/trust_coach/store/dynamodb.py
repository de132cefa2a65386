"""The production store: one DynamoDB item per user, written conditionally on its version.

The item holds the key, the version, the expiry (for DynamoDB TTL) and the progress as a map.
The client (`dynamodb_api`, DynamoDB's JSON API without botocore) is made once per process,
with short timeouts and one retry, so that a turn whose store call fails still answers well
inside Alexa's 8 seconds (see `WORST_CASE_SECONDS`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

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
from trust_coach.store.dynamodb_api import (
    DynamoDbApi,
    DynamoDbError,
    credentials_from_botocore,
    credentials_from_environment,
)
from trust_coach.store.sigv4 import Credentials

VERSION_ATTRIBUTE = "version"
PROGRESS_ATTRIBUTE = "progress"

# DynamoDB answers in milliseconds; these bound a slow or unreachable table instead.
CONNECT_TIMEOUT = 0.3
READ_TIMEOUT = 0.6
MAX_ATTEMPTS = 2  # one retry: enough for a dropped connection, cheap when the table is down
# The wait before that retry, whatever the error: after throttling, a longer back-off would
# be better spent answering without memory.
RETRY_WAIT = 0.05
# The longest one failing store call can take. A turn makes at most one such call: a failed
# load skips the save, and a save is only tried when the load worked.
WORST_CASE_SECONDS = MAX_ATTEMPTS * (CONNECT_TIMEOUT + READ_TIMEOUT) + RETRY_WAIT

_CONDITION_FAILED = "ConditionalCheckFailedException"


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    credentials: Credentials | Callable[[], Credentials] | None = None,
) -> DynamoDbApi:
    """A client with the store's timeouts. Region, endpoint and credentials default to the
    variables Lambda and the AWS tools set: `AWS_REGION` or `AWS_DEFAULT_REGION`,
    `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`, and the access key variables."""
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if not region:
        raise StoreError("no DynamoDB client: NoRegionError")
    endpoint_url = (
        endpoint_url
        or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
        or os.environ.get("AWS_ENDPOINT_URL")
        or regional_endpoint(region)
    )
    credentials = credentials or credentials_from_environment() or credentials_from_botocore()
    if credentials is None:
        raise StoreError("no DynamoDB client: NoCredentialsError")
    return DynamoDbApi(
        endpoint_url,
        region,
        credentials,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        max_attempts=MAX_ATTEMPTS,
        retry_wait=RETRY_WAIT,
    )


def regional_endpoint(region: str) -> str:
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"https://dynamodb.{region}.{suffix}"


@cache
def shared_client() -> DynamoDbApi:
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
        self._given_client = client is not None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = shared_client()  # StoreError when there is no region or credentials
        return self._client

    def reconnect(self) -> None:
        """The process's client is made again on next use, with new connections and freshly
        resolved credentials. A client the store was given is its giver's to renew."""
        if not self._given_client:
            shared_client.cache_clear()
            self._client = None

    def _key(self, key: str) -> dict[str, Any]:
        return {KEY_ATTRIBUTE: {"S": key}}

    def read(self, key: str) -> Progress | None:
        try:
            # Consistent: the read after a conflict must see the write that caused it.
            answer = self.client.get_item(
                TableName=self.table_name, Key=self._key(key), ConsistentRead=True
            )
        except DynamoDbError as error:
            raise StoreError(f"DynamoDB read failed: {error.code}") from error
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
        except DynamoDbError as error:
            if error.code == _CONDITION_FAILED:
                raise VersionConflict(key) from error
            raise StoreError(f"DynamoDB write failed: {error.code}") from error

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
        except DynamoDbError as error:
            raise StoreError(f"DynamoDB delete failed: {error.code}") from error
