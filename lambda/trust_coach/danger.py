"""Words that may mean someone is in danger, found in free text the user said.

Alexa sends a call for help as CrisisIntent when it matches one of that intent's samples; a
free-text slot (such as a promise) can carry the same words inside another intent. Those
words get the safety answer too, never coaching.
"""

from __future__ import annotations

import re

from trust_coach.content import Catalog


def sounds_unsafe(catalog: Catalog, text: str | None) -> bool:
    folded = f" {_fold(text or '')} "
    return any(f" {_fold(phrase)} " in folded for phrase in catalog.files["danger"]["phrases"])


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("'", "")).split())
