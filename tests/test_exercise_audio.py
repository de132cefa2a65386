"""One round of each breathing pattern, rendered by a real synthesiser and measured.

espeak-ng renders the same SSML the skill sends (`-m`: SSML mode) and sox measures the audio.
Both are Debian packages that `scripts/install-system-packages.sh` installs (`make test` runs
it first); the test fails, rather than skips, without them.
"""

import array
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for, round_speech

pytestmark = pytest.mark.slow  # audio rendering: `make test` runs it, `make check` does not

LIBRARY = library_for(catalog_for("en-US"))
BREATHING = [e for e in LIBRARY.exercises if e.is_breathing]
RATE = 16000
WINDOW = RATE // 100  # 10 ms
SILENCE_BEFORE_A_CUE = 1.0  # a cue starts after at least this much quiet


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run scripts/install-system-packages.sh (make test does)"
    return path


def render(ssml: str, wav) -> None:
    subprocess.run([tool("espeak-ng"), "-m", "-w", str(wav), ssml], check=True, timeout=60)


def length_seconds(wav) -> float:
    out = subprocess.run([tool("soxi"), "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout)


def samples(wav) -> array.array:
    """The audio as 16 kHz mono 16-bit samples, converted by sox."""
    raw = subprocess.run(
        [tool("sox"), str(wav), "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "16",
         "-e", "signed-integer", "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return array.array("h", raw)


def cue_onsets(audio: array.array) -> list[float]:
    """Seconds at which speech starts after a real silence: where each phase begins."""
    levels = [
        max(abs(v) for v in audio[i : i + WINDOW]) for i in range(0, len(audio) - WINDOW, WINDOW)
    ]
    loud = max(levels) * 0.05
    onsets: list[float] = []
    quiet = SILENCE_BEFORE_A_CUE  # the start of the file counts as quiet
    for index, level in enumerate(levels):
        if level >= loud:
            if quiet >= SILENCE_BEFORE_A_CUE:
                onsets.append(index / 100)
            quiet = 0.0
        else:
            quiet += 0.01
    return onsets


@pytest.mark.parametrize("exercise", BREATHING, ids=lambda e: e.id)
def test_one_round_rendered_by_espeak_lasts_its_nominal_length(exercise, tmp_path, device):
    one_round = round_speech(exercise).body
    # The round measured here is the round the skill says.
    device.intent("BreathingIntent", pattern=exercise.id)
    assert one_round in device.ssml

    wav = tmp_path / f"{exercise.id}.wav"
    render(f"<speak>{one_round}</speak>", wav)
    total = length_seconds(wav)
    nominal = [p.seconds for p in exercise.phases]
    assert abs(total - sum(nominal)) <= 0.2 * sum(nominal), (total, sum(nominal))

    onsets = cue_onsets(samples(wav))
    assert len(onsets) == len(nominal), onsets
    measured = [b - a for a, b in zip(onsets, [*onsets[1:], total], strict=True)]
    for got, want in zip(measured, nominal, strict=True):
        assert abs(got - want) <= 0.2 * want, (exercise.id, measured, nominal)


def test_the_install_script_is_quiet_when_everything_is_there():
    script = Path(__file__).resolve().parents[1] / "scripts" / "install-system-packages.sh"
    tool("espeak-ng")
    tool("sox")
    done = subprocess.run([str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr == ""


# The listening timer ----------------------------------------------------------------------
# espeak-ng plays only the first of several <break>s in a row, while Alexa plays them all (a
# long silence is a run of 10 s breaks), so a turn is rendered piece by piece: words by
# espeak-ng, each break as sox silence, the soundbank chime as a sox tone; sox joins them.
_PIECE = re.compile(r'<break time="(\d+)ms"/>|<audio src="[^"]+"/>|([^<]+)|<[^>]+>')


def render_pieces(ssml: str, folder: Path) -> Path:
    parts: list[str] = []
    for index, match in enumerate(_PIECE.finditer(ssml)):
        millis, text = match.groups()
        part = folder / f"{index:04d}.wav"
        base = [tool("sox"), "-n", "-r", str(RATE), "-c", "1", "-b", "16", str(part)]
        if millis is not None:
            subprocess.run([*base, "trim", "0", str(int(millis) / 1000)], check=True)
        elif match.group(0).startswith("<audio"):
            subprocess.run([*base, "synth", "1.5", "sine", "880", "vol", "0.5"], check=True)
        elif text and text.strip():
            spoken = folder / f"{index:04d}-espeak.wav"
            render(f"<speak>{text.strip()}</speak>", spoken)
            subprocess.run(
                [tool("sox"), str(spoken), "-r", str(RATE), "-c", "1", "-b", "16", str(part)],
                check=True,
            )
        else:
            continue
        parts.append(str(part))
    joined = folder / "joined.wav"
    subprocess.run([tool("sox"), *parts, str(joined)], check=True, timeout=120)
    return joined


def longest_quiet(audio: array.array) -> float:
    """The longest stretch of silence in the audio, in seconds."""
    loud = max(abs(v) for v in audio) * 0.05
    longest = run = 0
    for index in range(0, len(audio) - WINDOW, WINDOW):
        if max(abs(v) for v in audio[index : index + WINDOW]) < loud:
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest / 100


@pytest.mark.parametrize("minutes", [1, 2, 3])
def test_a_listening_turn_rendered_and_measured_lasts_the_chosen_minutes(minutes, tmp_path, device):
    device.launch()
    device.intent("ListeningIntent", minutes=str(minutes))
    device.intent("AMAZON.NextIntent")  # the first speaker's turn
    ssml = device.ssml
    timer = LIBRARY.get("listening")
    turn = ssml[ssml.index(timer.steps[1].text) : ssml.index(timer.end_text)]
    audio = samples(render_pieces(turn, tmp_path))
    onsets = cue_onsets(audio)
    assert len(onsets) == 2, onsets  # the opening words, then the chime after the silence
    assert abs(longest_quiet(audio) - 60 * minutes) <= 1.0
    assert abs(len(audio) / RATE - onsets[1] - 1.5) <= 0.1  # the chime closes the turn
