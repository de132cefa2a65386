"""The sound bed: chosen by voice and kept, mixed under breathing and reflections in APL for
Audio on every device, never under the crisis answer or a speaker's timed turn, inside
Alexa's 240 s of audio, naming only allow-listed soundbank sounds."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from screen_runs import (
    BREATHING_DOCUMENT,
    LIBRARY,
    apla,
    breathe,
    breathe_through,
    resolved,
    same_ids,
)

from trust_coach import soundbed
from trust_coach.speech import heard_seconds, readable
from trust_coach.state import Progress
from trust_coach.store.base import user_key
from trust_coach_tools.device import Device

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "apla.schema.json").read_text())


def choose(device, sound: str) -> dict:
    return device.intent("SoundBedIntent", slots=resolved("sound", sound))


def mixed_ssml(device) -> str:
    (directive,) = apla(device)
    return directive["datasources"]["speech"]["ssml"]


def check_apla(directive: dict) -> None:
    jsonschema.validate(directive["document"], SCHEMA)
    data = directive["datasources"]["speech"]
    assert data["sound"] in soundbed.SOUNDS.values()
    assert heard_seconds(data["ssml"]) + soundbed.MARGIN_SECONDS <= 240


def test_the_allow_list_names_only_soundbank_nature_sounds():
    assert soundbed.SOUNDS
    for source in soundbed.SOUNDS.values():
        assert source.startswith("soundbank://soundlibrary/nature/amzn_sfx_")


def test_a_chosen_sound_is_kept_and_plays_under_breathing_on_a_voice_only_device(
    make_device, store
):
    device = make_device()
    device.launch()
    choose(device, "rain")
    assert "rain" in readable(device.ssml)
    assert store.load(user_key(device.user_id)).extra == {"sound_bed": "rain"}
    device.end_session()
    device.launch()  # a later session
    breathe(device, "box", 2)
    body = device.last["response"]
    assert "outputSpeech" not in body  # it plays inside the mix
    assert body["shouldEndSession"] is False and body["reprompt"]
    (directive,) = apla(device)
    check_apla(directive)
    assert directive["datasources"]["speech"]["sound"] == soundbed.SOUNDS["rain"]
    assert mixed_ssml(device).count("Breathe in.") == 2


def test_the_mix_says_exactly_what_the_plain_answer_says(send):
    plain, bedded = Device(same_ids(send)), Device(same_ids(send))
    for device in (plain, bedded):
        device.launch()
    plain.intent("NoSoundBedIntent")  # a turn like the other's, with no sound chosen
    choose(bedded, "ocean")
    plain.intent("ForgivenessIntent")
    bedded.intent("ForgivenessIntent")
    assert mixed_ssml(bedded) == plain.ssml


def test_breathe_with_a_sound_chooses_it_and_starts_breathing(make_device, store):
    device = make_device()
    device.launch()
    device.intent("BreatheWithSoundIntent", slots=resolved("sound", "stream"))
    text = readable(mixed_ssml(device))
    assert "stream" in text and "Breathe in." in text
    assert store.load(user_key(device.user_id)).extra == {"sound_bed": "stream"}


def test_change_the_sound_moves_to_the_next_and_no_sound_turns_it_off(make_device, store):
    device = make_device()
    device.launch()
    device.intent("ChangeSoundIntent")
    assert soundbed.chosen(store.load(user_key(device.user_id))) == soundbed.ORDER[0]
    device.intent("ChangeSoundIntent")
    assert soundbed.chosen(store.load(user_key(device.user_id))) == soundbed.ORDER[1]
    device.intent("NoSoundBedIntent")
    assert soundbed.chosen(store.load(user_key(device.user_id))) is None
    breathe(device, "box", 2)
    assert apla(device) == [] and "Breathe in." in device.ssml
    device.intent("NoSoundBedIntent")
    assert "no background sound" in readable(device.ssml).lower()


def test_mid_exercise_a_new_sound_goes_on_with_the_exercise(make_device):
    device = make_device()
    device.launch()
    breathe(device, "box", LIBRARY.get("box").rounds_max)
    choose(device, "wind")
    text = readable(mixed_ssml(device))
    assert text.startswith("Now the sound of a soft wind") or "soft wind" in text
    assert "Breathe in." in text


def test_a_sound_the_skill_cannot_play_is_asked_about(make_device):
    device = make_device()
    device.launch()
    device.intent("SoundBedIntent", sound="thunder")
    assert "rain, a stream, or the ocean" in readable(device.ssml)


def test_records_from_before_and_unknown_sounds_read_as_none():
    assert soundbed.chosen(Progress.from_dict({"visits": 3})) is None
    assert soundbed.chosen(Progress.from_dict({"extra": {"sound_bed": "thunder"}})) is None
    with pytest.raises(ValueError):
        soundbed.choose(Progress(), "thunder")


@pytest.mark.parametrize("screen", [None, "show8"])
def test_the_crisis_answer_never_has_a_sound_bed(make_device, screen):
    device = make_device(screen=screen)
    device.launch()
    choose(device, "rain")
    device.intent("ForgivenessIntent")
    assert apla(device)
    device.intent("CrisisIntent")
    assert apla(device) == []
    assert "911" in device.ssml


def test_a_speakers_timed_turn_has_no_sound_bed(make_device):
    device = make_device()
    device.launch()
    choose(device, "rain")
    device.intent("ExerciseIntent", slots=resolved("exercise", "listening"))
    for _ in range(4):  # the instructions, two turns and a reflection
        assert apla(device) == []
        device.intent("AMAZON.NextIntent")
    assert "swap" not in readable(device.ssml) and apla(device) == []  # the last, and the close


@pytest.mark.slow
def test_every_exercise_with_every_sound_sends_valid_apla(make_device):
    """Every exercise run to its end under each sound, on a voice-only device and a screen:
    each APL-A document passes the project's schema and stays inside 240 s of audio."""
    checked = 0
    for sound in soundbed.SOUNDS:
        for screen in (None, "show5"):
            device = make_device(screen=screen)
            device.launch()
            choose(device, sound)
            for exercise in LIBRARY.exercises:
                if exercise.is_breathing:
                    breathe(device, exercise.id, exercise.rounds_max)
                    responses = breathe_through(device)
                else:
                    device.intent("ExerciseIntent", slots=resolved("exercise", exercise.id))
                    responses = [device.last]
                    for _ in range(40):
                        place = device.last.get("sessionAttributes", {}).get("place") or {}
                        if place.get("done"):
                            break
                        responses.append(device.intent("AMAZON.NextIntent"))
                for response in responses:
                    for directive in response["response"].get("directives") or []:
                        if directive["type"] == "Alexa.Presentation.APLA.RenderDocument":
                            check_apla(directive)
                            checked += 1
    assert checked > 20


def test_a_screen_says_which_sound_plays_under_a_reflection(make_device):
    device = make_device(screen="show8")
    device.launch()
    choose(device, "ocean")
    device.intent("ForgivenessIntent")
    assert apla(device)
    (card,) = device.documents
    assert card["datasources"]["card"]["footer"] == "Sound: Ocean"


def test_each_sound_intent_has_at_least_80_samples():
    model = json.loads((Path(__file__).parents[1] / "interaction_model" / "en-US.json").read_text())
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    for name in (
        "SoundBedIntent",
        "BreatheWithSoundIntent",
        "NoSoundBedIntent",
        "ChangeSoundIntent",
    ):
        assert len(intents[name]["samples"]) >= 80, name


def test_on_a_screen_a_chosen_sound_plays_under_breathing_with_the_round_on_a_still_card(
    make_device,
):
    device = make_device(screen="show8")
    device.launch()
    device.intent("BreatheWithSoundIntent", slots=resolved("sound", "rain"))
    (mix,) = apla(device)
    check_apla(mix)
    (card,) = device.documents
    data = card["datasources"]["card"]
    assert "onMount" not in card["document"]  # nothing moves that could drift from the voice
    assert data["kicker"] == "Round 1 of 6" and data["footer"] == "Sound: Rain"
    device.intent("NoSoundBedIntent")  # and without a sound, the circle moves again
    breathe(device, "box", 2)
    assert apla(device) == []
    assert device.documents[0]["token"] == BREATHING_DOCUMENT
