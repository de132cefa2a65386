"""The English locales: each has content and a model, local spelling, and its own crisis lines."""

import json
from pathlib import Path

import pytest

from trust_coach.content import catalog_for, supported_locales
from trust_coach.speech import readable
from trust_coach.spelling import respell, respell_text
from trust_coach_tools.device import Device
from trust_coach_tools.locale_models import localized_model, spelling_words, stale_models
from trust_coach_tools.nlu import Understanding

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]

# Checked against each country's services (see the locale's safety.json): the emergency
# number, then one line for thoughts of self-harm and one for someone hurting or scaring you.
CRISIS_LINES = {
    "en-US": ("911", ["988", "1-800-799-7233"]),
    "en-GB": ("999", ["116 123", "0808 2000 247"]),
    "en-CA": ("911", ["988", "211"]),
    "en-AU": ("000", ["13 11 14", "1800 737 732"]),
    "en-IN": ("112", ["14416", "181"]),
}


def telephone(number):
    return f'<say-as interpret-as="telephone">{number}</say-as>'


def test_every_english_locale_has_content_and_a_model():
    assert supported_locales() == LOCALES
    assert sorted(p.stem for p in (ROOT / "interaction_model").glob("*.json")) == LOCALES


def test_committed_locale_models_are_generated_from_en_us():
    assert stale_models() == [], "run `trust-coach locale-models` (or make locale-models)"


def test_a_locale_model_takes_local_spelling_in_samples_and_keeps_slot_ids():
    base = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "trust coach",
                "intents": [
                    {"name": "A", "samples": ["find me a counselor", "my favorite tip"]},
                    {"name": "B", "samples": ["what can you practice", "I realize that"]},
                ],
                "types": [
                    {
                        "name": "T",
                        "values": [{"id": "x", "name": {"value": "behavior", "synonyms": ["mom"]}}],
                    }
                ],
            }
        }
    }
    model = localized_model(base, spelling_words("en-GB"))["interactionModel"]["languageModel"]
    assert model["intents"][0]["samples"] == ["find me a counsellor", "my favourite tip"]
    assert model["intents"][1]["samples"] == ["what can you practise", "I realise that"]
    value = model["types"][0]["values"][0]
    assert value["id"] == "x" and value["name"]["value"] == "behavior"
    assert value["name"]["synonyms"] == ["mom", "behaviour", "mum"]
    canadian = localized_model(base, spelling_words("en-CA"))["interactionModel"]
    assert canadian["languageModel"]["intents"][1]["samples"][1] == "I realize that"
    assert base["interactionModel"]["languageModel"]["intents"][0]["samples"][0].endswith(
        "counselor"
    )


def test_respelling_keeps_case_whole_words_and_structure():
    words = spelling_words("en-GB")
    assert respell_text("Counselor, then a counselor.", words) == "Counsellor, then a counsellor."
    assert respell_text("momentum and a recenter", words) == "momentum and a recenter"
    data = {"id": "mom", "items": [{"text": "Call mom"}, 3]}
    assert respell(data, words) == {"id": "mom", "items": [{"text": "Call mum"}, 3]}


@pytest.mark.parametrize(
    ("locale", "says", "not_says"),
    [
        ("en-US", ["counselor", "while you practice"], ["counsellor", "practise"]),
        ("en-GB", ["counsellor", "while you practise"], ["counselor"]),
        ("en-CA", ["counsellor", "while you practise"], ["counselor"]),
        ("en-AU", ["counsellor", "while you practise"], ["counselor"]),
        ("en-IN", ["counsellor", "while you practise"], ["counselor"]),
    ],
)
def test_content_uses_the_locales_spelling(locale, says, not_says):
    text = json.dumps(catalog_for(locale).files)
    for word in says:
        assert word in text
    for word in not_says:
        assert word not in text


@pytest.mark.parametrize("locale", LOCALES)
def test_safety_content_has_the_countrys_numbers(locale):
    safety = catalog_for(locale).safety
    emergency, hotlines = CRISIS_LINES[locale]
    assert safety["emergency_number"] == emergency
    assert [line["number"] for line in safety["hotlines"]] == hotlines


@pytest.mark.parametrize("locale", LOCALES)
def test_a_call_for_help_is_understood_in_every_locale(locale):
    understanding = Understanding.for_locale(locale)
    for said in ("I don't feel safe at home", "my partner hits me", "I want to die"):
        assert understanding.resolve(said).intent == "CrisisIntent", said


# GIVEN someone in any English locale WHEN they talk to the skill
@pytest.mark.parametrize("locale", LOCALES)
def test_a_conversation_in_every_locale(make_device, locale):
    catalog = catalog_for(locale)
    understanding = Understanding.for_locale(locale)
    device: Device = make_device(locale=locale)

    def say(text):
        match = understanding.resolve(text)
        device.intent(match.intent, slots=match.slots)
        return readable(device.ssml)

    device.launch()
    assert "not a substitute" in readable(device.ssml)
    assert all(s.name in say("list the strategies") for s in catalog.strategies)
    assert catalog.strategy(6).summary[:40] in say("tell me about forgiveness")
    assert catalog.strategy(6).more[:40] in say("tell me more")
    assert any(t.text in say("today's tip") for t in catalog.tips)

    # THEN a call for help gets that country's numbers, read digit by digit, and no coaching
    answer = say("I don't feel safe at home")
    emergency, hotlines = CRISIS_LINES[locale]
    assert telephone(emergency) in device.ssml
    for number in hotlines:
        assert telephone(number) in device.ssml
    others = {n for loc, (e, h) in CRISIS_LINES.items() if loc != locale for n in (e, *h)}
    for number in others - {emergency, *hotlines}:
        assert telephone(number) not in device.ssml, number
    assert catalog.strategy(6).name not in answer
    assert emergency in say("yes")  # repeats the numbers
    say("no")
    assert not device.session_open


def test_unknown_locale_falls_back_to_us_english(make_device):
    device = make_device(locale="en-NZ")
    device.launch()
    assert "not a substitute" in readable(device.ssml)
    device.intent("CrisisIntent")
    assert telephone("911") in device.ssml
