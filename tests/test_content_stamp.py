"""The validation stamp: stamped content skips jsonschema at start-up, anything else is checked."""

from __future__ import annotations

import json
import shutil

import pytest

from trust_coach import content
from trust_coach.content import ContentError, catalog_for, stamp
from trust_coach_tools.cli import main


def test_stamp_matches_the_content_in_the_repository():
    # GIVEN every content file validated in full
    fingerprints = content.validate_all()
    # THEN the committed stamp records exactly that content
    assert stamp.stamp_is_current(content.CONTENT_DIR, fingerprints), (
        "content changed since it was stamped: run `trust-coach validate --stamp` and commit "
        "lambda/trust_coach/content/validated.json"
    )


def _copy(tmp_path, monkeypatch):
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    monkeypatch.setattr(content, "CONTENT_DIR", copy)
    monkeypatch.setattr(content, "SCHEMA_DIR", copy / "schemas")
    return copy


def _count_validations(monkeypatch) -> list[str]:
    validated: list[str] = []
    real = content.validate_file

    def counting(path, data):
        validated.append(path.relative_to(content.CONTENT_DIR).as_posix())
        real(path, data)

    monkeypatch.setattr(content, "validate_file", counting)
    return validated


def test_stamped_content_loads_without_schema_validation(tmp_path, monkeypatch):
    # GIVEN the repository's content and its stamp
    _copy(tmp_path, monkeypatch)
    validated = _count_validations(monkeypatch)
    # WHEN a locale is loaded
    catalog = catalog_for.__wrapped__("en-GB")
    # THEN nothing went through jsonschema, and the words are there
    assert validated == []
    assert catalog.strategies and catalog.prompt("goodbye")


def test_a_file_edited_after_stamping_is_validated_in_full(tmp_path, monkeypatch):
    # GIVEN tips.json changed (still valid) after the stamp was written
    copy = _copy(tmp_path, monkeypatch)
    path = copy / "en-US" / "tips.json"
    data = json.loads(path.read_text())
    data["tips"][0]["text"] = data["tips"][0]["text"] + " Take your time."
    path.write_text(json.dumps(data))
    validated = _count_validations(monkeypatch)
    # WHEN the locale is loaded
    catalog = catalog_for.__wrapped__("en-US")
    # THEN exactly that file was validated, and its new words are used
    assert validated == ["en-US/tips.json"]
    assert catalog.tips[0].text.endswith("Take your time.")


def test_a_schema_edited_after_stamping_validates_its_files(tmp_path, monkeypatch):
    # GIVEN a schema that now demands a field the content lacks
    copy = _copy(tmp_path, monkeypatch)
    schema_path = copy / "schemas" / "safety.schema.json"
    schema = json.loads(schema_path.read_text())
    schema["required"] = [*schema.get("required", []), "never_there"]
    schema_path.write_text(json.dumps(schema))
    # THEN start-up stops, naming the file and the field
    with pytest.raises(ContentError, match=r"safety\.json: field .*never_there"):
        catalog_for.__wrapped__("en-US")


def test_without_a_stamp_everything_is_validated(tmp_path, monkeypatch):
    copy = _copy(tmp_path, monkeypatch)
    (copy / stamp.STAMP_FILE).unlink()
    validated = _count_validations(monkeypatch)
    catalog_for.__wrapped__("en-US")
    assert sorted(validated) == sorted(f"en-US/{p.name}" for p in (copy / "en-US").glob("*.json"))


def test_cli_writes_the_stamp_and_reports_a_stale_one(tmp_path, monkeypatch, capsys):
    # GIVEN a copy of the content whose stamp is gone
    copy = _copy(tmp_path, monkeypatch)
    (copy / stamp.STAMP_FILE).unlink()
    # WHEN validated without --stamp, THEN it passes but says the stamp is out of date
    assert main(["validate"]) == 0
    assert "validate --stamp" in capsys.readouterr().out
    # WHEN validated with --stamp, THEN the stamp is written and current
    assert main(["validate", "--stamp"]) == 0
    assert stamp.stamp_is_current(copy, content.validate_all())
    assert main(["validate"]) == 0
    assert "out of date" not in capsys.readouterr().out
