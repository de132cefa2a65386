"""The exercise engine and content: patterns, steps, chunking, timing planned in the SSML."""

import json
import re
import shutil
from pathlib import Path

import pytest
from exercise_timing import phases, spoken, timeline, total_break_seconds

from trust_coach import content
from trust_coach.content import ContentError, catalog_for
from trust_coach.exercises import (
    Library,
    chunk_end,
    duration_seconds,
    library_for,
    number,
    round_speech,
)
from trust_coach.questions import Ask
from trust_coach.speech import Speech, check_ssml
from trust_coach_tools.nlu import Understanding, fold

LIBRARY = library_for(catalog_for("en-US"))
BREATHING = [e for e in LIBRARY.exercises if e.is_breathing]
REFLECTIONS = [e for e in LIBRARY.exercises if e.kind == "reflection"]
MODEL = Path(__file__).resolve().parents[1] / "interaction_model" / "en-US.json"
NOMINAL = {"box": [4, 4, 4, 4], "four_seven_eight": [4, 7, 8], "gentle": [4, 6]}


# Content -----------------------------------------------------------------------------------
def test_three_breathing_patterns_with_their_nominal_timing():
    assert {e.id: [p.seconds for p in e.phases] for e in BREATHING} == NOMINAL
    gentle = LIBRARY.get("gentle")
    assert gentle.phases[1].seconds > gentle.phases[0].seconds  # the longer out-breath
    assert LIBRARY.default_breathing.id == "gentle"


def test_cues_are_one_to_three_words_and_every_pattern_has_names():
    for exercise in BREATHING:
        assert len(exercise.synonyms) >= 3, exercise.id
        for phase in exercise.phases:
            assert 1 <= len(phase.cue.split()) <= 3, phase.cue


def test_forgiveness_reflections_have_five_to_seven_steps_with_real_silence():
    assert {e.id for e in REFLECTIONS} >= {"forgiveness", "forgive_yourself"}
    for exercise in REFLECTIONS:
        assert 5 <= len(exercise.steps) + 1 <= 7, exercise.id  # the steps and the close
        assert all(step.silence >= 5 for step in exercise.steps), exercise.id
        assert exercise.steps[-1].wait is False  # the release flows into the close


def test_exercise_sentences_are_short_enough_to_hear():
    for exercise in LIBRARY.exercises:
        texts = [exercise.about, exercise.posture, exercise.close, exercise.next_offer]
        texts += [step.text for step in exercise.steps]
        for text in texts:
            for sentence in re.split(r"[.?]", text):
                assert len(sentence.split()) <= 30, sentence


def test_names_and_synonyms_find_each_exercise():
    for exercise in LIBRARY.exercises:
        for word in (exercise.id, exercise.name, *exercise.synonyms):
            assert LIBRARY.find(word) is exercise, word
    assert LIBRARY.find("4-7-8").id == "four_seven_eight"
    assert LIBRARY.find("juggling") is None
    assert LIBRARY.find(None) is None


def test_every_next_step_points_somewhere_real():
    for exercise in LIBRARY.exercises:
        action = exercise.next_action
        if action.ask == Ask.START_EXERCISE:
            assert LIBRARY.known(action.exercise), exercise.id
        else:
            assert action.ask in {Ask.TIP, Ask.LIST}


def _broken_copy(tmp_path, monkeypatch, edit):
    copy = tmp_path / "content"
    shutil.copytree(content.CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = copy / "en-US" / "exercises.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    monkeypatch.setattr(content, "CONTENT_DIR", copy)
    monkeypatch.setattr(content, "SCHEMA_DIR", copy / "schemas")


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d["exercises"][0]["phases"][0].update(cue="Now breathe in slow"), "exercises"),
        (lambda d: d["exercises"][1]["phases"][0].update(seconds=12), "exercises"),
        (lambda d: d["exercises"][3]["steps"][0].pop("silence"), "exercises"),
        (lambda d: d["exercises"][3].update(colour="blue"), "exercises"),
        (lambda d: d["exercises"][0]["next"].update(action="dance"), "exercises"),
        (lambda d: d.pop("default_breathing"), "default_breathing"),
    ],
    ids=["long cue", "phase over 10 s", "step without silence", "unknown key", "bad action",
         "no default"],
)  # fmt: skip
def test_schema_rejects_broken_exercises(tmp_path, monkeypatch, edit, field):
    _broken_copy(tmp_path, monkeypatch, edit)
    with pytest.raises(ContentError, match=rf"exercises\.json: .*{field}"):
        catalog_for.__wrapped__("en-US")


# Model -------------------------------------------------------------------------------------
def _slot_values(type_name):
    language = json.loads(MODEL.read_text())["interactionModel"]["languageModel"]
    slot_type = next(t for t in language["types"] if t["name"] == type_name)
    spoken_forms = {}
    for value in slot_type["values"]:
        for word in (value["name"]["value"], *value["name"].get("synonyms", [])):
            assert spoken_forms.setdefault(fold(word), value["id"]) == value["id"], word
    return spoken_forms


@pytest.mark.parametrize(
    ("type_name", "exercises"), [("BREATHING_PATTERN", BREATHING), ("EXERCISE", LIBRARY.exercises)]
)
def test_slot_types_cover_every_name_and_synonym_in_the_content(type_name, exercises):
    spoken_forms = _slot_values(type_name)
    assert set(spoken_forms.values()) == {e.id for e in exercises}
    for exercise in exercises:
        for word in (exercise.name, *exercise.synonyms):
            assert spoken_forms.get(fold(word)) == exercise.id, word


def test_forgive_who_resolves_to_the_two_reflections():
    assert set(_slot_values("FORGIVE_WHO").values()) == {"forgiveness", "forgive_yourself"}


@pytest.mark.parametrize(
    ("said", "intent", "slots"),
    [
        ("a breathing exercise", "BreathingIntent", {}),
        ("three rounds of box breathing", "BreathingIntent", {"rounds": "3", "pattern": "box"}),
        ("breathe for two minutes", "BreathingIntent", {"length": "PT2M"}),
        ("4 7 8 breathing", "BreathingIntent", {"pattern": "four_seven_eight"}),
        ("help me forgive myself", "ForgivenessIntent", {"who": "forgive_yourself"}),
        ("help me forgive", "ForgivenessIntent", {}),
        ("give me an exercise", "ExerciseIntent", {}),
        ("start the forgiveness reflection", "ForgivenessIntent", {}),
        ("start the grounding exercise", "ExerciseIntent", {"exercise": "grounding"}),
        ("pause", "AMAZON.PauseIntent", {}),
        ("continue", "ResumeIntent", {}),
    ],
)
def test_console_understands_exercise_requests(said, intent, slots):
    match = Understanding.for_locale("en-US").resolve(said)
    assert match.intent == intent
    for name, value in slots.items():
        slot = match.slots[name]
        resolved = slot.get("resolutions", {}).get("resolutionsPerAuthority", [{}])[0]
        ident = resolved.get("values", [{}])[0].get("value", {}).get("id")
        assert value in (ident, slot.get("value")), (name, slot)


# Engine ------------------------------------------------------------------------------------
def test_durations_and_numbers_from_slots():
    assert duration_seconds("PT2M") == 120
    assert duration_seconds("PT1M30S") == 90
    assert duration_seconds("PT1H") == 3600
    assert duration_seconds("?") is None
    assert duration_seconds(None) is None
    assert duration_seconds("PT0S") is None
    assert number("3") == 3
    assert number("?") is None
    assert number(None) is None


def test_rounds_from_count_length_or_default_within_bounds():
    box = LIBRARY.get("box")
    assert box.rounds_for() == 4
    assert box.rounds_for(rounds=6) == 6
    assert box.rounds_for(rounds=500) == box.rounds_max
    assert box.rounds_for(rounds=0) == box.rounds_min
    assert box.rounds_for(seconds=120) == 8  # 120 s / 16 s a round, rounded
    assert LIBRARY.get("gentle").rounds_for(seconds=60) == 6
    assert LIBRARY.get("forgiveness").rounds_for(rounds=3) == 6  # a reflection has its steps


def test_chunks_stop_at_the_guided_time_budget_or_a_step_that_waits():
    box = LIBRARY.get("box").segments(12)
    ends = [chunk_end(box, 0)]
    while ends[-1] < len(box):
        ends.append(chunk_end(box, ends[-1]))
    assert ends == [5, 10, 12]  # 5 rounds of 16 s fit in 90 s
    forgiveness = LIBRARY.get("forgiveness").segments()
    assert chunk_end(forgiveness, 0) == 1
    assert chunk_end(forgiveness, 4) == 5
    assert chunk_end(forgiveness, 5) == 6  # the last step runs on into the close


@pytest.mark.parametrize("exercise", LIBRARY.exercises, ids=lambda e: e.id)
def test_every_chunk_of_every_length_is_within_alexas_limits(exercise):
    for rounds in sorted({exercise.rounds_min, exercise.rounds_default, exercise.rounds_max}):
        segments = exercise.segments(rounds)
        start = 0
        while start < len(segments):
            end = chunk_end(segments, start, exercise.budget)
            ssml = Speech().raw(" ".join(s.ssml for s in segments[start:end])).ssml()
            assert check_ssml(ssml) == []
            assert total_break_seconds(ssml) <= exercise.budget
            start = end


@pytest.mark.parametrize("exercise", BREATHING, ids=lambda e: e.id)
def test_planned_phase_length_from_one_round_of_ssml_is_within_ten_percent(exercise):
    planned = phases(round_speech(exercise).body, {p.cue for p in exercise.phases})
    assert [p.text for p in planned] == [p.cue for p in exercise.phases]
    for piece, nominal in zip(planned, NOMINAL[exercise.id], strict=True):
        assert abs(piece.seconds - nominal) <= 0.1 * nominal, (piece, nominal)


def test_timeline_reads_text_and_breaks():
    ssml = '<speak>Breathe in. <break time="3200ms"/> Hold. <break time="2s"/> <break time="1s"/>'
    ssml += "</speak>"
    assert [(t.text, round(t.seconds, 2)) for t in timeline(ssml)] == [
        ("Breathe in.", round(spoken("Breathe in.") + 3.2, 2)),
        ("Hold.", round(spoken("Hold.") + 3.0, 2)),
    ]


def test_a_new_exercise_needs_only_data_and_a_step_may_carry_its_own_prompt():
    raw = json.loads(json.dumps(catalog_for("en-US").files["exercises"]))
    grounding = {
        **{k: v for k, v in raw["exercises"][3].items() if k != "steps"},
        "id": "grounding",
        "name": "grounding",
        "synonyms": ["grounding", "five senses"],
        "steps": [
            {"text": "Name five things you can see around you.", "silence": 8},
            {"text": "Now four things you can touch.", "silence": 8, "prompt": "Next is sound."},
            {"text": "Three things you can hear.", "silence": 8, "wait": False},
        ],
    }
    raw["exercises"].append(grounding)
    exercise = Library(raw).find("five senses")
    segments = exercise.segments()
    assert [s.prompt for s in segments] == [None, "Next is sound.", None]
    assert [chunk_end(segments, 0), chunk_end(segments, 1), chunk_end(segments, 2)] == [1, 2, 3]
    assert exercise.guided_seconds() == pytest.approx(
        24
        + spoken(
            "Name five things you can "
            "see around you. Now four things you can touch. Three things you can hear."
        )
    )


def test_segments_are_built_once_per_length_and_handed_out_as_new_lists():
    import dataclasses

    for exercise in library_for(catalog_for("en-US")).exercises:
        for rounds in (None, 1, 3, 10_000):
            first = exercise.segments(rounds)
            assert first == exercise._build_segments(rounds)
            first.clear()  # a caller's changes stay in its own list
            assert exercise.segments(rounds) == exercise._build_segments(rounds)
        assert exercise.guided_seconds() == sum(s.seconds for s in exercise._build_segments(None))
        renamed = dataclasses.replace(exercise, end_text=exercise.end_text + " Done.")
        assert renamed._segments == {}  # a changed copy builds its own
