"""SSML building, and the check every response must pass to be within Alexa's limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_SPEECH_CHARS = 8000
MAX_BREAK_SECONDS = 10.0
MAX_AUDIO_TAGS = 5
# Alexa plays at most 240 s of audio in one response; silence is held to the same bound here,
# so a response of breaks and a chime never runs past what one response may play.
MAX_AUDIO_SECONDS = 240.0
MAX_RESPONSE_BYTES = 24 * 1024
SUPPORTED_TAGS = frozenset(
    {
        "speak", "break", "emphasis", "lang", "p", "phoneme", "prosody", "s", "say-as",
        "sub", "voice", "w", "audio", "mark", "amazon:domain", "amazon:effect",
        "amazon:emotion",
    }
)  # fmt: skip
_BREAK_TIME = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_BREAK = re.compile(r'<break time="([^"]+)"\s*/>')
_TAG = re.compile(r"<[^>]+>")
# Alexa's default voice speaks about 150 words a minute: every estimate of how long words
# take to hear (an exercise's timeline, an answer's length) uses this pace.
SECONDS_PER_WORD = 0.4


# Characters XML 1.0 does not allow (C0 controls but tab, newline and return; surrogates;
# U+FFFE and U+FFFF): heard slot text can carry them, and one would break the whole response.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


# What xml.sax.saxutils.escape replaces, in one pass (importing xml.sax costs a cold start
# more than these three replacements ever do).
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def ssml_escape(text: str) -> str:
    return _NOT_XML.sub("", text).translate(_ENTITIES)


@dataclass
class Speech:
    """Builds one SSML utterance from plain text pieces and pauses."""

    parts: list[str] = field(default_factory=list)

    def say(self, text: str) -> Speech:
        text = text.strip()
        if text and text[0] in ".,;:?!" and self.parts:
            self.parts[-1] += ssml_escape(text)  # punctuation belongs to what came before
        elif text:
            self.parts.append(ssml_escape(text))
        return self

    def pause(self, seconds: float) -> Speech:
        """Silence of any length, split into breaks Alexa accepts (10 s at most each)."""
        remaining = round(seconds * 1000)
        while remaining > 0:
            chunk = min(remaining, int(MAX_BREAK_SECONDS * 1000))
            self.parts.append(f'<break time="{chunk}ms"/>')
            remaining -= chunk
        return self

    def emphasis(self, text: str, level: str = "moderate") -> Speech:
        self.parts.append(f'<emphasis level="{level}">{ssml_escape(text)}</emphasis>')
        return self

    def audio(self, src: str) -> Speech:
        """A short sound, e.g. from Alexa's soundbank (at most 5 per response)."""
        if src:
            self.parts.append(f'<audio src="{ssml_escape(src)}"/>')
        return self

    def phone(self, number: str) -> Speech:
        self.parts.append(f'<say-as interpret-as="telephone">{ssml_escape(number)}</say-as>')
        return self

    def raw(self, ssml: str) -> Speech:
        """Append SSML built by another Speech (already escaped)."""
        if ssml:
            self.parts.append(ssml)
        return self

    @property
    def body(self) -> str:
        return " ".join(self.parts)

    def ssml(self) -> str:
        return f"<speak>{self.body}</speak>"

    def __bool__(self) -> bool:
        return bool(self.parts)


def break_seconds(time_value: str) -> float | None:
    match = _BREAK_TIME.match(time_value.strip())
    if not match:
        return None
    number = float(match.group(1))
    return number / 1000 if match.group(2) == "ms" else number


def heard_seconds(ssml: str, clip_seconds: float = 0.0) -> float:
    """How long an answer plays, estimated: its words at Alexa's pace, every break, and
    `clip_seconds` for each sound clip."""
    breaks = sum(break_seconds(time) or 0.0 for time in _BREAK.findall(ssml))
    words = len(_TAG.sub(" ", ssml).split())
    return words * SECONDS_PER_WORD + breaks + ssml.count("<audio ") * clip_seconds


def check_ssml(ssml: str) -> list[str]:
    """Problems with one SSML string: well-formedness, tags, length, breaks, audio."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    problems: list[str] = []
    if len(ssml) > MAX_SPEECH_CHARS:
        problems.append(f"speech is {len(ssml)} characters, over {MAX_SPEECH_CHARS}")
    # ElementTree does not know the amazon: prefix, so declare it for parsing only.
    parseable = ssml.replace("<speak>", '<speak xmlns:amazon="urn:amazon">', 1)
    try:
        root = ElementTree.fromstring(parseable)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        return [*problems, f"SSML is not well-formed: {error}"]
    if root.tag != "speak":
        problems.append("SSML does not start with <speak>")
    audio = 0
    silence = 0.0
    for element in root.iter():
        tag = element.tag.replace("{urn:amazon}", "amazon:")
        if tag not in SUPPORTED_TAGS:
            problems.append(f"unsupported SSML tag <{tag}>")
        if tag == "audio":
            audio += 1
        if tag == "break" and "time" in element.attrib:
            seconds = break_seconds(element.attrib["time"])
            if seconds is None:
                problems.append(f"break time {element.attrib['time']!r} is not valid")
            elif seconds > MAX_BREAK_SECONDS:
                problems.append(f"break of {seconds} s is over {MAX_BREAK_SECONDS} s")
            else:
                silence += seconds
    if audio > MAX_AUDIO_TAGS:
        problems.append(f"{audio} audio tags, over {MAX_AUDIO_TAGS}")
    if silence > MAX_AUDIO_SECONDS:
        problems.append(f"{silence:g} s of silence, over {MAX_AUDIO_SECONDS:g} s in one response")
    return problems


def check_response(envelope: dict[str, Any]) -> list[str]:
    """Problems with a whole serialized response envelope against Alexa's limits."""
    problems: list[str] = []
    size = len(json.dumps(envelope).encode())
    if size > MAX_RESPONSE_BYTES:
        problems.append(f"response is {size} bytes, over {MAX_RESPONSE_BYTES}")
    response = envelope.get("response") or {}
    for key in ("outputSpeech", "reprompt"):
        holder = response.get(key) or {}
        speech = holder.get("outputSpeech", holder) if key == "reprompt" else holder
        if speech.get("type") == "SSML":
            problems += [f"{key}: {p}" for p in check_ssml(speech.get("ssml", ""))]
    stays_open = response.get("shouldEndSession") is False
    if stays_open and not response.get("reprompt"):
        problems.append("session stays open without a reprompt")
    return problems


def readable(ssml: str) -> str:
    """What a listener would hear, for consoles and logs: pauses shown, tags stripped."""

    def pause(match: re.Match[str]) -> str:
        seconds = break_seconds(match.group(1)) or 0
        return f" [pause {seconds:g}s] "

    text = _BREAK.sub(pause, ssml)
    text = _TAG.sub("", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(text.split())
