"""Figure 6: the Lambda artefact's size, and how much of it is Trust Coach's own code.

The artefact is what `sam build` puts in the function's folder when that exists
(.aws-sam/build/TrustCoachFunction), else its equivalent: `pip install --target` of
lambda/requirements.txt (no bytecode, as sam build ships none) beside a copy of
lambda/trust_coach. Built on this machine's platform, so binary wheels may differ slightly
from the arm64 ones Lambda gets.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from bench.env import LAMBDA_DIR, ROOT

SAM_BUILD = ROOT / ".aws-sam" / "build" / "TrustCoachFunction"
PACKAGE = "trust_coach"


def build(scratch: Path) -> tuple[Path, str]:
    if (SAM_BUILD / PACKAGE).is_dir():
        return SAM_BUILD, "sam build output"
    target = scratch / "artefact"
    shutil.rmtree(target, ignore_errors=True)
    subprocess.run(  # noqa: S603 - pip from our own interpreter
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", "--target", str(target), "-r", str(LAMBDA_DIR / "requirements.txt")],
        check=True,
        capture_output=True,
        timeout=600,
    )  # fmt: skip
    shutil.copytree(
        LAMBDA_DIR / PACKAGE, target / PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
    )
    return target, "pip install --target lambda/requirements.txt + lambda/trust_coach"


def _files(folder: Path) -> list[Path]:
    """Everything that ships, bytecode included when `make build` compiled it."""
    return [p for p in folder.rglob("*") if p.is_file()]


def _zipped_bytes(folder: Path, files: list[Path], scratch: Path) -> int:
    archive = scratch / "artefact.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for path in files:
            zipped.write(path, path.relative_to(folder))
    size = archive.stat().st_size
    archive.unlink()
    return size


def measure(scratch: Path) -> dict[str, Any]:
    folder, source = build(scratch)
    files = _files(folder)
    own = [p for p in files if p.relative_to(folder).parts[0] == PACKAGE]
    total = sum(p.stat().st_size for p in files)
    own_bytes = sum(p.stat().st_size for p in own)
    return {
        "source": source,
        "files": len(files),
        "unzipped_mb": total / 1e6,
        "zipped_mb": _zipped_bytes(folder, files, scratch) / 1e6,
        "own_kb": own_bytes / 1e3,
        "own_files": len(own),
        "own_share": own_bytes / total if total else 0.0,
    }
