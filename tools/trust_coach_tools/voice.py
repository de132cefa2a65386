"""Speaks the skill's answers through espeak-ng, so the console can be heard, not only read.

espeak-ng reads SSML (`-m`), but it plays only one of several `<break>`s in a row, and the skill
writes every pause over 10 s as a run of them (Alexa's limit is 10 s a break): two minutes of a
listening turn came out as about eleven seconds. So an answer is cut at its breaks: espeak-ng
says the words between them, and each pause is kept at its full length, as silence written into
the WAV file or as time waited before the next words are played. Tags espeak-ng does not know
(Alexa's `amazon:` effects) are removed; an `<audio>` clip (a soundbank chime, not fetched
here) is kept as its length of quiet. It speaks at Alexa's pace, so an exercise lasts as long
as on an Echo. Speech plays in the background so the text prints at the same time. A new
answer cuts off the one still playing, as speaking over an Echo does; when writing WAV files
instead, each one is finished first.
"""

from __future__ import annotations

import re
import shutil

# bandit B404 is safe here: runs espeak-ng (found with shutil.which) with a fixed argument list
import subprocess  # nosec B404
import tempfile
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

ESPEAK = "espeak-ng"
INSTALL_HINT = (
    "espeak-ng is not installed, so the console carries on in text. "
    "To hear it: sudo apt-get install espeak-ng (Debian/Ubuntu), "
    "brew install espeak-ng (macOS), or run scripts/install-system-packages.sh."
)
# A soundbank clip the skill plays (the listening timer's chime) lasts about this long.
CLIP_SECONDS = 1.5
# Alexa's default voice speaks about 150 words a minute (espeak-ng's own is 175): at her pace,
# an exercise lasts here as long as on an Echo.
WORDS_PER_MINUTE = 150
_UNSPOKEN = re.compile(r"</?amazon:[\w-]+\b[^>]*>")
_AUDIO = re.compile(r"<audio\b[^>]*?(?:/>|>.*?</audio>)", re.DOTALL)
_BREAK = re.compile(r'<break\b[^>]*?\btime="(\d+(?:\.\d+)?)(ms|s)"[^>]*/>')
_SPEAK = re.compile(r"</?speak\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")
# espeak-ng's WAV format, for an answer that is all silence.
DEFAULT_RATE, DEFAULT_WIDTH = 22050, 2

Send = Callable[[dict[str, Any]], dict[str, Any]]
Piece = str | float  # SSML for espeak-ng to say, or seconds of silence


def pieces(ssml: str) -> list[Piece]:
    """The answer in the order it is heard: SSML to say between pauses, and each pause's seconds
    (breaks in a row and clips added up). The skill puts breaks between sentences, never inside
    another element, so every piece of words is whole SSML on its own."""
    body = _SPEAK.sub("", _UNSPOKEN.sub("", ssml))
    marks = sorted([*_BREAK.finditer(body), *_AUDIO.finditer(body)], key=lambda m: m.start())
    found: list[Piece] = []
    position = 0
    for mark in marks:
        _add_words(found, body[position : mark.start()])
        if mark.re is _BREAK:
            amount, unit = mark.groups()
            seconds = float(amount) / (1000 if unit == "ms" else 1)
        else:
            seconds = CLIP_SECONDS
        if found and isinstance(found[-1], float):
            found[-1] += seconds
        else:
            found.append(seconds)
        position = mark.end()
    _add_words(found, body[position:])
    return found


def _add_words(found: list[Piece], fragment: str) -> None:
    if _TAG.sub("", fragment).strip():
        found.append(f"<speak>{fragment.strip()}</speak>")


def espeak_voice(locale: str) -> str:
    return locale.lower()  # en-US -> en-us, en-GB -> en-gb: espeak-ng's voice names


class Speaker:
    """One espeak-ng voice; `wav_dir` writes each utterance to a file instead of playing it."""

    def __init__(
        self,
        executable: str,
        locale: str = "en-US",
        wav_dir: Path | None = None,
        notices: TextIO | None = None,
    ) -> None:
        self.executable = executable
        self.voice = espeak_voice(locale)
        self.wav_dir = wav_dir
        self.notices = notices
        self.spoken = 0
        self._playing: Utterance | None = None
        self._warned = False

    @classmethod
    def find(cls, locale: str = "en-US", notices: TextIO | None = None) -> Speaker | None:
        executable = shutil.which(ESPEAK)
        return cls(executable, locale, notices=notices) if executable else None

    def command(self, ssml: str, wav: Path | None = None) -> list[str]:
        """espeak-ng saying one piece of SSML: aloud, or into `wav`."""
        command = [self.executable, "-m", "-v", self.voice, "-s", str(WORDS_PER_MINUTE)]
        if wav is not None:
            command += ["-w", str(wav)]
        return [*command, ssml]  # SSML starts with "<", never read as an option

    def say(self, ssml: str) -> None:
        if not ssml:
            return
        if self.wav_dir is None:
            self.interrupt()
        self.wait()
        wav = None if self.wav_dir is None else self.wav_dir / f"{self.spoken:03d}.wav"
        self._playing = Utterance(self, pieces(ssml), wav)
        self._playing.start()
        self.spoken += 1

    def interrupt(self) -> None:
        """Stop the utterance still playing, if any (the listener has moved on)."""
        playing, self._playing = self._playing, None
        if playing is not None:
            playing.stop()
            playing.join()

    def wait(self) -> None:
        """Let the current utterance finish; say once if espeak-ng could not play it."""
        playing, self._playing = self._playing, None
        if playing is None:
            return
        playing.join()
        if playing.failed and not self._warned:
            self._warned = True
            if self.notices is not None:
                self.notices.write(
                    "(espeak-ng could not play the audio; is there a sound device?)\n"
                )

    def speaking(self, send: Send) -> Send:
        """`send`, but every answer's outputSpeech is also spoken aloud."""

        def deliver(event: dict[str, Any]) -> dict[str, Any]:
            response = send(event)
            speech = (response.get("response") or {}).get("outputSpeech") or {}
            self.say(speech.get("ssml", ""))
            return response

        return deliver


class Utterance(threading.Thread):
    """One answer, piece by piece: played aloud with its pauses waited out, or written to `wav`
    with its pauses as silence of their exact length."""

    def __init__(self, speaker: Speaker, parts: list[Piece], wav: Path | None) -> None:
        super().__init__(daemon=True)
        self.speaker = speaker
        self.parts = parts
        self.wav = wav
        self.failed = False
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None

    def run(self) -> None:
        if self.wav is None:
            self._play()
        else:
            self._write(self.wav)

    def stop(self) -> None:
        with self._lock:
            self._stopped.set()
            if self._process is not None and self._process.poll() is None:
                self._process.terminate()

    def _play(self) -> None:
        for part in self.parts:
            if isinstance(part, float):
                if self._stopped.wait(part):
                    return
            elif not self._espeak(part):
                return

    def _write(self, wav: Path) -> None:
        audio: list[bytes | float] = []
        rate, width = DEFAULT_RATE, DEFAULT_WIDTH
        with tempfile.TemporaryDirectory() as folder:
            for index, part in enumerate(self.parts):
                if isinstance(part, float):
                    audio.append(part)
                    continue
                piece = Path(folder) / f"{index}.wav"
                if not self._espeak(part, piece) or not piece.exists():
                    return
                with wave.open(str(piece)) as said:
                    rate, width = said.getframerate(), said.getsampwidth()
                    audio.append(said.readframes(said.getnframes()))
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(1)  # espeak-ng speaks in mono
            out.setsampwidth(width)
            out.setframerate(rate)
            for chunk in audio:
                out.writeframes(chunk if isinstance(chunk, bytes) else _silence(chunk, rate, width))

    def _espeak(self, ssml: str, wav: Path | None = None) -> bool:
        """Say one piece; false once stopped, or when espeak-ng fails."""
        with self._lock:
            if self._stopped.is_set():
                return False
            # bandit B603 is safe: a fixed argv (Speaker.command), no shell; SSML is one argument
            self._process = subprocess.Popen(  # noqa: S603 # nosec B603
                self.speaker.command(ssml, wav),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        _, errors = self._process.communicate()
        if self._stopped.is_set():
            return False
        if self._process.returncode or b"error" in errors.lower():
            self.failed = True
            return False
        return True


def _silence(seconds: float, rate: int, width: int) -> bytes:
    return bytes(round(seconds * rate) * width)
