"""An exercise for every strategy: the reflections added for issue 9, multi-turn through the
Lambda handler on the embedded store (every response checked against Alexa's limits by `send`).
"""

import pytest
from exercise_timing import total_break_seconds

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device, slot_payload

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)


def said(device: Device) -> str:
    return readable(device.ssml)


def exercise_slot(device: Device, ident: str, heard: str | None = None) -> dict:
    heard = heard or LIBRARY.get(ident).name
    slots = {"exercise": slot_payload("exercise", heard, (ident, heard))}
    return device.intent("ExerciseIntent", slots=slots)


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


@pytest.mark.parametrize(
    ("ident", "length"),
    [("underneath", "about 2 and a half minutes"), ("expectations", "about 2 minutes")],
)
def test_a_reflection_runs_step_by_step_says_its_length_first_and_closes(
    device, store, ident, length
):
    exercise = LIBRARY.get(ident)
    device.launch()
    exercise_slot(device, ident)
    text = said(device)
    assert text.index(length) < text.index(exercise.steps[0].text)
    waiting = [step for step in exercise.steps if step.wait]
    for number, step in enumerate(waiting, start=1):
        if number > 1:
            device.intent("AMAZON.NextIntent")
        assert step.text in said(device)
        assert total_break_seconds(device.ssml) >= step.silence
        assert "next" in said(device).lower() and device.session_open
    device.intent("AMAZON.NextIntent")
    text = said(device)
    assert exercise.steps[-1].text in text and exercise.close in text
    assert "!" not in text
    assert stored(store, device).exercises_done == {}  # counted once its end could be heard
    device.end_session()
    assert stored(store, device).exercises_done == {ident: 1}


def test_the_root_cause_reflection_asks_what_happened_reminded_and_feared(device):
    underneath = LIBRARY.get("underneath")
    texts = " ".join(step.text for step in underneath.steps)
    assert "what happened" in texts and "reminded you of" in texts and "feared" in texts
    assert 3 <= sum(step.wait for step in underneath.steps) <= 5
    assert "take with you" in underneath.steps[-1].text  # one sentence to take away


def test_the_expectations_check_in_has_three_questions_and_one_suggestion():
    check_in = LIBRARY.get("expectations")
    questions = [step for step in check_in.steps if "?" in step.text]
    assert len(questions) == 3 and all(step.wait for step in questions)
    assert "this week" in check_in.steps[-1].text and not check_in.steps[-1].wait


def test_grounding_flows_through_the_senses_in_one_turn_and_suggests_a_counselor(device, store):
    grounding = LIBRARY.get("grounding")
    device.launch()
    exercise_slot(device, "grounding")
    text = said(device)
    assert "about 2 minutes" in text
    positions = [text.index(step.text) for step in grounding.steps]
    assert positions == sorted(positions)  # five, four, three, two, one, in order
    for count, sense in [("five", "see"), ("four", "feel"), ("three", "hear"), ("two", "smell")]:
        assert f"{count} things you can {sense}" in text
    assert "one thing you can taste" in text
    assert "counselor" in text and grounding.close in text
    assert total_break_seconds(device.ssml) >= sum(step.silence for step in grounding.steps)
    device.end_session()  # after it was heard
    assert stored(store, device).exercises_done == {"grounding": 1}


@pytest.mark.parametrize("ident", ["underneath", "expectations"])
def test_a_reflection_can_be_paused_stopped_and_resumed_in_a_new_session(device, store, ident):
    exercise = LIBRARY.get(ident)
    device.launch()
    exercise_slot(device, ident, exercise.synonyms[0])
    device.intent("AMAZON.NextIntent")
    device.intent("AMAZON.PauseIntent")
    assert device.session_open and exercise.steps[2].text not in said(device)
    device.intent("AMAZON.ResumeIntent")
    assert exercise.steps[2].text in said(device)
    device.intent("AMAZON.StopIntent")
    assert not device.session_open
    steps = len(exercise.steps)
    assert stored(store, device).exercise == {"id": ident, "rounds": steps, "step": 2}
    device.launch()
    assert exercise.name in said(device)
    device.intent("ResumeIntent")
    assert "step 3" in said(device) and exercise.steps[2].text in said(device)


@pytest.mark.parametrize("ident", ["underneath", "expectations"])
def test_help_thinking_aloud_repeat_and_previous_keep_the_place(device, ident):
    exercise = LIBRARY.get(ident)
    device.launch()
    exercise_slot(device, ident)
    device.intent("AMAZON.NextIntent")
    device.intent("AMAZON.HelpIntent")
    assert f"step 2 of {len(exercise.steps)}" in said(device)
    device.intent("AMAZON.FallbackIntent")  # thinking aloud is not an error
    assert "sorry" not in said(device).lower()
    device.intent("AMAZON.RepeatIntent")
    assert exercise.steps[1].text in said(device)
    device.intent("AMAZON.PreviousIntent")
    assert exercise.steps[0].text in said(device)
    device.intent("CrisisIntent")
    assert "988" in said(device) and not any(s.text in said(device) for s in exercise.steps)


def test_grounding_can_be_repeated_or_started_over_after_it_closes(device, store):
    grounding = LIBRARY.get("grounding")
    device.launch()
    exercise_slot(device, "grounding")
    device.intent("AMAZON.RepeatIntent")
    assert grounding.close in said(device) and grounding.steps[0].text not in said(device)
    device.intent("AMAZON.StartOverIntent")
    assert grounding.steps[0].text in said(device) and grounding.close in said(device)
    device.intent("AMAZON.StopIntent")
    assert not device.session_open
    assert stored(store, device).exercises_done == {"grounding": 2}
