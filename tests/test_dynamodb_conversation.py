"""Conversations through the Lambda handler path on the DynamoDB store, over HTTP to moto.

GIVEN the skill on DynamoDB WHEN people talk to it THEN the store is read once per session and
written only on turns that changed something; two devices lose nothing; and when the store is
stopped, frozen or throttling, every answer still comes within 3 seconds, the log never
carries the raw user id, and the progress is saved once the store is back.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import assert_within_limits
from dynamodb_server import CallLog, DynamoDbServer, FaultyEndpoint, client_for, stopwatch

from trust_coach import app
from trust_coach.budget import STORE_CALL_WORST_SECONDS, lookup_timeout
from trust_coach.content import catalog_for
from trust_coach.speech import readable
from trust_coach.store import dynamodb
from trust_coach.store.base import DYNAMODB_ACTIONS, user_key
from trust_coach.store.dynamodb import DynamoDbStore
from trust_coach_tools.device import Device

CATALOG = catalog_for("en-US")
ANSWER_BUDGET_SECONDS = 3.0
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
READ, WRITE = "GetItem", "PutItem"


def said(device: Device) -> str:
    return readable(device.ssml)


def summary_of(number: int) -> str:
    return CATALOG.strategy(number).summary[:40]


class Skill:
    """The skill on one DynamoDB store, with the store's calls counted at the client."""

    def __init__(self, store: DynamoDbStore) -> None:
        self.store = store
        self.calls = CallLog(store.client)
        self.skill = app.build_skill(store=store, skill_id=None)
        self.durations: list[float] = []

    def send(self, event: dict[str, Any]) -> dict[str, Any]:
        with stopwatch() as took:
            response = app.handle_event(self.skill, event)
        self.durations.append(took[0])
        return assert_within_limits(response)

    def device(self, **kwargs: Any) -> Device:
        device = Device(self.send, **kwargs)
        device.clock = START
        device.listens_to_the_end = False  # the clock stays put unless a test moves it
        return device

    def stored(self, device: Device):
        return self.store.read(user_key(device.user_id))


@pytest.fixture
def on_dynamodb(dynamodb_store: DynamoDbStore) -> Skill:
    return Skill(dynamodb_store)


@pytest.fixture
def on_private_server(private_dynamodb_server: DynamoDbServer, aws_env) -> Skill:
    table = private_dynamodb_server.create_table()
    return Skill(DynamoDbStore(table, client=private_dynamodb_server.client()))


def turn_by_turn(skill: Skill, steps: list[Callable[[], Any]]) -> list[Counter[str]]:
    skill.calls.take()
    counts = []
    for step in steps:
        step()
        counts.append(skill.calls.take())
    return counts


def test_the_store_is_read_once_per_session_and_written_only_when_something_changed(
    on_dynamodb,
):
    device = on_dynamodb.device()
    first_session = [
        device.launch,  # first read; a visit is counted
        lambda: device.intent("ListStrategiesIntent"),
        lambda: device.intent("StrategyIntent", strategy="3"),  # heard: saved
        lambda: device.intent("AMAZON.HelpIntent"),
        lambda: device.intent("AMAZON.RepeatIntent"),  # same strategy, same moment
        lambda: device.intent("DailyTipIntent"),  # today's tip: saved
        lambda: device.intent("DailyTipIntent"),  # the same tip again
        lambda: device.intent("AMAZON.StopIntent"),
    ]
    assert turn_by_turn(on_dynamodb, first_session) == [
        Counter({READ: 1, WRITE: 1}),
        Counter(),
        Counter({WRITE: 1}),
        Counter(),
        Counter(),
        Counter({WRITE: 1}),
        Counter(),
        Counter(),
    ]
    device.clock += timedelta(days=1)
    second_session = [
        device.launch,
        lambda: device.intent("ResumeIntent"),  # position moves to now: saved
        lambda: device.intent("AMAZON.FallbackIntent"),
        lambda: device.end_session(),
    ]
    assert turn_by_turn(on_dynamodb, second_session) == [
        Counter({READ: 1, WRITE: 1}),
        Counter({WRITE: 1}),
        Counter(),
        Counter(),
    ]
    stored = on_dynamodb.stored(device)
    assert stored.visits == 2 and stored.strategies_heard == [3] and stored.version == 5


def test_the_store_calls_only_the_actions_the_template_grants(on_dynamodb):
    device = on_dynamodb.device()
    device.launch()
    device.intent("StrategyIntent", strategy="1")
    device.intent("ForgetProgressIntent")
    device.intent("AMAZON.YesIntent")
    used = {f"dynamodb:{name}" for name in on_dynamodb.calls.calls}
    assert used == set(DYNAMODB_ACTIONS)


@pytest.fixture
def lambda_on_dynamodb(dynamodb_server, aws_env, monkeypatch):
    """The deployed configuration: `TABLE_NAME` and boto3's endpoint variable, nothing else."""
    table = dynamodb_server.create_table()
    monkeypatch.setenv("TABLE_NAME", table)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", dynamodb_server.endpoint)
    monkeypatch.setattr(app, "_skill", None)
    dynamodb.shared_client.cache_clear()
    yield table
    dynamodb.shared_client.cache_clear()


def test_the_lambda_handler_keeps_progress_in_the_configured_table(lambda_on_dynamodb):
    device = Device(lambda event: assert_within_limits(app.lambda_handler(event, None)))
    device.launch()
    calls = CallLog(dynamodb.shared_client())
    device.intent("StrategyIntent", strategy="5")
    device.intent("AMAZON.StopIntent")
    device.launch()
    assert CATALOG.strategy(5).name in said(device)
    assert isinstance(app.skill().persistence_adapter, DynamoDbStore)
    assert dynamodb.shared_client.cache_info().misses == 1  # one client for the process
    assert calls.take() == Counter({WRITE: 2, READ: 1})
    item = DynamoDbStore(lambda_on_dynamodb, client=dynamodb.shared_client())
    assert item.read(user_key(device.user_id)).last_strategy == 5


def test_two_devices_talking_at_once_lose_nothing(on_dynamodb):
    kitchen = on_dynamodb.device()
    bedroom = on_dynamodb.device(user_id=kitchen.user_id)
    kitchen.launch()
    bedroom.clock += timedelta(seconds=1)
    bedroom.launch()
    kitchen.clock += timedelta(seconds=2)
    kitchen.intent("StrategyIntent", strategy="2")
    bedroom.clock += timedelta(seconds=3)
    on_dynamodb.calls.take()
    bedroom.intent("StrategyIntent", strategy="5")  # its copy is stale: conflict, merge
    assert on_dynamodb.calls.take() == Counter({WRITE: 2, READ: 1})
    bedroom.intent("DailyTipIntent")
    tip = next(t for t in CATALOG.tips if t.text in said(bedroom))
    kitchen.clock += timedelta(seconds=4)
    kitchen.intent("TryTodayIntent")  # the newest position: strategy two again
    kitchen.intent("AMAZON.StopIntent")
    bedroom.intent("AMAZON.StopIntent")

    stored = on_dynamodb.stored(kitchen)
    assert stored.strategies_heard == [2, 5]
    assert stored.last_strategy == 2
    assert tip.id in stored.tips_heard
    assert stored.visits == 2
    kitchen.clock += timedelta(days=1)
    kitchen.launch()
    assert CATALOG.strategy(2).name in said(kitchen)


def assert_quick_and_private(skill: Skill, device: Device, caplog) -> None:
    assert max(skill.durations) < ANSWER_BUDGET_SECONDS, skill.durations
    assert device.user_id not in caplog.text
    assert "progress" in caplog.text and user_key(device.user_id) in caplog.text


def test_with_the_store_stopped_the_skill_answers_and_saves_when_it_returns(
    on_private_server, private_dynamodb_server, caplog
):
    device = on_private_server.device()
    private_dynamodb_server.stop()
    with caplog.at_level(logging.DEBUG):
        device.launch()  # no memory to be had: a plain welcome, not an error
        assert device.session_open and "Sorry" not in said(device)
        device.intent("StrategyIntent", strategy="2")
        assert summary_of(2) in said(device)
    assert_quick_and_private(on_private_server, device, caplog)
    assert "progress load failed" in caplog.text

    private_dynamodb_server.start()  # moto comes back empty: the table is made again
    private_dynamodb_server.create_table(on_private_server.store.table_name)
    device.intent("TellMeMoreIntent")
    stored = on_private_server.stored(device)
    assert stored.strategies_heard == [2] and stored.last_strategy == 2 and stored.visits == 1


def test_a_frozen_store_times_out_in_budget_and_what_was_stored_is_kept(
    on_private_server, private_dynamodb_server, caplog
):
    device = on_private_server.device()
    device.launch()
    device.intent("StrategyIntent", strategy="4")
    device.intent("DailyTipIntent")
    tip = next(t for t in CATALOG.tips if t.text in said(device))
    device.intent("AMAZON.StopIntent")
    before = on_private_server.stored(device)

    on_private_server.durations.clear()
    device.clock += timedelta(days=1)
    private_dynamodb_server.freeze()
    try:
        with caplog.at_level(logging.DEBUG):
            device.launch()  # the read times out: answered without memory
            device.intent("StrategyIntent", strategy="2")
    finally:
        private_dynamodb_server.thaw()
    assert_quick_and_private(on_private_server, device, caplog)
    assert min(on_private_server.durations) > dynamodb.READ_TIMEOUT  # it really waited

    device.intent("TellMeMoreIntent")  # the store is back: read, merge, save
    stored = on_private_server.stored(device)
    assert stored.version > before.version
    assert stored.strategies_heard == [2, 4]
    assert stored.last_strategy == 2
    assert tip.id in stored.tips_heard and stored.visits >= before.visits


def test_a_save_that_timed_out_is_not_lost(on_private_server, private_dynamodb_server, caplog):
    device = on_private_server.device()
    device.launch()
    device.intent("StrategyIntent", strategy="1")
    private_dynamodb_server.freeze()
    try:
        with caplog.at_level(logging.WARNING):
            device.intent("StrategyIntent", strategy="6")  # the save times out
    finally:
        private_dynamodb_server.thaw()
    assert summary_of(6) in said(device)
    assert "progress save failed" in caplog.text
    assert_quick_and_private(on_private_server, device, caplog)

    device.clock += timedelta(seconds=5)
    device.intent("DailyTipIntent")  # saves again, whatever the frozen server did meanwhile
    device.intent("AMAZON.StopIntent")
    stored = on_private_server.stored(device)
    assert stored.strategies_heard == [1, 6] and stored.last_strategy == 6
    assert stored.tip_id is not None


def test_a_throttled_store_costs_one_retry_and_the_answer_still_comes(aws_env, caplog):
    with FaultyEndpoint("ProvisionedThroughputExceededException") as endpoint:
        skill = Skill(DynamoDbStore("progress", client=client_for(endpoint.endpoint)))
        device = skill.device()
        with caplog.at_level(logging.DEBUG):
            device.launch()
            device.intent("StrategyIntent", strategy="3")
            device.intent("ForgetProgressIntent")
            device.intent("AMAZON.YesIntent")
        attempts = endpoint.calls
    assert summary_of(3) not in said(device)  # the last answer: nothing was forgotten
    assert any(v in said(device) for v in CATALOG.files["prompts"]["forget_failed"])
    # One failing call per turn, of two HTTP attempts: the load. After it fails, neither a save
    # nor the deletion is tried in the same turn.
    assert attempts == 2 * 4
    assert "ProvisionedThroughputExceededException" in caplog.text
    assert_quick_and_private(skill, device, caplog)


def test_the_time_budget_holds_on_paper():
    """A read and a write in one turn, each at its worst, fit in 3 s, and so does the time
    zone lookup between them: it gets only what a worst-case write leaves."""
    assert dynamodb.TURN_WORST_SECONDS < ANSWER_BUDGET_SECONDS
    assert dynamodb.CALL_WORST_SECONDS == STORE_CALL_WORST_SECONDS
    write_starts_by = ANSWER_BUDGET_SECONDS - STORE_CALL_WORST_SECONDS
    for elapsed in (0.0, 0.5, STORE_CALL_WORST_SECONDS, 1.5, 2.0, 5.0):
        lookup = 2 * lookup_timeout(elapsed)  # connecting, then reading
        assert lookup == 0 or elapsed + lookup <= write_starts_by
    assert lookup_timeout(STORE_CALL_WORST_SECONDS) > 0  # a worst read still leaves a lookup
    for client in (client_for("http://127.0.0.1:9"), dynamodb.make_client(region="eu-west-1")):
        config = client.meta.config
        assert config.connect_timeout == dynamodb.CONNECT_TIMEOUT
        assert config.read_timeout == dynamodb.READ_TIMEOUT
        assert config.retries == {"mode": "standard", "total_max_attempts": dynamodb.MAX_ATTEMPTS}
