"""The README is a front door and docs/ the references: what they name exists, and they agree.

Every `make` target and `trust-coach` command named in the README or in docs/ exists; every
relative link leads to a file; the README stays short, keeps the safety sentence and leads to
every reference; the deploy reference covers a deploy from start to end.
"""

import re
from pathlib import Path

import pytest

from trust_coach_tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = {"README.md": README} | {f"docs/{p.name}": p.read_text() for p in DOCS}
EVERYTHING = "\n".join(PAGES.values())
SAFETY = (
    "Trust Coach is not a substitute for professional help. If someone says they are in danger,\n"
    "it answers with hotlines and does not coach."
)


def makefile_targets():
    text = (ROOT / "Makefile").read_text()
    targets = set()
    for line in text.splitlines():
        match = re.match(r"^([a-z][a-z -]*):(?!=)", line)
        if match:
            targets |= set(match.group(1).split())
    return targets


@pytest.mark.parametrize("target", sorted(set(re.findall(r"`make ([a-z-]+)", EVERYTHING))))
def test_every_make_target_named_exists(target):
    assert target in makefile_targets()


@pytest.mark.parametrize("command", sorted(set(re.findall(r"trust-coach ([a-z-]+)", EVERYTHING))))
def test_every_trust_coach_command_named_exists(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert command in capsys.readouterr().out


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_relative_link_leads_to_a_file(page):
    folder = (ROOT / page).parent
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", PAGES[page]):
        if not target.startswith(("http://", "https://")):
            assert (folder / target).exists(), f"{page}: {target}"


def test_the_readme_is_a_front_door():
    assert len(README.splitlines()) <= 200
    assert SAFETY in README
    for command in ("make chat", "make test"):
        assert f"`{command}`" in README
    for page in DOCS:
        assert f"(docs/{page.name})" in README, f"the README does not lead to {page.name}"


def test_the_deploy_reference_covers_build_deploy_connect_snapstart_and_teardown():
    deploy = PAGES["docs/deploy.md"]
    for step in ("make build", "sam deploy --guided", "SkillId", "FunctionAliasArn", "ask deploy"):
        assert step in deploy, step
    assert "sam delete" in deploy
    assert "## SnapStart" in deploy and "worth its price" in deploy


def test_the_references_read_as_references_not_a_diary():
    for page, text in PAGES.items():
        for diary in ("The run before it", "minutes earlier", "Earlier figures"):
            assert diary not in text, f"{page}: {diary!r}"
