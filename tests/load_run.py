"""A bounded load run: simulated users talk to `trust-coach serve` on DynamoDB (moto), over HTTP.

Each user runs scripted sessions (strategies, a tip, an exercise step by step, "continue" in
a new session) with a short think time, and keeps its own account of what it heard: which
strategies were read, which tips were given, which exercises were finished, how often it
opened the skill. Some users talk from two devices at once. Afterwards every user's stored
record must match that account exactly. A watcher reads the table all along and notes any
record that went backwards. An outage (moto down, or frozen) may be scheduled in the middle.

Everything is on 127.0.0.1, the run stops by itself after `seconds`, and every process it
started is stopped at the end. `scripts/load.py` is its command line; tests/test_load.py its
short CI version.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from alexa_signing import SigningPki, body_of
from dynamodb_server import FAKE_AWS_ENV, DynamoDbServer
from outage_dynamodb import RestartableDynamoDbServer
from processes import stop_process

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach.state import Progress
from trust_coach.store.base import StoreError, user_key
from trust_coach.store.dynamodb import DynamoDbStore
from trust_coach_tools.device import DEFAULT_SKILL_ID, Device
from trust_coach_tools.signing_certs import CHAIN_DIR_ENV, ROOTS_ENV

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"
CATALOG = catalog_for("en-US")
EXERCISES = library_for(CATALOG).exercises
REQUEST_TIMEOUT_SECONDS = 10.0
MAX_EXERCISE_TURNS = 40
MAX_HOLD_TURNS = 60
OUTAGE_KINDS = ("down", "freeze")
# How often the watcher reads every record. Each round is one read per user on the same
# server the skill uses: every 0.5 s, 50 users made twice the skill's own store traffic.
WATCH_SECONDS = 2.0
OUTAGE_ANSWER_SECONDS = 3.0  # the budget for an answer while the store is away
# The skill's "something went wrong" answers: under load, none may be heard.
APOLOGIES = CATALOG.files["prompts"]["error"]


@dataclass
class Settings:
    users: int = 50
    seconds: float = 60.0
    # Mean pause between turns. People take longer: an answer alone takes seconds to say.
    # The short CI runs keep 0.3 s for volume; `make load` uses 2 s (scripts/load.py).
    think_seconds: float = 0.3
    ramp_seconds: float = 5.0  # devices join one by one over this long, not all in one burst
    two_device_every: int = 5  # every fifth user talks from two devices at once
    signed: bool = True  # requests signed by a test CA the server trusts, as Alexa signs them
    outage: str | None = None  # "down" (connections refused) or "freeze" (never answers)
    outage_at: float = 0.0  # seconds into the run
    outage_for: float = 0.0
    seed: int = 1


@dataclass
class Sample:
    started: float  # seconds since the run began
    seconds: float
    ok: bool
    during_outage: bool


@dataclass
class Account:
    """What one user's conversations did, from what they heard."""

    launches: int = 0
    strategies: set[int] = field(default_factory=set)
    last_strategy: int | None = None
    tips: set[str] = field(default_factory=set)
    finished: Counter[str] = field(default_factory=Counter)
    unfinished: str | None = None  # the exercise left partway, if the last one was

    def heard(self, speech: str, exercise: str | None, finished: str | None) -> None:
        """What one answer told the user: strategies and tips said, the exercise left
        partway, and `finished`, an exercise this turn counted as done."""
        for strategy in CATALOG.strategies:
            if strategy.summary[:40] in speech:
                self.strategies.add(strategy.number)
                self.last_strategy = strategy.number
        for tip in CATALOG.tips:
            if tip.text in speech:
                self.tips.add(tip.id)
        if finished is not None:
            self.finished[finished] += 1
            self.unfinished = None  # the skill keeps one exercise to resume: the latest
        if exercise is not None:
            self.unfinished = exercise


def _place_of(response: dict[str, Any]) -> dict[str, Any]:
    """The place an answer left its session in (a session's last answer too)."""
    return (response.get("sessionAttributes") or {}).get("place") or {}


def _finished(before: dict[str, Any] | None, response: dict[str, Any]) -> str | None:
    """The exercise this answer counted: its place became done."""
    after = _place_of(response)
    if not after.get("done") or (before or {}).get("done"):
        return None
    return str(after["id"])


class Failure(Exception):
    """A request that got no skill response (HTTP error, timeout, or an apology)."""


class Outage:
    """When the store is down, for users who must not end a session meanwhile (see run)."""

    def __init__(self) -> None:
        self.active = threading.Event()
        self.window: tuple[float, float] | None = None


class User:
    """One person, on one or two devices, running scripted sessions until the deadline."""

    def __init__(self, number: int, run: LoadRun, devices: int) -> None:
        self.number = number
        self.run = run
        self.random = random.Random(run.settings.seed * 1000 + number)  # noqa: S311 - a script
        self.user_id = f"amzn1.ask.account.load-{uuid.uuid4().hex}"
        self.account = Account()
        self.lock = threading.Lock()
        self.connections: list[http.client.HTTPConnection] = []  # closed when the run ends
        self.devices = [
            Device(self.sender(), user_id=self.user_id, skill_id=DEFAULT_SKILL_ID)
            for _ in range(devices)
        ]
        for device in self.devices:  # signed requests carry the real time, as Alexa's do
            device.listens_to_the_end = False
        self.errors: list[str] = []
        # Each device's place after its last answer: an exercise counts on the turn its place
        # becomes done (once its end could have been heard, or "next" went past it).
        self.place_before: dict[int, dict[str, Any]] = {}
        self.log: list[str] = []  # what was said and the stored exercise afterwards, for reports

    def sender(self) -> Any:
        connection: list[http.client.HTTPConnection] = []

        def send(event: dict[str, Any]) -> dict[str, Any]:
            if not connection:
                connection.append(
                    http.client.HTTPConnection(
                        "127.0.0.1", self.run.port, timeout=REQUEST_TIMEOUT_SECONDS
                    )
                )
                self.connections.append(connection[0])
            return self.run.post(connection, event)

        return send

    def think(self) -> None:
        time.sleep(self.random.expovariate(1 / self.run.settings.think_seconds))

    def turn(self, device: Device, action: str, **slots: str) -> str:
        if action == "launch":
            device.launch()
        elif action == "end":
            device.end_session()
        else:
            device.intent(action, **slots)
        speech = readable(device.ssml)
        finished = _finished(self.place_before.get(id(device)), device.last)
        self.place_before[id(device)] = _place_of(device.last)
        if any(readable(apology) in speech for apology in APOLOGIES):
            self.errors.append(f"apology after {action}")
        place = (device.attributes.get("place") or {}) if device.session_open else {}
        progress = device.attributes.get("progress") or {}
        with self.lock:
            if action == "launch":
                self.account.launches += 1
            exercise = (progress.get("exercise") or {}).get("id") if device.session_open else None
            self.account.heard(speech, exercise, finished)
            self.log.append(f"{action} -> exercise {exercise} / {self.account.unfinished}")
        self.think()
        return str(place.get("area", ""))

    def session(self, device: Device) -> None:
        kind = self.random.choice(["strategies", "tip", "exercise", "exercise", "resume"])
        self.turn(device, "launch")
        if kind == "strategies":
            self.turn(device, "StrategyIntent", strategy=str(self.random.randint(1, 6)))
            self.turn(device, "TellMeMoreIntent")
            self.turn(device, "AMAZON.NextIntent")
        elif kind == "tip":
            self.turn(device, "DailyTipIntent")
        elif kind == "exercise":
            self.exercise(device, stop_early=self.random.random() < 0.3)
        else:
            area = self.turn(device, "ResumeIntent")
            if area == "exercise":
                self.go_on(device, stop_early=False)
        self.hold_while_the_store_is_down(device)
        if device.session_open:
            self.turn(device, self.random.choice(["AMAZON.StopIntent", "end"]))

    def exercise(self, device: Device, stop_early: bool) -> None:
        if self.random.random() < 0.5:
            self.turn(device, "BreathingIntent", rounds=str(self.random.randint(1, 3)))
        else:
            self.turn(device, "ForgivenessIntent")
        self.go_on(device, stop_early)

    def go_on(self, device: Device, stop_early: bool) -> None:
        for step in range(MAX_EXERCISE_TURNS):
            place = device.attributes.get("place") or {}
            if not device.session_open or place.get("done") or (stop_early and step == 1):
                return
            self.turn(device, "AMAZON.NextIntent")

    def hold_while_the_store_is_down(self, device: Device) -> None:
        """Keep talking until the store is back and has this session's progress: a session
        that ends before then kept its progress only in the session, which Alexa forgets
        (see the README). Bounded: the store may take a while to catch up after an outage."""
        for _ in range(MAX_HOLD_TURNS):
            if not device.session_open:
                return
            if not self.run.outage.active.is_set() and _saved(device.attributes):
                return
            self.turn(device, "AMAZON.HelpIntent")

    def talk(self, device: Device, start: float, deadline: float) -> None:
        time.sleep(max(0.0, start - time.monotonic()))
        while time.monotonic() < deadline:
            try:
                self.session(device)
            except Failure as error:
                self.errors.append(str(error))
                device.session_id = None  # the session is lost with the failed request
                device.attributes = {}


class LoadRun:
    def __init__(self, settings: Settings, workdir: Path) -> None:
        self.settings = settings
        self.workdir = workdir
        self.outage = Outage()
        self.samples: list[Sample] = []
        self.samples_lock = threading.Lock()
        self.pki = SigningPki() if settings.signed else None
        self.backwards: list[str] = []
        self.began = 0.0
        self.port = 0

    # Sending -----------------------------------------------------------------------------
    def post(self, holder: list[http.client.HTTPConnection], event: dict[str, Any]) -> Any:
        body = body_of(event)
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.pki is not None:
            headers.update(self.pki.headers(body))
        started = time.monotonic()
        ok = False
        try:
            try:
                holder[0].request("POST", "/", body=body, headers=headers)
                answer = holder[0].getresponse()
                data = answer.read()
            except (OSError, http.client.HTTPException) as error:
                holder[0].close()
                raise Failure(f"no answer: {type(error).__name__}") from error
            if answer.status != 200:
                raise Failure(f"HTTP {answer.status}: {data[:200]!r}")
            response = json.loads(data)
            ok = True
            return response
        finally:
            finished = time.monotonic()
            window = self.outage.window
            during = window is not None and window[0] <= started - self.began <= window[1]
            during = during or self.outage.active.is_set()
            with self.samples_lock:
                self.samples.append(Sample(started - self.began, finished - started, ok, during))

    # Processes ---------------------------------------------------------------------------
    @contextmanager
    def servers(self) -> Iterator[tuple[RestartableDynamoDbServer, str]]:
        database = RestartableDynamoDbServer(self.workdir / "moto.log").start()
        serve: subprocess.Popen[str] | None = None
        try:
            os.environ.update(FAKE_AWS_ENV)
            table = database.create_table("progress")
            environment = {
                **os.environ,
                **FAKE_AWS_ENV,
                "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
                "TABLE_NAME": table,
                "AWS_ENDPOINT_URL_DYNAMODB": database.endpoint,
                "SKILL_ID": DEFAULT_SKILL_ID,
            }
            args = ["--port", "0"]
            if self.pki is not None:
                folder, roots = self.pki.write(self.workdir / "certs")
                environment.update({CHAIN_DIR_ENV: str(folder), ROOTS_ENV: str(roots)})
            else:
                args.append("--insecure-skip-verification")
            with (self.workdir / "serve.log").open("a") as log:
                serve = subprocess.Popen(
                    [sys.executable, "-m", "trust_coach_tools.cli", "serve", *args],
                    stdout=subprocess.PIPE,
                    stderr=log,
                    text=True,
                    env=environment,
                )
            assert serve.stdout is not None
            banner = serve.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", banner)
            if not found:
                raise RuntimeError(f"trust-coach serve did not start: {banner!r}")
            self.port = int(found.group(1))
            yield database, table
        finally:
            if serve is not None:
                stop_process(serve)
            database.stop()

    # The run -----------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        settings = self.settings
        with self.servers() as (database, table):
            store = DynamoDbStore(table, client=database.client())
            users = [
                User(n, self, 2 if settings.two_device_every and n % settings.two_device_every == 0
                     else 1)
                for n in range(1, settings.users + 1)
            ]  # fmt: skip
            self.began = time.monotonic()
            deadline = self.began + settings.seconds
            devices = [(user, device) for user in users for device in user.devices]
            step = settings.ramp_seconds / len(devices)
            threads = [
                threading.Thread(
                    target=user.talk, args=(device, self.began + n * step, deadline), daemon=True
                )
                for n, (user, device) in enumerate(devices)
            ]
            stop_watching = threading.Event()
            watcher = threading.Thread(
                target=self.watch, args=(store, users, stop_watching), daemon=True
            )
            for thread in threads:
                thread.start()
            watcher.start()
            outage_seconds = self.schedule_outage(database)
            for thread in threads:
                # A session in progress at the deadline finishes: bounded by its turns.
                thread.join(timeout=settings.seconds + 120)
            elapsed = time.monotonic() - self.began
            stop_watching.set()
            watcher.join(timeout=10)
            stuck = sum(thread.is_alive() for thread in threads)
            mismatches = self.compare(store, users)
            for user in users:
                for connection in user.connections:
                    connection.close()
        return self.report(users, elapsed, mismatches, stuck, outage_seconds)

    def schedule_outage(self, database: RestartableDynamoDbServer) -> float:
        settings = self.settings
        if settings.outage is None:
            return 0.0
        time.sleep(max(0.0, self.began + settings.outage_at - time.monotonic()))
        self.outage.active.set()
        started = time.monotonic() - self.began
        self.outage.window = (started, started + settings.outage_for)
        if settings.outage == "down":
            database.go_down()
        else:
            database.freeze()
        time.sleep(settings.outage_for)
        if settings.outage == "down":
            database.come_back()
        else:
            database.thaw()
        ended = time.monotonic() - self.began
        self.outage.window = (started, ended)
        self.outage.active.clear()
        return ended - started

    def watch(self, store: DynamoDbStore, users: list[User], done: threading.Event) -> None:
        """Read every record now and then: none may go backwards (version, sets, counts)."""
        seen: dict[str, Any] = {}
        while not done.wait(WATCH_SECONDS):
            if self.outage.active.is_set():
                continue
            for user in users:
                try:
                    record = store.read(user_key(user.user_id))
                except StoreError:  # not answering; the outage is judged by the answers
                    continue
                if record is None:
                    continue
                before = seen.get(user.user_id)
                if before is not None and not _forwards(before, record):
                    self.backwards.append(f"user {user.number}: {before} -> {record}")
                seen[user.user_id] = record

    def compare(self, store: DynamoDbStore, users: list[User]) -> list[str]:
        problems = []
        for user in users:
            stored = store.read(user_key(user.user_id))
            account = user.account
            if stored is None:
                problems.append(f"user {user.number}: nothing stored")
                continue
            got = {
                "visits": stored.visits,
                "strategies": set(stored.strategies_heard),
                "tips": set(stored.tips_heard),
                "finished": dict(stored.exercises_done),
            }
            wanted = {
                "visits": account.launches,
                "strategies": account.strategies,
                "tips": account.tips,
                "finished": dict(account.finished),
            }
            if len(user.devices) == 1:  # one timeline: the position is the last thing done
                got["last_strategy"] = stored.last_strategy
                wanted["last_strategy"] = account.last_strategy
                got["unfinished"] = (stored.exercise or {}).get("id")
                wanted["unfinished"] = account.unfinished
            for name, value in wanted.items():
                if got[name] != value:
                    problems.append(
                        f"user {user.number} ({len(user.devices)} devices): {name} stored "
                        f"{got[name]!r}, conversation did {value!r}"
                    )
        return problems

    def report(
        self,
        users: list[User],
        elapsed: float,
        mismatches: list[str],
        stuck: int,
        outage_seconds: float,
    ) -> dict[str, Any]:
        samples = list(self.samples)
        durations = sorted(s.seconds for s in samples)
        outage = [s.seconds for s in samples if s.during_outage]
        errors = [e for user in users for e in user.errors]
        return {
            "settings": asdict(self.settings),
            "users": len(users),
            "devices": sum(len(u.devices) for u in users),
            "seconds": round(elapsed, 2),
            "requests": len(samples),
            "throughput_rps": round(len(samples) / elapsed, 1) if elapsed else 0.0,
            "p50_ms": _ms(_percentile(durations, 50)),
            "p95_ms": _ms(_percentile(durations, 95)),
            "p99_ms": _ms(_percentile(durations, 99)),
            "max_ms": _ms(durations[-1] if durations else 0.0),
            "mean_ms": _ms(statistics.fmean(durations) if durations else 0.0),
            "errors": len(errors),
            "error_examples": errors[:5],
            "failed_requests": sum(not s.ok for s in samples),
            "outage_seconds": round(outage_seconds, 2),
            "outage_requests": len(outage),
            "outage_max_ms": _ms(max(outage) if outage else 0.0),
            "mismatches": mismatches,
            "backwards": self.backwards,
            "stuck_devices": stuck,
            "launches": sum(u.account.launches for u in users),
            "strategies_read": sum(len(u.account.strategies) for u in users),
            "exercises_finished": sum(sum(u.account.finished.values()) for u in users),
        }


def _saved(attributes: dict[str, Any]) -> bool:
    """Whether the session's progress is in the store, as far as the skill knows."""
    if attributes.get("unloaded"):
        return False
    progress = Progress.from_dict(attributes.get("progress"))
    return attributes.get("saved") == progress.fingerprint()


def _forwards(before: Any, after: Any) -> bool:
    return (
        after.version >= before.version
        and after.visits >= before.visits
        and set(after.strategies_heard) >= set(before.strategies_heard)
        and set(after.tips_heard) >= set(before.tips_heard)
        and all(after.exercises_done.get(k, 0) >= v for k, v in before.exercises_done.items())
    )


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))
    return ordered[index]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def passed(report: dict[str, Any]) -> bool:
    """Zero errors, every record as the conversations left it, nothing went backwards, and
    during an outage every answer within OUTAGE_ANSWER_SECONDS."""
    return (
        report["outage_max_ms"] < OUTAGE_ANSWER_SECONDS * 1000
        and report["errors"] == 0
        and report["failed_requests"] == 0
        and not report["mismatches"]
        and not report["backwards"]
        and report["stuck_devices"] == 0
    )


__all__ = ["OUTAGE_KINDS", "DynamoDbServer", "LoadRun", "Settings", "passed"]
