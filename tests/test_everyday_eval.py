"""Understood the way people talk: everyday phrasings, written apart from the grammar, land on
the intent and slot values their authors meant, through the console's resolver.

The console matches the model's samples exactly (case, punctuation and apostrophes folded;
wake word, hesitations and the skill's name in a one-shot request left out, as Alexa does),
so these figures are the floor: Alexa's own language understanding generalises further.
"""

from __future__ import annotations

import json
import re

import yaml
from everyday_eval import DATA, phrasings, score

from trust_coach_tools.grammar import GRAMMAR_PATH as GRAMMAR
from trust_coach_tools.nlu import Understanding, fold

GOAL = 0.90
HELDOUT = DATA.parent / "everyday_heldout.json"
THIRD = DATA.parent / "everyday_third.json"
FOURTH = DATA.parent / "everyday_fourth.json"


def _modelled(items):
    """The phrasings whose intent the model has: replies that need intents still to come
    (choosing for the user, thanks, "I'm done", "something else") are counted once they exist."""
    intents = set(Understanding.for_locale("en-US").intents)
    return [item for item in items if item["intent"] in intents]


def _report(result) -> str:
    lines = [f"{result.share:.1%} overall"]
    lines += [f"{name}: {result.right[name]}/{n}" for name, n in sorted(result.total.items())]
    return "\n".join(lines + [f"wrong: {w}" for w in result.wrong])


def test_everyday_phrasings_are_understood():
    result = score(_modelled(phrasings()))
    print(_report(result))
    assert result.share >= GOAL, _report(result)


def test_every_intent_in_the_set_is_understood_most_of_the_time():
    result = score(_modelled(phrasings()))
    for name, total in result.total.items():
        assert result.right[name] / total >= 0.75, (name, _report(result))


def test_the_held_out_set_is_measured():
    # First measured before the grammar learnt from it (220 of 330), then the grammar learnt the
    # patterns its misses showed (docs/voice-model.md): it is no longer unseen, and is held to
    # its tuned figure so the grammar never loses what it learnt.
    items = json.loads(HELDOUT.read_text(encoding="utf-8"))["phrasings"]
    result = score(_modelled(items))
    print(_report(result))
    assert result.share >= 0.98, _report(result)


def test_the_third_set_is_measured():
    # Written blind after the grammar had learnt from the first two sets; its first run through
    # the console's exact matcher, before the grammar learnt anything from it, was 250 of 420
    # (59.5%, docs/voice-model.md). It is now tuned: the grammar learnt the patterns its misses
    # showed and reaches 402 of 420 (95.7%), held here so it never gets worse; the next honest
    # figure needs a set the grammar has not learnt from.
    items = json.loads(THIRD.read_text(encoding="utf-8"))["phrasings"]
    result = score(_modelled(items))
    print(_report(result))
    assert result.share >= 0.957, _report(result)


# Requests that open like a statement ("I want", "I'd like", "I need", "I just want", "I can't
# decide", "I'll let you") belong to the request's intent, as fixed words win in Alexa's model;
# what someone says about their feelings or their partner with the same opening still reaches
# ShareIntent (and the danger screen) or CrisisIntent.
REQUESTS_WITH_A_STATEMENT_OPENING = {
    "I'd like to do box breathing": "BreathingIntent",
    "I just want today's tip": "DailyTipIntent",
    "I want to continue from last time": "ResumeIntent",
    "I'd like to learn about honesty": "StrategyIntent",
    "I can't decide, you pick": "ChooseForMeIntent",
    "I'll let you choose": "ChooseForMeIntent",
    "I need to let go of my guilt": "ForgivenessIntent",
    "I'd like to make a small promise to call my mum": "PromiseIntent",
}
STATEMENTS_WITH_A_REQUEST_OPENING = {
    "I want to die": "CrisisIntent",
    "I just want to end it all": "CrisisIntent",
    "I need help, he hits me": "ShareIntent",
    "I'd like him to stop hurting me": "ShareIntent",
    "I want to get away from him": "ShareIntent",
    "I can't decide if I should leave him": "ShareIntent",
    "I'll let you know he threatened me": "ShareIntent",
    "I'm tired of this": "ShareIntent",
}


def test_a_request_that_opens_like_a_statement_reaches_its_intent():
    understanding = Understanding.for_locale("en-US")
    heard = {text: understanding.resolve(text).intent for text in REQUESTS_WITH_A_STATEMENT_OPENING}
    assert heard == REQUESTS_WITH_A_STATEMENT_OPENING


def test_a_statement_that_opens_like_a_request_still_reaches_the_danger_screen():
    understanding = Understanding.for_locale("en-US")
    heard = {text: understanding.resolve(text).intent for text in STATEMENTS_WITH_A_REQUEST_OPENING}
    assert heard == STATEMENTS_WITH_A_REQUEST_OPENING


def test_the_fourth_set_is_measured():
    # Written blind in many voices after the grammar had learnt from the three other sets; its
    # first run was 244 of 420 (58.1%, docs/voice-model.md), the honest figure for phrasings
    # the grammar has not seen. Not learnt from; held to that figure.
    items = json.loads(FOURTH.read_text(encoding="utf-8"))["phrasings"]
    result = score(_modelled(items))
    print(_report(result))
    assert result.share >= 244 / 420, _report(result)


def test_no_phrasing_of_a_set_is_written_into_the_grammar_as_it_is():
    # The grammar learns patterns from a set's misses, never its phrases: a sample written
    # out whole (no alternatives, options, templates or slots) must be no phrasing of a set.
    grammar = yaml.safe_load(GRAMMAR.read_text(encoding="utf-8"))
    literal = {
        fold(sample): intent["name"]
        for intent in grammar["intents"]
        for sample in intent.get("samples") or []
        if not re.search(r"[(\[<{]", sample)
    }
    for data in (DATA, HELDOUT, THIRD, FOURTH):
        items = json.loads(data.read_text(encoding="utf-8"))["phrasings"]
        copied = [item["text"] for item in items if fold(item["text"]) in literal]
        assert not copied, (data.name, copied)
