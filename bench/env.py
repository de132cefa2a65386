"""The bench's one local DynamoDB-compatible server, its tables, and the returning users on it.

The server is moto's, started the way the tests start it (tests/dynamodb_server.py). Every
program under test reaches it through boto3's standard environment, as on Lambda.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = ROOT / "lambda"
BASELINES_DIR = ROOT / "bench" / "baselines"
sys.path[:0] = [str(LAMBDA_DIR), str(ROOT / "tests")]

from dynamodb_server import FAKE_AWS_ENV, DynamoDbServer  # noqa: E402

from bench.session import RETURNING_USER  # noqa: E402
from trust_coach.state import Progress  # noqa: E402
from trust_coach.store.base import user_key  # noqa: E402
from trust_coach.store.dynamodb import DynamoDbStore  # noqa: E402

# ask-sdk's DynamoDB adapter keys items by the raw user id in "id", attributes in "attributes".
USUAL_KEY = "id"


def returning_progress() -> Progress:
    """Someone who has used the skill a few times and stopped on strategy two."""
    return Progress(visits=3, last_strategy=2, strategies_heard=[1, 2], position_at=0.0)


@dataclass
class BenchEnv:
    """The server, a table per program, and the environment every child process gets."""

    server: DynamoDbServer
    tables: dict[str, str] = field(default_factory=dict)
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="trust-bench-")))

    @classmethod
    def start(cls) -> BenchEnv:
        scratch = Path(tempfile.mkdtemp(prefix="trust-bench-"))
        os.environ.update(FAKE_AWS_ENV)
        env = cls(DynamoDbServer(scratch / "moto.log").start(), scratch=scratch)
        os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = env.server.endpoint
        env.tables["trust_coach"] = env.server.create_table("trust-coach")
        env.tables["floor_store"] = env.tables["trust_coach"]
        env.tables["usual"] = env._usual_table()
        env.seed(RETURNING_USER)
        return env

    def stop(self) -> None:
        self.server.stop()
        shutil.rmtree(self.scratch, ignore_errors=True)  # bytecode, artefact, certificates

    def _usual_table(self) -> str:
        self.server.admin().create_table(
            TableName="usual-way",
            AttributeDefinitions=[{"AttributeName": USUAL_KEY, "AttributeType": "S"}],
            KeySchema=[{"AttributeName": USUAL_KEY, "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        return "usual-way"

    def seed(self, user_id: str) -> None:
        """The same returning user in every program's table."""
        client = self.server.admin()
        store = DynamoDbStore(self.tables["trust_coach"], client=self.server.client())
        store.remove(user_key(user_id))
        store.save(user_key(user_id), returning_progress())
        # The floor's GetItem looks the raw id up in the same table.
        client.put_item(
            TableName=self.tables["floor_store"],
            Item={"user_key": {"S": user_id}, "visits": {"N": "3"}},
        )
        client.put_item(
            TableName=self.tables["usual"],
            Item={
                USUAL_KEY: {"S": user_id},
                "attributes": {"M": {"visits": {"N": "3"}, "last_strategy": {"N": "2"}}},
            },
        )

    def child_env(self, program: str, **extra: str) -> dict[str, str]:
        """What a program's process sees: boto3's standard variables and its TABLE_NAME."""
        environment = {
            **os.environ,
            **FAKE_AWS_ENV,
            "AWS_ENDPOINT_URL_DYNAMODB": self.server.endpoint,
            "TABLE_NAME": self.tables.get(program, self.tables["trust_coach"]),
            "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(BASELINES_DIR), str(ROOT)]),
            # As on Lambda, where /var/task is read-only: no bytecode is written by a run. Each
            # program's bytecode is compiled once beforehand into the bench's own cache, as
            # `make build` compiles the artefact (cold_start.precompile); the tree is untouched.
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONPYCACHEPREFIX": str(self.scratch / "bytecode"),
            "BENCH_TABLE_TRUST_COACH": self.tables["trust_coach"],
            "BENCH_TABLE_USUAL": self.tables["usual"],
            **extra,
        }
        for name in ("SKILL_ID", "AWS_PROFILE", "POWERTOOLS_DEV"):
            environment.pop(name, None)
        return environment


def program_module(program: str) -> str:
    """The handler module Lambda would import for each program."""
    return {"trust_coach": "trust_coach.app"}.get(program, program)
