"""Choosing an exercise for each strategy: asked for, offered after a strategy, or named
directly; each exercise says how long it takes before it begins."""

import pytest

from trust_coach.choosing import rotation
from trust_coach.content import catalog_for
from trust_coach.exercises import library_for
from trust_coach.speech import readable
from trust_coach_tools.device import Device, slot_payload
from trust_coach_tools.nlu import Understanding

CATALOG = catalog_for("en-US")
LIBRARY = library_for(CATALOG)
# What each strategy's exercise begins with, in its first response.
FIRST_WORDS = {
    "underneath": LIBRARY.get("underneath").steps[0].text,
    "listening": LIBRARY.get("listening").steps[0].text,
    "promise": "I promise.",
    "grounding": LIBRARY.get("grounding").steps[0].text,
    "expectations": LIBRARY.get("expectations").steps[0].text,
    "forgiveness": LIBRARY.get("forgiveness").steps[0].text,
}
PAIRS = [
    (1, "underneath"), (2, "listening"), (3, "promise"), (4, "grounding"), (5, "expectations"),
    (6, "forgiveness"),
]  # fmt: skip


def said(device: Device) -> str:
    return readable(device.ssml)


def resolved(name: str, heard: str, ident: str) -> dict:
    return {name: slot_payload(name, heard, (ident, heard))}


def strategy(device: Device, number: int) -> dict:
    ident = CATALOG.strategy(number).id
    return device.intent("StrategyIntent", slots=resolved("strategy", str(number), ident))


def started(device: Device, ident: str) -> bool:
    return FIRST_WORDS[ident] in said(device)


def test_every_strategy_has_an_exercise_in_the_content():
    assert {CATALOG.strategy(n).id: e for n, e in PAIRS} == LIBRARY.for_strategy


def test_a_trust_exercise_for_a_new_user_suggests_one_and_a_strategy_name_still_answers(device):
    device.launch()
    device.intent("ExerciseIntent")
    text = said(device)
    assert "gentle breathing" in text and "about a minute and a half" in text
    assert text.endswith("?") and device.session_open
    device.intent("StrategyIntent", slots=resolved("strategy", "communication", "honest_talk"))
    assert started(device, "listening")


def test_a_trust_exercise_offers_the_one_for_the_strategy_last_on_with_its_length(device):
    device.launch()
    strategy(device, 2)
    device.end_session()
    device.launch()
    device.intent("ExerciseIntent")
    text = said(device)
    assert CATALOG.strategy(2).name in text and "the listening timer" in text
    assert "about 7 minutes" in text and text.endswith("?")
    device.intent("AMAZON.YesIntent")
    assert started(device, "listening")


def test_no_to_the_offer_asks_which_instead(device):
    device.launch()
    strategy(device, 5)
    device.end_session()
    device.launch()
    device.intent("ExerciseIntent")
    device.intent("AMAZON.NoIntent")
    assert "Which" in said(device) or "which" in said(device)
    device.intent("StrategyIntent", slots=resolved("strategy", "promises", "consistency"))
    assert started(device, "promise")


@pytest.mark.parametrize(("number", "ident"), PAIRS)
def test_an_exercise_for_an_area_goes_straight_there(device, number, ident):
    device.launch()
    area = CATALOG.strategy(number)
    device.intent("ExerciseIntent", slots=resolved("area", area.synonyms[0], area.id))
    assert started(device, ident)


@pytest.mark.parametrize(("number", "ident"), PAIRS)
def test_after_reading_a_strategy_its_exercise_is_named_and_exercise_starts_it(
    device, number, ident
):
    device.launch()
    strategy(device, number)
    assert "try its exercise" in said(device) or "say exercise" in said(device)
    device.intent("ExerciseIntent")
    assert started(device, ident)


@pytest.mark.parametrize(("number", "ident"), PAIRS)
def test_after_something_to_try_the_exercise_is_offered_and_yes_starts_it(device, number, ident):
    device.launch()
    strategy(device, number)
    device.intent("TryTodayIntent")
    text = said(device)
    assert "It takes about" in text or "which takes about" in text
    assert "next strategy" in text
    device.intent("AMAZON.YesIntent")
    assert started(device, ident)


def test_next_after_the_offer_still_goes_to_the_next_strategy(device):
    device.launch()
    strategy(device, 2)
    device.intent("TryTodayIntent")
    device.intent("AMAZON.NextIntent")
    assert CATALOG.strategy(3).summary[:40] in said(device)


@pytest.mark.parametrize("ident", [e.id for e in LIBRARY.exercises])
def test_every_exercise_says_its_length_before_it_begins(device, ident):
    exercise = LIBRARY.get(ident)
    device.launch()
    device.intent("ExerciseIntent", slots=resolved("exercise", exercise.name, ident))
    text = said(device)
    first = exercise.phases[0].cue if exercise.is_breathing else exercise.steps[0].text
    lengths = ["less than a minute", "about a minute", "minutes"]
    assert any(0 <= text.find(words) < text.index(first) for words in lengths), text


def test_the_promise_says_its_length_before_it_asks(device):
    device.launch()
    device.intent("PromiseIntent")
    text = said(device)
    assert text.index("about a minute") < text.index("I promise")


@pytest.mark.parametrize(
    ("typed", "intent", "slot", "value"),
    [
        ("give me a trust exercise", "ExerciseIntent", None, None),
        ("an exercise for communication", "ExerciseIntent", "area", "honest_talk"),
        ("a trust exercise for forgiveness", "ExerciseIntent", "area", "forgiveness"),
        ("do the listening exercise", "ListeningIntent", None, None),
        ("start the listening timer", "ListeningIntent", None, None),
        ("the promise exercise", "PromiseIntent", None, None),
        ("switch roles", "SwitchRolesIntent", None, None),
        ("repeat the instructions", "InstructionsIntent", None, None),
        ("start the grounding exercise", "ExerciseIntent", "exercise", "grounding"),
    ],
)
def test_the_console_understands_ways_of_choosing(typed, intent, slot, value):
    match = Understanding.for_locale("en-US").resolve(typed)
    assert match.intent == intent
    if slot:
        resolution = match.slots[slot]["resolutions"]["resolutionsPerAuthority"][0]
        assert resolution["values"][0]["value"]["id"] == value


def test_help_names_the_trust_exercise_and_saying_it_works(device):
    device.launch()
    device.intent("AMAZON.HelpIntent")
    assert "give me a trust exercise" in said(device)
    match = Understanding.for_locale("en-US").resolve("give me a trust exercise")
    device.intent(match.intent)
    assert "breathing" in said(device) and device.session_open


# Today's suggestion, from the history (choosing.rotation, a pure function) ------------------
PAIRED = [e for _, e in PAIRS]
TODAY = "2026-03-10"


def test_a_first_visit_starts_with_gentle_breathing_then_the_strategies_in_order():
    assert rotation(PAIRED, None, "gentle", {}, TODAY) == ["gentle", *PAIRED]


def test_the_strategy_they_are_on_comes_first_then_the_following_ones_round_to_the_start():
    order = rotation(PAIRED, 4, "gentle", {}, TODAY)
    assert order == ["grounding", "expectations", "forgiveness", "underneath", "listening",
                     "promise", "gentle"]  # fmt: skip


def test_what_was_done_lately_goes_last_longest_ago_first_and_older_practice_is_forgotten():
    practised = {
        "grounding": "2026-03-10",
        "expectations": "2026-03-05",
        "forgiveness": "2026-02-01",
    }
    order = rotation(PAIRED, 4, "gentle", practised, TODAY)
    assert order[0] == "forgiveness"  # a month ago is not lately
    assert order[-2:] == ["expectations", "grounding"]
    assert sorted(order) == sorted([*PAIRED, "gentle"])


def test_strategies_without_an_exercise_are_skipped_and_each_exercise_comes_once():
    paired = ["underneath", None, "gentle", "grounding"]
    assert rotation(paired, 2, "gentle", {}, TODAY) == ["gentle", "grounding", "underneath"]
    assert rotation(paired, 3, "gentle", {}, TODAY) == ["gentle", "grounding", "underneath"]
