"""The breathing circle: one document per guided chunk, speech and motion in step.

The document's `onMount` runs one `Sequential` of `Parallel` steps, one per phase: each pairs
the phase's spoken cue (a `SpeakItem` over speech from the `ssmlToSpeech` transformer, the cue
and its silence, as the voice-only answer says them) with the circle's `AnimateItem` lasting
exactly the phase's seconds. A `Parallel` ends when both have, so every phase starts speech
and motion together: they cannot drift apart, however long the exercise. A `SendEvent` at the
end asks the skill for the next chunk; `screenLock` keeps the screen on while it runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trust_coach.exercises import SETTLE_SECONDS, Exercise, phase_speech
from trust_coach.places import InExercise
from trust_coach.screen import CHUNK_EVENT
from trust_coach.screen.cards import buttons, headline, words
from trust_coach.screen.documents import document, render, sizes
from trust_coach.screen.viewport import Screen
from trust_coach.turn import Turn

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

REST_SCALE = 0.5  # the circle's size at the bottom of an out-breath
FULL_SCALE = 1.0  # at the top of an in-breath
MOTIONS = ("grow", "hold", "shrink")


def motions(turn: Turn, exercise: Exercise) -> list[str]:
    """Each phase's motion, from the content (`exercises.json`: a phase's `motion`)."""
    raw = next(e for e in turn.catalog.files["exercises"]["exercises"] if e["id"] == exercise.id)
    return [phase.get("motion", "hold") for phase in raw.get("phases", [])]


def phase_steps(
    turn: Turn, exercise: Exercise, place: InExercise
) -> list[tuple[int, int, float, float, float]]:
    """The chunk's phases in order: (round, phase, seconds, scale from, scale to)."""
    moves = motions(turn, exercise)
    scale = REST_SCALE
    steps = []
    for round_index in range(place.begin, place.following):
        for index, phase in enumerate(exercise.phases):
            target = {"grow": FULL_SCALE, "shrink": REST_SCALE}.get(moves[index], scale)
            steps.append((round_index, index, phase.seconds, scale, target))
            scale = target
    return steps


def commands(
    turn: Turn, exercise: Exercise, place: InExercise, has_lead: bool
) -> list[dict[str, Any]]:
    kicker = words(turn)["round_kicker"]
    steps: list[dict[str, Any]] = []
    if has_lead:
        steps.append({"type": "SpeakItem", "componentId": "lead"})
    for round_index, index, seconds, start, end in phase_steps(turn, exercise, place):
        together: list[dict[str, Any]] = [
            {
                "type": "SetValue",
                "componentId": "cue",
                "property": "text",
                "value": exercise.phases[index].cue,
            },
        ]
        if index == 0:
            label = kicker.format(round=round_index + 1, rounds=place.rounds)
            together.append(
                {"type": "SetValue", "componentId": "kicker", "property": "text", "value": label}
            )
        together.append({"type": "SpeakItem", "componentId": f"phase{index}"})
        together.append(
            {
                "type": "AnimateItem",
                "componentId": "circle",
                "duration": round(seconds * 1000),
                "easing": "ease-in-out",
                "value": [
                    {"property": "transform", "from": [{"scale": start}], "to": [{"scale": end}]}
                ],
            }
        )
        steps.append({"type": "Parallel", "commands": together})
    steps.append(
        {
            "type": "SendEvent",
            "arguments": [CHUNK_EVENT, exercise.id, str(place.begin), str(place.following)],
        }
    )
    return [{"type": "Sequential", "screenLock": True, "commands": steps}]


def chunk_directive(
    turn: Turn,
    screen: Screen,
    exercise: Exercise,
    place: InExercise,
    lead: list[str],
    footer: str = "",
) -> RenderDocumentDirective:
    """The document for the chunk `place` covers, with what is said before it (`lead`)."""
    said = words(turn)
    opening = turn.speech(*lead)
    if opening:
        opening.pause(SETTLE_SECONDS)
    body = document("breathing")
    body["onMount"] = commands(turn, exercise, place, bool(opening))
    properties = {
        "title": headline(exercise.name),
        "kicker": said["round_kicker"].format(round=place.begin + 1, rounds=place.rounds),
        "ready": said["breathing_ready"],
        "rest": REST_SCALE,
        "lead": opening.ssml() if opening else "<speak></speak>",
        "phases": [
            {"cue": phase.cue, "ssml": phase_speech(phase).ssml()} for phase in exercise.phases
        ],
        "footer": footer,
        "buttons": buttons(turn, screen),
        "sizes": sizes(screen),
    }
    transformers = [
        {"inputPath": "lead", "outputName": "leadSpeech", "transformer": "ssmlToSpeech"},
        {"inputPath": "phases.*.ssml", "outputName": "speech", "transformer": "ssmlToSpeech"},
    ]
    datasources = {
        "breathing": {"type": "object", "properties": properties, "transformers": transformers}
    }
    return render("breathing", body, datasources)
