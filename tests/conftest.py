"""Shared fixtures: a skill on a temporary store, and simulated devices that talk to it.

Every response any test gets through `send` is checked against Alexa's platform limits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from trust_coach.app import build_skill, handle_event
from trust_coach.speech import check_response
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device


def assert_within_limits(response: dict[str, Any]) -> dict[str, Any]:
    problems = check_response(response)
    assert not problems, f"response breaks Alexa's limits: {problems}\n{response}"
    return response


@pytest.fixture
def store(tmp_path):
    return SqliteStore(tmp_path / "progress.sqlite3")


@pytest.fixture
def skill(store):
    return build_skill(store=store, skill_id=None)


@pytest.fixture
def send(skill) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def deliver(event: dict[str, Any]) -> dict[str, Any]:
        return assert_within_limits(handle_event(skill, event))

    return deliver


@pytest.fixture
def device(send) -> Device:
    return Device(send)


@pytest.fixture
def make_device(send) -> Callable[..., Device]:
    def make(**kwargs: Any) -> Device:
        return Device(send, **kwargs)

    return make


# A real DynamoDB-compatible server (moto's, over HTTP) and stores on it: see dynamodb_server.py.
from dynamodb_server import (  # noqa: E402, F401
    aws_env,
    dynamodb_server,
    dynamodb_store,
    private_dynamodb_server,
)


@pytest.fixture
def package_logger_restored():
    """Observability re-routes the trust_coach logger; put it back after each test."""
    package = logging.getLogger("trust_coach")
    saved = (list(package.handlers), package.level, package.propagate)
    yield
    package.handlers[:] = saved[0]
    package.setLevel(saved[1])
    package.propagate = saved[2]
