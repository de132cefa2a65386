"""Every exercise says how long it takes, and that is how long it takes to hear.

The truth is measured from what the skill sends, independently of the engine: every response
of a whole run, from the first words to the close, read with `exercise_timing` (words at
Alexa's rate, every break, each soundbank chime). The length announced before the first breath
must be within 15% of it, for every exercise at every length it can be asked for, on a first
run and on a later one (a shorter opening). A request beyond a limit is answered aloud.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from exercise_runs import heard_seconds, options, said_seconds
from exercise_runs import run as run_through

from trust_coach.content import catalog_for
from trust_coach.exercises import SETTLE_SECONDS, library_for, said_length, spoken_seconds
from trust_coach.speech import readable
from trust_coach_tools.device import Device, slot_payload

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
TOLERANCE = 0.15


def assert_honest(said: float | None, truth: float, where: str) -> None:
    if said is None:
        assert truth < 60, (where, "less than a minute", truth)
    else:
        assert abs(said - truth) <= TOLERANCE * truth, (where, said, truth)


def run(device: Device, ident: str, option: int | None) -> tuple[str, float]:
    """A whole run: its first response's text, and how long all of it takes to hear."""
    said = run_through(device, ident, option)
    return readable(said[0]), sum(heard_seconds(ssml) for ssml in said)


CASES = [(e.id, option) for e in LIBRARY.exercises for option in options(e)]


@pytest.mark.parametrize(("ident", "option"), CASES, ids=[f"{i}-{o}" for i, o in CASES])
def test_the_length_said_first_is_within_15_percent_of_the_whole_run(device, ident, option):
    device.clock = START
    device.launch()
    # A first run hears the full introduction; a later one a short opening.
    for run_number in (1, 2):
        first, truth = run(device, ident, option)
        before_the_first_step = first[: first.index("[pause")]
        assert_honest(said_seconds(before_the_first_step), truth, f"{ident} run {run_number}")


OFFERED = [(s.number, LIBRARY.for_strategy[s.id]) for s in CATALOG.strategies]
OFFERED = [(number, ident) for number, ident in OFFERED if LIBRARY.known(ident)]


@pytest.mark.parametrize(("number", "ident"), OFFERED, ids=[i for _, i in OFFERED])
def test_an_offer_says_the_same_length_the_exercise_then_says(device, number, ident):
    strategy = CATALOG.strategy(number)
    device.launch()
    slot = slot_payload("strategy", str(number), (strategy.id, str(number)))
    device.intent("StrategyIntent", slots={"strategy": slot})
    device.end_session()
    device.launch()
    device.intent("ExerciseIntent")  # offers the exercise of the strategy last heard
    assert LIBRARY.get(ident).name in readable(device.ssml)
    offered = said_seconds(readable(device.ssml))
    device.intent("AMAZON.YesIntent")
    assert said_seconds(readable(device.ssml)) == offered


def test_the_lengths_said_before_are_now_honest(device):
    """The figures that were short: gentle breathing, grounding, the check-in, forgiveness."""
    device.clock = START
    device.launch()
    lengths = {}
    for ident in ("gentle", "grounding", "expectations", "forgiveness"):
        first, truth = run(device, ident, None)
        lengths[ident] = (said_seconds(first), round(truth))
    for ident, (said, truth) in lengths.items():
        assert_honest(said, truth, ident)


# The engine --------------------------------------------------------------------------------
def test_a_run_is_its_guided_time_and_every_word_and_pause_around_it():
    box, forgiveness = LIBRARY.get("box"), LIBRARY.get("forgiveness")
    # Eight rounds of box breathing end one response partway (five rounds fill 90 s).
    around = [box.about, box.posture, "Say continue.", box.close, box.next_offer]
    assert box.length_seconds(8, more_prompt="Say continue.") == pytest.approx(
        box.guided_seconds(8) + SETTLE_SECONDS + sum(map(spoken_seconds, around))
    )
    # Each of the forgiveness steps that waits ends with the usual prompt; the opening given
    # replaces the introduction.
    waits = sum(step.wait for step in forgiveness.steps)
    around = ["Again.", forgiveness.posture, forgiveness.close, forgiveness.next_offer]
    assert forgiveness.length_seconds(opening="Again.", step_prompt="Say next.") == pytest.approx(
        forgiveness.guided_seconds()
        + SETTLE_SECONDS
        + sum(map(spoken_seconds, around))
        + waits * spoken_seconds("Say next.")
    )


def test_what_was_asked_is_kept_apart_from_the_limits():
    gentle, timer = LIBRARY.get("gentle"), LIBRARY.get("listening")
    assert gentle.asked_rounds(seconds=20 * 60) == 120
    assert gentle.rounds_for(seconds=20 * 60) == gentle.rounds_max
    assert gentle.asked_rounds() is None and gentle.rounds_for() == gentle.rounds_default
    assert timer.asked_rounds(rounds=10) == 600 and timer.rounds_for(rounds=10) == 180
    assert timer.asked_rounds(seconds=150) == 180  # half a minute rounds up
    assert LIBRARY.get("forgiveness").asked_rounds(rounds=3) is None


# The rounding ------------------------------------------------------------------------------
def test_every_length_is_said_within_15_percent_or_as_less_than_a_minute():
    for tenth in range(1, 36_000):
        seconds = tenth / 10
        said = said_length(seconds)
        if said is None:
            assert seconds < 60
        else:
            assert abs(said - seconds) <= TOLERANCE * seconds, (seconds, said)
    # The way a person says it: whole minutes from three on, halves below, one odd phrase.
    assert {said_length(s) for s in range(60, 3600)} <= {60, 75, 90, 120, 150} | {
        60 * m for m in range(3, 61)
    }


# Limits ------------------------------------------------------------------------------------
def breathe(device: Device, ident: str = "gentle", **values: str) -> str:
    heard = LIBRARY.get(ident).name
    slots = {"pattern": slot_payload("pattern", heard, (ident, heard))}
    device.intent("BreathingIntent", slots=slots, **values)
    return readable(device.ssml)


def test_breathing_for_longer_than_the_longest_says_so_and_does_the_longest(device):
    device.launch()
    text = breathe(device, length="PT20M")
    gentle = LIBRARY.get("gentle")
    assert "The longest I guide at once is 5 minutes, so let's do that." in text
    assert f"{gentle.rounds_max} rounds" in text
    assert text.index("longest") < text.index("Breathe in.")


def test_more_rounds_than_the_most_says_so_and_does_the_most(device):
    device.launch()
    box = LIBRARY.get("box")
    text = breathe(device, "box", rounds="40")
    assert f"The most rounds I guide at once is {box.rounds_max}" in text
    assert f"{box.rounds_max} rounds" in text


def test_a_length_limit_that_is_not_whole_minutes_is_said_about(device):
    device.launch()
    text = breathe(device, "four_seven_eight", length="PT10M")
    assert "The longest I guide at once is about 2 and a half minutes" in text


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"minutes": "10"}, "The longest turn I keep is 3 minutes, so let's do that."),
        ({"length": "PT1H"}, "The longest turn I keep is 3 minutes, so let's do that."),
        ({"minutes": "0"}, "The shortest turn I keep is one minute, so let's do that."),
    ],
)
def test_a_turn_beyond_the_timers_limits_says_so(device, values, words):
    device.launch()
    device.intent("ListeningIntent", **values)
    assert words in readable(device.ssml)


@pytest.mark.parametrize(
    ("intent", "values"),
    [
        ("BreathingIntent", {"length": "PT5M"}),
        ("BreathingIntent", {"rounds": "30"}),
        ("BreathingIntent", {}),
        ("ListeningIntent", {"minutes": "3"}),
        ("ListeningIntent", {}),
    ],
)
def test_a_request_within_the_limits_hears_no_limit(device, intent, values):
    device.launch()
    device.intent(intent, **values)
    text = readable(device.ssml)
    assert "longest" not in text and "most rounds" not in text and "shortest" not in text


def test_offers_of_breathing_name_no_length_of_their_own():
    """A length is only said where it is computed; "a minute of gentle breathing" was not."""
    prompts = CATALOG.files["prompts"]
    texts = [*prompts["share_offer"], *prompts["share_offer_reprompt"]]
    for exercise in LIBRARY.exercises:
        texts += [exercise.next_offer, exercise.next_reprompt, exercise.close]
    assert not [t for t in texts if re.search(r"\bminutes?\b", t)]
