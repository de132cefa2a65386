"""Broken content stops every start-up with a message naming the file and the field.

`trust-coach serve` and `trust-coach chat` check the words before answering anything (exit
status 2, one line on stderr, no traceback); on Lambda the first request fails with the
ContentError, so the broken deployment shows in the function's errors, not as apologies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from trust_coach import app, content
from trust_coach.content import ContentError, catalog_for
from trust_coach.exercises import library_for
from trust_coach_tools.device import Device

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"


def invalid_json(folder: Path) -> tuple[str, str]:
    (folder / "en-US" / "tips.json").write_text('{"tips": [', encoding="utf-8")
    return "tips.json", "not valid JSON at line 1"


def schema_violation(folder: Path) -> tuple[str, str]:
    path = folder / "en-US" / "strategies.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["strategies"][3]["summary"] = 42
    path.write_text(json.dumps(data), encoding="utf-8")
    return "strategies.json", "field strategies[3].summary"


def exercise_violation(folder: Path) -> tuple[str, str]:
    path = folder / "en-US" / "exercises.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["exercises"][0]["close"]
    path.write_text(json.dumps(data), encoding="utf-8")
    return "exercises.json", "field exercises[0]"


BREAKAGES = [invalid_json, schema_violation, exercise_violation]


@pytest.fixture
def broken_package(tmp_path, request):
    """A copy of the package whose content is broken by `request.param`."""
    copy = tmp_path / "lambda"
    shutil.copytree(LAMBDA_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    file, field = request.param(copy / "trust_coach" / "content")
    return copy, file, field


def run_cli(package: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(package), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
    }
    environment.pop("TABLE_NAME", None)
    return subprocess.run(
        [sys.executable, "-m", "trust_coach_tools.cli", *args],
        input="what are the strategies\nstop\n",
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def assert_refused_to_start(result: subprocess.CompletedProcess[str], file: str, field: str):
    assert result.returncode == 2, result.stderr
    assert "trust-coach cannot start" in result.stderr
    assert file in result.stderr and field in result.stderr
    assert "Traceback" not in result.stderr
    assert "Trust Coach endpoint on" not in result.stdout  # never listened
    assert "Alexa:" not in result.stdout  # never answered


@pytest.mark.parametrize("broken_package", BREAKAGES, indirect=True)
def test_serve_does_not_start_on_broken_content(broken_package, tmp_path):
    package, file, field = broken_package
    result = run_cli(package, tmp_path, "serve", "--port", "0", "--insecure-skip-verification")
    assert_refused_to_start(result, file, field)


@pytest.mark.parametrize("broken_package", BREAKAGES, indirect=True)
def test_chat_does_not_start_on_broken_content(broken_package, tmp_path):
    package, file, field = broken_package
    assert_refused_to_start(run_cli(package, tmp_path, "chat", "--new-user"), file, field)


@pytest.fixture
def fresh_caches():
    catalog_for.cache_clear()
    library_for.cache_clear()
    yield
    catalog_for.cache_clear()
    library_for.cache_clear()


@pytest.mark.filterwarnings("ignore:No application metrics to publish")
@pytest.mark.parametrize("breakage", BREAKAGES)
def test_lambdas_first_request_fails_naming_the_file_and_field(
    breakage, tmp_path, monkeypatch, fresh_caches, package_logger_restored, store
):
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    file, field = breakage(copy)
    monkeypatch.setattr(content, "CONTENT_DIR", copy)
    monkeypatch.setattr(content, "SCHEMA_DIR", copy / "schemas")
    monkeypatch.setattr(app, "_skill", app.build_skill(store=store, skill_id=None))
    monkeypatch.setattr(app, "_lambda_entry", None)
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", f"trust-coach-{uuid.uuid4().hex[:8]}")
    device = Device(lambda event: app.lambda_handler(event, None))
    with pytest.raises(ContentError) as failure:
        device.launch()
    assert file in str(failure.value) and field in str(failure.value)
