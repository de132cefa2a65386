"""Local spelling: the base English (US) text respelled for a locale, word by word.

A locale's `content/<locale>/spelling.json` maps US words or short phrases to the local
spelling ("counselor" -> "counsellor"). The same map respells that locale's content and
generates its interaction model from the base model, so one list keeps both in step. Words
whose spelling depends on grammar (practice, the noun; practise, the verb) go in as phrases
that fix the grammar ("you practice").
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any


@cache
def _pattern(us: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(us)}\b", re.IGNORECASE)


def _same_case(found: str, local: str) -> str:
    return local[0].upper() + local[1:] if found[:1].isupper() else local


def respell_text(text: str, words: dict[str, str]) -> str:
    for us, local in words.items():
        text = _pattern(us).sub(lambda m, local=local: _same_case(m.group(0), local), text)
    return text


def respell(data: Any, words: dict[str, str]) -> Any:
    """Every string `data` says, respelled; keys, ids and the structure are kept."""
    if not words:
        return data
    if isinstance(data, str):
        return respell_text(data, words)
    if isinstance(data, list):
        return [respell(item, words) for item in data]
    if isinstance(data, dict):
        return {
            key: value if _is_reference(key) else respell(value, words)
            for key, value in data.items()
        }
    return data


def _is_reference(key: str) -> bool:
    """Fields that name things rather than say them: ids, a tip's strategy, numbers."""
    return key in _REFERENCES or key.endswith("_id")


_REFERENCES = frozenset({"id", "strategy", "number", "emergency_number"})
