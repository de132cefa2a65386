"""The terminal console: typed words become real requests, answers are printed as heard."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from trust_coach.content import catalog_for
from trust_coach_tools.cli import chat
from trust_coach_tools.nlu import Understanding

ROOT = Path(__file__).resolve().parents[1]
SOURCE_PATH = os.pathsep.join([str(ROOT / "lambda"), str(ROOT / "tools")])


@pytest.mark.parametrize(
    ("typed", "intent", "slot_id"),
    [
        ("Tell me strategy three.", "StrategyIntent", "consistency"),
        ("tell me about FORGIVENESS", "StrategyIntent", "forgiveness"),
        ("the one about expectations", "StrategyIntent", "expectations"),
        ("the third one", "StrategyIntent", "consistency"),
        ("what are the strategies?", "ListStrategiesIntent", None),
        ("tell me more", "TellMeMoreIntent", None),
        ("Where did I leave off", "ResumeIntent", None),
        ("today's tip", "DailyTipIntent", None),
        ("yes please", "AMAZON.YesIntent", None),
        ("start over", "AMAZON.StartOverIntent", None),
        ("purple monkey dishwasher", "AMAZON.FallbackIntent", None),
        ("tell me about astrology", "AMAZON.FallbackIntent", None),
    ],
)
def test_typed_words_resolve_to_intents_and_slots(typed, intent, slot_id):
    match = Understanding.for_locale().resolve(typed)
    assert match.intent == intent
    if slot_id:
        resolution = match.slots["strategy"]["resolutions"]["resolutionsPerAuthority"][0]
        assert resolution["values"][0]["value"]["id"] == slot_id


def test_chat_prints_speech_pauses_and_reprompt(send):
    out = io.StringIO()
    chat(
        send,
        "amzn1.ask.account.console-test",
        source=io.StringIO("tell me strategy two\n"),
        out=out,
    )
    text = out.getvalue()
    assert "Alexa: Welcome to Trust Coach" in text
    assert "The second strategy is open and honest talk" in text
    assert "[pause" in text and "<break" not in text
    assert "(if you say nothing:" in text


def run_console(typed: str, db: Path) -> str:
    env = {**os.environ, "TRUST_COACH_DB": str(db), "PYTHONPATH": SOURCE_PATH}
    env.pop("TABLE_NAME", None)
    result = subprocess.run(
        [sys.executable, "-m", "trust_coach_tools.cli", "chat"],
        input=typed,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    assert "Traceback" not in result.stderr
    return result.stdout


def test_console_keeps_one_user_so_continue_works_next_time(tmp_path):
    db = tmp_path / "progress.sqlite3"
    first = run_console("tell me about forgiveness\nstop\n", db)
    assert "The sixth strategy is forgiveness" in first
    second = run_console("continue\n", db)  # ends with Ctrl-D (end of input)
    assert "forgiveness and letting go" in second.split("You:")[0]  # welcomed back by name
    resume_intros = catalog_for("en-US").files["prompts"]["resume_intro"]
    assert any(intro in second for intro in resume_intros)
    assert "The sixth strategy is forgiveness" in second


def test_console_reports_broken_content_without_a_traceback(tmp_path):
    env = {**os.environ, "TRUST_COACH_DB": str(tmp_path / "db"), "PYTHONPATH": SOURCE_PATH}
    result = subprocess.run(
        [sys.executable, "-m", "trust_coach_tools.cli", "nonsense"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("typed", "slot", "value"),
    [
        ("breathe with me for thirty seconds", "length", "PT30S"),
        ("a breathing exercise for twenty five minutes", "length", "PT25M"),
        ("box breathing for twelve rounds", "rounds", "12"),
        ("start the listening timer for fifteen minutes each", "minutes", "15"),
    ],
)
def test_numbers_past_ten_fill_number_and_duration_slots_with_digits(typed, slot, value):
    # Alexa sends digits ("30", "PT30S") for any number said; the console does as it does.
    match = Understanding.for_locale().resolve(typed)
    assert match.slots[slot]["value"] == value


def test_words_that_are_not_a_number_leave_a_number_slot_unfilled():
    match = Understanding.for_locale().resolve("box breathing for twenty purple rounds")
    assert "rounds" not in match.slots
