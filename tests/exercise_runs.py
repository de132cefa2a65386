"""Whole exercise runs through a simulated device: what every response of a run says.

Shared by the tests that measure a run: its announced length against its timeline
(test_exercise_lengths.py) and against the audio the voice preview renders
(test_exercise_audio.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

from exercise_timing import CHIME_SECONDS, timeline

from trust_coach.content import catalog_for
from trust_coach.exercises import Exercise, library_for
from trust_coach.speech import readable
from trust_coach_tools.device import Device, slot_payload

LIBRARY = library_for(catalog_for("en-US"))
# How a length is said, as a listener would take it.
_SAID = re.compile(
    r"less than a minute|a little over a minute|about a minute and a half|about a minute"
    r"|about (\d+) and a half minutes|about (\d+) minutes"
)
_PHRASES = {
    "less than a minute": None,
    "a little over a minute": 75.0,
    "about a minute and a half": 90.0,
    "about a minute": 60.0,
}


def said_seconds(text: str) -> float | None:
    """The first length said in `text`, in seconds; None for "less than a minute"."""
    found = _SAID.search(text)
    assert found, f"no length said in: {text}"
    half, whole = found.groups()
    if half:
        return int(half) * 60 + 30.0
    if whole:
        return int(whole) * 60.0
    return _PHRASES[found.group(0)]


def announced_seconds(ssml: str) -> float | None:
    """The length a run's first response says before its first pause."""
    text = readable(ssml)
    return said_seconds(text[: text.index("[pause")])


def heard_seconds(ssml: str) -> float:
    """How long a response takes to hear: words, pauses, and a chime for each clip."""
    return sum(piece.seconds for piece in timeline(ssml)) + ssml.count("<audio ") * CHIME_SECONDS


def mid_exercise(device: Device) -> bool:
    """Before the response that says the exercise's last part (and its close)."""
    place = device.attributes.get("place") or {}
    if not device.session_open or place.get("area") != "exercise" or place.get("done"):
        return False
    return place["next"] < len(LIBRARY.get(place["id"]).segments(place["rounds"]))


def begin(device: Device, ident: str, option: int | None) -> None:
    """Start an exercise by name: breathing with `option` rounds, the timer with `option`
    minutes a turn, or its default."""
    exercise = LIBRARY.get(ident)
    heard = exercise.name
    if exercise.is_breathing:
        rounds = {} if option is None else {"rounds": str(option)}
        slots = {"pattern": slot_payload("pattern", heard, (ident, heard))}
        device.intent("BreathingIntent", slots=slots, **rounds)
    elif exercise.is_timer and option is not None:
        device.intent("ListeningIntent", minutes=str(option))
    else:
        slots = {"exercise": slot_payload("exercise", heard, (ident, heard))}
        device.intent("ExerciseIntent", slots=slots)


def run(device: Device, ident: str, option: int | None) -> list[str]:
    """A whole run, saying "next" after each response has been heard: every response's SSML.
    `device.clock` must be set (each "next" comes ten minutes on)."""
    begin(device, ident, option)
    said = [device.ssml]
    while mid_exercise(device):
        device.clock += timedelta(minutes=10)
        device.intent("AMAZON.NextIntent")
        said.append(device.ssml)
        assert len(said) < 40, "the run never ends"
    assert LIBRARY.get(ident).close in readable(device.ssml), readable(device.ssml)
    return said


def options(exercise: Exercise) -> list[int | None]:
    """The lengths an exercise can be asked for: the default, and breathing's fewest, middle
    and most rounds, or each of the timer's turn lengths in minutes."""
    if exercise.is_breathing:
        middle = (exercise.rounds_min + exercise.rounds_max) // 2
        return [None, exercise.rounds_min, middle, exercise.rounds_max]
    if exercise.is_timer:
        return [None, *range(exercise.rounds_min // 60, exercise.rounds_max // 60 + 1)]
    return [None]
