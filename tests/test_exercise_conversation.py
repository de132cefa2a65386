"""Guided exercises, multi-turn, through the real Lambda handler path on the embedded store.

Every response goes through `send`, which checks it against Alexa's limits.
"""

from datetime import UTC, datetime, timedelta

import pytest
from exercise_timing import phases, total_break_seconds

from trust_coach.content import catalog_for
from trust_coach.exercises import MAX_GUIDED_SECONDS_PER_RESPONSE, SETTLE_SECONDS, library_for
from trust_coach.speech import readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device, slot_payload

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
FORGIVENESS = LIBRARY.get("forgiveness")
START = datetime(2026, 3, 2, 9, tzinfo=UTC)


def said(device: Device) -> str:
    return readable(device.ssml)


def resolved(name: str, heard: str, ident: str) -> dict:
    return {name: slot_payload(name, heard, (ident, heard))}


def breathe(device: Device, pattern: str | None = None, **values: str) -> dict:
    slots = resolved("pattern", pattern, pattern) if pattern else {}
    return device.intent("BreathingIntent", slots=slots, **values)


def forgive(device: Device, who: str | None = None) -> dict:
    return device.intent("ForgivenessIntent", slots=resolved("who", who, who) if who else {})


def cue_count(device: Device, cue: str = "Breathe in.") -> int:
    return [p.text for p in phases(device.ssml, {cue})].count(cue)


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


def step_text(exercise, number: int) -> str:
    return exercise.steps[number - 1].text


# Breathing ---------------------------------------------------------------------------------
def test_a_full_breathing_run_with_defaults_closes_kindly_and_records_the_practice(device, store):
    device.clock = START
    device.launch()
    breathe(device)
    gentle = LIBRARY.get("gentle")
    text = said(device)
    # Posture and what will happen come before the first breath.
    before_first_breath = text.split("Breathe in.")[0]
    assert gentle.posture in before_first_breath
    assert "6 rounds, about a minute and a half" in before_first_breath
    assert cue_count(device) == 6 and cue_count(device, "And out, slowly.") == 6
    assert gentle.close in text
    assert text.endswith(gentle.next_offer) and device.session_open
    # Not counted while it plays: only once its end could have been heard.
    assert stored(store, device).exercises_done == {}
    device.intent("AMAZON.YesIntent")  # after it was heard: the one next step offered, the tip
    assert any(tip.text in said(device) for tip in CATALOG.tips)
    progress = stored(store, device)
    assert progress.exercises_done == {"gentle": 1}
    assert progress.last_practice == {"gentle": "2026-03-02"}
    assert progress.practice_days == ["2026-03-02"]
    assert progress.exercise is None


def test_every_phase_of_a_long_run_is_planned_within_ten_percent_across_turns(device):
    box = LIBRARY.get("box")
    cues = {p.cue for p in box.phases}
    device.launch()
    breathe(device, "box", rounds="8")
    heard = phases(device.ssml, cues)
    assert "That was round 5. Say continue" in said(device)
    assert total_break_seconds(device.ssml) <= MAX_GUIDED_SECONDS_PER_RESPONSE + SETTLE_SECONDS
    device.intent("ResumeIntent")  # "continue"
    heard += phases(device.ssml, cues)
    assert box.close in said(device)
    assert len(heard) == 8 * len(box.phases)
    for index, piece in enumerate(heard):
        nominal = box.phases[index % len(box.phases)]
        assert piece.text == nominal.cue
        assert abs(piece.seconds - nominal.seconds) <= 0.1 * nominal.seconds, (index, piece)


def test_four_seven_eight_by_name_with_its_own_timing(device):
    device.launch()
    breathe(device, "four_seven_eight", rounds="2")
    planned = phases(device.ssml, {"Breathe in.", "Hold.", "Breathe out."})
    assert [round(p.seconds) for p in planned] == [4, 7, 8] * 2
    assert "2 rounds" in said(device)


def test_a_length_becomes_rounds_and_continues_across_turns(device):
    device.launch()
    breathe(device, "gentle", length="PT2M")
    assert "12 rounds, about 2 and a half minutes" in said(device)
    assert cue_count(device) == 9
    assert "That was round 9" in said(device)
    device.intent("AMAZON.YesIntent")  # yes to "continue for more?"
    assert cue_count(device) == 3
    assert LIBRARY.get("gentle").close in said(device)


def test_one_round_and_too_many_rounds_are_said_sensibly(device):
    device.launch()
    breathe(device, "box", rounds="1")
    assert "one round" in said(device) and cue_count(device) == 1
    breathe(device, "four_seven_eight", rounds="50")
    assert "8 rounds" in said(device)


def test_an_unknown_pattern_gets_the_default_and_says_so(device):
    device.launch()
    device.intent("BreathingIntent", pattern="underwater breathing")
    assert "don't know that pattern" in said(device)
    assert LIBRARY.get("gentle").name in said(device)


def test_the_first_run_explains_and_later_runs_are_shorter(device):
    device.launch()
    breathe(device, "box", rounds="1")
    first = said(device)
    assert LIBRARY.get("box").about in first
    breathe(device, "box", rounds="1")
    later = said(device)
    assert LIBRARY.get("box").about not in later
    assert any(intro in later for intro in LIBRARY.get("box").intro)
    assert len(later) < len(first)


def test_no_to_continue_for_more_stops_kindly_and_keeps_the_place(device, store):
    device.launch()
    breathe(device, "box", rounds="8")
    device.intent("AMAZON.NoIntent")
    assert not device.session_open
    assert "place" in said(device).lower()
    assert stored(store, device).exercise == {"id": "box", "rounds": 8, "step": 5}


# Forgiveness -------------------------------------------------------------------------------
def test_a_full_forgiveness_run_step_by_step(device, store):
    device.launch()
    forgive(device)
    assert FORGIVENESS.about in said(device)
    assert FORGIVENESS.posture in said(device)
    assert "6 short steps" in said(device)
    for number in range(1, 6):
        if number > 1:
            device.intent("AMAZON.NextIntent")
        text = said(device)
        assert step_text(FORGIVENESS, number) in text
        assert step_text(FORGIVENESS, number + 1) not in text
        # Real silence after the step, then a gentle prompt to go on.
        assert total_break_seconds(device.ssml) >= FORGIVENESS.steps[number - 1].silence
        assert text.endswith(("say next.", "Say next when you're ready."))
        assert device.session_open and "next" in readable(device.reprompt_ssml).lower()
        assert stored(store, device).exercise["step"] == number - 1
    device.intent("AMAZON.NextIntent")
    text = said(device)
    assert step_text(FORGIVENESS, 6) in text and FORGIVENESS.close in text
    assert "!" not in text
    device.intent("AMAZON.YesIntent")  # offered next: a minute of gentle breathing
    assert LIBRARY.get("gentle").posture in said(device)
    assert stored(store, device).exercises_done == {"forgiveness": 1}


def test_forgiving_yourself_is_its_own_reflection(device):
    device.launch()
    forgive(device, "forgive_yourself")
    mine = LIBRARY.get("forgive_yourself")
    assert mine.about in said(device)
    device.intent("AMAZON.NextIntent")
    assert step_text(mine, 2) in said(device)


def test_an_exercise_without_a_name_suggests_one_and_a_name_starts_another(device):
    device.launch()
    device.intent("ExerciseIntent")
    assert "gentle breathing" in said(device) and said(device).endswith("?")
    assert device.session_open
    device.intent("ExerciseIntent", slots=resolved("exercise", "box", "box"))
    assert "Breathe in." in said(device)


def test_after_which_exercise_a_bare_forgiveness_means_the_reflection(device):
    device.launch()
    device.intent("ExerciseIntent")
    device.intent("StrategyIntent", strategy="forgiveness")
    assert FORGIVENESS.posture in said(device)
    assert CATALOG.strategy(6).summary[:40] not in said(device)
    device.intent("StrategyIntent", strategy="forgiveness")  # elsewhere it is the strategy
    assert CATALOG.strategy(6).summary[:40] in said(device)


# Interruptions -----------------------------------------------------------------------------
def _into_step_three(device: Device) -> None:
    device.launch()
    forgive(device)
    device.intent("AMAZON.NextIntent")
    device.intent("AMAZON.NextIntent")
    assert step_text(FORGIVENESS, 3) in said(device)


@pytest.mark.parametrize("ending", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_kindly_and_keep_the_place(make_device, store, ending):
    device = make_device()
    _into_step_three(device)
    device.intent(ending)
    assert not device.session_open
    assert "place" in said(device).lower() and "sorry" not in said(device).lower()
    assert stored(store, device).exercise == {"id": "forgiveness", "rounds": 6, "step": 2}


def test_pause_holds_and_continue_goes_on(device):
    _into_step_three(device)
    device.intent("AMAZON.PauseIntent")
    assert "wait" in said(device).lower() or "paused" in said(device).lower()
    assert device.session_open
    device.intent("AMAZON.ResumeIntent")
    assert step_text(FORGIVENESS, 4) in said(device)


def test_repeat_says_the_step_again_and_previous_goes_back(device):
    _into_step_three(device)
    device.intent("AMAZON.RepeatIntent")
    assert step_text(FORGIVENESS, 3) in said(device)
    device.intent("AMAZON.PreviousIntent")
    assert step_text(FORGIVENESS, 2) in said(device)
    device.intent("AMAZON.NextIntent")
    assert step_text(FORGIVENESS, 3) in said(device)


def test_help_explains_without_losing_the_place(device):
    _into_step_three(device)
    device.intent("AMAZON.HelpIntent")
    text = said(device)
    assert "step 3 of 6" in text and "not a substitute" in text
    device.intent("AMAZON.YesIntent")  # "shall we go on?"
    assert step_text(FORGIVENESS, 4) in said(device)


def test_help_in_breathing_says_how_far_along(device):
    device.launch()
    breathe(device, "box", rounds="8")
    device.intent("AMAZON.HelpIntent")
    assert "done 5 of 8 rounds" in said(device)
    device.intent("ResumeIntent")
    assert cue_count(device) == 3


def test_start_over_restarts_the_exercise(device):
    _into_step_three(device)
    device.intent("AMAZON.StartOverIntent")
    text = said(device)
    assert "from the beginning" in text or "start again" in text
    assert step_text(FORGIVENESS, 1) in text and step_text(FORGIVENESS, 3) not in text


def test_thinking_aloud_mid_reflection_is_not_an_error(device):
    _into_step_three(device)
    device.intent("AMAZON.FallbackIntent")
    assert "sorry" not in said(device).lower() and "next" in said(device)
    device.intent("AMAZON.NextIntent")
    assert step_text(FORGIVENESS, 4) in said(device)


def test_a_tip_mid_exercise_is_answered_and_continue_goes_back(device):
    _into_step_three(device)
    device.intent("DailyTipIntent")
    assert any(tip.text in said(device) for tip in CATALOG.tips)
    device.intent("ResumeIntent")
    text = said(device)
    assert "pick up" in text.lower() or "back to" in text.lower()
    assert step_text(FORGIVENESS, 3) in text


def test_a_strategy_mid_exercise_then_continue_asks_which(device):
    _into_step_three(device)
    device.intent("StrategyIntent", strategy="2")
    assert CATALOG.strategy(2).summary[:40] in said(device)
    device.intent("AMAZON.NextIntent")  # "next" is about strategies now
    assert CATALOG.strategy(3).summary[:40] in said(device)
    device.intent("ResumeIntent")
    assert FORGIVENESS.name in said(device) and CATALOG.strategy(3).name in said(device)
    device.intent("AMAZON.YesIntent")
    assert step_text(FORGIVENESS, 3) in said(device)


def test_no_to_the_choice_picks_up_the_strategy(device):
    _into_step_three(device)
    device.intent("StrategyIntent", strategy="4")
    device.intent("ResumeIntent")
    device.intent("AMAZON.NoIntent")
    assert CATALOG.strategy(4).summary[:40] in said(device)


def test_danger_mid_exercise_gets_hotlines_not_the_exercise(device):
    _into_step_three(device)
    device.intent("CrisisIntent")
    text = said(device)
    assert "988" in text
    assert not any(step.text in text for step in FORGIVENESS.steps)


def test_pause_and_resume_outside_an_exercise(device):
    device.launch()
    device.intent("AMAZON.PauseIntent")
    assert "take your time" in said(device).lower() and device.session_open
    device.intent("AMAZON.ResumeIntent")
    assert "nothing to pick up" in said(device)


# Across sessions ---------------------------------------------------------------------------
def test_continue_in_a_later_session_resumes_the_exercise_at_its_step(device):
    _into_step_three(device)
    device.intent("AMAZON.StopIntent")
    device.launch()
    assert "partway" in said(device) and FORGIVENESS.name in said(device)
    device.intent("ResumeIntent")
    text = said(device)
    assert "at step 3" in text and step_text(FORGIVENESS, 3) in text
    for number in (4, 5, 6):
        device.intent("AMAZON.NextIntent")
        assert step_text(FORGIVENESS, number) in said(device)
    assert FORGIVENESS.close in said(device)


def test_yes_to_the_welcome_back_resumes_breathing_at_the_next_round(device, store):
    device.launch()
    breathe(device, "box", rounds="8")
    device.end_session()  # walked away at "say continue for more"
    device.launch()
    assert "box breathing" in said(device)
    device.intent("AMAZON.YesIntent")
    assert "round 6" in said(device)
    assert cue_count(device) == 3
    device.end_session()  # after the close was heard
    assert stored(store, device).exercises_done == {"box": 1}


def test_a_later_session_with_a_strategy_and_an_exercise_asks_which(device):
    device.launch()
    device.intent("StrategyIntent", strategy="5")
    forgive(device)
    device.end_session()
    device.launch()
    text = said(device)
    assert CATALOG.strategy(5).name in text and FORGIVENESS.name in text
    assert text.lower().count("continue") == 1  # one clear offer, not two
    device.intent("ResumeIntent")
    assert "Shall we go back to the forgiveness reflection" in said(device)
    device.intent("AMAZON.YesIntent")
    assert step_text(FORGIVENESS, 1) in said(device)


# Practice, gently --------------------------------------------------------------------------
def _practice(device: Device, day: datetime) -> None:
    device.clock = day
    device.launch()
    breathe(device, "box", rounds="1")
    device.intent("AMAZON.NoIntent")
    device.intent("AMAZON.NoIntent")


def test_welcome_back_mentions_days_practised_this_week_and_never_nags(device):
    device.clock = START
    device.launch()
    device.end_session()
    device.launch()
    assert "this week" not in said(device)  # nothing practised: nothing said
    _practice(device, START)
    device.launch()
    assert "once this week" in said(device)
    device.end_session()
    _practice(device, START + timedelta(days=2))
    _practice(device, START + timedelta(days=2, hours=3))  # same day counts once
    device.clock = START + timedelta(days=3)
    device.launch()
    assert "2 days this week" in said(device)
    device.end_session()
    device.clock = START + timedelta(days=20)
    device.launch()
    assert "this week" not in said(device)  # a quiet week is not mentioned


def test_practice_records_stay_bounded(device, store):
    for day in range(20):
        _practice(device, START + timedelta(days=day))
    progress = stored(store, device)
    assert progress.exercises_done == {"box": 20}
    assert len(progress.practice_days) == 14
    assert progress.practice_days[-1] == (START + timedelta(days=19)).date().isoformat()
    assert progress.last_practice == {"box": progress.practice_days[-1]}


def test_after_the_close_repeat_says_it_again_and_start_over_runs_it_again(device, store):
    device.launch()
    breathe(device, "box", rounds="1")
    box = LIBRARY.get("box")
    device.intent("AMAZON.RepeatIntent")
    assert box.close in said(device) and cue_count(device) == 0
    assert stored(store, device).exercises_done == {"box": 1}  # not counted twice
    device.intent("AMAZON.StartOverIntent")
    assert cue_count(device) == 1 and box.close in said(device)
    device.end_session()  # after the close was heard
    assert stored(store, device).exercises_done == {"box": 2}


def test_going_home_mid_exercise_keeps_it_for_continue(device):
    _into_step_three(device)
    device.intent("AMAZON.NavigateHomeIntent")
    assert "back to the start" in said(device)
    device.intent("AMAZON.NextIntent")  # no longer in the exercise: next is a strategy
    assert CATALOG.strategy(1).summary[:40] in said(device)
    device.intent("ResumeIntent")
    device.intent("AMAZON.YesIntent")
    assert step_text(FORGIVENESS, 3) in said(device)


@pytest.mark.parametrize(
    "damage",
    [
        {"id": "juggling", "rounds": 1, "step": 0},  # an exercise no longer in the content
        {"id": "box", "rounds": "four", "step": 0},
        {"id": "box", "rounds": 4},
        "box",
    ],
)
def test_a_damaged_saved_exercise_is_ignored_not_fatal(device, store, damage):
    device.launch()
    breathe(device, "box", rounds="8")
    device.end_session()
    progress = stored(store, device)
    progress.exercise = damage
    store.save(user_key(device.user_id), progress)
    device.launch()
    assert "Sorry" not in said(device)
    device.intent("ResumeIntent")
    assert "nothing to pick up" in said(device)


def test_a_tampered_session_place_is_not_treated_as_an_exercise(device):
    device.launch()
    forgive(device)
    device.attributes["place"] = {"area": "exercise", "id": "forgiveness", "rounds": "x"}
    device.intent("AMAZON.NextIntent")
    assert "Sorry" not in said(device)
    assert CATALOG.strategy(1).summary[:40] in said(device)


def test_yes_to_resume_an_exercise_that_is_gone_continues_what_there_is(device):
    # Found by fuzzing: a session still asking "the exercise or the strategy?" after the
    # unfinished exercise was gone made "yes" fail with an apology.
    device.launch()
    device.intent("StrategyIntent", strategy="2")
    device.attributes["pending"] = "exercise_resume_choice"
    device.intent("AMAZON.YesIntent")
    assert "Sorry" not in said(device)
    assert CATALOG.strategy(2).summary[:40] in said(device)
