"""One small promise, multi-turn through the Lambda handler on the embedded store: made on
one day, asked about gently on a later visit, counted, bounded, and never logged."""

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from trust_coach import promises
from trust_coach.app import handle_event
from trust_coach.content import catalog_for
from trust_coach.observability import Observability
from trust_coach.speech import readable
from trust_coach.state import Progress
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device
from trust_coach_tools.nlu import Understanding

START = datetime(2026, 3, 2, 18, tzinfo=UTC)  # a Monday evening
PROMISE = "text you when I'm running late"


def said(device: Device) -> str:
    return readable(device.ssml)


def stored(store, device: Device):
    return store.load(user_key(device.user_id))


def promise(device: Device, words: str | None = None) -> dict:
    return device.intent("PromiseIntent", **({"promise": words} if words is not None else {}))


def make_promise(device: Device, words: str = PROMISE, day: datetime = START) -> None:
    device.clock = day
    device.launch()
    promise(device)
    promise(device, words)
    device.intent("AMAZON.YesIntent")


# Making one -------------------------------------------------------------------------------
def test_a_promise_is_asked_for_confirmed_back_and_kept_with_its_date(device, store):
    device.clock = START
    device.launch()
    promise(device)
    text = said(device)
    assert "about a minute" in text and "concrete" in text
    assert text.endswith("I promise.")
    assert device.session_open and stored(store, device).extra == {}

    promise(device, PROMISE)
    assert PROMISE in said(device) and "?" in said(device)
    assert stored(store, device).extra == {}  # nothing kept before a yes

    device.intent("AMAZON.YesIntent")
    text = said(device)
    assert "keep" in text.lower() or "saved" in text.lower()
    assert "!" not in text and device.session_open
    progress = stored(store, device)
    assert progress.extra["promises"] == [{"text": PROMISE, "made": "2026-03-02", "asked": False}]
    assert promises.counts(progress) == {"heard": 1, "kept": 0, "missed": 0}
    assert progress.practice_days == ["2026-03-02"]
    device.intent("AMAZON.YesIntent")  # the one next step offered: today's tip
    assert any(tip.text in said(device) for tip in catalog_for("en-US").tips)


def test_the_promise_can_be_said_straight_away(device, store):
    device.launch()
    promise(device, "  cook dinner on Thursday.  ")
    assert "cook dinner on Thursday" in said(device)
    device.intent("AMAZON.YesIntent")
    assert promises.promises(stored(store, device))[0].text == "cook dinner on Thursday"


def test_no_to_the_confirmation_asks_again_and_keeps_nothing(device, store):
    device.launch()
    promise(device, "call my mother")
    device.intent("AMAZON.NoIntent")
    assert "I promise" in said(device) and device.session_open
    promise(device, "call you at lunch")
    device.intent("AMAZON.YesIntent")
    assert [p.text for p in promises.promises(stored(store, device))] == ["call you at lunch"]


@pytest.mark.parametrize("ending", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_before_a_yes_keeps_nothing_and_help_keeps_the_question(device, store, ending):
    device.launch()
    promise(device)
    device.intent("AMAZON.HelpIntent")
    assert "not a substitute" in said(device) and device.session_open
    promise(device, PROMISE)
    device.intent(ending)
    assert not device.session_open
    assert stored(store, device).extra.get("promises") in (None, [])


@pytest.mark.parametrize("empty", [None, "", "   ", " . "])
def test_a_promise_with_no_words_caught_is_asked_again_never_stored_empty(device, store, empty):
    device.launch()
    promise(device)
    promise(device, empty)
    text = said(device)
    assert "didn't catch" in text or "missed the words" in text
    assert device.session_open and "I promise" in readable(device.reprompt_ssml)
    device.intent("AMAZON.YesIntent")  # a stray yes keeps nothing
    assert stored(store, device).extra.get("promises") in (None, [])
    assert promises.counts(stored(store, device))["heard"] == 0


def test_words_alexa_could_not_place_after_the_question_are_asked_again(device, store):
    device.launch()
    promise(device)
    device.intent("AMAZON.FallbackIntent")
    assert "didn't catch" in said(device) or "missed the words" in said(device)
    assert "Sorry, I didn't understand" not in said(device)


@pytest.mark.parametrize("words", ["stop hitting her", "not hurt myself", "not kill myself"])
def test_a_promise_with_danger_words_gets_the_safety_answer(device, store, words):
    device.launch()
    promise(device)
    promise(device, words)
    text = said(device)
    assert "988" in text and "1-800-799-7233" in text
    assert words not in text
    assert stored(store, device).extra.get("promises") in (None, [])


# Following it up --------------------------------------------------------------------------
def test_a_promise_made_on_day_0_is_asked_about_on_day_3_and_a_yes_is_celebrated(device, store):
    make_promise(device)
    device.clock = START + timedelta(hours=2)
    device.launch()  # the same day: too soon to ask
    assert PROMISE not in said(device)

    device.clock = START + timedelta(days=3)
    device.launch()
    text = said(device)
    assert "3 days ago" in text and PROMISE in text and text.endswith("?")
    assert device.session_open
    device.intent("AMAZON.YesIntent")
    text = said(device)
    assert "!" not in text and ("glad" in text or "good to hear" in text)
    progress = stored(store, device)
    assert promises.counts(progress) == {"heard": 1, "kept": 1, "missed": 0}
    assert progress.extra["promises"][0]["asked"] is True
    device.intent("AMAZON.YesIntent")  # another promise?
    assert "I promise" in said(device)

    device.clock = START + timedelta(days=4)
    device.launch()  # asked once: never again
    assert PROMISE not in said(device)


def test_a_no_is_met_kindly_and_helps_make_the_next_promise_smaller(device, store):
    make_promise(device)
    device.clock = START + timedelta(days=1)
    device.launch()
    assert "Yesterday" in said(device)
    device.intent("AMAZON.NoIntent")
    text = said(device)
    assert "smaller" in text and "I promise" in text and device.session_open
    assert "fail" not in text.lower() and "should" not in text.lower()
    promise(device, "send you one kind message")
    device.intent("AMAZON.YesIntent")
    progress = stored(store, device)
    assert promises.counts(progress) == {"heard": 2, "kept": 0, "missed": 1}
    assert [p.text for p in promises.promises(progress)] == [PROMISE, "send you one kind message"]


def test_a_run_of_kept_promises_is_counted_aloud_and_misses_never_are(device, store):
    for week, answer in enumerate(["AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.YesIntent"]):
        make_promise(device, f"promise for week {week}", START + timedelta(days=7 * week))
        device.clock = START + timedelta(days=7 * week + 2)
        device.launch()
        device.intent(answer)
        if week == 0:
            assert "kept so far" not in said(device) and "2" not in said(device)
    assert "2 promises you've kept" in said(device) or "kept 2 of" in said(device)
    assert "missed" not in said(device)
    assert promises.counts(stored(store, device)) == {"heard": 3, "kept": 2, "missed": 1}


@pytest.mark.parametrize("days", [8, 30])
def test_a_promise_older_than_a_week_is_not_brought_up(device, days):
    make_promise(device)
    device.clock = START + timedelta(days=days)
    device.launch()
    assert PROMISE not in said(device)


def test_the_follow_up_comes_in_a_new_session_after_the_session_ended(device, store):
    make_promise(device)
    device.end_session()
    device.clock = START + timedelta(days=2, hours=5)
    device.launch()
    assert "2 days ago" in said(device) and PROMISE in said(device)


# Bounded, tolerant, private ---------------------------------------------------------------
def test_only_the_last_three_promises_are_kept_each_cut_to_a_sentence(device, store):
    for day in range(5):
        make_promise(device, f"promise number {day}", START + timedelta(days=10 * day))
    long_words = "listen " * 100
    make_promise(device, long_words, START + timedelta(days=60))
    kept = promises.promises(stored(store, device))
    assert len(kept) == promises.MAX_PROMISES
    assert [p.text for p in kept[:2]] == ["promise number 3", "promise number 4"]
    assert len(kept[-1].text) <= promises.MAX_PROMISE_CHARS and kept[-1].text.startswith("listen")
    assert promises.counts(stored(store, device))["heard"] == 6


@pytest.mark.parametrize(
    "damage",
    [
        {"promises": "call", "promise_counts": []},
        {"promises": [{"text": "", "made": "2026-03-01"}, {"made": "yesterday"}, 7]},
        {"promises": [{"text": "x", "made": "2026-13-40"}], "promise_counts": {"kept": -3}},
    ],
)
def test_damaged_promise_records_are_ignored_not_fatal(device, store, damage):
    device.clock = START
    device.launch()
    device.end_session()
    progress = stored(store, device)
    progress.extra.update(damage)
    store.save(user_key(device.user_id), progress)
    device.clock = START + timedelta(days=2)
    device.launch()
    assert "Sorry" not in said(device) and "ago" not in said(device)
    promise(device, "walk together on Sunday")
    device.intent("AMAZON.YesIntent")
    progress = stored(store, device)
    assert [p.text for p in promises.promises(progress)] == ["walk together on Sunday"]
    assert promises.counts(progress)["heard"] == 1


@pytest.mark.filterwarnings("ignore:No application metrics")
def test_what_was_promised_is_never_logged(skill, package_logger_restored):
    logs = io.StringIO()
    observed = Observability(service=f"trust-coach-{uuid.uuid4().hex[:8]}", stream=logs)
    entry = observed.instrument(lambda event, context: handle_event(skill, event, context))
    device = Device(lambda event: entry(event, None))
    private = "water the violets every morning"
    make_promise(device, private)
    device.clock = START + timedelta(days=2)
    device.launch()
    device.intent("AMAZON.NoIntent")
    assert logs.getvalue() and "PromiseIntent" in logs.getvalue()
    assert "violets" not in logs.getvalue()


@pytest.mark.parametrize(
    ("typed", "slot"),
    [
        ("I promise to call you at lunch", "call you at lunch"),
        ("my promise is to cook on friday", "cook on friday"),
        ("make a promise", None),
        ("the promise exercise", None),
    ],
)
def test_the_console_hears_promises(typed, slot):
    match = Understanding.for_locale("en-US").resolve(typed)
    assert match.intent == "PromiseIntent"
    heard = match.slots.get("promise", {}).get("value")
    assert (promises.clean(heard) or None) == slot


# Which promise is due ---------------------------------------------------------------------
def _with(*records: tuple[str, str, bool]):
    progress = Progress()
    progress.extra["promises"] = [{"text": t, "made": d, "asked": a} for t, d, a in records]
    return progress


@pytest.mark.parametrize(
    ("records", "today", "expected"),
    [
        ((("a", "2026-03-01", False),), "2026-03-01", None),  # made today
        ((("a", "2026-03-01", False),), "2026-03-02", "a"),  # one day later
        ((("a", "2026-03-01", False),), "2026-03-08", "a"),  # seven days later
        ((("a", "2026-03-01", False),), "2026-03-09", None),  # too long ago
        ((("a", "2026-03-01", True),), "2026-03-03", None),  # asked once already
        ((("a", "2026-03-01", False), ("b", "2026-03-04", False)), "2026-03-04", "a"),
        ((("a", "2026-03-01", False), ("b", "2026-03-03", False)), "2026-03-04", "b"),
        ((("a", "2026-03-01", True), ("b", "2026-03-04", False)), "2026-03-04", None),
    ],
)
def test_the_newest_unasked_promise_from_one_to_seven_days_ago_is_due(records, today, expected):
    found = promises.due(_with(*records), today)
    assert (found.text if found else None) == expected


def test_an_empty_promise_is_refused_and_a_joining_word_is_dropped():
    with pytest.raises(ValueError):
        promises.make(Progress(), " . ", "2026-03-01")
    assert promises.clean("to  call you.") == "call you"
    assert promises.clean("that I will cook") == "I will cook"
    assert promises.clean(None) == ""


def test_a_promise_of_control_characters_is_no_words_caught():
    assert promises.clean("\x1b\x07 ") == ""
    assert promises.clean("to call\x1b mom") == "call mom"
