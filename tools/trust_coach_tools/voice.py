"""Speaks the skill's answers through espeak-ng, so the console can be heard, not only read.

espeak-ng reads SSML (`-m`) and honours `<break>`, which is how the skill paces its
exercises; tags it does not know (Alexa's `amazon:` effects, `<audio>` clips on the web)
are removed first. Speech plays in the background so the text prints at the same time.
A new answer cuts off the one still playing, as speaking over an Echo does; when writing
WAV files instead, each one is finished first.
"""

from __future__ import annotations

import re
import shutil

# bandit B404 is safe here: runs espeak-ng (found with shutil.which) with a fixed argument list
import subprocess  # nosec B404
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

ESPEAK = "espeak-ng"
INSTALL_HINT = (
    "espeak-ng is not installed, so the console carries on in text. "
    "To hear it: sudo apt-get install espeak-ng (Debian/Ubuntu), "
    "brew install espeak-ng (macOS), or run scripts/install-system-packages.sh."
)
_UNSPOKEN = re.compile(r"</?(?:amazon:[\w-]+|audio)\b[^>]*>")

Send = Callable[[dict[str, Any]], dict[str, Any]]


def for_espeak(ssml: str) -> str:
    """Alexa SSML reduced to what espeak-ng reads aloud correctly."""
    return _UNSPOKEN.sub("", ssml)


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
        self._playing: subprocess.Popen[bytes] | None = None
        self._warned = False

    @classmethod
    def find(cls, locale: str = "en-US", notices: TextIO | None = None) -> Speaker | None:
        executable = shutil.which(ESPEAK)
        return cls(executable, locale, notices=notices) if executable else None

    def command(self, ssml: str) -> list[str]:
        command = [self.executable, "-m", "-v", self.voice]
        if self.wav_dir is not None:
            command += ["-w", str(self.wav_dir / f"{self.spoken:03d}.wav")]
        return [*command, for_espeak(ssml)]  # SSML starts with "<", never read as an option

    def say(self, ssml: str) -> None:
        if not ssml:
            return
        if self.wav_dir is None:
            self.interrupt()
        self.wait()
        # bandit B603 is safe: a fixed argv (Speaker.command), no shell; SSML is one argument
        self._playing = subprocess.Popen(  # noqa: S603 # nosec B603
            self.command(ssml),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.spoken += 1

    def interrupt(self) -> None:
        """Stop the utterance still playing, if any (the listener has moved on)."""
        playing = self._playing
        if playing is not None and playing.poll() is None:
            self._playing = None
            playing.terminate()
            playing.communicate()

    def wait(self) -> None:
        """Let the current utterance finish; say once if espeak-ng could not play it."""
        playing, self._playing = self._playing, None
        if playing is None:
            return
        _, errors = playing.communicate()
        if (playing.returncode or b"error" in errors.lower()) and not self._warned:
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
