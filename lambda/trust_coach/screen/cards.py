"""The cards: what the screen shows for each place in the conversation.

Each card is the same document (`apl/card.json`) with different data; the words come from
`content/<locale>/screen.json`, the strategy, tip, step and numbers from the rest of the
content. A card is derived from where the conversation is (`turn.place`) after the turn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trust_coach.exercises import Exercise, library_for
from trust_coach.places import At, AtStrategy, InExercise
from trust_coach.screen.documents import document, render, sizes
from trust_coach.screen.viewport import Screen
from trust_coach.turn import Turn

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

CONTROLS = ("next", "repeat", "pause", "stop")


def words(turn: Turn) -> dict[str, Any]:
    """The locale's screen words (`screen.json`)."""
    return turn.catalog.files["screen"]


def headline(text: str) -> str:
    """A name as a card's title: "finding the root cause" -> "Finding the root cause"."""
    return text[:1].upper() + text[1:]


def buttons(turn: Turn, screen: Screen) -> list[dict[str, str]]:
    """Next, Repeat, Pause, Stop; none on a screen nobody touches (a TV)."""
    if not screen.touch:
        return []
    labels = words(turn)["buttons"]
    return [{"action": action, "label": labels[action]} for action in CONTROLS]


def blank(turn: Turn, screen: Screen, footer: str = "") -> dict[str, Any]:
    return {
        "kicker": "",
        "title": "",
        "body": "",
        "numbers": [],
        "dots": [],
        "dotsLine": "",
        "footer": footer,
        "buttons": buttons(turn, screen),
        "sizes": sizes(screen),
    }


def card_for(
    turn: Turn, screen: Screen, footer: str = "", speaking: bool = False
) -> dict[str, Any] | None:
    """The card for where the conversation is now, if that place has one; `speaking`: this
    answer speaks a chunk of the exercise, so the card shows where that chunk begins."""
    place = turn.place
    if place is At.SAFETY:
        return crisis(turn, screen)
    if isinstance(place, AtStrategy):
        return strategy(turn, screen, place.number, footer)
    if place is At.TIP:
        return tip(turn, screen, footer)
    if isinstance(place, InExercise):
        library = library_for(turn.catalog)
        if library.known(place.exercise):
            exercise = library.get(place.exercise)
            return exercise_card(turn, screen, exercise, place, footer, speaking)
    return None


def strategy(turn: Turn, screen: Screen, number: int, footer: str = "") -> dict[str, Any]:
    said = words(turn)
    chosen = turn.catalog.strategy(number)
    count = len(turn.catalog.strategies)
    heard = set(turn.progress.strategies_heard)
    card = blank(turn, screen, footer)
    card["kicker"] = said["strategy_kicker"].format(number=number, count=count)
    card["title"] = headline(chosen.name)
    card["body"] = chosen.action
    card["dots"] = [n in heard for n in range(1, count + 1)]
    card["dotsLine"] = said["strategies_heard"].format(
        heard=len(heard & set(range(1, count + 1))), count=count
    )
    return card


def tip(turn: Turn, screen: Screen, footer: str = "") -> dict[str, Any] | None:
    today = turn.catalog.tip(turn.progress.tip_id)
    if today is None:
        return None
    card = blank(turn, screen, footer)
    card["kicker"] = words(turn)["tip_title"]
    card["body"] = today.text
    return card


def exercise_card(
    turn: Turn,
    screen: Screen,
    exercise: Exercise,
    place: InExercise,
    footer: str = "",
    speaking: bool = False,
) -> dict[str, Any]:
    """A reflection's step ("Step 2 of 6" and its words); a breathing exercise's round."""
    said = words(turn)
    card = blank(turn, screen, footer)
    card["title"] = headline(exercise.name)
    if place.done and not speaking:
        card["body"] = said["exercise_done"]
        return card
    segments = exercise.segments(place.rounds)
    if exercise.is_breathing:
        at = place.begin + 1 if speaking else min(place.following, place.rounds)
        card["kicker"] = said["round_kicker"].format(round=at, rounds=place.rounds)
        card["body"] = said["breathing_ready"]
        return card
    step = segments[min(place.begin, len(segments) - 1)].step
    card["kicker"] = said["step_kicker"].format(step=step + 1, steps=len(exercise.steps))
    card["body"] = exercise.steps[step].text
    return card


def crisis(turn: Turn, screen: Screen) -> dict[str, Any]:
    """The numbers, large: nothing else, no buttons, no sound."""
    safety = turn.catalog.safety
    said = words(turn)
    card = blank(turn, screen)
    card["buttons"] = []
    card["title"] = said["crisis_title"]
    card["numbers"] = [{"label": said["crisis_emergency"], "number": safety["emergency_number"]}]
    card["numbers"] += [
        {"label": headline(line["name"].removeprefix("the ")), "number": line["number"]}
        for line in safety["hotlines"]
    ]
    return card


def card_directive(card: dict[str, Any]) -> RenderDocumentDirective:
    return render("card", document("card"), {"card": card})
