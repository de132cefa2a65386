"""SnapStart: a copy restored from the snapshot renews its randomness and its store client.

The restore path runs as the Lambda runtime runs it: the handler module is imported with
Lambda's variables (the init phase), then every hook registered with snapshot_restore_py
(the runtime's library, in the dev extra) is called with its arguments, once per restored
copy, each copy starting from the same random state, as copies of one snapshot do.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from trust_coach import snapshot
from trust_coach.store.sqlite import SqliteStore

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"

RESTORE = """
import json, random, sys
import snapshot_restore_py
import trust_coach.app as app  # Lambda's init phase: prepares the skill and registers hooks
from trust_coach.store import user_key

store = app.skill().persistence_adapter
client_at_init = store.client
snapshot_state = random.getstate()
hooks = snapshot_restore_py.get_after_restore()
copies = []
for _ in range(2):  # two execution environments restored from one snapshot
    random.setstate(snapshot_state)
    for hook, args, kwargs in hooks:
        hook(*args, **kwargs)
    copies.append({"draw": random.random(), "client": store.client})  # kept: ids stay unique
event = json.loads(sys.stdin.read())
answer = app.lambda_handler(event, None)
print(json.dumps({
    "hooks": [hook.__module__ + "." + hook.__name__ for hook, _, _ in hooks],
    "draws": [copy["draw"] for copy in copies],
    "clients": [id(copy["client"]) for copy in copies],
    "client_at_init": id(client_at_init),
    "client_type": type(store.client).__name__,
    "speech": answer["response"]["outputSpeech"]["ssml"],
    "stored": store.read(user_key(event["session"]["user"]["userId"])) is not None,
}))
"""

LAUNCH = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.restored",
        "application": {"applicationId": "amzn1.ask.skill.snapshot"},
        "user": {"userId": "amzn1.ask.account.restored-user"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.snapshot"},
            "user": {"userId": "amzn1.ask.account.restored-user"},
            "device": {"deviceId": "amzn1.ask.device.restored", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.restored",
        "timestamp": "2026-01-01T12:00:00Z",
        "locale": "en-US",
    },
}


def test_each_restored_copy_gets_fresh_randomness_and_a_fresh_store_client(
    dynamodb_server, aws_env, tmp_path
):
    # GIVEN the function's init on Lambda with its DynamoDB table
    env = {
        **os.environ,
        **aws_env,
        "PYTHONPATH": str(LAMBDA_DIR),
        "AWS_LAMBDA_FUNCTION_NAME": "trust-coach",
        "TABLE_NAME": dynamodb_server.create_table(),
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_server.endpoint,
        "SKILL_ID": "amzn1.ask.skill.snapshot",
        "POWERTOOLS_METRICS_NAMESPACE": "TrustCoach",
    }
    # WHEN the runtime restores two copies of the snapshot and one answers a launch
    done = subprocess.run(
        [sys.executable, "-c", RESTORE],
        input=json.dumps(LAUNCH),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # THEN the skill's hook ran, once per copy
    assert seen["hooks"] == ["trust_coach.snapshot.after_restore"]
    # AND the copies, which started from the same random state, draw different numbers
    assert seen["draws"][0] != seen["draws"][1]
    # AND each copy made its own store client: none is the one from the snapshot
    assert seen["client_at_init"] not in seen["clients"]
    assert seen["clients"][0] != seen["clients"][1]
    # AND the restored copy answers and saves through its new client
    assert "Trust Coach" in seen["speech"]
    assert seen["stored"] is True


def test_after_a_restore_the_embedded_store_opens_new_connections(tmp_path):
    # GIVEN an SQLite store with its connection from before the snapshot
    store = SqliteStore(tmp_path / "progress.sqlite3")
    before = store._connection()
    # WHEN the restore hook runs
    snapshot.after_restore(store)
    # THEN that connection is closed and the next call opens another that works
    after = store._connection()
    assert after is not before
    assert after.execute("SELECT count(*) FROM progress").fetchone() == (0,)
    store.close()


def test_a_store_that_fails_to_reconnect_does_not_fail_the_restore(caplog):
    class Stubborn(SqliteStore):
        def reconnect(self) -> None:
            raise OSError("gone")

    store = Stubborn.__new__(Stubborn)  # no file needed: only reconnect is called
    snapshot.after_restore(store)
    assert "store not reconnected after restore: OSError" in caplog.text


def test_without_the_runtimes_library_registering_does_nothing(monkeypatch, tmp_path):
    # GIVEN a machine without snapshot_restore_py (anywhere but Lambda's runtime)
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)
    fallback = importlib.reload(snapshot)
    try:
        store = SqliteStore(tmp_path / "progress.sqlite3")
        # THEN registering is accepted and changes nothing
        fallback.register(store)
        assert store.read("anyone") is None
        store.close()
    finally:
        monkeypatch.undo()
        importlib.reload(snapshot)
