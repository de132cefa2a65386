"""The voice model is generated from the grammar people edit, within Alexa's limits, and the
template notation expands and matches as documented."""

from __future__ import annotations

import re

import pytest

from trust_coach.templates import TemplateError, Templates
from trust_coach_tools.grammar import (
    GRAMMAR_PATH,
    MAX_SAMPLE_CHARS,
    MODEL_PATH,
    GrammarError,
    expand,
    expected_model,
    read_grammar,
)


def test_the_committed_model_is_what_the_grammar_expands_to():
    assert MODEL_PATH.read_text(encoding="utf-8") == expected_model(), "run `make model`"


def test_every_sample_is_short_spelled_out_and_names_only_its_slots():
    model = expand(read_grammar(GRAMMAR_PATH))
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        slots = {s["name"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            assert len(sample) <= MAX_SAMPLE_CHARS and not re.search(r"\d", sample)
            assert set(re.findall(r"\{(\w+)\}", sample)) <= slots, sample


def test_the_crisis_intent_has_hundreds_of_samples_with_both_forms_of_contractions():
    model = expand(read_grammar(GRAMMAR_PATH))
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    samples = intents["CrisisIntent"]["samples"]
    assert len(samples) >= 500
    assert "I'm in danger" in samples and "I am in danger" in samples
    assert any(s.startswith("I don't") for s in samples)
    assert any(s.startswith("I do not") for s in samples)


def test_templates_expand_alternatives_options_and_named_parts():
    templates = Templates({"who": "(he|she)"})
    assert templates.expand("<who> [really] (hits|hurts) me") == [
        "he hits me", "he hurts me", "he really hits me", "he really hurts me",
        "she hits me", "she hurts me", "she really hits me", "she really hurts me",
    ]  # fmt: skip
    assert templates.count("<who> [really] (hits|hurts) me") == 8


def test_a_template_pattern_finds_the_phrase_inside_longer_text():
    pattern = re.compile("(?<= )" + Templates({"who": "(him|her)"}).pattern("hit <who>"))
    assert pattern.search(" i promise never to hit her again ")
    assert not pattern.search(" i promise to stop hitting snooze ")


@pytest.mark.parametrize(
    ("named", "template"),
    [({}, "(a|b"), ({}, "a ? b"), ({}, "<nobody>"), ({"x": "<x>"}, "<x>"), ({}, "a]")],
)
def test_a_broken_template_is_refused_with_a_reason(named, template):
    with pytest.raises(TemplateError):
        Templates(named).expand(template)


def test_a_grammar_over_the_limits_is_refused():
    grammar = {"invocation": "trust coach", "intents": [{"name": "X", "samples": ["a" * 300]}]}
    with pytest.raises(GrammarError, match="characters"):
        expand(grammar)
    grammar["intents"][0]["samples"] = ["I want five things"]
    expand(grammar)
    grammar["intents"][0]["samples"] = ["I want 5 things"]
    with pytest.raises(GrammarError, match="spelled out"):
        expand(grammar)
