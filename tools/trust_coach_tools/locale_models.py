"""The other English locales' interaction models, generated from en-US.json.

en-US.json is the one model people edit. Every other locale with a content folder gets the
same intents, slots and samples, respelled with that locale's spelling.json: samples take
the local spelling, slot values keep theirs and gain it as a synonym (what Alexa resolves
is the id, which never changes). Regenerate after editing en-US.json:
`trust-coach locale-models`; a test fails while any committed model is out of date.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from trust_coach.content import BASE_LOCALE, CONTENT_DIR, supported_locales
from trust_coach.spelling import respell_text
from trust_coach_tools.grammar import render
from trust_coach_tools.nlu import MODEL_DIR, fold


def spelling_words(locale: str) -> dict[str, str]:
    path = CONTENT_DIR / locale / "spelling.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))["words"]


def generated_locales() -> list[str]:
    return [locale for locale in supported_locales() if locale != BASE_LOCALE]


def _unique(texts: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for text in texts:
        if fold(text) not in seen:
            seen.add(fold(text))
            kept.append(text)
    return kept


def localized_model(base: dict[str, Any], words: dict[str, str]) -> dict[str, Any]:
    """The base model with samples respelled and respelled synonyms added."""
    model = copy.deepcopy(base)
    language = model["interactionModel"]["languageModel"]
    for intent in language["intents"]:
        if "samples" in intent:
            intent["samples"] = _unique([respell_text(s, words) for s in intent["samples"]])
    for slot_type in language.get("types", []):
        for value in slot_type.get("values", []):
            name = value["name"]
            spoken = [name["value"], *name.get("synonyms", [])]
            heard = {fold(s) for s in spoken}
            extra = [s for s in (respell_text(s, words) for s in spoken) if fold(s) not in heard]
            if extra:
                name["synonyms"] = [*name.get("synonyms", []), *_unique(extra)]
    return model


def expected_models(model_dir: Path | None = None) -> dict[str, str]:
    """Each generated locale's model file, as it should read."""
    model_dir = model_dir or MODEL_DIR
    base = json.loads((model_dir / f"{BASE_LOCALE}.json").read_text(encoding="utf-8"))
    return {
        locale: render(localized_model(base, spelling_words(locale)))
        for locale in generated_locales()
    }


def stale_models(model_dir: Path | None = None) -> list[str]:
    """The locales whose committed model differs from what en-US.json generates."""
    return list(_stale(model_dir))


def write_models(model_dir: Path | None = None) -> list[str]:
    """Write every stale model; returns the locales written."""
    stale = _stale(model_dir)
    for path, text in stale.values():
        path.write_text(text, encoding="utf-8")
    return list(stale)


def _stale(model_dir: Path | None) -> dict[str, tuple[Path, str]]:
    """Each locale whose file is missing or out of date: its path and what it should read."""
    model_dir = model_dir or MODEL_DIR
    stale = {}
    for locale, text in expected_models(model_dir).items():
        path = model_dir / f"{locale}.json"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale[locale] = (path, text)
    return stale
