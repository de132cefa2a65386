"""The spoken console: espeak-ng reads the skill's SSML aloud, pauses included.

espeak-ng is installed by scripts/install-system-packages.sh (run by `make test`).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from trust_coach_tools.voice import INSTALL_HINT, Speaker, for_espeak

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools"


@pytest.fixture(scope="module")
def espeak() -> str:
    found = shutil.which("espeak-ng")
    assert found, "espeak-ng is missing: run scripts/install-system-packages.sh"
    return found


def seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_tags_espeak_does_not_speak_are_removed_and_the_rest_kept():
    ssml = (
        '<speak><amazon:emotion name="excited" intensity="low">Hello.</amazon:emotion>'
        '<audio src="https://example.com/chime.mp3"/> Breathe in. <break time="4000ms"/>'
        '<say-as interpret-as="telephone">988</say-as></speak>'
    )
    assert for_espeak(ssml) == (
        '<speak>Hello. Breathe in. <break time="4000ms"/>'
        '<say-as interpret-as="telephone">988</say-as></speak>'
    )


@pytest.mark.slow  # audio rendering (espeak-ng)
def test_breaks_become_real_silence(espeak, tmp_path):
    # GIVEN the same words with and without a three-second break
    speaker = Speaker(espeak, wav_dir=tmp_path)
    speaker.say("<speak>Breathe in. And out.</speak>")
    speaker.say('<speak>Breathe in. <break time="3000ms"/> And out.</speak>')
    speaker.wait()
    # THEN the version with the break lasts about three seconds longer
    plain, paused = seconds(tmp_path / "000.wav"), seconds(tmp_path / "001.wav")
    assert 2.5 < paused - plain < 3.5


@pytest.mark.slow  # audio rendering (espeak-ng)
def test_every_answer_is_spoken_as_it_arrives(espeak, tmp_path):
    speaker = Speaker(espeak, wav_dir=tmp_path)
    answers = iter(
        [
            {"response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Welcome.</speak>"}}},
            {"response": {"shouldEndSession": True}},  # nothing to say
            {"response": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Goodbye.</speak>"}}},
        ]
    )
    send = speaker.speaking(lambda event: next(answers))
    for _ in range(3):
        send({})
    speaker.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["000.wav", "001.wav"]
    assert all(seconds(p) > 0.3 for p in tmp_path.iterdir())


def test_a_new_answer_cuts_off_the_one_still_playing(tmp_path):
    # GIVEN a "speaker" that would talk for a minute
    slow = tmp_path / "slow-speaker"
    slow.write_text("#!/bin/sh\nexec sleep 60\n")
    slow.chmod(slow.stat().st_mode | stat.S_IEXEC)
    speaker = Speaker(str(slow))
    speaker.say("<speak>A long exercise.</speak>")
    first = speaker._playing
    # WHEN the next answer arrives
    started = time.monotonic()
    speaker.say("<speak>Next.</speak>")
    # THEN the first is stopped at once, not waited for, and the second plays
    assert time.monotonic() - started < 5
    assert first.returncode is not None
    assert speaker._playing.poll() is None
    speaker.interrupt()


@pytest.mark.slow  # audio rendering (espeak-ng)
def test_the_voice_follows_the_locale(espeak):
    assert Speaker(espeak, locale="en-GB").command("<speak>Hi</speak>")[:4] == [
        espeak,
        "-m",
        "-v",
        "en-gb",
    ]


def _console(tmp_path: Path, path: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PATH": path,
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
    }
    return subprocess.run(
        [sys.executable, "-m", "trust_coach_tools.cli", "chat", "--voice", *args],
        input="what are the strategies\nstop\n",
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def _wait_for(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)


@pytest.mark.slow  # audio rendering (espeak-ng)
def test_chat_voice_speaks_every_answer_through_espeak(espeak, tmp_path):
    # GIVEN an espeak-ng on PATH that renders to files (no sound card needed), keeps the
    # SSML it was given, and marks each utterance done
    bin_dir, out = tmp_path / "bin", tmp_path / "spoken"
    bin_dir.mkdir()
    out.mkdir()
    wrapper = bin_dir / "espeak-ng"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'n=$(ls "{out}" | grep -c ssml)\n'
        "for last; do true; done\n"
        f'printf "%s" "$last" > "{out}/$n.ssml"\n'
        f'"{espeak}" -w "{out}/$n.wav" "$@" && touch "{out}/$n.done"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    environment = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join([str(LAMBDA_DIR), str(TOOLS_DIR)]),
        "TRUST_COACH_DB": str(tmp_path / "progress.sqlite3"),
    }
    # WHEN the console runs with --voice and the user answers after each utterance
    console = subprocess.Popen(
        [sys.executable, "-m", "trust_coach_tools.cli", "chat", "--voice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        for n, line in enumerate(["what are the strategies\n", "stop\n"]):
            _wait_for(out / f"{n}.done")
            console.stdin.write(line)
            console.stdin.flush()
        printed, errors = console.communicate(timeout=60)
    finally:
        console.kill()
    # THEN the answers are printed, and each was spoken as SSML, pauses included
    assert console.returncode == 0, errors
    assert "six strategies" in printed
    spoken = sorted(out.glob("*.ssml"))
    assert len(spoken) == 3  # welcome, strategies, goodbye
    assert all(p.read_text().startswith("<speak>") for p in spoken)
    assert "<break" in spoken[1].read_text()
    assert (out / "2.done").exists()  # the goodbye was finished before the console exited
    assert all(seconds(p.with_suffix(".wav")) > 1 for p in spoken)


def test_chat_voice_without_espeak_says_how_to_install_it_and_goes_on(tmp_path):
    result = _console(tmp_path, str(tmp_path / "empty-path"))
    assert result.returncode == 0, result.stderr
    assert INSTALL_HINT in result.stdout
    assert "six strategies" in result.stdout
