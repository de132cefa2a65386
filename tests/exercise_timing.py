"""Reading timing back out of SSML: what the exercise tests measure responses with.

Independent of the engine on purpose: it only knows SSML and Alexa's speaking rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Alexa's default voice: about 150 words a minute.
WORDS_PER_SECOND = 150 / 60
# A soundbank chime (`<audio>`, the listening timer's end of turn) lasts about this long.
CHIME_SECONDS = 1.5
_PIECE = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>|([^<]+)|<[^>]+>')


@dataclass
class Timed:
    text: str
    seconds: float  # the text's estimated speaking time plus the silence after it


def spoken(text: str) -> float:
    return len(text.split()) / WORDS_PER_SECOND


def timeline(ssml: str) -> list[Timed]:
    """Each stretch of text in `ssml`, with how long it and the breaks after it last."""
    pieces: list[Timed] = []
    for match in _PIECE.finditer(ssml):
        number, unit, text = match.groups()
        if number is not None:
            seconds = float(number) / (1000 if unit == "ms" else 1)
            if pieces:
                pieces[-1].seconds += seconds
            continue
        if text is not None and text.strip():
            pieces.append(Timed(text.strip(), spoken(text)))
    return pieces


def total_break_seconds(ssml: str) -> float:
    return sum(
        float(n) / (1000 if u == "ms" else 1)
        for n, u in re.findall(r'<break time="(\d+(?:\.\d+)?)(ms|s)"', ssml)
    )


def phases(ssml: str, cues: set[str]) -> list[Timed]:
    """The breathing phases in `ssml`: each cue with its planned length."""
    return [piece for piece in timeline(ssml) if piece.text in cues]
