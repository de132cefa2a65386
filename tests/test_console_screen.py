"""`trust-coach chat --device show`: the console acts as an Echo Show and says, a line per
change, what the screen shows and which sound bed plays."""

from __future__ import annotations

import io

import pytest

from trust_coach_tools.cli import chat


def run(send, typed: str, screen: str = "show") -> list[str]:
    out = io.StringIO()
    chat(
        send, "amzn1.ask.account.console-screen", source=io.StringIO(typed), out=out, screen=screen
    )
    return out.getvalue().splitlines()


@pytest.mark.slow
def test_breathing_on_the_console_screen_prints_each_phase_and_then_the_close(send):
    lines = run(send, "do some box breathing\n")
    phases = [line for line in lines if "circle" in line and "Alexa: " in line]
    assert len(phases) == 4 * 4  # box breathing's default 4 rounds, 4 phases each
    assert phases[0].startswith("Screen: Round 1 of 4 | circle grows to large over 4 s")
    assert phases[0].endswith("Alexa: Breathe in.")
    assert any("circle holds" in line for line in phases)
    assert any("Let your breath go back" in line or "Well done" in line for line in lines)


def test_cards_taps_and_the_crisis_numbers_on_the_console_screen(send):
    lines = run(send, "tell me strategy two\ntap next\nI am in danger\n")
    cards = [line for line in lines if line.startswith("Screen: ")]
    assert cards[0].startswith("Screen: Strategy 2 of 6 | Open and honest talk")
    assert "buttons: Next, Repeat, Pause, Stop" in cards[0]
    assert cards[1].startswith("Screen: Strategy 3 of 6")  # the tap did what "next" does
    assert cards[-1] == (
        "Screen: You deserve to be safe | In danger right now: 911 | Suicide and Crisis "
        "Lifeline: 988 | National Domestic Violence Hotline: 1-800-799-7233"
    )


def test_the_console_says_which_sound_bed_plays(send):
    lines = run(send, "play rain sounds\nthe forgiveness exercise\n", screen="voice")
    assert "Sound: amzn_sfx_rain_01, looped quietly under the speech (20%)" in lines
    assert not any(line.startswith("Screen: ") for line in lines)  # a voice-only speaker
