"""Trust Coach and the usual way as in-process programs: their Lambda entry point, and a count
of the DynamoDB calls each makes (botocore's before-call event, as tests/dynamodb_server.py).
"""

from __future__ import annotations

import importlib
import os
from collections import Counter
from typing import Any

# Both programs can share one process, each with its own table (bench/env.py names them).
TABLE_ENV = {"trust_coach": "BENCH_TABLE_TRUST_COACH", "usual": "BENCH_TABLE_USUAL"}
READ_CALLS = ("GetItem",)
WRITE_CALLS = ("PutItem", "UpdateItem", "DeleteItem")


class Program:
    """A Lambda handler, called as Lambda calls it, and the store calls it made."""

    name = ""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        os.environ["TABLE_NAME"] = os.environ[TABLE_ENV[self.name]]
        self.handler = self._load()

    def _load(self) -> Any:
        raise NotImplementedError

    def _record(self, model: Any, **_: Any) -> None:
        self._count(model.name)

    def _count(self, operation: str) -> None:
        self.calls[operation] += 1

    def send(self, event: dict[str, Any]) -> dict[str, Any]:
        return self.handler(event, None)

    def take_calls(self) -> tuple[int, int]:
        """Reads and writes since the last take."""
        reads = sum(self.calls[name] for name in READ_CALLS)
        writes = sum(self.calls[name] for name in WRITE_CALLS)
        self.calls.clear()
        return reads, writes


class TrustCoach(Program):
    name = "trust_coach"

    def _load(self) -> Any:
        from trust_coach import app
        from trust_coach.store.dynamodb import shared_client

        app.skill()  # built now, while TABLE_NAME names this program's table
        shared_client().meta.events.register("before-call.dynamodb", self._record)
        return app.lambda_handler


class UsualWay(Program):
    name = "usual"

    def _load(self) -> Any:
        import boto3

        # ask-sdk's adapter makes its boto3 resource from the default session at import;
        # a handler on that session is copied into the resource's client.
        boto3.setup_default_session()
        boto3.DEFAULT_SESSION._session.register("before-call.dynamodb", self._record)
        return importlib.import_module("usual").lambda_handler


def load(name: str) -> Program:
    return {"trust_coach": TrustCoach, "usual": UsualWay}[name]()
