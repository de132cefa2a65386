"""On Lambda, importing the handler module does the first request's preparation (init phase)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
PROBE = (
    "import sys, trust_coach.app as app; "
    "print(app._skill is not None, app._lambda_entry is not None, "
    "'aws_lambda_powertools' in sys.modules, "
    "getattr(app._skill.persistence_adapter, '_client', None) is not None if app._skill else None)"
)


def _import_app(tmp_path, drop: tuple[str, ...] = (), **extra: str) -> tuple[list[str], str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(LAMBDA_DIR),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
        **extra,
    }
    for name in ("AWS_LAMBDA_FUNCTION_NAME", "TABLE_NAME", *drop):
        if name not in extra:
            env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    *logs, last = done.stdout.strip().splitlines()
    return last.split(), "\n".join(logs)


def test_on_lambda_the_import_builds_the_skill_and_the_store_client(tmp_path, aws_env):
    # GIVEN the Lambda runtime's variables and a DynamoDB table name (no call is made)
    seen, _ = _import_app(tmp_path, AWS_LAMBDA_FUNCTION_NAME="trust-coach", TABLE_NAME="progress")
    # THEN the skill, the instrumented entry point and the store's client exist already
    assert seen == ["True", "True", "True", "True"]


def test_elsewhere_importing_stays_cheap(tmp_path):
    assert _import_app(tmp_path)[0] == ["False", "False", "False", "None"]


def test_a_store_that_cannot_be_prepared_does_not_fail_the_init(tmp_path):
    # GIVEN Lambda's variables but no region at all: the client cannot be made yet
    seen, logs = _import_app(
        tmp_path,
        AWS_LAMBDA_FUNCTION_NAME="trust-coach",
        TABLE_NAME="progress",
        drop=("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"),
        AWS_CONFIG_FILE=os.devnull,
    )
    # THEN the import still succeeds; the first request will report the store as usual
    assert seen[0] == "True" and seen[3] == "False"
    assert "store client not prepared at init" in logs


SCREEN_PROBE = (
    "import trust_coach.app, trust_coach.danger as danger; print(len(danger._screens) > 0)"
)


def _screen_built(tmp_path, initialization: str | None) -> bool:
    env = {
        **os.environ,
        "PYTHONPATH": str(LAMBDA_DIR),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
        "AWS_LAMBDA_FUNCTION_NAME": "trust-coach",
    }
    env.pop("TABLE_NAME", None)
    env.pop("AWS_LAMBDA_INITIALIZATION_TYPE", None)
    if initialization is not None:
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = initialization
    done = subprocess.run(
        [sys.executable, "-c", SCREEN_PROBE], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip().splitlines()[-1] == "True"


def test_an_init_ahead_of_requests_builds_the_danger_screen(tmp_path):
    # SnapStart keeps it in the snapshot; provisioned concurrency runs the init ahead of time.
    assert _screen_built(tmp_path, "snap-start")
    assert _screen_built(tmp_path, "provisioned-concurrency")


def test_an_on_demand_init_leaves_the_danger_screen_to_the_first_words_shared(tmp_path):
    # A first request is seldom words to screen (a launch never is): it is built when needed.
    assert not _screen_built(tmp_path, "on-demand")
    assert not _screen_built(tmp_path, None)
