"""APL documents as data (`apl/*.json`), the sizes each kind of screen gets, and the
RenderDocument directive that carries a document with its data."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trust_coach.screen.viewport import DOCUMENT_VERSION, Screen

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

APL_DIR = Path(__file__).parent / "apl"
# Each document's token names it: a UserEvent says which document sent it.
DOCUMENT_NAME_PREFIX = "trust-coach-"

# Sizes by screen class (`Screen.size`): an Echo Show 5 is small, an Echo Show 8 medium, an
# Echo Show 15 large; a TV is read from a sofa, so its type is as large as a medium hub's.
SIZES: dict[str, dict[str, str]] = {
    "small": {
        "margin": "32dp",
        "gap": "8dp",
        "small": "18dp",
        "body": "24dp",
        "title": "32dp",
        "number": "48dp",
        "dot": "16dp",
        "button": "20dp",
        "circle": "200dp",
    },
    "medium": {
        "margin": "48dp",
        "gap": "12dp",
        "small": "22dp",
        "body": "30dp",
        "title": "40dp",
        "number": "64dp",
        "dot": "20dp",
        "button": "24dp",
        "circle": "320dp",
    },
    "large": {
        "margin": "96dp",
        "gap": "16dp",
        "small": "28dp",
        "body": "40dp",
        "title": "56dp",
        "number": "88dp",
        "dot": "28dp",
        "button": "32dp",
        "circle": "480dp",
    },
    "tv": {
        "margin": "48dp",
        "gap": "12dp",
        "small": "22dp",
        "body": "30dp",
        "title": "40dp",
        "number": "64dp",
        "dot": "20dp",
        "button": "24dp",
        "circle": "260dp",
    },
}


def without_descriptions(value: Any) -> Any:
    """The document as sent: its descriptions are for people reading the files, and every
    byte counts against a response's 24 KB."""
    if isinstance(value, dict):
        return {k: without_descriptions(v) for k, v in value.items() if k != "description"}
    if isinstance(value, list):
        return [without_descriptions(item) for item in value]
    return value


@cache
def _base(name: str) -> dict[str, Any]:
    document = json.loads((APL_DIR / f"{name}.json").read_text(encoding="utf-8"))
    document["layouts"] = json.loads((APL_DIR / "layouts.json").read_text(encoding="utf-8"))
    document = without_descriptions(document)
    if document["version"] != DOCUMENT_VERSION:
        raise ValueError(f"{name}.json declares APL {document['version']}, not {DOCUMENT_VERSION}")
    return document


def document(name: str) -> dict[str, Any]:
    """A fresh copy of a document (callers add commands to it)."""
    return copy.deepcopy(_base(name))


def sizes(screen: Screen) -> dict[str, str]:
    return dict(SIZES[screen.size])


def render(name: str, body: dict[str, Any], datasources: dict[str, Any]) -> RenderDocumentDirective:
    # Imported here: ask-sdk-model's APL package costs a cold start ~10 ms that a voice-only
    # request never needs.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=DOCUMENT_NAME_PREFIX + name, document=body, datasources=datasources
    )
