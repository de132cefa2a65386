"""scripts/install-system-packages.sh: nothing to do needs no root; what it cannot do, it explains.

Each case runs the script with a PATH of stand-ins: `id` says who we are, `apt-get` and `sudo`
record how they were called, and espeak-ng, sox, node and npm are there or not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "install-system-packages.sh"


def stand_ins(folder: Path, *, uid: int, tools: tuple[str, ...] = (), sudo: bool = False) -> Path:
    """A bin folder with bash and env, `id -u` printing `uid`, and the named commands."""
    folder.mkdir()
    for real in ("bash", "env"):
        (folder / real).symlink_to(shutil.which(real))
    log = folder / "calls.log"
    recorder = f'#!/bin/bash\necho "${{0##*/}} $*" >> {log}\n'
    (folder / "id").write_text(f"#!/bin/bash\necho {uid}\n")
    names = ["apt-get", *tools] + (["sudo"] if sudo else [])
    for name in names:
        (folder / name).write_text(recorder)
    if sudo:  # records itself, then runs what it was given
        (folder / "sudo").write_text(recorder + 'while [[ $1 == -* ]]; do shift; done\n"$@"\n')
    for path in folder.iterdir():
        if not path.is_symlink():
            path.chmod(0o755)
    return folder


def run(bin_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT)],
        env={"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/")},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def calls(bin_dir: Path) -> list[str]:
    log = bin_dir / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def test_with_everything_there_it_needs_no_root_and_says_nothing(tmp_path):
    bin_dir = stand_ins(tmp_path / "bin", uid=1000, tools=("espeak-ng", "sox", "node", "npm"))
    done = run(bin_dir)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert calls(bin_dir) == []


def test_as_root_it_installs_only_what_is_missing(tmp_path):
    bin_dir = stand_ins(tmp_path / "bin", uid=0, tools=("espeak-ng", "npm"))
    done = run(bin_dir)
    assert done.returncode == 0, done.stderr
    assert calls(bin_dir) == [
        "apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends sox nodejs",
    ]


def test_without_root_it_uses_sudo_when_sudo_needs_no_password(tmp_path):
    bin_dir = stand_ins(tmp_path / "bin", uid=1000, sudo=True)
    done = run(bin_dir)
    assert done.returncode == 0, done.stderr
    assert "sudo -n true" in calls(bin_dir)
    assert "apt-get install -y -qq --no-install-recommends espeak-ng sox nodejs npm" in calls(
        bin_dir
    )


def test_without_root_or_sudo_it_says_exactly_what_to_run_and_fails(tmp_path):
    bin_dir = stand_ins(tmp_path / "bin", uid=1000, tools=("sox", "node", "npm"))
    done = run(bin_dir)
    assert done.returncode == 1
    assert "system packages that are missing: espeak-ng." in done.stderr
    assert "this is not root and there is no sudo" in done.stderr
    assert (
        "sudo sh -c 'apt-get update && apt-get install -y --no-install-recommends espeak-ng'"
        in done.stderr
    )
    assert calls(bin_dir) == []  # nothing was tried
