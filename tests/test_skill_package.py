"""The skill manifest and the ASK CLI v2 package assembled from it and the models."""

import json
import re
from pathlib import Path

import pytest

from trust_coach.content import supported_locales
from trust_coach.handlers import request_handlers
from trust_coach_tools import locale_models
from trust_coach_tools.cli import main
from trust_coach_tools.nlu import Understanding
from trust_coach_tools.skill_package import (
    ENDPOINT_PLACEHOLDER,
    MANIFEST_PATH,
    PackageError,
    assemble,
    manifest_locales,
)

ROOT = Path(__file__).resolve().parents[1]
ARN = "arn:aws:lambda:us-east-1:123456789012:function:trust-coach-TrustCoachFunction-AbC123"
SKILL = "amzn1.ask.skill.0a1b2c3d-0000-4e5f-9a8b-1234567890ab"
COUNTRY = {"en-US": "US", "en-GB": "GB", "en-CA": "CA", "en-AU": "AU", "en-IN": "IN"}


def manifest():
    return json.loads(MANIFEST_PATH.read_text())["manifest"]


def handled_intents():
    return {i for h in request_handlers() for i in getattr(h, "intents", ())}


def test_manifest_covers_every_locale_and_its_country():
    locales = set(manifest()["publishingInformation"]["locales"])
    assert locales == set(supported_locales())
    countries = set(manifest()["publishingInformation"]["distributionCountries"])
    assert countries == {COUNTRY[locale] for locale in locales}


@pytest.mark.parametrize("locale", sorted(COUNTRY))
def test_store_listing_says_what_it_is_and_is_not(locale):
    info = manifest()["publishingInformation"]["locales"][locale]
    assert info["name"] == "Trust Coach"
    assert len(info["summary"]) <= 160
    assert "not a substitute for professional help" in info["summary"].lower()
    assert "not a substitute for professional help" in info["description"]
    assert len(info["description"]) <= 4000
    assert 1 <= len(info["examplePhrases"]) <= 3
    assert info["examplePhrases"][0] == "Alexa, open trust coach"


def _heard_after_invocation(phrase, invocation):
    """What Alexa hands the skill for a one-shot phrase: the words after the invocation."""
    match = re.fullmatch(
        rf"Alexa, (?:(open|start|launch) {invocation}|(?:ask|tell) {invocation} "
        r"(?:to |for |about |that )?(?P<rest>.+))",
        phrase,
    )
    assert match, f"not an invocation of {invocation}: {phrase}"
    return match.group("rest")


@pytest.mark.parametrize("locale", sorted(COUNTRY))
def test_example_phrases_really_parse_against_the_model(locale):
    model = json.loads((ROOT / "interaction_model" / f"{locale}.json").read_text())
    invocation = model["interactionModel"]["languageModel"]["invocationName"]
    understanding = Understanding.for_locale(locale)
    intents = []
    for phrase in manifest()["publishingInformation"]["locales"][locale]["examplePhrases"]:
        rest = _heard_after_invocation(phrase, invocation)
        if rest is None:
            intents.append("LaunchRequest")
            continue
        match = understanding.resolve(rest)
        assert match.intent in handled_intents() - {"AMAZON.FallbackIntent"}, phrase
        intents.append(match.intent)
    assert intents == ["LaunchRequest", "DailyTipIntent", "ListStrategiesIntent"]


def test_privacy_answers_events_and_endpoint_placeholders():
    privacy = manifest()["privacyAndCompliance"]
    for answer in ("allowsPurchases", "usesPersonalInfo", "isChildDirected", "containsAds"):
        assert privacy[answer] is False, answer
    assert privacy["isExportCompliant"] is True
    assert manifest()["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert manifest()["apis"]["custom"]["endpoint"]["uri"] == ENDPOINT_PLACEHOLDER
    assert manifest()["events"]["endpoint"]["uri"] == ENDPOINT_PLACEHOLDER
    assert manifest()["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


def test_skill_personalization_and_the_speakers_given_name_are_asked_for():
    # alexa::person_id:read turns skill personalization on (context.System.person); the
    # given name is person-level, read from the person profile API for the welcome.
    names = [permission["name"] for permission in manifest()["permissions"]]
    assert "alexa::person_id:read" in names
    assert "alexa::profile:given_name:read" in names
    assert len(names) == len(set(names))


def test_assemble_writes_an_ask_cli_project(tmp_path):
    out = assemble(ARN, tmp_path / "ask", skill_id=SKILL)
    package = out / "skill-package"
    built = json.loads((package / "skill.json").read_text())["manifest"]
    assert built["apis"]["custom"]["endpoint"]["uri"] == ARN
    assert built["events"]["endpoint"]["uri"] == ARN
    assert ENDPOINT_PLACEHOLDER not in (package / "skill.json").read_text()
    for locale in manifest_locales({"manifest": built}):
        copied = package / "interactionModels" / "custom" / f"{locale}.json"
        assert copied.read_text() == (ROOT / "interaction_model" / f"{locale}.json").read_text()
    resources = json.loads((out / "ask-resources.json").read_text())
    assert resources["profiles"]["default"]["skillMetadata"]["src"] == "./skill-package"
    states = json.loads((out / ".ask" / "ask-states.json").read_text())
    assert states["profiles"]["default"]["skillId"] == SKILL


def test_assemble_replaces_an_old_package_and_keeps_ask_state(tmp_path):
    out = tmp_path / "ask"
    stale = out / "skill-package" / "interactionModels" / "custom" / "de-DE.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}")
    assemble(ARN, out, skill_id=SKILL)
    assemble(ARN, out)  # without a skill id: what `ask deploy` recorded stays
    assert not stale.exists()
    assert (out / ".ask" / "ask-states.json").exists()


@pytest.mark.parametrize(
    "arn",
    ["", "${FunctionArn}", "arn:aws:lambda:us-east-1:123:function:x", "trust-coach-function"],
)
def test_a_wrong_function_arn_is_refused(tmp_path, arn):
    with pytest.raises(PackageError, match="not a Lambda function ARN"):
        assemble(arn, tmp_path)


def test_a_wrong_skill_id_is_refused(tmp_path):
    with pytest.raises(PackageError, match="not an Alexa skill ID"):
        assemble(ARN, tmp_path, skill_id="my-skill")


def test_manifest_and_models_must_cover_the_same_locales(tmp_path):
    models = tmp_path / "models"
    models.mkdir()
    (models / "en-US.json").write_text("{}")
    with pytest.raises(PackageError, match="differ from interaction models"):
        assemble(ARN, tmp_path / "out", model_dir=models)


def test_cli_package_writes_the_project(tmp_path, capsys):
    assert main(["package", "--function-arn", ARN, "--out", str(tmp_path)]) == 0
    assert "ask deploy" in capsys.readouterr().out
    assert (tmp_path / "skill-package" / "skill.json").exists()


def test_cli_package_refuses_stale_models_and_bad_arns(tmp_path, capsys, monkeypatch):
    assert main(["package", "--function-arn", "nope", "--out", str(tmp_path)]) == 1
    assert "not a Lambda function ARN" in capsys.readouterr().err
    monkeypatch.setattr(locale_models, "stale_models", lambda: ["en-GB"])
    assert main(["package", "--function-arn", ARN, "--out", str(tmp_path)]) == 1
    assert "en-GB" in capsys.readouterr().err


@pytest.mark.slow  # regenerates every locale's model
def test_cli_locale_models_check_reports_and_regenerates(tmp_path, monkeypatch, capsys):
    models = tmp_path / "interaction_model"
    models.mkdir()
    (models / "en-US.json").write_text((ROOT / "interaction_model" / "en-US.json").read_text())
    monkeypatch.setattr(locale_models, "MODEL_DIR", models)
    assert main(["locale-models", "--check"]) == 1
    assert "en-GB: out of date" in capsys.readouterr().err
    assert main(["locale-models"]) == 0
    assert sorted(p.stem for p in models.glob("*.json")) == sorted(supported_locales())
    assert main(["locale-models", "--check"]) == 0
