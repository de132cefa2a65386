"""Scoring the everyday evaluation set (tests/data/everyday_eval.json): each phrasing typed
into the console's resolver, compared with the intent and slot values its author labelled.

The set was written by an author who never saw the grammar; when a phrasing fails, the
grammar gains the pattern it shows, never the phrasing itself.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trust_coach_tools.nlu import Understanding, fold

DATA = Path(__file__).parent / "data" / "everyday_eval.json"


def phrasings() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["phrasings"]


def _slot_ids(slots: dict[str, dict[str, Any]]) -> dict[str, str]:
    """What each resolved slot means: its value id where Alexa resolved one, else its value."""
    found = {}
    for name, slot in slots.items():
        resolved = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or []
        values = resolved[0].get("values") if resolved else None
        found[name] = values[0]["value"]["id"] if values else str(slot.get("value", ""))
    return found


@dataclass
class Score:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    wrong: list[tuple[str, str, str]] = field(default_factory=list)  # text, wanted, got

    @property
    def share(self) -> float:
        return sum(self.right.values()) / max(1, sum(self.total.values()))


def score(items: list[dict[str, Any]], locale: str = "en-US") -> Score:
    understanding = Understanding.for_locale(locale)
    result = Score()
    for item in items:
        match = understanding.resolve(item["text"])
        wanted = item["intent"]
        slots = _slot_ids(match.slots)
        # Slot values compare folded, as utterances do: the console hears "I'm" as "im".
        right = match.intent == wanted and all(
            fold(slots.get(name, "")) == fold(str(value))
            for name, value in (item.get("slots") or {}).items()
        )
        result.total[wanted] += 1
        if right:
            result.right[wanted] += 1
        else:
            result.wrong.append((item["text"], wanted, f"{match.intent} {slots}"))
    return result
