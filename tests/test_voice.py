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

from trust_coach_tools.voice import INSTALL_HINT, Speaker, pieces

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


def test_an_answer_is_cut_into_words_and_whole_pauses():
    ssml = (
        '<speak><amazon:emotion name="excited" intensity="low">Hello.</amazon:emotion>'
        '<audio src="https://example.com/chime.mp3"/> Breathe in. <break time="4000ms"/>'
        '<break time="10s"/> <break time="500ms"/><say-as interpret-as="telephone">988</say-as>'
        '<break time="1s"/></speak>'
    )
    # Tags espeak-ng does not speak go; a clip and breaks in a row become one pause each.
    assert pieces(ssml) == [
        "<speak>Hello.</speak>",
        1.5,
        "<speak>Breathe in.</speak>",
        14.5,
        '<speak><say-as interpret-as="telephone">988</say-as></speak>',
        1.0,
    ]
    assert pieces("<speak>Just words.</speak>") == ["<speak>Just words.</speak>"]


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


def sox_seconds(path: Path) -> float:
    """The length of a sound file as sox measures it."""
    soxi = shutil.which("soxi")
    assert soxi, "sox is missing: run scripts/install-system-packages.sh"
    done = subprocess.run([soxi, "-D", str(path)], capture_output=True, text=True, check=True)
    return float(done.stdout)


@pytest.mark.slow  # audio rendering (espeak-ng, sox)
def test_back_to_back_breaks_are_rendered_at_their_full_length(espeak, tmp_path):
    # GIVEN a pause made of two 10 s breaks in a row, as the skill writes any pause over 10 s
    speaker = Speaker(espeak, wav_dir=tmp_path)
    speaker.say("<speak>Breathe in. And out.</speak>")
    speaker.say(
        '<speak>Breathe in. <break time="10000ms"/><break time="10000ms"/> And out.</speak>'
    )
    speaker.wait()
    # THEN the rendered audio is 20 s longer, not the 10 s espeak-ng alone would play
    plain, paused = sox_seconds(tmp_path / "000.wav"), sox_seconds(tmp_path / "001.wav")
    assert 19.8 < paused - plain < 20.3, (plain, paused)


def test_playing_aloud_keeps_every_pause_between_the_words(tmp_path):
    # GIVEN an "espeak-ng" that notes when it is asked to speak, and what
    log = tmp_path / "spoken.log"
    fake = tmp_path / "espeak-ng"
    fake.write_text(f'#!/bin/sh\nfor last; do true; done\necho "$(date +%s.%N) $last" >> "{log}"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    speaker = Speaker(str(fake))
    # WHEN an answer with a pause of two breaks in a row is played
    speaker.say(
        '<speak>Breathe in. <break time="700ms"/><break time="800ms"/> And out. '
        '<break time="1s"/></speak>'
    )
    speaker.wait()
    # THEN the words are spoken in two pieces, the second after the whole pause
    lines = log.read_text().splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == [
        "<speak>Breathe in.</speak>",
        "<speak>And out.</speak>",
    ]
    started = [float(line.split(" ", 1)[0]) for line in lines]
    assert 1.45 < started[1] - started[0] < 2.5


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
    assert not first.is_alive() and first._process.returncode is not None
    assert speaker._playing.is_alive()
    speaker.interrupt()
    assert speaker._playing is None


def test_a_new_answer_cuts_off_the_one_still_waiting_out_a_pause(tmp_path):
    # GIVEN an answer that has said its words and is in a minute-long pause
    speaker = Speaker("/bin/true")
    speaker.say('<speak>Breathe. <break time="10s"/>' + '<break time="10s"/>' * 5 + "</speak>")
    time.sleep(0.3)
    first = speaker._playing
    # WHEN the next answer arrives, THEN the pause ends at once
    started = time.monotonic()
    speaker.say("<speak>Next.</speak>")
    assert time.monotonic() - started < 2
    assert not first.is_alive()
    speaker.wait()


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


def _wait_until_said(out: Path, quiet: float = 2.0, timeout: float = 60) -> None:
    """Until every piece begun is done and none has begun for `quiet` seconds: the answer's
    pauses here are under a second, so by then it has all been said."""
    deadline = time.monotonic() + timeout
    while True:
        begun, done = len(list(out.glob("*.ssml"))), len(list(out.glob("*.done")))
        if begun and begun == done:
            newest = max(p.stat().st_mtime for p in out.glob("*.done"))
            if time.time() - newest >= quiet:
                return
        assert time.monotonic() < deadline, f"{done} of {begun} pieces done"
        time.sleep(0.05)


@pytest.mark.slow  # audio rendering (espeak-ng)
def test_chat_voice_speaks_every_answer_through_espeak(espeak, tmp_path):
    # GIVEN an espeak-ng on PATH that renders to files (no sound card needed), keeps the
    # SSML it was given and when, and marks each piece done
    bin_dir, out = tmp_path / "bin", tmp_path / "spoken"
    bin_dir.mkdir()
    out.mkdir()
    wrapper = bin_dir / "espeak-ng"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'n=$(ls "{out}" | grep -c ssml)\n'
        f'date +%s.%N > "{out}/$n.start"\n'
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
    # WHEN the console runs with --voice and the user answers after each answer is said
    console = subprocess.Popen(
        [sys.executable, "-m", "trust_coach_tools.cli", "chat", "--voice"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        for line in ["what are the strategies\n", "stop\n"]:
            _wait_until_said(out)
            console.stdin.write(line)
            console.stdin.flush()
        printed, errors = console.communicate(timeout=60)
    finally:
        console.kill()
    # THEN the answers are printed, and each was spoken as SSML, its pauses kept as real waits
    assert console.returncode == 0, errors
    assert "six strategies" in printed
    spoken = sorted(out.glob("*.ssml"), key=lambda p: int(p.stem))
    texts = [p.read_text() for p in spoken]
    assert all(t.startswith("<speak>") and "<break" not in t for t in texts)
    first = next(i for i, t in enumerate(texts) if "six strategies" in t)
    began = [float((out / f"{i}.start").read_text()) for i in (first, first + 1)]
    assert began[1] - began[0] >= 0.6  # the list's pause (0.6 s) after its first piece
    assert "Take care" in texts[-1] or "Goodbye" in texts[-1]
    assert (out / f"{len(texts) - 1}.done").exists()  # the goodbye was finished before exiting
    assert all(seconds(p.with_suffix(".wav")) > 0.5 for p in spoken)


def test_chat_voice_without_espeak_says_how_to_install_it_and_goes_on(tmp_path):
    result = _console(tmp_path, str(tmp_path / "empty-path"))
    assert result.returncode == 0, result.stderr
    assert INSTALL_HINT in result.stdout
    assert "six strategies" in result.stdout
