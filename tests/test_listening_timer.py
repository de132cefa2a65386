"""The couples' listening timer, multi-turn through the Lambda handler on the embedded store.

Every response goes through `send`, which checks it against Alexa's limits. Turn lengths are
read back from the SSML the skill sends, the way the breathing tests read phases.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from exercise_timing import total_break_seconds

from trust_coach.content import CONTENT_DIR, catalog_for
from trust_coach.exercises import (
    MAX_TIMED_SECONDS_PER_RESPONSE,
    Library,
    chunk_end,
    library_for,
)
from trust_coach.speech import MAX_AUDIO_SECONDS, Speech, check_ssml, readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
TIMER = LIBRARY.get("listening")
START = datetime(2026, 3, 2, 20, tzinfo=UTC)
FIRST_TURN, REFLECT, SECOND_TURN = TIMER.steps[1].text, TIMER.steps[2].text, TIMER.steps[3].text


def said(device: Device) -> str:
    return readable(device.ssml)


def turn_seconds(ssml: str, opening: str) -> float:
    """The silence between a turn's opening words and the chime that ends it."""
    after = ssml.split(opening, 1)[1]
    assert after.count("<audio ") == 1, "one chime ends the turn"
    silence = after.split("<audio ", 1)[0]
    assert not readable(silence).replace("[pause", "").strip(" 0123456789.s]"), silence
    return total_break_seconds(silence)


def listening(device: Device, **values: str) -> dict:
    return device.intent("ListeningIntent", **values)


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


def into_first_turn(device: Device, **values: str) -> None:
    device.clock = START
    device.launch()
    listening(device, **values)
    device.intent("AMAZON.NextIntent")
    assert FIRST_TURN in said(device)


# A whole run ------------------------------------------------------------------------------
def test_a_full_run_two_turns_with_reflecting_back_and_a_kind_close(device, store):
    device.launch()
    listening(device)
    text = said(device)
    # Length up front, then how it works, and a clear way on.
    assert "2 minutes to talk" in text and "about 7 minutes" in text
    assert text.index("about 7 minutes") < text.index(TIMER.steps[0].text)
    assert "speaks first" in text and device.session_open
    assert "<audio" not in device.ssml

    device.intent("AMAZON.NextIntent")
    assert turn_seconds(device.ssml, FIRST_TURN) == pytest.approx(120, abs=0.01)
    assert TIMER.end_text in said(device)
    assert said(device).endswith(TIMER.steps[1].prompt)
    assert device.session_open and stored(store, device).exercise["step"] > 0

    device.intent("AMAZON.NextIntent")
    text = said(device)
    assert REFLECT in text and "what I heard you say is" in text
    assert total_break_seconds(device.ssml) >= TIMER.steps[2].silence
    assert text.endswith("swap roles, say next.")

    device.intent("SwitchRolesIntent")
    assert turn_seconds(device.ssml, SECOND_TURN) == pytest.approx(120, abs=0.01)

    device.intent("AMAZON.NextIntent")
    text = said(device)
    assert REFLECT in text and TIMER.close in text and "!" not in text
    assert text.endswith(TIMER.next_offer)
    assert stored(store, device).exercises_done == {}  # counted once the end could be heard
    device.end_session()
    progress = stored(store, device)
    assert progress.exercises_done == {"listening": 1} and progress.exercise is None


@pytest.mark.parametrize(
    ("values", "seconds", "words"),
    [
        ({}, 120, "2 minutes"),
        ({"minutes": "1"}, 60, "one minute"),
        ({"minutes": "3"}, 180, "3 minutes"),
        ({"minutes": "10"}, 180, "3 minutes"),  # one to three minutes
        ({"minutes": "0"}, 60, "one minute"),
        ({"length": "PT1M"}, 60, "one minute"),
        ({"length": "PT3M"}, 180, "3 minutes"),
        ({"length": "PT150S"}, 180, "3 minutes"),
    ],
)
def test_turn_lengths_from_minutes_or_a_duration_are_the_silence_alexa_plays(
    device, values, seconds, words
):
    device.launch()
    listening(device, **values)
    assert f"{words} to talk" in said(device)
    device.intent("AMAZON.NextIntent")
    assert turn_seconds(device.ssml, FIRST_TURN) == pytest.approx(seconds, abs=0.01)
    assert total_break_seconds(device.ssml) <= MAX_AUDIO_SECONDS
    device.intent("AMAZON.NextIntent")
    device.intent("SwitchRolesIntent")
    assert turn_seconds(device.ssml, SECOND_TURN) == pytest.approx(seconds, abs=0.01)


def test_the_timer_also_starts_by_name_and_by_give_me_an_exercise_slot(device):
    device.launch()
    device.intent("ExerciseIntent", exercise="listening timer")
    assert TIMER.steps[0].text in said(device) and "2 minutes to talk" in said(device)


# Interruptions ----------------------------------------------------------------------------
def test_pause_mid_turn_keeps_the_time_left(device):
    into_first_turn(device)
    device.cut_in(50)  # "Alexa, pause", some way into the turn
    device.intent("AMAZON.PauseIntent")
    assert device.session_open and "<audio" not in device.ssml
    device.clock += timedelta(minutes=5)
    device.intent("AMAZON.ResumeIntent")
    left = turn_seconds(device.ssml, "left.")
    # Played so far: the words before the turn and some of its silence; the rest is left.
    assert 60 <= left <= 100, left
    assert "bout one minute" in said(device)
    assert FIRST_TURN not in said(device)


def test_pause_before_the_turn_starts_then_continue_gives_the_whole_turn(device):
    into_first_turn(device)
    device.cut_in(0)
    device.intent("AMAZON.PauseIntent")  # at once: the turn had not begun
    device.intent("ResumeIntent")
    assert turn_seconds(device.ssml, FIRST_TURN) == pytest.approx(120, abs=0.01)


def test_pause_after_the_chime_goes_on_to_reflecting_back(device):
    into_first_turn(device)
    device.cut_in(180)  # the turn and its chime have played
    device.intent("AMAZON.PauseIntent")
    device.intent("ResumeIntent")
    assert REFLECT in said(device) and "<audio" not in device.ssml


def test_repeat_the_instructions_mid_turn_then_continue_where_you_were(device):
    into_first_turn(device)
    device.cut_in(40)
    device.intent("InstructionsIntent")
    text = said(device)
    assert TIMER.steps[0].text in text and "say next" in text.lower() and device.session_open
    device.intent("ResumeIntent")
    assert 70 <= turn_seconds(device.ssml, "left.") <= 110


def test_repeat_the_instructions_before_starting_and_after_the_end(device):
    device.launch()
    listening(device)
    device.intent("InstructionsIntent")
    assert TIMER.steps[0].text in said(device)
    device.intent("AMAZON.NextIntent")
    assert FIRST_TURN in said(device)


def test_the_instructions_after_the_close_offer_the_timer_again(device, store):
    device.launch()
    listening(device, minutes="1")
    for intent in ("AMAZON.NextIntent", "AMAZON.NextIntent", "SwitchRolesIntent"):
        device.intent(intent)
    device.intent("AMAZON.NextIntent")
    assert TIMER.close in said(device)
    device.intent("InstructionsIntent")
    assert TIMER.steps[0].text in said(device) and said(device).endswith("again?")
    device.intent("AMAZON.YesIntent")
    assert "2 minutes to talk" in said(device)  # a new run, at the default length
    assert stored(store, device).exercises_done == {"listening": 1}


def test_switch_mid_turn_goes_to_the_other_speaker_and_wraps_round(device):
    into_first_turn(device)
    device.cut_in(30)
    device.intent("SwitchRolesIntent")
    assert said(device).startswith(SECOND_TURN)  # its own words say the roles swap
    assert said(device).lower().count("swap") == 1
    assert turn_seconds(device.ssml, SECOND_TURN) == pytest.approx(120, abs=0.01)
    device.intent("AMAZON.NextIntent")  # the second reflection, and the close
    device.intent("SwitchRolesIntent")  # another round: the first speaker again
    assert "first speaker" in said(device)
    assert turn_seconds(device.ssml, FIRST_TURN) == pytest.approx(120, abs=0.01)


def test_the_instructions_the_moment_a_turn_begins_then_continue_give_the_whole_turn(device):
    into_first_turn(device)
    device.intent("AMAZON.NextIntent")
    device.intent("SwitchRolesIntent")
    device.cut_in(0)
    device.intent("InstructionsIntent")  # at once: the second turn had not begun
    device.intent("ResumeIntent")
    assert turn_seconds(device.ssml, SECOND_TURN) == pytest.approx(120, abs=0.01)


def test_switch_before_anyone_speaks_starts_the_first_turn(device):
    device.launch()
    listening(device)
    device.intent("SwitchRolesIntent")
    assert FIRST_TURN in said(device)


@pytest.mark.parametrize("ending", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_mid_turn_ends_kindly_and_a_later_session_starts_that_turn_again(
    make_device, store, ending
):
    device = make_device()
    into_first_turn(device)
    device.intent("AMAZON.NextIntent")
    device.intent("SwitchRolesIntent")
    device.clock = START + timedelta(seconds=20)
    device.intent(ending)
    assert not device.session_open and "place" in said(device).lower()
    device.launch()
    assert TIMER.name in said(device)
    device.intent("ResumeIntent")
    assert turn_seconds(device.ssml, SECOND_TURN) == pytest.approx(120, abs=0.01)
    assert "start that turn again" in said(device) or "from its start" in said(device)


def test_help_mid_timer_names_switch_and_the_instructions(device):
    into_first_turn(device)
    device.intent("AMAZON.HelpIntent")
    text = said(device)
    assert "switch" in text and "instructions" in text and "not a substitute" in text
    device.intent("AMAZON.YesIntent")
    assert REFLECT in said(device) or "left." in said(device)


def test_switch_outside_the_timer_offers_it(device):
    device.launch()
    device.intent("SwitchRolesIntent")
    assert "listening timer" in said(device) and device.session_open
    device.intent("AMAZON.YesIntent")
    assert TIMER.steps[0].text in said(device)


def test_instructions_outside_any_exercise_is_help(device):
    device.launch()
    device.intent("InstructionsIntent")
    assert "not a substitute" in said(device) and device.session_open


def test_danger_mid_turn_gets_hotlines_not_the_timer(device):
    into_first_turn(device)
    device.intent("CrisisIntent")
    assert "988" in said(device) and "<audio" not in device.ssml


# A turn longer than one response ----------------------------------------------------------
def _long_timer() -> Library:
    data = json.loads((CONTENT_DIR / "en-US" / "exercises.json").read_text())
    raw = next(e for e in data["exercises"] if e["id"] == "listening")
    raw["turn"] = {"default": 300, "min": 60, "max": 600}
    return Library({"default_breathing": "gentle", "exercises": [*data["exercises"][:1], raw]})


def test_a_turn_longer_than_one_response_continues_across_responses_within_limits():
    timer = _long_timer().get("listening")
    segments = timer.segments(300)
    turn = [s for s in segments if s.step == 1]
    begin = segments.index(turn[0])
    chunks, start = [], begin
    while start < begin + len(turn):
        end = chunk_end(segments, start, timer.budget)
        chunks.append(segments[start:end])
        start = end
    assert len(chunks) == 2
    silences = [sum(s.seconds for s in chunk if s.timed) for chunk in chunks]
    assert sum(silences) == 300 and all(0 < s <= MAX_TIMED_SECONDS_PER_RESPONSE for s in silences)
    for chunk in chunks:
        ssml = Speech().raw(" ".join(s.ssml for s in chunk)).ssml()
        assert check_ssml(ssml) == []
    assert "<audio" in chunks[-1][-1].ssml and not any("<audio" in s.ssml for s in chunks[0])


def test_every_timer_response_stays_within_the_audio_budget_for_every_length():
    for seconds in range(TIMER.rounds_min, TIMER.rounds_max + 1, 30):
        segments = TIMER.segments(seconds)
        start = 0
        while start < len(segments):
            end = chunk_end(segments, start, TIMER.budget)
            ssml = Speech().raw(" ".join(s.ssml for s in segments[start:end])).ssml()
            assert check_ssml(ssml) == [], seconds
            assert len(re.findall("<audio", ssml)) <= 1
            # The whole response, words included, plays within Alexa's 240 s.
            spoken = len(readable(ssml).split()) * 0.4
            assert total_break_seconds(ssml) + spoken <= MAX_AUDIO_SECONDS
            start = end
