"""The interaction model and the handlers agree, and the model has no ambiguities."""

import json
import re
from pathlib import Path

import pytest

from trust_coach.content import catalog_for
from trust_coach.handlers import request_handlers
from trust_coach_tools.nlu import fold

MODEL_DIR = Path(__file__).resolve().parents[1] / "interaction_model"
MODELS = sorted(MODEL_DIR.glob("*.json"))
REQUIRED_BUILTINS = {
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
}  # fmt: skip


def language(path):
    return json.loads(path.read_text())["interactionModel"]["languageModel"]


def handled_intents():
    names = set()
    for handler in request_handlers():
        names |= set(getattr(handler, "intents", ()))
    return names


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_invocation_name(path):
    assert language(path)["invocationName"] == "trust coach"


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_intent_has_a_handler_and_every_handler_an_intent(path):
    in_model = {i["name"] for i in language(path)["intents"]}
    assert in_model >= REQUIRED_BUILTINS
    assert in_model == handled_intents()


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_custom_intents_have_fifteen_varied_samples(path):
    for intent in language(path)["intents"]:
        if not intent["name"].startswith("AMAZON."):
            samples = intent["samples"]
            assert len(samples) >= 15, intent["name"]
            folded = {fold(re.sub(r"\{\w+\}", " slot ", s)) for s in samples}
            assert len(folded) == len(samples), intent["name"]


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_no_sample_belongs_to_two_intents(path):
    owner = {}
    for intent in language(path)["intents"]:
        for sample in intent.get("samples", []):
            # A slot stays a word of its own: "emergency {words}" is not "emergency".
            key = fold(re.sub(r"\{\w+\}", " slot ", sample))
            assert owner.setdefault(key, intent["name"]) == intent["name"], sample


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_every_slot_in_a_sample_exists(path):
    model = language(path)
    types = {t["name"] for t in model.get("types", [])}
    for intent in model["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            for name in re.findall(r"\{(\w+)\}", sample):
                assert name in slots, (intent["name"], sample)
        for slot_type in slots.values():
            assert slot_type.startswith("AMAZON.") or slot_type in types


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_strategy_slot_covers_names_numbers_and_synonyms(path):
    model = language(path)
    strategy_type = next(t for t in model["types"] if t["name"] == "STRATEGY")
    spoken = {}
    for value in strategy_type["values"]:
        for word in (value["name"]["value"], *value["name"]["synonyms"]):
            assert spoken.setdefault(fold(word), value["id"]) == value["id"], word
    catalog = catalog_for(path.stem)
    for strategy in catalog.strategies:
        for word in (strategy.name, *strategy.synonyms, str(strategy.number)):
            assert spoken.get(fold(word)) == strategy.id, word
