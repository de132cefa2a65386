"""The endpoint's turn gate: one request at a time runs, a remote store's wait is not queued,
and a blocked turn holds the others up no longer than the gate's patience."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from trust_coach.app import build_skill
from trust_coach.state import Progress
from trust_coach.store.base import ProgressStore
from trust_coach.store.sqlite import SqliteStore
from trust_coach_tools.device import Device
from trust_coach_tools.turn_gate import GatedStore, GatedTasks, TurnGate
from trust_coach_tools.web import GATE, create_app, make_server


def _run_together(*jobs: Any) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)


def test_one_turn_runs_at_a_time():
    gate = TurnGate(patience=5)
    inside, most = [0], [0]
    lock = threading.Lock()

    def turn() -> None:
        with gate.turn():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.02)
            with lock:
                inside[0] -= 1

    _run_together(*[turn] * 6)
    assert most[0] == 1


def test_a_blocked_turn_holds_the_others_up_no_longer_than_the_patience():
    gate = TurnGate(patience=0.05)
    entered = threading.Event()
    waited: list[float] = []
    held: list[bool] = []

    def blocked() -> None:
        with gate.turn():
            entered.set()
            time.sleep(0.5)

    def other() -> None:
        entered.wait()
        started = time.monotonic()
        with gate.turn():
            waited.append(time.monotonic() - started)
            held.append(gate.held)

    _run_together(blocked, other)
    assert waited[0] < 0.3 and held == [False]  # served without the gate, as before it


def test_a_turn_waiting_on_the_store_lets_another_run_and_then_goes_on():
    gate = TurnGate(patience=5)
    in_wait, other_done = threading.Event(), threading.Event()
    held_after: list[bool] = []

    def waiter() -> None:
        with gate.turn():
            with gate.waiting():
                in_wait.set()
                assert other_done.wait(2)  # the other turn ran meanwhile
            held_after.append(gate.held)

    def other() -> None:
        in_wait.wait()
        with gate.turn():
            other_done.set()

    _run_together(waiter, other)
    assert held_after == [True]
    assert not gate.held  # this thread never took it; waiting outside a turn is harmless
    with gate.waiting():
        pass


class _Adapter(AbstractPersistenceAdapter):
    def __init__(self, gate: TurnGate) -> None:
        self.gate = gate
        self.calls: list[tuple[str, bool]] = []
        self.client = "the store's own"

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        self.calls.append(("get", self.gate._lock.locked()))
        return {"visits": 1}

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.calls.append(("save", self.gate._lock.locked()))

    def delete_attributes(self, request_envelope: Any) -> None:
        self.calls.append(("delete", self.gate._lock.locked()))


def test_a_gated_store_hands_the_turn_on_for_each_call():
    gate = TurnGate()
    adapter = _Adapter(gate)
    store = GatedStore(adapter, gate)
    with gate.turn():
        assert store.get_attributes(None) == {"visits": 1}
        store.save_attributes(None, {})
        store.delete_attributes(None)
        assert gate.held
    assert adapter.calls == [("get", False), ("save", False), ("delete", False)]
    assert store.client == "the store's own"


class _SlowStore(ProgressStore):
    """A remote store that takes a while to answer each read."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.records: dict[str, Progress] = {}

    def read(self, key: str) -> Progress | None:
        time.sleep(self.seconds)
        return self.records.get(key)

    def write(self, key: str, progress: Progress, expected_version: int) -> None:
        self.records[key] = progress.copy()

    def remove(self, key: str) -> None:
        self.records.pop(key, None)


def test_the_endpoint_waits_for_a_remote_store_in_parallel():
    app = create_app(build_skill(store=_SlowStore(0.3), skill_id=None), verify_requests=False)
    server = make_server(app, "127.0.0.1", 0)
    assert isinstance(server.task_dispatcher, GatedTasks)
    assert server.task_dispatcher.gate is app.extensions[GATE]
    loop = threading.Thread(target=server.run, daemon=True)
    loop.start()
    url = f"http://127.0.0.1:{server.effective_port}/"
    answers: list[int] = []

    def launch() -> None:
        captured: list[dict[str, Any]] = []
        Device(lambda event: captured.append(event) or {"response": {}}).launch()
        request = urllib.request.Request(
            url, data=json.dumps(captured[0]).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            answers.append(response.status)

    try:
        started = time.monotonic()
        _run_together(*[launch] * 4)
        elapsed = time.monotonic() - started
    finally:
        # Closed from its own loop: closed from here, the loop's select saw a dead socket.
        server.trigger.pull_trigger(server.close)
        loop.join(5)
    assert not loop.is_alive()
    assert answers == [200] * 4
    assert elapsed < 0.9  # four reads of 0.3 s overlapped: queued, they would take 1.2 s


def test_only_a_remote_store_hands_the_turn_on(tmp_path):
    local = build_skill(store=SqliteStore(tmp_path / "progress.sqlite3"), skill_id=None)
    create_app(local, verify_requests=False)
    assert isinstance(local.persistence_adapter, SqliteStore)  # its calls take microseconds
    remote = build_skill(store=_SlowStore(0), skill_id=None)
    create_app(remote, verify_requests=False)
    second = create_app(remote, verify_requests=False)
    assert isinstance(remote.persistence_adapter, GatedStore)
    assert isinstance(remote.persistence_adapter.store, _SlowStore)  # wrapped once
    assert remote.persistence_adapter.gate is second.extensions[GATE]
