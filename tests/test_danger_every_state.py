"""Danger wins in every state: mid-exercise, during a yes/no question, inside a promise, at
the welcome. After the safety answer, "repeat" says the numbers again, "stop" ends kindly,
and what the crisis interrupted is dropped; nothing stored says a crisis happened.

Each test types what a person would say into the console's resolver, so the voice model,
the danger screen and the handlers are all on the path.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from danger_eval import is_safety_answer

from trust_coach import promises
from trust_coach.speech import readable
from trust_coach.state import Progress
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device, slot_payload
from trust_coach_tools.nlu import Understanding

UNDERSTANDING = Understanding.for_locale("en-US")
START = datetime(2026, 3, 2, 18, tzinfo=UTC)
DANGER = "my partner punched me again"


def say(device: Device, text: str) -> dict:
    match = UNDERSTANDING.resolve(text)
    return device.intent(match.intent, slots=match.slots)


def said(device: Device) -> str:
    return readable(device.ssml)


def stored(store, device: Device) -> Progress:
    return store.load(user_key(device.user_id))


def heard_the_numbers(device: Device) -> bool:
    return is_safety_answer(said(device)) and device.session_open


def exercise(device: Device, ident: str) -> dict:
    slots = {"exercise": slot_payload("exercise", ident, (ident, ident))}
    return device.intent("ExerciseIntent", slots=slots)


STATES = {
    "welcome": lambda d: d.launch(),
    "breathing": lambda d: (d.launch(), say(d, "a breathing exercise")),
    "forgiveness": lambda d: (d.launch(), say(d, "help me forgive"), say(d, "next")),
    "listening timer": lambda d: (d.launch(), exercise(d, "listening")),
    "grounding": lambda d: (d.launch(), exercise(d, "grounding"), say(d, "next")),
    "expectations check-in": lambda d: (d.launch(), exercise(d, "expectations")),
    "root cause": lambda d: (d.launch(), exercise(d, "underneath"), say(d, "next")),
    "asked for a promise": lambda d: (d.launch(), say(d, "make a promise")),
    "confirming a promise": lambda d: (
        d.launch(),
        say(d, "make a promise"),
        say(d, "I promise to call you at lunch"),
    ),
    "a yes or no question": lambda d: (d.launch(), say(d, "tell me strategy two")),
    "a paused exercise": lambda d: (d.launch(), say(d, "a breathing exercise"), say(d, "pause")),
    "a suggested exercise": lambda d: (d.launch(), say(d, "give me a trust exercise")),
    "asked whether to stop": lambda d: (d.launch(), say(d, "help me forgive"), say(d, "no")),
    "the menu after two misses": lambda d: (
        d.launch(),
        d.intent("AMAZON.FallbackIntent"),
        d.intent("AMAZON.FallbackIntent"),
    ),
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("words", [DANGER, "I want to end my life", "call the police"])
def test_danger_gets_the_safety_answer_in_every_state(device, state, words):
    device.clock = START
    STATES[state](device)
    assert device.session_open
    say(device, words)
    assert heard_the_numbers(device), (state, said(device))


@pytest.mark.parametrize(
    "words",
    ["I promise to hurt him", "I promise to take all my pills", "I'm going to take all my pills"],
)
def test_a_harmful_promise_is_never_said_back_kept_or_praised(device, store, words):
    device.launch()
    say(device, "make a promise")
    say(device, words)
    assert heard_the_numbers(device)
    assert "pills" not in said(device) and "hurt him" not in said(device)
    say(device, "yes")  # a yes now repeats the numbers; it keeps nothing
    assert heard_the_numbers(device)
    assert promises.promises(stored(store, device)) == []


def test_after_the_numbers_repeat_says_them_again_and_stop_ends_kindly(device):
    device.launch()
    say(device, DANGER)
    say(device, "repeat")
    assert heard_the_numbers(device)
    assert "sorry you're going through" not in said(device)  # the numbers, not the preamble
    say(device, "stop")
    assert not device.session_open
    assert "reach out" in said(device)


def test_no_to_repeating_the_numbers_ends_kindly(device):
    device.launch()
    say(device, DANGER)
    say(device, "no")
    assert not device.session_open and "reach out" in said(device)


def test_the_interrupted_exercise_is_dropped_and_not_offered_next_visit(device, store):
    device.clock = START
    STATES["forgiveness"](device)
    say(device, "next")
    say(device, "he hits me")
    assert heard_the_numbers(device)
    say(device, "stop")
    assert stored(store, device).exercise is None
    device.clock = START + timedelta(days=1)
    device.launch()
    assert "partway" not in said(device) and "forgiv" not in said(device).lower()
    say(device, "continue")
    assert "forgiveness reflection" not in said(device)


def test_nothing_stored_says_a_crisis_happened(device, store):
    device.clock = START
    device.launch()
    before = stored(store, device)
    say(device, "I want to end my life")
    say(device, "stop")
    after = stored(store, device)
    record = json.dumps(after.to_dict()).lower()
    assert not any(word in record for word in ("crisis", "safety", "danger", "end my life"))
    assert after.exercises_done == before.exercises_done
    assert after.practice_days == before.practice_days


def test_a_stored_promise_that_fails_todays_screen_is_dropped_not_followed_up(device, store):
    device.clock = START
    device.launch()
    key = user_key(device.user_id)
    progress = stored(store, device)
    promises.make(progress, "buy a gun for when he comes home", START.date().isoformat())
    promises.make(progress, "text you when I'm late", START.date().isoformat())
    store.save(key, progress)  # as an older version of the skill would have kept them
    device.clock = START + timedelta(days=2)
    device.launch()
    assert "gun" not in said(device)
    assert [p.text for p in promises.promises(stored(store, device))] == ["text you when I'm late"]


@pytest.mark.parametrize(
    "words", ["help me forgive him for hitting me", "how do I forgive her for choking me"]
)
def test_forgiving_someone_for_harm_gets_the_safety_answer_not_the_reflection(device, words):
    device.launch()
    say(device, words)
    assert heard_the_numbers(device)
    assert "forgiveness reflection" not in said(device)


def test_the_forgiveness_reflection_opens_with_safety_first(device):
    device.launch()
    say(device, "help me forgive my partner")
    text = said(device).lower()
    assert "never means" in text and "hurts or frightens you" in text


def test_ordinary_hurt_is_acknowledged_without_echo_or_hotlines(device):
    device.launch()
    say(device, "he lied to me about where he was")
    text = said(device)
    assert not is_safety_answer(text)
    assert "lied" not in text and "thank you" in text.lower()
    say(device, "yes")
    assert "breath" in said(device).lower()


@pytest.mark.parametrize(
    "words", ["call the police", "can you call an ambulance for me", "please call nine one one"]
)
def test_asked_to_call_for_help_the_skill_says_it_cannot_and_gives_the_numbers(device, words):
    device.launch()
    say(device, words)
    assert heard_the_numbers(device)
    assert "can't make phone calls" in said(device)
