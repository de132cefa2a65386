"""The endpoint's dependency floors leave out releases with known vulnerabilities, and what is
installed meets them."""

from __future__ import annotations

import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def web_requirements() -> dict[str, Requirement]:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    requirements = (Requirement(text) for text in project["optional-dependencies"]["web"])
    return {requirement.name: requirement for requirement in requirements}


@pytest.mark.parametrize(
    ("package", "refused", "allowed"),
    [
        # 3.0.1 fixes CVE-2024-49769 (a client that closes early leaves its socket behind:
        # denial of service) and CVE-2024-49768 (a race in pipelined requests).
        ("waitress", ["3.0.0", "2.1.2"], ["3.0.1", "3.0.2"]),
        # Mozilla's bundle as certifi packages it: 2024.7.4 drops GLOBALTRUST
        # (CVE-2024-39689); the floor keeps within about a year of root-store changes.
        ("certifi", ["2024.7.4", "2025.11.12"], ["2026.1.4"]),
    ],
)
def test_floors_leave_out_vulnerable_releases(package, refused, allowed):
    specifier = web_requirements()[package].specifier
    assert not [v for v in refused if specifier.contains(v)]
    assert all(specifier.contains(v) for v in allowed)


@pytest.mark.parametrize("package", ["waitress", "certifi", "flask-ask-sdk", "cryptography"])
def test_what_is_installed_meets_the_floor(package):
    assert web_requirements()[package].specifier.contains(version(package), prereleases=True)
