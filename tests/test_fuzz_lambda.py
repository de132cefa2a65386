"""Property-based fuzzing of the Lambda handler: any envelope gets a valid answer, never a crash.

At least 2,000 generated envelopes per run (see FUZZ_EXAMPLES; the strategies are in
envelope_strategies.py), covering every intent of the voice model and every request type the
skill handles, each through `lambda_handler` itself (powertools' logging and metrics
included); no handler raises on any of them (the user would hear an apology); afterwards
every stored record of the fuzzed users is a valid, loadable progress record.
"""

import contextlib
import json
import sqlite3
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from alexa_schema import response_problems
from conftest import assert_within_limits
from envelope_strategies import (
    INTENTS,
    PLAUSIBLE_REQUEST_TYPES,
    described,
    envelopes,
    fuzz_settings,
    plausible_envelopes,
)
from hypothesis import given

from trust_coach import app
from trust_coach.app import build_skill
from trust_coach.handlers.errors import CatchAllExceptionHandler
from trust_coach.state import Progress
from trust_coach.store.sqlite import SqliteStore

pytestmark = [
    pytest.mark.slow,  # fuzzing: `make test` runs it, `make check` does not
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]

FUZZ_EXAMPLES = 2000


@pytest.fixture
def lambda_handler(monkeypatch, package_logger_restored) -> Callable[[Any], Any]:
    """`app.lambda_handler` on a given skill: every event goes through the entry point."""

    def on(skill: Any) -> Any:
        monkeypatch.setattr(app, "_skill", skill)
        monkeypatch.setattr(app, "_lambda_entry", None)
        monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"trust-coach-{uuid.uuid4().hex[:8]}")
        return lambda event: app.lambda_handler(event, None)

    return on


@pytest.fixture
def failed(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Exceptions that reached the catch-all handler, by kind: their users heard an apology."""
    raised: Counter[str] = Counter()
    apologise = CatchAllExceptionHandler.handle

    def counting(handler: Any, handler_input: Any, exception: Exception) -> Any:
        raised[type(exception).__name__] += 1
        return apologise(handler, handler_input, exception)

    monkeypatch.setattr(CatchAllExceptionHandler, "handle", counting)
    return raised


def test_every_envelope_gets_a_valid_response(tmp_path, failed, lambda_handler):
    store = SqliteStore(tmp_path / "fuzz.sqlite3")
    answer = lambda_handler(build_skill(store=store, skill_id=None))
    count = 0
    seen: Counter[str] = Counter()

    @fuzz_settings(FUZZ_EXAMPLES)
    @given(envelopes())
    def check(envelope):
        nonlocal count
        count += 1
        seen[described(envelope)] += 1
        response = answer(envelope)
        assert response_problems(response) == [], envelope
        assert_within_limits(response)

    check()
    assert count >= FUZZ_EXAMPLES
    assert failed == Counter()  # damaged sessions and odd requests are answered, not apologised for
    print(f"fuzzed the Lambda handler with {count} envelopes")
    # Every request type was among them; every intent is also fuzzed on its own (below), as
    # hypothesis's choices are not even enough to promise each intent a share of one run.
    kinds = set(PLAUSIBLE_REQUEST_TYPES) - {"IntentRequest"}
    assert [kind for kind in kinds if not seen[kind]] == []
    assert len([name for name in INTENTS if seen[name]]) > len(INTENTS) // 2

    with contextlib.closing(sqlite3.connect(tmp_path / "fuzz.sqlite3")) as db:
        rows = db.execute("SELECT version, body FROM progress").fetchall()
    for version, body in rows:
        raw = json.loads(body)
        assert Progress.from_dict(raw).to_dict() == raw  # nothing invalid was ever stored
        assert version >= 1


PER_INTENT_EXAMPLES = 15


@pytest.mark.parametrize("intent", INTENTS)
def test_every_intent_with_fuzzed_slots_and_sessions_gets_a_valid_response(
    intent, tmp_path, failed, lambda_handler
):
    answer = lambda_handler(build_skill(store=SqliteStore(tmp_path / "fuzz.sqlite3")))

    @fuzz_settings(PER_INTENT_EXAMPLES)
    @given(plausible_envelopes(intent=intent))
    def check(envelope):
        response = answer(envelope)
        assert response_problems(response) == [], envelope
        assert_within_limits(response)

    check()
    assert failed == Counter()


def test_a_damaged_stored_record_does_not_break_launch(store, device):
    from trust_coach.store.base import user_key

    store.write(user_key(device.user_id), Progress.from_dict({"version": 1}), 0)
    with store._connection() as db:
        db.execute(
            "UPDATE progress SET body = ?", (json.dumps({"last_strategy": 99, "visits": "x"}),)
        )
    device.launch()
    assert device.session_open and "Sorry" not in device.ssml


def test_garbage_and_non_envelopes_get_an_apology(tmp_path, lambda_handler):
    answer = lambda_handler(build_skill(store=SqliteStore(tmp_path / "s.sqlite3")))
    for junk in (
        None,
        [],
        "text",
        {"request": "x"},
        {"request": {"type": "LaunchRequest", "locale": 3}},
    ):
        response = answer(junk)
        assert response_problems(response) == []
        assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
