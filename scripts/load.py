"""Load test: simulated users talk to `trust-coach serve` on DynamoDB (moto), on this machine.

    .venv/bin/python scripts/load.py --users 50 --seconds 60
    .venv/bin/python scripts/load.py --users 50 --seconds 60 --outage down --outage-at 20 \
        --outage-for 10

Starts moto's server and `trust-coach serve` on 127.0.0.1, runs for `--seconds`, stops them,
prints the figures (throughput, p50/p95/p99 latency, errors) and checks every user's stored
progress against what their conversations did. Exit status 0 only if nothing failed, nothing
was lost and no record went backwards. The machinery is in tests/load_run.py.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "lambda"), str(ROOT / "tools"), str(ROOT / "tests")]

from load_run import OUTAGE_KINDS, LoadRun, Settings, passed  # noqa: E402

P99_GOAL_MS = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between turns, s")
    parser.add_argument("--ramp", type=float, default=5.0, help="devices join over this long, s")
    parser.add_argument("--two-device-every", type=int, default=5, help="0: one device each")
    parser.add_argument("--unsigned", action="store_true", help="serve without verification")
    parser.add_argument("--outage", choices=OUTAGE_KINDS, help="take the store away mid-run")
    parser.add_argument("--outage-at", type=float, default=0.0, help="seconds into the run")
    parser.add_argument("--outage-for", type=float, default=5.0, help="seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
    args = parser.parse_args(argv)
    settings = Settings(
        users=args.users,
        seconds=args.seconds,
        think_seconds=args.think,
        ramp_seconds=args.ramp,
        two_device_every=args.two_device_every,
        signed=not args.unsigned,
        outage=args.outage,
        outage_at=args.outage_at or args.seconds / 3,
        outage_for=args.outage_for,
        seed=args.seed,
    )
    with tempfile.TemporaryDirectory(prefix="trust-coach-load-") as workdir:
        report = LoadRun(settings, Path(workdir)).run()
    ok = passed(report)
    if args.json:
        print(json.dumps(report))
    else:
        for name, value in report.items():
            print(f"{name:>20}: {value}")
        goal = "met" if report["p99_ms"] < P99_GOAL_MS else "MISSED"
        print(f"{'p99 goal':>20}: {goal} (under {P99_GOAL_MS:.0f} ms)")
        print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
