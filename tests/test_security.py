"""Security: other skills' requests are refused, logs keep nothing private, no credentials.

GIVEN requests for another skill THEN the skill raises SkillIdMismatch, which the Lambda entry
turns into a logged refusal and the endpoint into a 400. GIVEN a whole conversation, with
words spoken into slots, a store that fails, an error THEN no log line (Lambda's JSON logs,
the endpoint's logs, at DEBUG) holds the raw user id, the words spoken, the API access token
or the AWS secret key. AND no tracked file holds an AWS key or a private key (the test CA is
made at run time, never committed).
"""

from __future__ import annotations

import io
import logging
import re
import subprocess
import uuid
from pathlib import Path

import pytest
from alexa_signing import body_of

from trust_coach import app
from trust_coach.app import SkillIdMismatch, build_skill, handle_event
from trust_coach.observability import Observability
from trust_coach.store import dynamodb
from trust_coach.store.base import user_key
from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.web import create_app

ROOT = Path(__file__).resolve().parents[1]
OTHER_SKILL = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"
SECRET_KEY = "tcSECRETkey" + "x" * 29  # 40 characters, like an AWS secret access key
ACCESS_TOKEN = "Atc.SECRET-api-access-token"  # noqa: S105 - a marker to look for in logs
SPOKEN = {
    "strategy": "my husband lied about the money",
    "who": "my sister Margaret",
    "exercise": "the one Doctor Okafor taught me",
    "rounds": "seventeen thousand",
}


def test_lambda_refuses_another_skills_request(store):
    skill = build_skill(store=store, skill_id=DEFAULT_SKILL_ID)
    device = Device(lambda event: handle_event(skill, event), skill_id=OTHER_SKILL)
    with pytest.raises(SkillIdMismatch):
        device.launch()
    assert store.read(user_key(device.user_id)) is None  # the skill never ran


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_the_lambda_entry_refuses_another_skill_when_deployed_with_one(
    store, monkeypatch, package_logger_restored
):
    monkeypatch.setenv("SKILL_ID", DEFAULT_SKILL_ID)
    monkeypatch.setattr(app, "_skill", build_skill(store=store))
    monkeypatch.setattr(app, "_lambda_entry", None)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"trust-coach-{uuid.uuid4().hex[:8]}")
    refused = Device(lambda event: app.lambda_handler(event, None), skill_id=OTHER_SKILL)
    assert refused.launch() == app.refusal()  # nothing said, nothing run
    assert store.read(user_key(refused.user_id)) is None
    answered = Device(lambda event: app.lambda_handler(event, None)).launch()
    assert answered["response"]["outputSpeech"]


def test_the_endpoint_refuses_another_skills_request_with_400(store):
    client = create_app(
        build_skill(store=store), verify_requests=False, skill_id=DEFAULT_SKILL_ID
    ).test_client()
    event = Device(lambda event: {}, skill_id=OTHER_SKILL).envelope({"type": "LaunchRequest"})
    response = client.post("/", data=body_of(event))
    assert response.status_code == 400
    assert response.get_json() == {"error": "Incoming request failed verification"}


def conversation(device: Device) -> None:
    """Everything a person might do, with their own words in every slot."""
    device.launch()
    device.intent("StrategyIntent", strategy=SPOKEN["strategy"])
    device.intent("StrategyIntent", strategy="three")
    device.intent("ForgivenessIntent", who=SPOKEN["who"])
    device.intent("AMAZON.NextIntent")
    device.intent("ExerciseIntent", exercise=SPOKEN["exercise"])
    device.intent("BreathingIntent", rounds=SPOKEN["rounds"])
    device.intent("AMAZON.StopIntent")
    device.launch()
    device.intent("DailyTipIntent")
    device.intent("ForgetProgressIntent")
    device.intent("AMAZON.NoIntent")
    device.end_session()


def with_token(device: Device) -> Device:
    """Requests carry an API access token, as Alexa's do (the time zone lookup uses it)."""
    envelope = device.envelope

    def tokened(request: dict) -> dict:
        event = envelope(request)
        event["context"]["System"]["apiAccessToken"] = ACCESS_TOKEN
        event["context"]["System"]["apiEndpoint"] = "http://127.0.0.1:9"  # refused at once
        return event

    device.envelope = tokened  # type: ignore[method-assign]
    return device


def assert_nothing_private(text: str, device: Device) -> None:
    assert text.strip(), "no logs were captured"
    assert device.user_id not in text
    assert device.device_id not in text
    for words in SPOKEN.values():
        assert words not in text
    assert ACCESS_TOKEN not in text
    assert SECRET_KEY not in text


@pytest.fixture
def lambda_on_dynamodb(dynamodb_server, aws_env, monkeypatch):
    """The deployed configuration on moto, with a recognisable secret key."""
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("TABLE_NAME", dynamodb_server.create_table())
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_server.endpoint)
    dynamodb.shared_client.cache_clear()
    yield dynamodb_server
    dynamodb.shared_client.cache_clear()


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_lambda_logs_keep_no_ids_words_or_secrets(
    lambda_on_dynamodb, package_logger_restored, capsys, caplog
):
    # GIVEN the Lambda entry on DynamoDB, logging at DEBUG
    logs = io.StringIO()
    observed = Observability(service=f"trust-coach-{uuid.uuid4().hex[:8]}", stream=logs)
    observed.logger.setLevel(logging.DEBUG)
    skill = build_skill()
    entry = observed.instrument(lambda event, context: handle_event(skill, event, context))
    device = with_token(Device(lambda event: entry(event, None)))
    # WHEN a whole conversation runs, and part of it while the store is frozen
    with caplog.at_level(logging.DEBUG):
        conversation(device)
        lambda_on_dynamodb.freeze()
        try:
            device.launch()
            device.intent("StrategyIntent", strategy=SPOKEN["strategy"])
        finally:
            lambda_on_dynamodb.thaw()
        device.intent("AMAZON.StopIntent")
    text = logs.getvalue() + capsys.readouterr().out + caplog.text
    # THEN the logs say what happened, about a hashed user, and nothing private
    assert "request answered" in text and "progress load failed" in text
    assert user_key(device.user_id) in text
    assert_nothing_private(text, device)


def test_endpoint_logs_keep_no_ids_words_or_secrets(store, caplog):
    client = create_app(
        build_skill(store=store), verify_requests=False, skill_id=DEFAULT_SKILL_ID
    ).test_client()

    def send(event: dict) -> dict:
        response = client.post("/", data=body_of(event))
        assert response.status_code == 200
        return response.get_json()

    device = with_token(Device(send))
    with caplog.at_level(logging.DEBUG):
        conversation(device)
        client.post("/", data=b'{"version": "1.0", "request": {"type": "x"}}')  # refused
        stranger = Device(send, skill_id=OTHER_SKILL)
        client.post("/", data=body_of(stranger.envelope({"type": "LaunchRequest"})))
    assert "request rejected" in caplog.text
    assert stranger.user_id not in caplog.text
    assert_nothing_private(caplog.text, device)


# Patterns of real credentials, assembled so this file does not match them itself.
CREDENTIALS = {
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "AWS secret access key": re.compile(r"(?i)aws_?secret_?access_?key\W{1,4}[A-Za-z0-9/+=]{40}\b"),
    "private key": re.compile("-----BEGIN " + r"[A-Z ]*PRIVATE KEY" + "-----"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
}


def repository_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode()  # fmt: skip
    return [ROOT / name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def test_the_repository_holds_no_credentials():
    files = repository_files()
    assert len(files) > 50  # the listing really covers the project
    found = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        found += [f"{path.relative_to(ROOT)}: {kind}" for kind, p in CREDENTIALS.items()
                  if p.search(text)]  # fmt: skip
    assert found == []


def test_the_credential_scan_finds_what_it_looks_for():
    samples = {
        "AWS access key id": "key = AKIA" + "ABCDEFGHIJKLMNOP",
        "AWS secret access key": "aws_secret_access_key = " + "a" * 40,
        "private key": "-----BEGIN " + "RSA PRIVATE KEY-----",
        "GitHub token": "ghp_" + "a" * 36,
        "Slack token": "xoxb-" + "1234567890-abc",
    }
    for kind, sample in samples.items():
        assert CREDENTIALS[kind].search(sample), kind
    assert not any(p.search("AWS_SECRET_ACCESS_KEY=testing") for p in CREDENTIALS.values())
