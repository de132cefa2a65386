"""The sound bed: a quiet nature sound under breathing and reflections, in APL for Audio.

Every Alexa device plays APL for Audio. The spoken answer (the same SSML a plain answer
would carry) goes into a `Mixer` with one soundbank sound from the allow-list below, looped,
low, faded in and out (`screen/apl/soundbed.json`). The person chooses it by voice; the
choice is kept in the progress (`Progress.extra`, so records from before it read as "none").
The crisis answer never has one (`presentation.py`).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trust_coach.screen.documents import without_descriptions
from trust_coach.speech import heard_seconds
from trust_coach.state import Progress

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apla import RenderDocumentDirective

# The only sounds a document may name: Alexa's soundbank, nature, calm enough to loop.
SOUNDS: dict[str, str] = {
    "rain": "soundbank://soundlibrary/nature/amzn_sfx_rain_01",
    "stream": "soundbank://soundlibrary/nature/amzn_sfx_stream_01",
    "ocean": "soundbank://soundlibrary/nature/amzn_sfx_ocean_wave_surf_01",
    "wind": "soundbank://soundlibrary/nature/amzn_sfx_wind_whistling_desert_01",
}
ORDER = tuple(SOUNDS)  # "change the sound" goes to the next one in this order
PROGRESS_KEY = "sound_bed"
VOLUME = "20%"
# Alexa plays at most 240 s of audio in one response; the fades and the silence after the
# speech add a few seconds, so a longer answer is sent plainly, without a bed.
MAX_AUDIO_SECONDS = 240.0
MARGIN_SECONDS = 10.0
DOCUMENT_NAME = "trust-coach-soundbed"  # the directive's token
DOCUMENT = Path(__file__).parent / "screen" / "apl" / "soundbed.json"


def chosen(progress: Progress) -> str | None:
    """The person's sound bed, if they chose one and it is still allowed."""
    sound = progress.extra.get(PROGRESS_KEY)
    return sound if isinstance(sound, str) and sound in SOUNDS else None


def choose(progress: Progress, sound: str | None) -> None:
    """Keep the choice (None: no sound bed)."""
    if sound is None:
        progress.extra.pop(PROGRESS_KEY, None)
    elif sound in SOUNDS:
        progress.extra[PROGRESS_KEY] = sound
    else:
        raise ValueError(f"not an allowed sound: {sound!r}")


def following(sound: str | None) -> str:
    """The sound "change the sound" moves to."""
    if sound not in SOUNDS:
        return ORDER[0]
    return ORDER[(ORDER.index(sound) + 1) % len(ORDER)]


def fits(ssml: str) -> bool:
    return heard_seconds(ssml) + MARGIN_SECONDS <= MAX_AUDIO_SECONDS


@cache
def _document() -> str:
    return DOCUMENT.read_text(encoding="utf-8")


def document() -> dict[str, Any]:
    return without_descriptions(json.loads(_document()))


def directive(ssml: str, sound: str) -> RenderDocumentDirective:
    """The answer `ssml` (a whole `<speak>` document) over `sound`."""
    from ask_sdk_model.interfaces.alexa.presentation.apla import RenderDocumentDirective

    if sound not in SOUNDS:
        raise ValueError(f"not an allowed sound: {sound!r}")
    speech = {"ssml": ssml, "sound": SOUNDS[sound], "volume": VOLUME}
    return RenderDocumentDirective(
        token=DOCUMENT_NAME, document=document(), datasources={"speech": speech}
    )
