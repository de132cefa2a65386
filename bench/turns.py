"""Figures 2-4: warm turns, store traffic and peak memory, in child processes.

`python -m bench.turns warm ROUNDS SESSIONS OUT` plays both programs in one process, round by
round and in alternating order, so each round's ratio compares turns taken moments apart.
`python -m bench.turns memory PROGRAM TURNS OUT` plays one program alone and reports its
peak RSS (VmHWM), so the other program's memory is not counted.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.programs import Program, load
from bench.session import RETURNING_USER, SESSION_TURNS, play_session
from bench.stats import median, pairwise_ratio, percentile
from trust_coach_tools.device import Device

if TYPE_CHECKING:  # the children never import the bench's server side (it would cost memory)
    from bench.env import BenchEnv

ROOT = Path(__file__).resolve().parents[1]


def _progress_of(response: dict[str, Any]) -> dict[str, Any]:
    progress = dict((response.get("sessionAttributes") or {}).get("progress") or {})
    progress.pop("version", None)
    return progress


def one_session(program: Program) -> dict[str, Any]:
    """A returning user's session: per-turn times and store calls, turn 0 being the launch."""
    times: list[float] = []
    cpu: list[float] = []  # this thread's CPU time: the turn's cost without other processes'
    calls: list[tuple[int, int]] = []
    changed: list[bool] = []
    previous: dict[str, Any] = {}

    def send(event: dict[str, Any]) -> dict[str, Any]:
        nonlocal previous
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = program.send(event)
        times.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        calls.append(program.take_calls())
        progress = _progress_of(response)
        changed.append(bool(progress) and progress != previous)
        previous = progress or previous
        return response

    program.take_calls()
    play_session(Device(send, user_id=RETURNING_USER))
    if len(times) != SESSION_TURNS:
        raise RuntimeError(f"{program.name}: {len(times)} turns instead of {SESSION_TURNS}")
    return {"times": times, "cpu": cpu, "calls": calls, "changed": changed}


def warm(rounds: int, sessions: int) -> dict[str, Any]:
    programs = [load("trust_coach"), load("usual")]
    for program in programs:
        one_session(program)  # the process's first session pays for imports and connections
    result: dict[str, Any] = {p.name: {"round_medians": [], "sessions": []} for p in programs}
    for round_number in range(rounds):
        order = programs if round_number % 2 == 0 else programs[::-1]
        played = {p.name: [one_session(p) for _ in range(sessions)] for p in order}
        for name, session_list in played.items():
            after_first = [t for s in session_list for t in s["times"][1:]]
            result[name]["round_medians"].append(median(after_first))
            result[name]["sessions"].extend(session_list)
    return result


def memory(name: str, turns: int) -> dict[str, Any]:
    program = load(name)
    played = 0
    while played < turns:
        played += len(one_session(program)["times"])
    return {"program": name, "turns": played, "peak_rss_mb": peak_rss_kb() / 1024}


def peak_rss_kb() -> int:
    """This process's peak RSS: VmHWM belongs to its own memory map, whereas ru_maxrss on
    Linux keeps the parent's peak across fork and exec (the bench's own ~80 MB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# The parent's side: run the children, and turn their samples into figures. -----------------
def _child(env: BenchEnv, *args: str) -> dict[str, Any]:
    out = env.scratch / f"turns-{args[0]}-{args[1]}.json"
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.turns", *args, str(out)],
        env=env.child_env("trust_coach"),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,  # powertools' log lines, as on Lambda
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.turns {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def measure_warm(env: BenchEnv, runs: int, sessions: int) -> tuple[dict, dict]:
    """Figures 2 (warm turns) and 3 (store traffic), from one child playing both programs."""
    played = _child(env, "warm", str(runs), str(sessions))
    ours, usual = played["trust_coach"], played["usual"]
    no_store = [
        t
        for s in ours["sessions"]
        for t, c in zip(s["times"][1:], s["calls"][1:], strict=True)
        if not any(c)
    ]
    no_store_cpu = [
        t
        for s in ours["sessions"]
        for t, c in zip(s["cpu"][1:], s["calls"][1:], strict=True)
        if not any(c)
    ]
    warm_figure = {
        "runs": runs,
        "sessions_per_run": sessions,
        "trust_coach_median_ms": median(ours["round_medians"]) * 1000,
        "usual_median_ms": median(usual["round_medians"]) * 1000,
        "ratio_to_usual": pairwise_ratio(ours["round_medians"], usual["round_medians"]),
        "trust_coach_no_store_turns": len(no_store),
        "trust_coach_no_store_p99_ms": percentile(no_store, 0.99) * 1000,
        "trust_coach_no_store_median_ms": median(no_store) * 1000,
        # The same turns in CPU time: what is left when other processes' scheduling is not.
        "trust_coach_no_store_cpu_p99_ms": percentile(no_store_cpu, 0.99) * 1000,
    }
    return warm_figure, traffic(ours["sessions"], usual["sessions"])


def traffic(ours: list[dict], usual: list[dict]) -> dict[str, Any]:
    """Store calls per 10-turn session (the median session), and whether writes match changes."""

    def per_session(sessions: list[dict]) -> dict[str, Any]:
        reads = [sum(c[0] for c in s["calls"]) for s in sessions]
        writes = [sum(c[1] for c in s["calls"]) for s in sessions]
        return {"reads": median(reads), "writes": median(writes)}

    changed = [sum(s["changed"]) for s in ours]
    needless = sum(
        1
        for s in ours
        for c, moved in zip(s["calls"], s["changed"], strict=True)
        if c[1] and not moved
    )
    return {
        "trust_coach": {**per_session(ours), "turns_that_changed_progress": median(changed),
                        "writes_on_unchanged_turns": needless},
        "usual": per_session(usual),
    }  # fmt: skip


def measure_memory(env: BenchEnv, runs: int, turns: int) -> dict[str, Any]:
    """Figure 4: peak RSS after `turns` turns, one process per program per run, interleaved."""
    peaks: dict[str, list[float]] = {"trust_coach": [], "usual": []}
    for round_number in range(runs):
        order = list(peaks) if round_number % 2 == 0 else list(peaks)[::-1]
        for name in order:
            peaks[name].append(_child(env, "memory", name, str(turns))["peak_rss_mb"])
    return {
        "runs": runs,
        "turns": turns,
        "trust_coach_mb": median(peaks["trust_coach"]),
        "usual_mb": median(peaks["usual"]),
        "ratio_to_usual": pairwise_ratio(peaks["trust_coach"], peaks["usual"]),
    }


def main(argv: list[str]) -> None:
    if argv[0] == "warm":
        result = warm(int(argv[1]), int(argv[2]))
    else:
        result = memory(argv[1], int(argv[2]))
    Path(argv[-1]).write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
