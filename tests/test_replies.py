"""Answers that fit the question just asked (issue 17, items 3 and 4), multi-turn, through the
real Lambda handler path on the embedded store.

Phrases are typed through the console's resolver (`say`) where what matters is that the
words people use land where they should; elsewhere the intent is sent as Alexa would.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device, slot_payload
from trust_coach_tools.nlu import Understanding

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
SAFETY = CATALOG.safety
GENTLE, FORGIVENESS = LIBRARY.get("gentle"), LIBRARY.get("forgiveness")
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
SORRY = "Sorry, I didn't"
MENU = ("a breathing exercise", "today's tip", "list the strategies")


def said(device: Device) -> str:
    return readable(device.ssml)


def say(device: Device, text: str) -> dict:
    """What the person says, understood as the console (and, more loosely, Alexa) would."""
    match = Understanding.for_locale("en-US").resolve(text)
    return device.intent(match.intent, slots=match.slots)


def strategy(device: Device, number: int) -> dict:
    ident = CATALOG.strategy(number).id
    return device.intent(
        "StrategyIntent", slots={"strategy": slot_payload("strategy", ident, (ident, ident))}
    )


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


def step_text(exercise, number: int) -> str:
    return exercise.steps[number - 1].text


# Item 3: the headline request gets an exercise, not a menu ---------------------------------
def test_a_one_shot_trust_exercise_for_a_first_visit_suggests_gentle_breathing_with_its_length(
    device,
):
    device.clock = START
    say(device, "Alexa, ask Trust Coach for a trust exercise")  # no launch: a one-shot
    text = said(device)
    assert "gentle breathing" in text and "about a minute and a half" in text
    assert "Which" not in text and text.endswith("?") and device.session_open
    device.intent("AMAZON.YesIntent")
    assert GENTLE.posture in said(device) and "Breathe in." in said(device)


def test_something_else_offers_the_next_in_the_rotation_and_yes_starts_it(device):
    device.clock = START
    device.launch()
    say(device, "give me a trust exercise")
    assert "gentle breathing" in said(device)
    say(device, "something else")  # after breathing: the first strategy's exercise
    assert LIBRARY.get("underneath").name in said(device) and said(device).endswith("?")
    say(device, "a different one")
    assert "the listening timer" in said(device) and "about 7 minutes" in said(device)
    device.intent("AMAZON.YesIntent")
    assert step_text(LIBRARY.get("listening"), 1) in said(device)


def test_the_suggestion_rotates_past_what_was_done_lately(device):
    device.clock = START
    device.launch()
    say(device, "give me a trust exercise")
    device.intent("AMAZON.YesIntent")  # gentle breathing, done today
    assert GENTLE.close in said(device)
    device.end_session()
    device.clock = START + timedelta(days=1)
    device.launch()
    say(device, "give me a trust exercise")
    assert "gentle breathing" not in said(device)
    assert LIBRARY.get("underneath").name in said(device)


def test_the_suggestion_is_the_exercise_of_the_strategy_they_are_on_unless_done_lately(device):
    device.clock = START
    device.launch()
    strategy(device, 4)
    device.end_session()
    device.launch()
    say(device, "give me a trust exercise")
    text = said(device)
    assert CATALOG.strategy(4).name in text and LIBRARY.get("grounding").name in text
    device.intent("AMAZON.YesIntent")  # grounding is spoken to its end in one response
    assert LIBRARY.get("grounding").close in said(device)
    device.end_session()
    device.launch()
    say(device, "give me a trust exercise")
    assert LIBRARY.get("grounding").name not in said(device)
    assert LIBRARY.get("expectations").name in said(device)  # the next strategy's


def test_naming_an_area_after_the_suggestion_still_starts_its_exercise(device):
    device.launch()
    say(device, "give me a trust exercise")
    device.intent("StrategyIntent", strategy="forgiveness")
    assert FORGIVENESS.posture in said(device)


# Item 4: "you pick" after a choice --------------------------------------------------------
def test_you_pick_after_which_area_suggests_from_the_history_and_yes_starts_it(device):
    device.clock = START
    device.launch()
    say(device, "give me a trust exercise")
    device.intent("AMAZON.NoIntent")  # no to the suggestion: which area, then?
    assert "Which" in said(device)
    say(device, "you pick")
    text = said(device)
    assert SORRY not in text and "gentle breathing" in text and text.endswith("?")
    device.intent("AMAZON.YesIntent")
    assert "Breathe in." in said(device)


def test_i_dont_know_after_the_list_of_strategies_suggests_one(device):
    device.launch()
    device.intent("ListStrategiesIntent")
    for words in ("I don't know", "what do you recommend"):
        say(device, words)
        assert SORRY not in said(device) and "gentle breathing" in said(device), words
        device.intent("ListStrategiesIntent")


# Thanks: a warm close ----------------------------------------------------------------------
def test_thanks_goodnight_and_i_feel_better_close_warmly_and_end_the_session(make_device):
    for words in ("thank you", "goodnight", "I feel better"):
        device = make_device()
        device.launch()
        device.intent("DailyTipIntent")
        say(device, words)
        assert SORRY not in said(device) and not device.session_open, words
        assert "Thank you for telling me" not in said(device), words  # not heard as a feeling


def test_i_feel_scared_of_him_still_reaches_the_hotlines(device):
    device.launch()
    say(device, "I feel scared of him")
    assert "988" in device.ssml or "799" in device.ssml
    assert SAFETY["offer_repeat"] in said(device)


def test_thanks_after_the_safety_numbers_is_the_safety_close(device):
    device.launch()
    device.intent("CrisisIntent")
    say(device, "thanks")
    assert SAFETY["after_decline"] in said(device) and not device.session_open


# Enough: an exercise's close, done or kept ------------------------------------------------
def test_im_done_early_in_a_reflection_closes_it_and_keeps_the_place(device, store):
    device.launch()
    device.intent("ForgivenessIntent")
    say(device, "I'm done")
    text = said(device)
    assert FORGIVENESS.close in text and "continue" in text and not device.session_open
    progress = stored(store, device)
    assert progress.exercise is not None and progress.exercise["id"] == "forgiveness"
    assert progress.exercises_done.get("forgiveness", 0) == 0
    device.launch()
    device.intent("ResumeIntent")  # the step it was at, since the person left during it
    assert step_text(FORGIVENESS, 1) in said(device) and FORGIVENESS.close not in said(device)


def test_thats_enough_at_the_last_waiting_step_counts_the_exercise_done(device, store):
    device.clock = START
    device.launch()
    device.intent("ForgivenessIntent")
    for _ in range(4):
        device.intent("AMAZON.NextIntent")
    assert step_text(FORGIVENESS, 5) in said(device)
    say(device, "that's enough")
    assert FORGIVENESS.close in said(device) and not device.session_open
    progress = stored(store, device)
    assert progress.exercises_done == {"forgiveness": 1} and progress.exercise is None


def test_im_done_outside_an_exercise_closes_the_session(device):
    device.launch()
    device.intent("DailyTipIntent")
    say(device, "I want to stop")
    assert SORRY not in said(device) and not device.session_open


# "No" read against the question -----------------------------------------------------------
def test_no_to_todays_tip_before_you_go_ends_the_session(device):
    device.launch()
    device.intent("BreathingIntent", rounds="1")
    assert said(device).endswith("Would you like today's tip before you go?")
    device.intent("AMAZON.NoIntent")
    assert "anything else" not in said(device) and not device.session_open


def test_no_to_say_next_asks_whether_to_stop_and_no_goes_on(device, store):
    device.launch()
    device.intent("ForgivenessIntent")
    device.intent("AMAZON.NoIntent")
    assert device.session_open and said(device).endswith("?") and "stop" in said(device)
    device.intent("AMAZON.NoIntent")  # no, don't stop
    assert step_text(FORGIVENESS, 2) in said(device)
    device.intent("AMAZON.NoIntent")
    device.intent("AMAZON.YesIntent")  # yes, stop
    assert FORGIVENESS.close in said(device) and not device.session_open
    assert stored(store, device).exercise["id"] == "forgiveness"


# Misunderstandings, and "next" after an exercise ------------------------------------------
def test_two_misunderstandings_in_a_row_get_a_short_menu_of_three_things(device):
    device.launch()
    device.intent("AMAZON.FallbackIntent")
    assert not all(option in said(device) for option in MENU)
    device.intent("AMAZON.FallbackIntent")
    assert all(option in said(device) for option in MENU) and device.session_open
    device.intent("DailyTipIntent")  # understood: the count starts again
    device.intent("AMAZON.FallbackIntent")
    assert not all(option in said(device) for option in MENU)


def test_next_after_an_exercise_goes_on_to_what_it_offered(device):
    device.launch()
    device.intent("ForgivenessIntent")
    for _ in range(5):
        device.intent("AMAZON.NextIntent")
    assert said(device).endswith(FORGIVENESS.next_offer)
    device.intent("AMAZON.NextIntent")  # the offer: gentle breathing, not a strategy
    assert GENTLE.posture in said(device)
    assert CATALOG.strategy(1).summary[:40] not in said(device)
