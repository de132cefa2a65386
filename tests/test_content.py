import json
import shutil

import pytest

from trust_coach import content
from trust_coach.content import ContentError, catalog_for, supported_locales


@pytest.mark.parametrize("locale", supported_locales())
def test_every_locale_loads_and_validates(locale):
    catalog = catalog_for.__wrapped__(locale)
    assert len(catalog.strategies) == 6
    assert [s.number for s in catalog.strategies] == [1, 2, 3, 4, 5, 6]
    assert len(catalog.tips) >= 31


@pytest.mark.parametrize("locale", supported_locales())
def test_summaries_take_twenty_to_forty_five_seconds_to_say(locale):
    words_per_second = 150 / 60  # Alexa's default speaking rate, roughly
    for strategy in catalog_for(locale).strategies:
        seconds = len(strategy.summary.split()) / words_per_second
        assert 20 <= seconds <= 45, (strategy.id, seconds)


@pytest.mark.parametrize("locale", supported_locales())
def test_sentences_are_short_enough_to_hear(locale):
    # Every spoken string in every file, not only the strategies: prompts, exercises, safety.
    files = {k: v for k, v in catalog_for(locale).files.items() if k not in ("danger", "spelling")}
    for text in _strings(files):
        for sentence in text.replace("?", ".").replace("!", ".").split("."):
            assert len(sentence.split()) <= 30, sentence


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("locale", supported_locales())
def test_every_tip_belongs_to_a_strategy_and_ids_are_unique(locale):
    catalog = catalog_for(locale)
    ids = {s.id for s in catalog.strategies}
    assert all(t.strategy in ids for t in catalog.tips)
    assert len({t.id for t in catalog.tips}) == len(catalog.tips)


@pytest.mark.parametrize("locale", supported_locales())
def test_often_heard_prompts_have_variants(locale):
    catalog = catalog_for(locale)
    for key in ("welcome_back", "goodbye", "tip_intro", "strategy_follow_up", "fallback_top"):
        assert len(catalog.files["prompts"][key]) >= 2, key


@pytest.mark.parametrize("locale", supported_locales())
def test_no_exclamation_marks_or_should(locale):
    raw = json.dumps(catalog_for(locale).files)
    assert "!" not in raw
    assert "you should" not in raw.lower()


def _broken_copy(tmp_path, monkeypatch, edit):
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    edit(copy)
    monkeypatch.setattr(content, "CONTENT_DIR", copy)
    monkeypatch.setattr(content, "SCHEMA_DIR", copy / "schemas")
    return copy


def test_invalid_json_names_the_file(tmp_path, monkeypatch):
    def edit(copy):
        (copy / "en-US" / "tips.json").write_text("{ not json")

    _broken_copy(tmp_path, monkeypatch, edit)
    with pytest.raises(ContentError, match=r"tips\.json: not valid JSON at line 1"):
        catalog_for.__wrapped__("en-US")


def test_schema_violation_names_the_file_and_field(tmp_path, monkeypatch):
    def edit(copy):
        path = copy / "en-US" / "strategies.json"
        data = json.loads(path.read_text())
        del data["strategies"][2]["question"]
        data["strategies"][4]["summary"] = "too short"
        path.write_text(json.dumps(data))

    _broken_copy(tmp_path, monkeypatch, edit)
    with pytest.raises(ContentError, match=r"strategies\.json: field strategies\[2\]"):
        catalog_for.__wrapped__("en-US")


def test_missing_prompt_stops_start_up(tmp_path, monkeypatch):
    def edit(copy):
        path = copy / "en-US" / "prompts.json"
        data = json.loads(path.read_text())
        del data["goodbye"]
        path.write_text(json.dumps(data))

    _broken_copy(tmp_path, monkeypatch, edit)
    with pytest.raises(ContentError, match="goodbye"):
        catalog_for.__wrapped__("en-US")


def test_cli_validate_reports_broken_content(tmp_path, monkeypatch, capsys):
    from trust_coach_tools.cli import main

    def edit(copy):
        (copy / "en-US" / "safety.json").write_text("[]")

    _broken_copy(tmp_path, monkeypatch, edit)
    assert main(["validate"]) == 1
    assert "safety.json" in capsys.readouterr().err
