"""A smoke run of the benchmark (`python -m bench --smoke`): every figure comes out as numbers.

Only that: no timing thresholds. The figures themselves come from `make bench`.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # the bench smoke run: `make test` runs it, `make check` does not

ROOT = Path(__file__).resolve().parents[1]


def _positive(value) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def test_bench_smoke_produces_every_figure(tmp_path):
    out = tmp_path / "results.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "lambda")])}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text())
    cold = results["cold_start"]
    for program in ("floor", "floor_store", "usual", "trust_coach"):
        assert _positive(cold["programs"][program]["cold_ms"]), program
    assert _positive(cold["ratio_to_floor_store"]) and _positive(cold["ratio_to_usual"])
    assert cold["importtime"]["by_package_ms"]["trust_coach"] > 0
    warm = results["warm_turns"]
    assert _positive(warm["trust_coach_median_ms"]) and _positive(warm["usual_median_ms"])
    assert warm["trust_coach_no_store_turns"] > 0
    assert _positive(warm["trust_coach_no_store_p99_ms"])
    traffic = results["store_traffic"]
    assert traffic["trust_coach"]["reads"] >= 1 and traffic["usual"]["reads"] >= 1
    assert _positive(results["memory"]["trust_coach_mb"]) and _positive(
        results["memory"]["usual_mb"]
    )
    endpoint = results["endpoint"]
    assert _positive(endpoint["trust_coach_rps"]) and _positive(endpoint["hello_rps"])
    size = results["size"]
    assert _positive(size["zipped_mb"]) and 0 < size["own_share"] < 1
    assert len(results["goals"]) == 8
    assert all(isinstance(met, bool) for met in results["goals"].values())
    # The table names every figure.
    for figure in (
        "1. cold start",
        "2. warm turn",
        "3. store calls",
        "4. peak RSS",
        "5. endpoint",
        "6. deployment",
    ):
        assert figure in done.stdout
