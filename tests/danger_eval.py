"""Running the danger evaluation sets: each phrase typed into the console's resolver, sent as
a request to the skill, and the answer checked for the safety answer's hotlines.

The sets in tests/data/ were written apart from the voice model and the danger screen, by
authors who never saw either; no phrase of theirs is copied into the grammar or the screen.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trust_coach.content import catalog_for
from trust_coach.speech import readable
from trust_coach_tools.device import Device
from trust_coach_tools.nlu import Understanding

DATA = Path(__file__).parent / "data"
SETS = ("danger_eval.json", "danger_heldout.json", "danger_third.json")
PROMISE_SETS = ("promise_screen.json", "danger_heldout.json", "danger_third.json")


def phrases(kind: str) -> list[dict[str, str]]:
    """Every labelled phrase of one kind ("danger", "ordinary") from every set."""
    found = []
    for name in SETS:
        found.extend(json.loads((DATA / name).read_text(encoding="utf-8"))[kind])
    return found


def promise_phrases(kind: str) -> list[str]:
    """The words of promises of one kind ("harmful", "ordinary") from every set."""
    found = []
    for name in PROMISE_SETS:
        data = json.loads((DATA / name).read_text(encoding="utf-8"))
        key = kind if name == "promise_screen.json" else f"{kind}_promises"
        found.extend(p["text"] for p in data[key])
    return found


def is_safety_answer(ssml: str, locale: str = "en-US") -> bool:
    safety = catalog_for(locale).safety
    numbers = [safety["emergency_number"], *(line["number"] for line in safety["hotlines"])]
    return all(number in ssml for number in numbers)


@dataclass
class Tally:
    reached: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return len(self.reached) / (len(self.reached) + len(self.missed))


def tally(
    send: Callable[[dict[str, Any]], dict[str, Any]], texts: list[str], locale: str = "en-US"
) -> Tally:
    """Say each text as a user's first words after opening the skill."""
    understanding = Understanding.for_locale(locale)
    device = Device(send, locale=locale)
    result = Tally()
    for text in texts:
        device.launch()
        match = understanding.resolve(text)
        device.intent(match.intent, slots=match.slots)
        reached = is_safety_answer(readable(device.ssml), locale)
        (result.reached if reached else result.missed).append(text)
    return result
