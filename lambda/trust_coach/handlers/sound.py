"""The sound bed by voice: "breathe with rain sounds", "play the ocean", "change the sound",
"no background sound". The choice is kept in the progress (`soundbed.py`); mid-exercise the
exercise goes on with the new sound, elsewhere the skill asks what next."""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Response

from trust_coach import guided, soundbed
from trust_coach.handlers.base import TurnHandler
from trust_coach.turn import Turn


def words(turn: Turn) -> dict[str, Any]:
    return turn.catalog.files["screen"]


def sound_name(turn: Turn, sound: str) -> str:
    return words(turn)["sounds"][sound]["name"]


def asked_sound(turn: Turn) -> str | None:
    """The sound named in the request, if it is one the skill plays."""
    heard = turn.slot("sound")
    return heard if heard in soundbed.SOUNDS else None


def carry_on(turn: Turn, line: str) -> Response:
    """Mid-exercise: go on with it after `line`, now over the chosen sound (or none).
    Elsewhere: say `line` and ask what next."""
    if guided.in_exercise(turn):
        exercise, place = guided.current(turn)
        return guided.speak(turn, exercise, place.rounds, place.following, [line])
    said = words(turn)
    speech = turn.speech(line, said["sound_what_next"])
    return turn.ask(speech, said["sound_what_next_reprompt"])


def not_caught(turn: Turn) -> Response:
    said = words(turn)
    return turn.ask(turn.speech(said["sound_not_caught"]), said["sound_not_caught_reprompt"])


def chosen_line(turn: Turn, sound: str) -> str:
    """Keep `sound` and say so."""
    key = "sound_changed" if soundbed.chosen(turn.progress) else "sound_chosen"
    soundbed.choose(turn.progress, sound)
    return words(turn)[key].format(name=sound_name(turn, sound))


class SoundBedHandler(TurnHandler):
    intents = ("SoundBedIntent",)

    def respond(self, turn: Turn) -> Response:
        sound = asked_sound(turn)
        if sound is None:
            return not_caught(turn)
        return carry_on(turn, chosen_line(turn, sound))


class BreatheWithSoundHandler(TurnHandler):
    intents = ("BreatheWithSoundIntent",)

    def respond(self, turn: Turn) -> Response:
        sound = asked_sound(turn)
        if sound is None:
            return not_caught(turn)
        line = chosen_line(turn, sound)
        if guided.in_exercise(turn):
            return carry_on(turn, line)
        return guided.start(turn, guided.library(turn).default_breathing, note=line)


class ChangeSoundHandler(TurnHandler):
    intents = ("ChangeSoundIntent",)

    def respond(self, turn: Turn) -> Response:
        sound = soundbed.following(soundbed.chosen(turn.progress))
        return carry_on(turn, chosen_line(turn, sound))


class NoSoundBedHandler(TurnHandler):
    intents = ("NoSoundBedIntent",)

    def respond(self, turn: Turn) -> Response:
        said = words(turn)
        if soundbed.chosen(turn.progress) is None:
            return carry_on(turn, said["sound_off_already"])
        soundbed.choose(turn.progress, None)
        return carry_on(turn, said["sound_off"])
