"""Amazon's APL validator (apl-suggester, from npm) run offline over documents.

`make apl-checks` installs it into tests/apl/node_modules from tests/apl/package-lock.json
(Node and npm come from scripts/install-system-packages.sh). tests/apl/validate.js reads the
documents as JSON on stdin and prints each one's findings.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

APL_TESTS = Path(__file__).parent / "apl"
INSTALLED = APL_TESTS / "node_modules" / "apl-suggester" / "package.json"


def installed_version() -> str:
    if shutil.which("node") is None:
        raise AssertionError("Node is not installed: run `make apl-checks` (it installs it)")
    if not INSTALLED.exists():
        raise AssertionError("apl-suggester is not installed: run `make apl-checks`")
    return json.loads(INSTALLED.read_text())["version"]


def findings(documents: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Each named RenderDocument's findings: its document, and its datasources."""
    installed_version()
    items = [
        {"name": name, "document": d["document"], "datasources": d.get("datasources")}
        for name, d in documents.items()
    ]
    done = subprocess.run(
        ["node", "validate.js"],
        cwd=APL_TESTS,
        input=json.dumps(items),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
