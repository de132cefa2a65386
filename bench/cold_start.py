"""Figure 1: cold start, each program in a fresh Python process, rounds interleaved.

A round starts every program once, in a rotating order so none always runs first. The
figure per program is the median over rounds; Trust Coach's ratios are taken round by round.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.env import RETURNING_USER, BenchEnv, program_module
from bench.session import launch_event
from bench.stats import median, pairwise_ratio

PROGRAMS = ("floor", "floor_store", "usual", "trust_coach")
CHILD = Path(__file__).with_name("cold_child.py")


def _once(
    env: BenchEnv, program: str, event_path: Path, *flags: str, compile_first: bool = False
) -> tuple[dict, str]:
    result_path = env.scratch / f"cold-{program}.json"
    result_path.unlink(missing_ok=True)
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, *flags, str(CHILD), program_module(program), str(event_path),
         str(result_path)],
        env=env.child_env(
            program,
            # Lambda's variable: Trust Coach then prepares itself at import (its init phase).
            AWS_LAMBDA_FUNCTION_NAME=f"bench-{program}",
            **({"PYTHONDONTWRITEBYTECODE": ""} if compile_first else {}),
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0 or not result_path.exists():
        raise RuntimeError(f"{program} cold start failed:\n{done.stderr[-2000:]}")
    result = json.loads(result_path.read_text())
    if not result["answered"]:
        raise RuntimeError(f"{program} answered its LaunchRequest without speech")
    result["process_s"] = wall
    return result, done.stderr


def measure(env: BenchEnv, runs: int) -> dict[str, Any]:
    event_path = env.scratch / "launch.json"
    event_path.write_text(json.dumps(launch_event(RETURNING_USER)))
    for program in PROGRAMS:  # writes each program's bytecode, as a built artefact holds it
        _once(env, program, event_path, compile_first=True)
    samples: dict[str, list[dict]] = defaultdict(list)
    for round_number in range(runs):
        shift = round_number % len(PROGRAMS)
        for program in PROGRAMS[shift:] + PROGRAMS[:shift]:
            samples[program].append(_once(env, program, event_path)[0])
    cold = {p: [s["cold_s"] for s in samples[p]] for p in PROGRAMS}
    figure: dict[str, Any] = {
        "runs": runs,
        "programs": {
            p: {
                "cold_ms": median(cold[p]) * 1000,
                "import_ms": median([s["import_s"] for s in samples[p]]) * 1000,
                "first_request_ms": median([s["first_request_s"] for s in samples[p]]) * 1000,
                "process_ms": median([s["process_s"] for s in samples[p]]) * 1000,
                "samples_ms": [round(v * 1000, 1) for v in cold[p]],
            }
            for p in PROGRAMS
        },
        "ratio_to_floor_store": pairwise_ratio(cold["trust_coach"], cold["floor_store"]),
        "ratio_to_usual": pairwise_ratio(cold["trust_coach"], cold["usual"]),
    }
    _, importtime = _once(env, "trust_coach", event_path, "-X", "importtime")
    figure["importtime"] = import_breakdown(importtime)
    return figure


def import_breakdown(stderr: str, top: int = 12) -> dict[str, Any]:
    """`-X importtime` output summed by top-level package (self time), largest first."""
    by_package: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        fields = [part.strip() for part in line[len("import time:") :].split("|")]
        if not fields[0].isdigit():
            continue  # the header line
        package = fields[2].strip().split(".")[0]
        by_package[package] += int(fields[0]) / 1000
    ranked = sorted(by_package.items(), key=lambda item: -item[1])
    return {
        "total_ms": round(sum(by_package.values()), 1),
        "by_package_ms": {name: round(ms, 1) for name, ms in ranked[:top]},
    }
