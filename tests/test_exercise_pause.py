"""An exercise spoken in one long response, cut short: the request's time says how far it got.

Alexa plays a response to its end unless the person speaks over it ("Alexa, pause", "Alexa,
stop", anything). Each test sets the device's clock to a moment inside the last response,
counted from when its guided part began playing (`spoken_at` in the session's place), the way
Alexa's request timestamps would fall.
"""

from datetime import UTC, datetime, timedelta

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device, slot_payload

LIBRARY = library_for(catalog_for("en-US"))
GENTLE = LIBRARY.get("gentle")
GROUNDING = LIBRARY.get("grounding")
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
BREATHE_IN = "Breathe in."


def said(device: Device) -> str:
    return readable(device.ssml)


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


def breathe(device: Device) -> None:
    """Gentle breathing, its six rounds in one response."""
    device.clock = START
    device.launch()
    device.intent("BreathingIntent")
    assert said(device).count(BREATHE_IN) == GENTLE.rounds_default


def into_the_guided_part(device: Device, seconds: float) -> None:
    """The next request comes `seconds` after the last response's guided part began."""
    spoken_at = device.attributes["place"]["spoken_at"]
    device.clock = datetime.fromtimestamp(spoken_at + seconds, UTC)


def in_round(number: int) -> float:
    """Halfway through a round of gentle breathing (numbered from one)."""
    return (number - 0.5) * GENTLE.round_seconds


def test_pause_partway_then_continue_resumes_at_the_round_in_progress(device, store):
    breathe(device)
    into_the_guided_part(device, in_round(3))
    device.intent("AMAZON.PauseIntent")
    assert "continue" in said(device).lower() and device.session_open
    device.clock += timedelta(minutes=2)
    device.intent("ResumeIntent")
    text = said(device)
    assert "round 3" in text and text.count(BREATHE_IN) == 4  # rounds three to six
    assert GENTLE.close in text
    device.end_session()  # after it was heard to its end
    assert stored(store, device).exercises_done == {"gentle": 1}


def test_a_pause_is_kept_for_a_later_visit(device, store):
    breathe(device)
    into_the_guided_part(device, in_round(4))
    device.intent("AMAZON.PauseIntent")
    device.end_session()
    progress = stored(store, device)
    assert progress.exercises_done == {}
    assert progress.exercise == {"id": "gentle", "rounds": 6, "step": 3}
    device.clock += timedelta(days=1)
    device.launch()
    assert GENTLE.name in said(device)
    device.intent("ResumeIntent")
    assert "round 4" in said(device) and said(device).count(BREATHE_IN) == 3


def test_stop_partway_does_not_count_the_exercise_and_keeps_the_place(device, store):
    breathe(device)
    into_the_guided_part(device, in_round(2))
    device.intent("AMAZON.StopIntent")
    assert not device.session_open
    progress = stored(store, device)
    assert progress.exercises_done == {} and progress.practice_days == []
    assert progress.exercise == {"id": "gentle", "rounds": 6, "step": 1}


def test_any_request_that_cuts_in_holds_the_place(device, store):
    # "Alexa, what's the weather?" mid-exercise: Alexa ends the skill's session.
    breathe(device)
    into_the_guided_part(device, in_round(5))
    device.end_session()
    assert stored(store, device).exercise == {"id": "gentle", "rounds": 6, "step": 4}


def test_heard_to_its_end_it_counts_once_and_there_is_nothing_to_resume(device, store):
    breathe(device)
    into_the_guided_part(device, GENTLE.guided_seconds() + 20)
    device.intent("AMAZON.PauseIntent")
    progress = stored(store, device)
    assert progress.exercises_done == {"gentle": 1} and progress.exercise is None
    device.intent("AMAZON.RepeatIntent")  # the close again: not counted again
    device.end_session()
    assert stored(store, device).exercises_done == {"gentle": 1}


def test_next_partway_goes_on_to_the_following_round(device):
    breathe(device)
    into_the_guided_part(device, in_round(2))
    device.intent("AMAZON.NextIntent")
    assert said(device).count(BREATHE_IN) == 4  # rounds three to six


def test_next_in_the_last_round_says_the_close_and_counts_it(device, store):
    breathe(device)
    into_the_guided_part(device, in_round(6))
    device.intent("AMAZON.NextIntent")
    assert GENTLE.close in said(device) and BREATHE_IN not in said(device)
    assert stored(store, device).exercises_done == {"gentle": 1}


def test_a_reflection_in_one_response_resumes_at_the_step_in_progress(device, store):
    device.clock = START
    device.launch()
    heard = GROUNDING.name
    slots = {"exercise": slot_payload("exercise", heard, ("grounding", heard))}
    device.intent("ExerciseIntent", slots=slots)
    segments = GROUNDING.segments()
    third_step = sum(segment.seconds for segment in segments[:2]) + 1
    into_the_guided_part(device, third_step)
    device.intent("AMAZON.PauseIntent")
    device.clock += timedelta(minutes=1)
    device.intent("AMAZON.ResumeIntent")
    text = said(device)
    assert "step 3" in text
    assert GROUNDING.steps[2].text in text and GROUNDING.steps[1].text not in text
    assert stored(store, device).exercise == {"id": "grounding", "rounds": 6, "step": 2}


def test_a_session_saved_before_this_change_is_not_counted_twice(device, store):
    # A place written when the last chunk was counted at once carries `done` and `spoken_at`.
    breathe(device)
    device.intent("AMAZON.RepeatIntent")  # heard: counted
    place = dict(device.attributes["place"], spoken_at=device.moment().timestamp())
    device.attributes["place"] = place
    device.intent("AMAZON.RepeatIntent")
    device.end_session()
    assert stored(store, device).exercises_done == {"gentle": 1}
