"""Production logs and metrics: JSON lines with the request id and a hashed user, EMF counts."""

import io
import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from trust_coach import app, telemetry
from trust_coach.app import build_skill, handle_event
from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.observability import Observability, request_keys
from trust_coach.speech import readable
from trust_coach.store.base import StoreError, user_key
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class FakeLambdaContext:
    function_name: str = "trust-coach-test"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:trust-coach-test"
    aws_request_id: str = "6f0c2a4e-0000-4000-8000-000000000000"


@pytest.fixture
def lambda_device(skill, package_logger_restored):
    """A device whose requests go through the instrumented handler, as on Lambda."""
    logs = io.StringIO()
    # A service name per test: powertools reuses the handler of a logger of the same name.
    observed = Observability(service=f"trust-coach-{uuid.uuid4().hex[:8]}", stream=logs)
    entry = observed.instrument(lambda event, context: handle_event(skill, event, context))
    device = Device(lambda event: entry(event, FakeLambdaContext()))
    device.logs = logs
    return device


def log_lines(device):
    return [json.loads(line) for line in device.logs.getvalue().splitlines() if line.strip()]


def emf_lines(text):
    return [json.loads(line) for line in text.splitlines() if line.startswith('{"_aws"')]


def counted(emf):
    names = [m["Name"] for m in emf["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
    values = {name: emf[name] for name in names}
    return {k: sum(v) if isinstance(v, list) else v for k, v in values.items()}


# GIVEN the Lambda entry point WHEN a user opens the skill and reads a strategy
def test_every_log_line_is_json_with_request_id_and_hashed_user(lambda_device, capsys):
    lambda_device.launch()
    lambda_device.intent("StrategyIntent", strategy="two")
    lines = log_lines(lambda_device)
    assert len(lines) == 2
    for line in lines:
        assert line["correlation_id"].startswith("amzn1.echo-api.request.")
        assert line["user"] == user_key(lambda_device.user_id)
        assert line["function_request_id"] == FakeLambdaContext.aws_request_id
    assert lines[0]["request_type"] == "LaunchRequest"
    assert lines[1]["intent"] == "StrategyIntent"
    assert lines[0]["correlation_id"] != lines[1]["correlation_id"]
    # THEN the raw Alexa user id appears nowhere, in logs or metrics
    everything = lambda_device.logs.getvalue() + capsys.readouterr().out
    assert lambda_device.user_id not in everything
    assert "two" not in json.dumps(lines)  # what the user said is not logged


def test_metrics_are_flushed_once_per_invocation(lambda_device, capsys, monkeypatch):
    from aws_lambda_powertools.metrics.provider import cold_start

    monkeypatch.setattr(cold_start, "is_cold_start", True)  # as in a fresh Lambda process
    lambda_device.launch()
    first = emf_lines(capsys.readouterr().out)
    assert "ColdStart" in counted(first[0])
    assert counted(first[-1]) == {telemetry.LAUNCHES: 1.0}
    lambda_device.intent("StrategyIntent", strategy="three")
    (strategy,) = emf_lines(capsys.readouterr().out)
    assert counted(strategy) == {telemetry.STRATEGIES_READ: 1.0}
    lambda_device.intent("DailyTipIntent")
    (tip,) = emf_lines(capsys.readouterr().out)
    assert counted(tip) == {telemetry.TIPS_HEARD: 1.0}
    assert tip["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "TrustCoach"
    assert tip["service"].startswith("trust-coach")


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_reading_on_from_a_strategy_counts_each_strategy_read(lambda_device, capsys):
    lambda_device.launch()
    lambda_device.intent("StrategyIntent", strategy="one")
    lambda_device.intent("AMAZON.NextIntent")
    lambda_device.intent("TellMeMoreIntent")  # more of the same strategy is not a new read
    reads = [counted(e).get(telemetry.STRATEGIES_READ) for e in emf_lines(capsys.readouterr().out)]
    assert reads.count(1.0) == 2


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_a_finished_exercise_is_counted_once(lambda_device, capsys):
    lambda_device.launch()
    lambda_device.intent("BreathingIntent", rounds="1")  # gentle breathing, one round
    close = library_for(catalog_for("en-US")).get("gentle").close
    while lambda_device.session_open and close not in readable(lambda_device.ssml):
        lambda_device.intent("AMAZON.NextIntent")
    lambda_device.intent("AMAZON.RepeatIntent")  # heard to its end: counted; the close again
    lambda_device.intent("AMAZON.RepeatIntent")  # and again: no second finish
    finished = [
        counted(e).get(telemetry.EXERCISES_FINISHED) for e in emf_lines(capsys.readouterr().out)
    ]
    assert finished.count(1.0) == 1 and sum(n for n in finished if n) == 1.0


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_help_after_a_tip_or_a_strategy_counts_nothing_again(lambda_device, capsys):
    # Counted where they happen: a turn that leaves the user where a tip was read, without
    # reading it, hears no tip.
    lambda_device.launch()
    lambda_device.intent("DailyTipIntent")
    lambda_device.intent("AMAZON.HelpIntent")
    lambda_device.intent("StrategyIntent", strategy="two")
    lambda_device.intent("AMAZON.HelpIntent")
    emf = [counted(e) for e in emf_lines(capsys.readouterr().out)]
    assert [e.get(telemetry.TIPS_HEARD) for e in emf].count(1.0) == 1
    assert [e.get(telemetry.STRATEGIES_READ) for e in emf].count(1.0) == 1


class BrokenStore(SqliteStore):
    def read(self, key):
        raise StoreError("table unreachable")


def test_store_errors_are_counted_and_logged_without_failing_the_turn(
    tmp_path, capsys, package_logger_restored
):
    skill = build_skill(store=BrokenStore(tmp_path / "broken.sqlite3"), skill_id=None)
    logs = io.StringIO()
    observed = Observability(service=f"trust-coach-{uuid.uuid4().hex[:8]}", stream=logs)
    entry = observed.instrument(lambda event, context: handle_event(skill, event, context))
    device = Device(lambda event: entry(event, FakeLambdaContext()))
    device.launch()
    assert device.session_open and device.ssml  # still answered
    emf = emf_lines(capsys.readouterr().out)
    assert counted(emf[-1])[telemetry.STORE_ERRORS] == 1.0
    warning = next(
        json.loads(line) for line in logs.getvalue().splitlines() if "load failed" in line
    )
    assert warning["level"] == "WARNING"
    assert warning["correlation_id"].startswith("amzn1.echo-api.request.")
    assert warning["user"] == user_key(device.user_id)


def test_without_the_lambda_entry_nothing_is_counted_or_printed(device, capsys):
    device.launch()
    device.intent("DailyTipIntent")
    assert capsys.readouterr().out == ""


def test_request_keys_hash_the_user_and_skip_what_was_said():
    event = {
        "context": {"System": {"user": {"userId": "amzn1.ask.account.SECRET"}}},
        "request": {
            "type": "IntentRequest",
            "locale": "en-GB",
            "intent": {"name": "StrategyIntent", "slots": {"strategy": {"value": "my ex"}}},
        },
    }
    keys = request_keys(event)
    assert keys == {
        "request_type": "IntentRequest",
        "locale": "en-GB",
        "user": user_key("amzn1.ask.account.SECRET"),
        "intent": "StrategyIntent",
    }
    assert request_keys({}) == {"request_type": "", "locale": ""}


def test_lambda_handler_is_instrumented(skill, monkeypatch, capsys, package_logger_restored):
    monkeypatch.setattr(app, "_skill", skill)
    monkeypatch.setattr(app, "_lambda_entry", None)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"trust-coach-{uuid.uuid4().hex[:8]}")
    device = Device(lambda event: app.lambda_handler(event, FakeLambdaContext()))
    device.launch()
    out = capsys.readouterr().out
    assert device.session_open
    assert any(telemetry.LAUNCHES in counted(e) for e in emf_lines(out))
    assert any('"correlation_id"' in line for line in out.splitlines())


def test_importing_the_handler_module_does_not_load_powertools():
    code = "import sys, trust_coach.app; print('aws_lambda_powertools' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT / "lambda",
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"


def test_the_correlation_id_is_what_powertools_jmespath_finds():
    from aws_lambda_powertools.utilities import jmespath_utils

    from trust_coach.observability import request_id

    for event in (
        {"request": {"requestId": "amzn1.echo-api.request.1"}},
        {"request": {"requestId": 3}},
        {"request": {}},
        {"request": "x"},
        {"request": ["requestId"]},
        {},
        {"other": 1},
    ):
        assert request_id(event) == jmespath_utils.query(data=event, envelope="request.requestId")


def test_log_messages_are_read_as_json_exactly_when_json_reads_them():
    from trust_coach.observability import message_json

    def outcome(read, text):
        try:
            return read(text)
        except ValueError:  # JSONDecodeError is one
            return "refused"

    texts = ["request answered", "", " ", '{"a": 1}', " [1]", "3", "-1", "true", "null", "NaN",
             "Infinity", '"quoted"', "\ufeff{}", "\n{}", "x{}", "request %s", "é"]  # fmt: skip
    for text in texts:
        assert repr(outcome(message_json, text)) == repr(outcome(json.loads, text)), text


def test_with_events_logged_the_event_line_carries_the_correlation_id(
    skill, package_logger_restored, monkeypatch
):
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    logs = io.StringIO()
    observed = Observability(service=f"trust-coach-{uuid.uuid4().hex[:8]}", stream=logs)
    entry = observed.instrument(lambda event, context: handle_event(skill, event, context))
    Device(lambda event: entry(event, FakeLambdaContext())).launch()
    lines = [json.loads(line) for line in logs.getvalue().splitlines() if line.strip()]
    assert len(lines) == 2
    assert all(line["correlation_id"].startswith("amzn1.echo-api.request.") for line in lines)


def test_a_call_for_help_is_logged_without_the_user():
    event = {
        "request": {"type": "IntentRequest", "intent": {"name": "CrisisIntent"}},
        "context": {"System": {"user": {"userId": "amzn1.ask.account.SOMEONE"}}},
    }
    keys = request_keys(event)
    assert keys["intent"] == "CrisisIntent" and "user" not in keys
