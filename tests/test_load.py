"""The load run, short: `trust-coach serve` on DynamoDB (moto) under simulated users, on
127.0.0.1, with the store taken away in the middle. No latency thresholds here (CI machines
vary): zero errors, every stored record exactly what the conversations did, none going
backwards, and every answer during an outage within 3 s. The figures are printed.
The full run is `make load` (50 users, 60 s); see the README's Reliability section.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from load_run import OUTAGE_ANSWER_SECONDS, LoadRun, Settings, passed

pytestmark = pytest.mark.slow  # load runs: `make test` runs them, `make check` does not

ROOT = Path(__file__).resolve().parents[1]


def show(report: dict) -> str:
    figures = {k: v for k, v in report.items() if k != "settings"}
    text = json.dumps(figures, indent=1)
    print(text)
    return text


def test_ten_users_for_ten_seconds_lose_nothing():
    # GIVEN the load script as `make load` runs it, shortened WHEN it runs
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "load.py"), "--users", "10", "--seconds", "10",
         "--think", "0.3", "--ramp", "1", "--json"],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    report = json.loads(result.stdout.splitlines()[-1])
    text = show(report)
    # THEN nothing failed, nothing was lost, and the users really talked
    assert result.returncode == 0, text + result.stderr
    assert passed(report)
    assert report["devices"] == 12  # two of the ten users on two devices at once
    assert report["requests"] > 100
    assert report["launches"] > 10 and report["exercises_finished"] > 0


@pytest.mark.parametrize("outage", ["down", "freeze"])
def test_an_outage_mid_load_is_answered_in_time_and_loses_nothing(outage, tmp_path):
    # GIVEN ten users talking WHEN the store goes away for 4 s of a 12 s run, then comes back
    settings = Settings(
        users=10, seconds=12, ramp_seconds=1, outage=outage, outage_at=4, outage_for=4
    )
    report = LoadRun(settings, tmp_path).run()
    text = show(report)
    # THEN every request was answered, those during the outage within 3 s
    assert report["outage_requests"] > 10, text
    assert report["outage_max_ms"] < OUTAGE_ANSWER_SECONDS * 1000, text
    # AND what was stored before is intact, what was done during it was saved after it,
    # and no record ever went backwards
    assert passed(report), text
