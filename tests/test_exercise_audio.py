"""Exercises rendered the way the voice preview renders them, and measured with sox.

`trust_coach_tools.voice` renders the SSML the skill sends: espeak-ng says the words between
pauses, and every pause is silence of its full length (espeak-ng alone plays one of several
breaks in a row, so a two-minute turn came out as about eleven seconds). sox measures the
audio. Both are Debian packages that `scripts/install-system-packages.sh` installs (`make test`
runs it first); the tests fail, rather than skip, without them.
"""

import array
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from exercise_runs import announced_seconds, heard_seconds, options, run
from exercise_timing import total_break_seconds

from trust_coach.content import catalog_for
from trust_coach.exercises import library_for, round_speech
from trust_coach_tools.voice import CLIP_SECONDS, Speaker

pytestmark = pytest.mark.slow  # audio rendering: `make test` runs it, `make check` does not

LIBRARY = library_for(catalog_for("en-US"))
BREATHING = [e for e in LIBRARY.exercises if e.is_breathing]
RATE = 16000
WINDOW = RATE // 100  # 10 ms
SILENCE_BEFORE_A_CUE = 1.0  # a cue starts after at least this much quiet
START = datetime(2026, 3, 2, 20, tzinfo=UTC)


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: run scripts/install-system-packages.sh (make test does)"
    return path


def render(answers: list[str], folder: Path) -> list[Path]:
    """Each answer rendered by the voice preview into its own WAV file."""
    speaker = Speaker(tool("espeak-ng"), wav_dir=folder)
    for ssml in answers:
        speaker.say(ssml)
    speaker.wait()
    return [folder / f"{index:03d}.wav" for index in range(len(answers))]


def length_seconds(wav: Path) -> float:
    out = subprocess.run([tool("soxi"), "-D", str(wav)], check=True, capture_output=True, text=True)
    return float(out.stdout)


def samples(wav: Path) -> array.array:
    """The audio as 16 kHz mono 16-bit samples, converted by sox."""
    raw = subprocess.run(
        [tool("sox"), str(wav), "-t", "raw", "-r", str(RATE), "-c", "1", "-b", "16",
         "-e", "signed-integer", "-"],
        check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    return array.array("h", raw)


def levels(audio: array.array) -> list[int]:
    """The loudest sample of every 10 ms."""
    return [
        max(abs(v) for v in audio[i : i + WINDOW]) for i in range(0, len(audio) - WINDOW, WINDOW)
    ]


def cue_onsets(audio: array.array) -> list[float]:
    """Seconds at which speech starts after a real silence: where each phase begins."""
    heard = levels(audio)
    loud = max(heard) * 0.05
    onsets: list[float] = []
    quiet = SILENCE_BEFORE_A_CUE  # the start of the file counts as quiet
    for index, level in enumerate(heard):
        if level >= loud:
            if quiet >= SILENCE_BEFORE_A_CUE:
                onsets.append(index / 100)
            quiet = 0.0
        else:
            quiet += 0.01
    return onsets


def longest_quiet(audio: array.array) -> float:
    """The longest stretch of silence in the audio, in seconds."""
    heard = levels(audio)
    loud = max(heard) * 0.05
    longest = run_of = 0
    for level in heard:
        run_of = run_of + 1 if level < loud else 0
        longest = max(longest, run_of)
    return longest / 100


# Breathing ---------------------------------------------------------------------------------
@pytest.mark.parametrize("exercise", BREATHING, ids=lambda e: e.id)
def test_one_round_rendered_lasts_its_nominal_length(exercise, tmp_path, device):
    one_round = round_speech(exercise).body
    # The round measured here is the round the skill says.
    device.intent("BreathingIntent", pattern=exercise.id)
    assert one_round in device.ssml

    (wav,) = render([f"<speak>{one_round}</speak>"], tmp_path)
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
@pytest.mark.parametrize("minutes", [1, 2, 3])
def test_a_listening_turn_rendered_and_measured_lasts_the_chosen_minutes(minutes, tmp_path, device):
    device.launch()
    device.intent("ListeningIntent", minutes=str(minutes))
    device.intent("AMAZON.NextIntent")  # the first speaker's turn
    ssml = device.ssml
    timer = LIBRARY.get("listening")
    start = ssml.index(timer.steps[1].text)
    turn = ssml[start : ssml.index(timer.end_text) + len(timer.end_text)]
    (wav,) = render([f"<speak>{turn}</speak>"], tmp_path)
    audio = samples(wav)
    # The opening words, then the turn's silence and the chime (a moment of quiet in the
    # preview, which cannot play Alexa's soundbank), then "That's time."
    assert len(cue_onsets(audio)) == 2
    assert abs(longest_quiet(audio) - (60 * minutes + CLIP_SECONDS)) <= 1.0


# The longest exercise, all of it ----------------------------------------------------------
def longest() -> tuple[str, int | None]:
    """The exercise and option (rounds, or minutes a turn) that take longest to hear."""
    cases = [(e, option) for e in LIBRARY.exercises for option in options(e)]
    exercise, option = max(cases, key=lambda c: c[0].length_seconds(c[0].rounds_for(c[1])))
    return exercise.id, option


def test_the_longest_exercise_rendered_lasts_what_it_announces(tmp_path, make_device):
    # GIVEN the longest exercise, run from its first words to its close
    ident, option = longest()
    device = make_device()
    device.clock = START
    device.launch()
    answers = run(device, ident, option)
    # WHEN the voice preview renders every response, and sox measures each
    rendered = [length_seconds(wav) for wav in render(answers, tmp_path)]
    # THEN every pause is there in full, each response lasts about its timeline, and the
    # whole run lasts what the exercise said it would, within 15%
    for ssml, seconds in zip(answers, rendered, strict=True):
        pauses = total_break_seconds(ssml) + ssml.count("<audio ") * CLIP_SECONDS
        assert seconds >= pauses, (seconds, pauses)
        assert abs(seconds - heard_seconds(ssml)) <= 0.15 * heard_seconds(ssml), (seconds, ssml)
    announced = announced_seconds(answers[0])
    assert announced is not None
    assert abs(announced - sum(rendered)) <= 0.15 * sum(rendered), (ident, announced, rendered)
    assert sum(rendered) > 8 * 60  # the listening timer's three-minute turns, today
