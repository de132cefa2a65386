"""The README's commands exist: every `make` target and `trust-coach` command it names."""

import re
from pathlib import Path

import pytest

from trust_coach_tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def makefile_targets():
    text = (ROOT / "Makefile").read_text()
    targets = set()
    for line in text.splitlines():
        match = re.match(r"^([a-z][a-z -]*):(?!=)", line)
        if match:
            targets |= set(match.group(1).split())
    return targets


@pytest.mark.parametrize("target", sorted(set(re.findall(r"`make ([a-z-]+)", README))))
def test_every_make_target_in_the_readme_exists(target):
    assert target in makefile_targets()


@pytest.mark.parametrize("command", sorted(set(re.findall(r"trust-coach ([a-z-]+)", README))))
def test_every_trust_coach_command_in_the_readme_exists(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert command in capsys.readouterr().out


def test_deploy_section_covers_build_deploy_connect_and_teardown():
    deploy = README.split("## Deploy", 1)[1]
    for step in ("make build", "sam deploy --guided", "SkillId", "ask deploy", "sam delete"):
        assert step in deploy, step
