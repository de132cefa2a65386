"""scripts/find-python.sh: the interpreter make uses, or a clear word about what is missing.

Each case puts stand-in interpreters first on the PATH: this test's Python, pretending to be
the version it is named for, or a command that fails, as an absent one (or a pyenv shim of a
version that is not active) does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "find-python.sh"
NAMES = ("python3", "python3.12", "python3.13")


def interpreters(folder: Path, **versions: tuple[int, int] | None) -> Path:
    """python3, python3.12 and python3.13 in `folder`: a version pretends, None fails."""
    folder.mkdir()
    for name in NAMES:
        version = versions.get(name.replace(".", "_"))
        path = folder / name
        if version is None:
            path.write_text("#!/bin/sh\nexit 127\n")
        else:
            pretend = f"sys.version_info = {version}; sys.executable = {str(path)!r}"
            path.write_text(
                f'#!/bin/sh\nexec "{sys.executable}" -c '
                f'"import sys; {pretend}; exec(sys.argv[1])" "$2"\n'
            )
        path.chmod(0o755)
    return folder


def find(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args],
        env={"PATH": f"{folder}:/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_python3_is_used_when_it_is_recent_enough(tmp_path):
    folder = interpreters(tmp_path / "bin", python3=(3, 12), python3_13=(3, 13))
    assert find(folder).stdout.strip() == str(folder / "python3")


def test_an_older_python3_gives_way_to_python313_then_python312(tmp_path):
    folder = interpreters(tmp_path / "a", python3=(3, 11), python3_12=(3, 12), python3_13=(3, 13))
    assert find(folder).stdout.strip() == str(folder / "python3.13")
    folder = interpreters(tmp_path / "b", python3=(3, 11), python3_12=(3, 12))
    assert find(folder).stdout.strip() == str(folder / "python3.12")


def test_the_lambda_runtimes_version_is_found_exactly(tmp_path):
    folder = interpreters(tmp_path / "bin", python3=(3, 12), python3_13=(3, 13))
    assert find(folder, "3.13").stdout.strip() == str(folder / "python3.13")


def test_python_names_the_one_interpreter_to_use(tmp_path):
    folder = interpreters(tmp_path / "bin", python3=(3, 11), python3_13=(3, 13))
    chosen = find(folder, PYTHON=str(folder / "python3"))
    assert chosen.returncode == 1  # the one named is too old: no other is tried
    assert "PYTHON=" in chosen.stderr


def test_without_a_suitable_python_it_says_what_to_install_and_fails(tmp_path):
    folder = interpreters(tmp_path / "bin", python3=(3, 11))
    done = find(folder)
    assert done.returncode == 1 and done.stdout == ""
    assert "needs Python 3.12 or later, and none was found" in done.stderr
    assert "uv python install 3.13" in done.stderr
    runtime = find(folder, "3.13")
    assert runtime.returncode == 1
    assert "python3.13 was not found" in runtime.stderr
    assert "sam build" in runtime.stderr and "RUNTIME_PYTHON=" in runtime.stderr
    assert os.access(SCRIPT, os.X_OK)
