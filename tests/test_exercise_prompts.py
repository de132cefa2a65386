"""Every pause in an exercise asks to go on with the same words in its prompt and its reprompt.

A person who hears "say switch" and then, a few seconds later, "say next" does not know which
one works. The prompt's last sentence (the question the microphone opens on) and the reprompt
must name the same go-on words. Checked two ways: every variant of the content that is said
together, and every stop of every exercise run through the Lambda handler.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from exercise_runs import mid_exercise

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach_tools.device import Device, slot_payload

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
PROMPTS: dict[str, list[str]] = CATALOG.files["prompts"]
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
GO_ON = re.compile(r"\b(next|continue|switch|resume)\b", re.IGNORECASE)


def go_on_words(text: str) -> set[str]:
    return {word.lower() for word in GO_ON.findall(text)}


def last_sentence(text: str) -> str:
    """The question a response ends on: after its last pause, its last sentence."""
    text = readable(text).rsplit("]", 1)[-1]
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]
    return sentences[-1] if sentences else ""


# Content: every variant said together --------------------------------------------------------
# (prompt key, reprompt key) as `handlers/exercises.py` and `handlers/listening.py` pair them.
PAIRS = [
    ("exercise_step_prompt", "exercise_step_reprompt"),
    ("exercise_round_done", "exercise_round_done_reprompt"),
    ("exercise_timer_more", "exercise_timer_more_reprompt"),
    ("exercise_paused", "exercise_paused_reprompt"),
    ("exercise_fallback", "exercise_fallback_reprompt"),
    ("exercise_timer_instructions_after", "exercise_step_reprompt"),
    ("exercise_help_breathing", "exercise_help_reprompt"),
    ("exercise_help_reflection", "exercise_help_reprompt"),
    ("exercise_help_timer", "exercise_help_reprompt"),
]


@pytest.mark.parametrize(("prompt", "reprompt"), PAIRS, ids=[p for p, _ in PAIRS])
def test_every_variant_of_a_prompt_and_its_reprompt_name_the_same_go_on_words(prompt, reprompt):
    for said in PROMPTS[prompt]:
        for again in PROMPTS[reprompt]:
            asked = go_on_words(last_sentence(said))
            assert asked == go_on_words(again), (said, again)


@pytest.mark.parametrize("exercise", LIBRARY.exercises, ids=lambda e: e.id)
def test_every_step_that_waits_asks_to_go_on_the_way_its_reprompt_does(exercise):
    for step in exercise.steps:
        if not step.wait:
            continue
        for said in [step.prompt] if step.prompt else PROMPTS["exercise_step_prompt"]:
            for again in PROMPTS["exercise_step_reprompt"]:
                assert go_on_words(said) == go_on_words(again), (exercise.id, said, again)


# Conversation: every stop of every exercise ----------------------------------------------
def start(device: Device, ident: str, longest: bool) -> None:
    """Start an exercise by name; `longest`: breathing at its most rounds, which a response
    break interrupts, and the timer's longest turn."""
    exercise = LIBRARY.get(ident)
    heard = exercise.name
    device.launch()
    if exercise.is_breathing:
        slots = {"pattern": slot_payload("pattern", heard, (ident, heard))}
        rounds = {"rounds": str(exercise.rounds_max)} if longest else {}
        device.intent("BreathingIntent", slots=slots, **rounds)
        return
    minutes = {"minutes": str(exercise.rounds_max // 60)} if exercise.is_timer and longest else {}
    slots = {"exercise": slot_payload("exercise", heard, (ident, heard))}
    if minutes:
        device.intent("ListeningIntent", **minutes)
        return
    device.intent("ExerciseIntent", slots=slots)


def assert_same_go_on_words(device: Device, where: str, named: bool = True) -> None:
    """`named`: the prompt names a go-on word (help instead asks "shall we go on?")."""
    asked = go_on_words(last_sentence(device.ssml))
    again = go_on_words(readable(device.reprompt_ssml))
    assert asked or not named, (where, readable(device.ssml))
    assert asked == again, (where, last_sentence(device.ssml), readable(device.reprompt_ssml))


RUNS = [(e, False) for e in LIBRARY.exercises] + [
    (e, True) for e in LIBRARY.exercises if e.is_breathing or e.is_timer
]


@pytest.mark.parametrize(
    ("exercise", "longest"), RUNS, ids=[e.id + ("-longest" if x else "") for e, x in RUNS]
)
def test_every_stop_of_a_run_asks_to_go_on_in_the_same_words_twice(device, exercise, longest):
    device.clock = START
    start(device, exercise.id, longest)
    stops = 0
    while mid_exercise(device):
        # Long after this response began: a pause holds nothing back to replay.
        device.clock += timedelta(minutes=15)
        assert_same_go_on_words(device, f"{exercise.id}: stop {stops}")
        # Side answers at this stop ask to go on the same way too.
        for intent in ("AMAZON.PauseIntent", "AMAZON.FallbackIntent", "AMAZON.HelpIntent"):
            device.intent(intent)
            named = intent != "AMAZON.HelpIntent"
            assert_same_go_on_words(device, f"{exercise.id}: {intent} at stop {stops}", named)
        if exercise.is_timer:
            device.intent("InstructionsIntent")
            assert_same_go_on_words(device, f"{exercise.id}: instructions at stop {stops}")
        device.intent("AMAZON.NextIntent")
        stops += 1
        assert stops < 40, "the run never ends"
    assert exercise.close in readable(device.ssml), readable(device.ssml)
