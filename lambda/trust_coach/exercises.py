"""Guided exercises as timed speech: content -> segments -> response-sized chunks of SSML.

An exercise is data (`content/<locale>/exercises.json`). A breathing exercise is a pattern of
phases repeated for some rounds; a reflection is a list of steps, each followed by silence; a
timer is a reflection whose timed steps are a speaker's turn of the chosen length, ended by a
chime. All become the same thing here: a list of `Segment`s, each a piece of SSML with a nominal
length and a flag saying whether the user must say "next" after it. The conversation code
(`handlers/exercises.py`) only ever asks for "the chunk starting at segment N".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from trust_coach.content import Catalog
from trust_coach.questions import Question
from trust_coach.speech import SECONDS_PER_WORD, Speech

# Timed guidance in one response; a longer exercise continues on the next turn.
MAX_GUIDED_SECONDS_PER_RESPONSE = 90.0
# A timer's turn belongs in one response: while Alexa plays silence her microphone is closed,
# so nobody's words are taken for a command. 210 s leaves room for the words around a
# three-minute turn inside the 240 s Alexa plays of audio in one response; a longer turn
# continues on the next response.
MAX_TIMED_SECONDS_PER_RESPONSE = 210.0
# A turn's silence is cut into slices so a response can end, and a pause resume, between them.
SILENCE_SLICE_SECONDS = 10.0
# Silence after the intro, before the first cue, to let the listener settle.
SETTLE_SECONDS = 1.5
# The soundbank chime that ends a turn lasts about a second and a half.
END_CUE_SECONDS = 2.0
# A length is said within this much of the truth ("about a minute and a half" for 91 s).
LENGTH_TOLERANCE = 0.15
# The lengths a person says below three minutes, in seconds; from three on, whole minutes.
# 75 s is "a little over a minute": neither a minute nor a minute and a half is within 15%.
SAID_LENGTHS = (60, 75, 90, 120, 150)

BREATHING = "breathing"
REFLECTION = "reflection"
TIMER = "timer"
# The small promise is offered like an exercise (exercises.json's `for_strategy`), but it is a
# conversation of its own (handlers/promises.py), not a timeline of segments.
PROMISE = "promise"


# The timeline's pieces are NamedTuples: dozens are made per exercise, and a frozen
# dataclass costs several times more to define and to make.
class Phase(NamedTuple):
    cue: str
    seconds: float


class Step(NamedTuple):
    text: str
    silence: float
    wait: bool = True
    prompt: str | None = None
    timed: bool = False  # a speaker's turn: the chosen length of silence, then the end cue


class Segment(NamedTuple):
    """One unit of an exercise: a breathing round or a reflection step."""

    ssml: str
    seconds: float  # nominal length: speech (estimated) plus silence
    wait: bool  # the user says "next" before the following segment
    prompt: str | None = None  # said after a waiting segment instead of the usual prompt
    step: int = 0  # the step (or round) this segment belongs to
    timed: bool = False  # a slice of a speaker's turn


@dataclass(frozen=True)
class Exercise:
    id: str
    kind: str
    name: str
    synonyms: tuple[str, ...]
    about: str
    intro: tuple[str, ...]
    posture: str
    close: str
    next_offer: str
    next_reprompt: str
    next_action: Question  # what "yes" to the closing offer does
    phases: tuple[Phase, ...] = ()
    rounds_default: int = 1
    rounds_min: int = 1
    rounds_max: int = 1
    steps: tuple[Step, ...] = ()
    end_audio: str = ""
    end_text: str = ""
    # Segments by clamped rounds, built once: building them writes every step's SSML, and an
    # offer of the exercise (its length) is part of reading a strategy.
    _segments: dict[int, tuple[Segment, ...]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    @property
    def is_breathing(self) -> bool:
        return self.kind == BREATHING

    @property
    def is_timer(self) -> bool:
        return self.kind == TIMER

    @property
    def budget(self) -> float:
        """Seconds of guided time one response may carry."""
        return MAX_TIMED_SECONDS_PER_RESPONSE if self.is_timer else MAX_GUIDED_SECONDS_PER_RESPONSE

    @property
    def round_seconds(self) -> float:
        return sum(p.seconds for p in self.phases)

    def clamp_rounds(self, rounds: int | None) -> int:
        """The exercise's one option: rounds of breathing, or a timer's seconds per turn."""
        if self.is_timer:
            return self.rounds_default if rounds is None else self._clamp(rounds)
        if not self.is_breathing:
            return len(self.steps)
        if rounds is None:
            return self.rounds_default
        return self._clamp(rounds)

    def _clamp(self, value: int) -> int:
        return max(self.rounds_min, min(self.rounds_max, value))

    def rounds_for(self, rounds: int | None = None, seconds: float | None = None) -> int:
        """Rounds from what the user asked: a count, a length, or neither (the default).

        For a timer both mean the turn: a count is minutes, and a length is rounded to them.
        """
        return self.clamp_rounds(self.asked_rounds(rounds, seconds))

    def asked_rounds(self, rounds: int | None = None, seconds: float | None = None) -> int | None:
        """What the user asked for, before the exercise's limits: rounds of breathing, or a
        timer's seconds a turn; None when they asked for neither (or for a reflection)."""
        if self.is_timer:
            if rounds is None and seconds is not None:
                rounds = max(1, int(seconds / 60 + 0.5))  # half a minute rounds up
            return None if rounds is None else rounds * 60
        if not self.is_breathing:
            return None
        if rounds is None and seconds is not None:
            rounds = max(1, round(seconds / self.round_seconds))
        return rounds

    def segments(self, rounds: int | None = None) -> list[Segment]:
        clamped = self.clamp_rounds(rounds)  # all that `rounds` changes below
        built = self._segments.get(clamped)
        if built is None:
            built = self._segments[clamped] = tuple(self._build_segments(rounds))
        return list(built)

    def _build_segments(self, rounds: int | None) -> list[Segment]:
        if self.is_breathing:
            one_round = round_speech(self).body
            return [
                Segment(one_round, self.round_seconds, wait=False, step=index)
                for index in range(self.clamp_rounds(rounds))
            ]
        segments: list[Segment] = []
        for index, step in enumerate(self.steps):
            if step.timed:
                segments += self.turn_segments(index, step, self.clamp_rounds(rounds))
                continue
            segments.append(
                Segment(
                    Speech().say(step.text).pause(step.silence).body,
                    spoken_seconds(step.text) + step.silence,
                    wait=step.wait,
                    prompt=step.prompt,
                    step=index,
                )
            )
        return segments

    def turn_segments(self, index: int, step: Step, seconds: int) -> list[Segment]:
        """A speaker's turn: the words that start it, silence in slices, then the end cue."""
        opening = Speech().say(step.text).pause(step.silence)
        spoken = spoken_seconds(step.text) + step.silence
        segments = [Segment(opening.body, spoken, wait=False, step=index)]
        left = float(seconds)
        while left > 0:
            piece = min(SILENCE_SLICE_SECONDS, left)
            silence = Speech().pause(piece).body
            segments.append(Segment(silence, piece, wait=False, step=index, timed=True))
            left -= piece
        cue = Speech().audio(self.end_audio).say(self.end_text)
        cue_seconds = END_CUE_SECONDS + spoken_seconds(self.end_text)
        segments.append(Segment(cue.body, cue_seconds, step.wait, step.prompt, step=index))
        return segments

    def step_starts(self, rounds: int | None = None) -> list[int]:
        """The first segment of each step."""
        starts: dict[int, int] = {}
        for position, segment in enumerate(self.segments(rounds)):
            starts.setdefault(segment.step, position)
        return [starts[step] for step in sorted(starts)]

    def turn_starts(self, rounds: int | None = None) -> list[int]:
        """The first segment of each speaker's turn."""
        starts = self.step_starts(rounds)
        return [starts[index] for index, step in enumerate(self.steps) if step.timed]

    def guided_seconds(self, rounds: int | None = None) -> float:
        """The guided part alone: every segment, without the words around it."""
        return sum(segment.seconds for segment in self.segments(rounds))

    def length_seconds(
        self,
        rounds: int | None = None,
        *,
        opening: str | None = None,
        step_prompt: str = "",
        more_prompt: str = "",
    ) -> float:
        """How long a whole run takes to hear, the way `handlers/exercises.py` says it: the
        opening (the first run's introduction unless given) and posture, the pause to settle,
        every segment, the words that end each response partway (a step's own prompt, else
        `step_prompt` after a step that waits, `more_prompt` where the guided time runs out),
        then the close and the offer after it. The plan sentence is the caller's to add."""
        segments = self.segments(rounds)
        opening = self.about if opening is None else opening
        words = [opening, self.posture, self.close, self.next_offer]
        start = 0
        while (end := chunk_end(segments, start, self.budget)) < len(segments):
            last = segments[end - 1]
            words.append((last.prompt or step_prompt) if last.wait else more_prompt)
            start = end
        spoken = sum(spoken_seconds(text) for text in words)
        return spoken + SETTLE_SECONDS + sum(segment.seconds for segment in segments)


def spoken_seconds(text: str) -> float:
    """How long Alexa takes to say `text`, estimated from its word count."""
    return len(text.split()) * SECONDS_PER_WORD


def said_length(seconds: float) -> int | None:
    """The length a person would say for `seconds`, in seconds, within 15% of it: a minute, a
    little over, a minute and a half, two, two and a half, then whole minutes. None for "less
    than a minute", below the shortest that "about a minute" can honestly stand for."""
    if seconds * (1 + LENGTH_TOLERANCE) < SAID_LENGTHS[0]:
        return None
    whole = range(3, math.ceil(seconds / 60) + 2)
    candidates = [*SAID_LENGTHS, *(60 * minutes for minutes in whole)]
    return min(candidates, key=lambda said: abs(said - seconds))


def phase_speech(phase: Phase) -> Speech:
    """The cue, then silence for the rest of the phase: its break is shortened by the cue's
    words, so the two last as long as the phase."""
    silence = max(phase.seconds - spoken_seconds(phase.cue), 0.0)
    return Speech().say(phase.cue).pause(silence)


def round_speech(exercise: Exercise) -> Speech:
    speech = Speech()
    for phase in exercise.phases:
        speech.raw(phase_speech(phase).body)
    return speech


def chunk_end(
    segments: list[Segment], start: int, budget: float = MAX_GUIDED_SECONDS_PER_RESPONSE
) -> int:
    """Where the response that begins at `start` stops: after a segment that waits for the
    user, or before the guided time would pass the per-response budget."""
    end, total = start, 0.0
    while end < len(segments):
        segment = segments[end]
        if end > start and total + segment.seconds > budget:
            break
        total += segment.seconds
        end += 1
        if segment.wait:
            break
    return end


def duration_seconds(value: str | None) -> float | None:
    """Seconds in an ISO 8601 duration as Alexa sends it ("PT2M", "PT1M30S"), else None."""
    match = re.fullmatch(
        r"PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?", value or ""
    )
    if not match or not any(match.groups()):
        return None
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    total = hours * 3600 + minutes * 60 + seconds
    return total or None


def number(value: str | None) -> int | None:
    """An AMAZON.NUMBER slot value as an int, if it is one."""
    return int(value) if value and value.strip().isdigit() else None


class Library:
    """The exercises of one locale, found by id, name or spoken synonym."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.exercises = [_exercise(raw) for raw in data["exercises"]]
        self.default_breathing = self.get(data["default_breathing"])
        # Strategy id -> the exercise offered for it ("promise" is the small promise).
        self.for_strategy: dict[str, str] = dict(data.get("for_strategy", {}))
        promise = data.get("promise", {})
        self.promise_name: str = promise.get("name", "")
        self.promise_seconds: float = float(promise.get("seconds", 60))
        self._by_word: dict[str, Exercise] = {}
        for exercise in self.exercises:
            for word in (exercise.id, exercise.name, *exercise.synonyms):
                self._by_word[_fold(word)] = exercise

    def get(self, exercise_id: str | None) -> Exercise:
        found = next((e for e in self.exercises if e.id == exercise_id), None)
        if found is None:
            raise KeyError(exercise_id)
        return found

    def known(self, exercise_id: str | None) -> bool:
        return any(e.id == exercise_id for e in self.exercises)

    def find(self, spoken: str | None) -> Exercise | None:
        return self._by_word.get(_fold(spoken or ""))

    def segment_count(self, exercise_id: str, rounds: int) -> int | None:
        """How many segments the exercise has at `rounds`, if it is known and `rounds` is a
        value it would use itself (a session or record saying otherwise is damaged)."""
        if not self.known(exercise_id):
            return None
        exercise = self.get(exercise_id)
        if exercise.clamp_rounds(rounds) != rounds:
            return None
        return len(exercise.segments(rounds))


@cache
def library_for(catalog: Catalog) -> Library:
    """The locale's exercises, built once per catalog (catalogs live for the process)."""
    return Library(catalog.files["exercises"])


def _exercise(raw: dict[str, Any]) -> Exercise:
    rounds = raw.get("rounds") or raw.get("turn") or {}
    cue = raw.get("end_cue", {})
    return Exercise(
        id=raw["id"],
        kind=raw["kind"],
        name=raw["name"],
        synonyms=tuple(raw["synonyms"]),
        about=raw["about"],
        intro=tuple(raw["intro"]),
        posture=raw["posture"],
        close=raw["close"],
        next_offer=raw["next"]["offer"],
        next_reprompt=raw["next"]["reprompt"],
        next_action=_question(raw["next"]["action"]),
        phases=tuple(Phase(p["cue"], float(p["seconds"])) for p in raw.get("phases", [])),
        rounds_default=rounds.get("default", 1),
        rounds_min=rounds.get("min", 1),
        rounds_max=rounds.get("max", 1),
        steps=tuple(
            Step(
                s["text"],
                float(s["silence"]),
                s.get("wait", True),
                s.get("prompt"),
                s.get("timed", False),
            )
            for s in raw.get("steps", [])
        ),
        end_audio=cue.get("audio", ""),
        end_text=cue.get("text", ""),
    )


def _question(code: str) -> Question:
    question = Question.from_code(code)
    if question is None:  # the schema allows only codes that name a question
        raise ValueError(f"not a question: {code!r}")
    return question


def _fold(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())
