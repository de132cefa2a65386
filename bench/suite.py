"""`make bench`: every figure in one go against one local moto server, started and stopped
here. Prints the table, writes bench/results.json. `--smoke` runs each figure once, briefly:
the test suite uses it to check that numbers come out, never how fast they are.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cold_start, endpoint, size, turns
from bench.env import BenchEnv
from bench.report import goals, import_table, table

RESULTS = Path(__file__).with_name("results.json")


def run(smoke: bool) -> dict[str, Any]:
    runs = 1 if smoke else 7
    env = BenchEnv.start()
    try:
        started = time.perf_counter()
        results: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {platform.python_version()}",
            "smoke": smoke,
        }
        results["cold_start"] = cold_start.measure(env, runs)
        warm, traffic = turns.measure_warm(env, runs, 1 if smoke else 3)
        results["warm_turns"], results["store_traffic"] = warm, traffic
        results["memory"] = turns.measure_memory(env, 1 if smoke else 5, 20 if smoke else 500)
        results["endpoint"] = endpoint.measure(env, 1 if smoke else 5, 0.3 if smoke else 2.0)
        results["size"] = size.measure(env.scratch)
        results["goals"] = goals(results)
        results["seconds"] = time.perf_counter() - started
        return results
    finally:
        env.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="one short run of each figure")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)
    results = run(args.smoke)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print()
    print(import_table(results))
    print(f"\n{results['seconds']:.0f} s; figures in {args.out}")
    return 0
