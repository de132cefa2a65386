"""A small stand-in for Alexa's language understanding, for the local console.

It matches typed text against the interaction model's sample utterances (slot placeholders
filled from slot values and synonyms, or any words for free-text and number slots), with case
and punctuation folded, and without a leading wake word or "um"s, which Alexa never passes
on. Built-in intents match a few common phrases. No match: FallbackIntent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"

# What people commonly say for Amazon's built-in intents (Alexa supplies these samples).
BUILTIN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.HelpIntent": ("help", "help me", "what can i say", "what can i do", "options"),
    "AMAZON.StopIntent": ("stop", "quit", "exit", "goodbye", "bye", "shut up", "off"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "nevermind", "forget it"),
    "AMAZON.NavigateHomeIntent": ("go home", "home", "main menu", "go back to the start"),
    "AMAZON.NextIntent": ("next", "next one", "next strategy", "skip", "go on"),
    "AMAZON.PreviousIntent": ("previous", "back", "go back", "previous one", "last one"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "again", "repeat that", "what"),
    "AMAZON.StartOverIntent": ("start over", "restart", "from the beginning", "start again"),
    "AMAZON.YesIntent": ("yes", "yeah", "yep", "sure", "ok", "okay", "please", "yes please"),
    "AMAZON.NoIntent": ("no", "nope", "no thanks", "no thank you", "not now", "nah"),
    "AMAZON.PauseIntent": ("pause", "hold on", "wait"),
    "AMAZON.ResumeIntent": ("resume playback",),
}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "a": 1, "an": 1, "a couple of": 2, "couple of": 2, "a few": 3,
}  # fmt: skip
# Tens, alone or before a unit ("thirty", "twenty five"), as Alexa fills AMAZON.NUMBER.
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90,
}  # fmt: skip
_FREE_TYPES = {"AMAZON.SearchQuery", "AMAZON.NUMBER", "AMAZON.DURATION", "AMAZON.TIME"}


def fold(text: str) -> str:
    text = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


# What never reaches a skill: the wake word, and the hesitation sounds speech recognition
# leaves out of its transcript.
_UNHEARD = {"um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm"}


# A one-shot request names the skill: "ask trust coach for today's tip", "tell trust coach to
# start a breathing exercise", "open trust coach and give me a tip". Alexa opens the skill and
# sends only what follows the connecting word.
_ONE_SHOT = re.compile(
    r"^(?:ask|tell|open|launch|start|use|have|load|begin|run) (?:the )?trust coach"
    r"(?: (?:to|for|about|if|whether|and|that|on))?(?: |$)"
)


def heard(utterance: str) -> str:
    """The utterance as a skill would get it: folded, without wake word, the skill's name in a
    one-shot request, or hesitations."""
    words = [word for word in fold(utterance).split() if word not in _UNHEARD]
    if words[:1] == ["alexa"]:
        words = words[1:]
    text = " ".join(words)
    return _ONE_SHOT.sub("", text, count=1) or text


@dataclass
class Match:
    intent: str
    slots: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class _Slot:
    type: str
    values: dict[str, tuple[str, str]]  # folded spoken form -> (id, canonical name)


class Understanding:
    def __init__(self, model: dict[str, Any]) -> None:
        language = model["interactionModel"]["languageModel"]
        types = {t["name"]: t for t in language.get("types", [])}
        self.patterns: list[tuple[re.Pattern[str], str, dict[str, _Slot]]] = []
        self.intents = [i["name"] for i in language["intents"]]
        for intent in language["intents"]:
            slots = {
                s["name"]: _Slot(s["type"], _slot_values(types.get(s["type"])))
                for s in intent.get("slots", [])
            }
            for sample in intent.get("samples", []):
                self.patterns.append((_compile(sample, slots), intent["name"], slots))
        # Fixed phrases before open ones, so "tell me more" is not read as a strategy name;
        # among open ones, the one with more fixed words first, as the more specific match.
        self.patterns.sort(key=lambda p: ("(?P<" in p[0].pattern, -_fixed_words(p[0].pattern)))
        for name, phrases in BUILTIN_PHRASES.items():
            if name in self.intents:
                for phrase in phrases:
                    self.patterns.append((re.compile(f"^{re.escape(phrase)}$"), name, {}))

    @classmethod
    def for_locale(cls, locale: str = "en-US", model_dir: Path = MODEL_DIR) -> Understanding:
        """The locale's model, compiled once per process: its thousands of samples take a
        second or two, and nothing changes them while the console runs."""
        return _understanding(cls, locale, model_dir)

    def resolve(self, utterance: str) -> Match:
        text = heard(utterance)
        for pattern, intent, slots in self.patterns:
            found = pattern.match(text)
            if not found:
                continue
            resolved = self._slots(found.groupdict(), slots)
            if resolved is not None:
                return Match(intent, resolved)
        return Match("AMAZON.FallbackIntent")

    def _slots(self, heard: dict[str, str], slots: dict[str, _Slot]) -> dict | None:
        from trust_coach_tools.device import slot_payload

        payloads: dict[str, dict[str, Any]] = {}
        for name, value in heard.items():
            slot = slots[name]
            if slot.type in _FREE_TYPES:
                spoken = _builtin_value(slot.type, value)
                if spoken == "?":
                    return None  # not a number or a length: Alexa would not fill the slot so
                payloads[name] = slot_payload(name, spoken)
                continue
            if value not in slot.values:
                return None  # not a value of this slot: try the next sample
            payloads[name] = slot_payload(name, value, slot.values[value])
        return payloads


@cache
def _understanding(cls: type[Understanding], locale: str, model_dir: Path) -> Understanding:
    path = model_dir / f"{locale}.json"
    return cls(json.loads(path.read_text(encoding="utf-8")))


def _fixed_words(pattern: str) -> int:
    return len(re.sub(r"\(\?P<\w+>\.\+\?\)", " ", pattern).split())


def _slot_values(slot_type: dict[str, Any] | None) -> dict[str, tuple[str, str]]:
    values: dict[str, tuple[str, str]] = {}
    for entry in (slot_type or {}).get("values", []):
        name = entry["name"]["value"]
        ident = entry.get("id") or name
        for spoken in (name, *entry["name"].get("synonyms", [])):
            values[fold(spoken)] = (ident, name)
    return values


def _compile(sample: str, slots: dict[str, _Slot]) -> re.Pattern[str]:
    parts = []
    for piece in re.split(r"(\{\w+\})", sample):
        if piece.startswith("{") and piece[1:-1] in slots:
            parts.append(f"(?P<{piece[1:-1]}>.+?)")
        elif words := fold(piece):
            parts.append(re.escape(words))
    return re.compile("^" + " ".join(parts) + "$")


def _builtin_value(slot_type: str, text: str) -> str:
    """What Alexa would send for a built-in slot: digits for numbers, ISO 8601 for durations."""
    if slot_type == "AMAZON.NUMBER":
        number = _number(text)
        return str(number) if number is not None else "?"
    if slot_type == "AMAZON.DURATION":
        match = re.match(r"^(.+?) (second|minute|hour)s?$", text)
        if match and (amount := _number(match.group(1))) is not None:
            unit = {"second": "S", "minute": "M", "hour": "H"}[match.group(2)]
            return f"PT{amount}{unit}"
        return "?"
    if slot_type == "AMAZON.TIME":
        return _time(text)
    return text


# AMAZON.TIME: "eight", "eight thirty", "seven p m", "noon", and parts of the day as Alexa
# sends them ("MO" for morning).
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_MINUTE_WORDS = {"": 0, "oclock": 0, "fifteen": 15, "thirty": 30, "forty five": 45}
_TIME = re.compile(
    r"^(?P<hour>\w+?)(?: (?P<minute>oclock|fifteen|thirty|forty five))?"
    r"(?: (?P<half>a m|am|in the morning|p m|pm|in the evening|at night|in the afternoon))?$"
)


def _time(text: str) -> str:
    if text in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[text]
    if text in ("noon", "midday"):
        return "12:00"
    if text == "midnight":
        return "00:00"
    match = _TIME.match(text)
    hour = _hour(match.group("hour")) if match else None
    if match is None or hour is None or not 1 <= hour <= 12:
        return "?"
    minute = _MINUTE_WORDS[match.group("minute") or ""]
    half = match.group("half") or ""
    afternoon = half in ("p m", "pm", "in the evening", "at night", "in the afternoon")
    if half:  # "twelve a m" is midnight; with no half said, "twelve" is noon
        hour = hour % 12 + (12 if afternoon else 0)
    return f"{hour:02d}:{minute:02d}"


def _hour(text: str) -> int | None:
    return {"eleven": 11, "twelve": 12}.get(text) or _number(text)


def _number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    tens, _, unit = text.partition(" ")
    if tens in _TENS and (not unit or unit in _UNITS):
        return _TENS[tens] + (_NUMBER_WORDS[unit] if unit else 0)
    return _NUMBER_WORDS.get(text)


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
