"""The artefact is the skill: lambda/ alone, with lambda/requirements.txt, imports and answers.

`sam build` packs the function's CodeUri (lambda/) and installs lambda/requirements.txt beside
it. The artefact is built here the same way for this machine (pip install --target, then a
copy of lambda/ without what sam build leaves out), and run in a Python that sees nothing
else: no site-packages, no PYTHONPATH, so neither the dev install nor the tools package.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_DIR = ROOT / "lambda"
# What `sam build` never copies from CodeUri (aws-lambda-builders' python_pip exclusions).
SAM_LEAVES_OUT = ("__pycache__", "*.pyc", "*.egg-info")
# The console's, the endpoint's and the packaging's: none of it may ship or be imported.
TOOLS_PACKAGE = "trust_coach_tools"
TOOL_MODULES = {
    "cli", "device", "locale_models", "nlu", "oscrypto_fix", "remote", "signing_certs",
    "skill_package", "verification", "voice", "web",
}  # fmt: skip
WEB_LIBRARIES = {"flask", "flask_ask_sdk", "werkzeug", "waitress", "cryptography", "oscrypto"}

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import trust_coach.app as app  # AWS_LAMBDA_FUNCTION_NAME is set: Lambda's init phase
answer = app.lambda_handler(json.loads(sys.stdin.read()), None)
print(json.dumps({
    "speech": answer["response"]["outputSpeech"]["ssml"],
    "open": answer["response"].get("shouldEndSession") is not True,
    "modules": sorted(name.split(".")[0] for name in sys.modules),
    "app_file": app.__file__,
}))
"""

LAUNCH = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.artefact",
        "application": {"applicationId": "amzn1.ask.skill.artefact"},
        "user": {"userId": "amzn1.ask.account.artefact"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.artefact"},
            "user": {"userId": "amzn1.ask.account.artefact"},
            "device": {"deviceId": "amzn1.ask.device.artefact", "supportedInterfaces": {}},
            "apiEndpoint": "https://api.amazonalexa.com",
        }
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.artefact",
        "timestamp": "2026-01-01T12:00:00Z",
        "locale": "en-US",
    },
}


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_the_lambda_folder_holds_the_skill_and_its_requirements_only():
    shipped = {
        p.name for p in LAMBDA_DIR.iterdir() if p.name != "__pycache__" and p.suffix != ".egg-info"
    }
    assert shipped == {"requirements.txt", "trust_coach"}
    modules = {p.stem for p in (LAMBDA_DIR / "trust_coach").rglob("*.py")}
    assert not modules & TOOL_MODULES
    assert (ROOT / "tools" / TOOLS_PACKAGE / "cli.py").is_file()


def test_no_module_of_the_skill_imports_a_tool_or_a_web_library():
    for path in (LAMBDA_DIR / "trust_coach").rglob("*.py"):
        roots = {name.split(".")[0] for name in _imported_names(path)}
        assert not roots & (WEB_LIBRARIES | {TOOLS_PACKAGE}), path


@pytest.fixture(scope="module")
def artefact(tmp_path_factory) -> Path:
    """lambda/requirements.txt installed into a folder, beside a copy of lambda/."""
    target = tmp_path_factory.mktemp("artefact")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "--no-compile", "--target", str(target), "-r", str(LAMBDA_DIR / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr[-3000:]
    shutil.copytree(
        LAMBDA_DIR, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*SAM_LEAVES_OUT)
    )
    return target


@pytest.mark.slow
def test_the_artefact_alone_imports_and_answers_a_launch(artefact, tmp_path):
    # GIVEN the artefact and a Python that sees nothing else (-I: no PYTHONPATH, no user
    # site; -S: no site-packages), with Lambda's variable set, so the init phase runs
    env = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_LAMBDA_FUNCTION_NAME": "trust-coach",
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
        "POWERTOOLS_METRICS_NAMESPACE": "TrustCoach",
        "POWERTOOLS_SERVICE_NAME": "trust-coach",
    }
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, str(artefact)],
        input=json.dumps(LAUNCH),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    # THEN the skill came from the artefact and welcomed the user with a question
    assert Path(seen["app_file"]).is_relative_to(artefact)
    assert "Trust Coach" in seen["speech"] and seen["open"]
    # AND nothing of the console, the endpoint or a web library was imported
    assert TOOLS_PACKAGE not in seen["modules"]
    assert not set(seen["modules"]) & WEB_LIBRARIES


@pytest.mark.slow
def test_the_artefact_contains_no_console_or_web_module(artefact):
    packages = {p.name for p in artefact.iterdir()}
    assert "trust_coach" in packages
    assert TOOLS_PACKAGE not in packages
    assert not packages & WEB_LIBRARIES  # lambda/requirements.txt brings no web server
    shipped = {p.stem for p in (artefact / "trust_coach").rglob("*.py")}
    assert not shipped & TOOL_MODULES
