"""The danger screen reads phrases, not words: promises that mean harm are refused, and
everyday promises that only sound violent ("stop hitting snooze") are kept. The tables were
written apart from the screen (tests/data/)."""

from __future__ import annotations

import pytest
from danger_eval import phrases, promise_phrases

from trust_coach.content import catalog_for
from trust_coach.danger import sounds_unsafe

CATALOG = catalog_for("en-US")
HARMFUL = promise_phrases("harmful")
ORDINARY = promise_phrases("ordinary")


def test_the_tables_are_large_enough_to_prove_both_sides():
    assert len(HARMFUL) >= 40 and len(ORDINARY) >= 40


@pytest.mark.parametrize("words", HARMFUL)
def test_a_harmful_promise_is_refused(words):
    assert sounds_unsafe(CATALOG, words)


@pytest.mark.parametrize("words", ORDINARY)
def test_an_ordinary_promise_is_kept(words):
    assert not sounds_unsafe(CATALOG, words)


@pytest.mark.parametrize(
    "words",
    [
        "I promise to stop hitting snooze so we can have breakfast together",
        "tell him he hurt my feelings",
        "kill time before dinner",
        "take my vitamins",
    ],
)
def test_the_issues_own_ordinary_examples_pass(words):
    assert not sounds_unsafe(CATALOG, words)


@pytest.mark.parametrize("text", ["", "   ", None, "!!!", "a" * 5000])
def test_empty_or_odd_text_is_not_danger(text):
    assert not sounds_unsafe(CATALOG, text)


@pytest.mark.parametrize("text", [p["text"] for p in phrases("ordinary")])
def test_ordinary_sad_or_angry_words_pass_the_screen_whole(text):
    # However Alexa splits them into carrier and slot, these words are not danger.
    assert not sounds_unsafe(CATALOG, text)
