"""Everything the skill says, loaded from `content/<locale>/*.json` and checked against schemas.

Each locale folder may hold only the files that differ from the base locale (en-US); the
rest are taken from the base, respelled by the locale's spelling.json if it has one. Files
are read and checked once per process: against the validation stamp (see `stamp`), and in
full with jsonschema when the stamp does not vouch for them.
"""

from __future__ import annotations

import json
import zlib
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from trust_coach.content import stamp
from trust_coach.spelling import respell

CONTENT_DIR = Path(__file__).resolve().parent
SCHEMA_DIR = CONTENT_DIR / "schemas"
BASE_LOCALE = "en-US"


class ContentError(Exception):
    """A content file is missing, is not JSON, or breaks its schema."""


class Strategy(NamedTuple):
    id: str
    number: int
    name: str
    synonyms: tuple[str, ...]
    summary: str
    more: str
    action: str
    question: str


class Tip(NamedTuple):
    id: str
    strategy: str
    text: str


def supported_locales() -> list[str]:
    return sorted(p.name for p in CONTENT_DIR.iterdir() if p.is_dir() and p.name != "schemas")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ContentError(
            f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        ) from None


def _field_path(parts: Any) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top level)"


def validate_file(path: Path, data: Any) -> None:
    """Check one content file against the schema named after it; raise ContentError if broken."""
    import jsonschema  # imported here: only start-up and tests pay for it

    schema_path = SCHEMA_DIR / f"{path.stem}.schema.json"
    if not schema_path.exists():
        raise ContentError(f"{path}: no schema {schema_path.name} to check it against")
    validator = jsonschema.Draft202012Validator(_read_json(schema_path))
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        raise ContentError(f"{path}: field {_field_path(first.absolute_path)}: {first.message}")


def _check_file(path: Path, data: Any, trust_stamp: bool, fingerprints: dict[str, str]) -> None:
    """Validate one file unless the stamp vouches for it; record what was validated."""
    schema_path = SCHEMA_DIR / f"{path.stem}.schema.json"
    schema_text = schema_path.read_bytes() if schema_path.exists() else b""
    if trust_stamp and schema_text and stamp.is_stamped(CONTENT_DIR, path, schema_text, data):
        return
    validate_file(path, data)
    fingerprints[stamp.stamp_key(CONTENT_DIR, path)] = stamp.fingerprint(schema_text, data)


def _load_locale_files(
    locale: str,
    validate: bool,
    trust_stamp: bool = True,
    fingerprints: dict[str, str] | None = None,
) -> dict[str, Any]:
    folders = [CONTENT_DIR / BASE_LOCALE]
    if locale != BASE_LOCALE:
        folders.append(CONTENT_DIR / locale)
    merged: dict[str, Any] = {}
    for folder in folders:
        for path in sorted(folder.glob("*.json")):
            data = _read_json(path)
            if path.stem == "prompts" and "prompts" in merged:
                data = {**merged["prompts"], **data}
            if validate:
                _check_file(path, data, trust_stamp, {} if fingerprints is None else fingerprints)
            merged[path.stem] = data
    # A locale's spelling.json respells the English it shares with the base locale.
    words = merged.get("spelling", {}).get("words", {})
    if words:
        merged = {name: respell(data, words) for name, data in merged.items() if name != "spelling"}
    return merged


def validate_all() -> dict[str, str]:
    """Validate every locale in full, ignoring the stamp; the fingerprints for a new stamp."""
    fingerprints: dict[str, str] = {}
    for locale in supported_locales():
        _load_locale_files(locale, validate=True, trust_stamp=False, fingerprints=fingerprints)
    return fingerprints


class Catalog:
    """The words of one locale."""

    def __init__(self, locale: str, files: dict[str, Any]) -> None:
        self.locale = locale
        self.files = files
        self.strategies = [
            Strategy(**{**s, "synonyms": tuple(s["synonyms"])})
            for s in sorted(files["strategies"]["strategies"], key=lambda s: s["number"])
        ]
        self.tips = [Tip(**t) for t in files["tips"]["tips"]]
        self._prompts: dict[str, list[str]] = files["prompts"]
        self.safety: dict[str, Any] = files["safety"]
        self._by_word = self._index_strategies(files["strategies"].get("number_words", {}))

    def _index_strategies(self, number_words: dict[str, list[str]]) -> dict[str, Strategy]:
        index: dict[str, Strategy] = {}
        for strategy in self.strategies:
            spoken = number_words.get(str(strategy.number), [])
            for word in (strategy.id, strategy.name, *strategy.synonyms, *spoken):
                index[_fold(word)] = strategy
            index[str(strategy.number)] = strategy
        return index

    def strategy(self, number: int) -> Strategy:
        return self.strategies[number - 1]

    def has_strategy(self, number: Any) -> bool:
        """Whether `number` (from a session, so of any type) numbers one of the strategies."""
        return (
            isinstance(number, int)
            and not isinstance(number, bool)
            and 1 <= number <= len(self.strategies)
        )

    def find_strategy(self, spoken: str | None) -> Strategy | None:
        """The strategy a slot value (id, name, synonym or number) refers to, if any."""
        if not spoken:
            return None
        return self._by_word.get(_fold(spoken))

    def tip(self, tip_id: str | None) -> Tip | None:
        return next((t for t in self.tips if t.id == tip_id), None)

    def prompt(self, key: str, salt: str = "", **values: Any) -> str:
        """One variant of a prompt, chosen by `salt` so repeated turns vary, with values filled."""
        variants = self._prompts[key]
        text = variants[zlib.crc32(f"{key}:{salt}".encode()) % len(variants)]
        return text.format(**values) if values else text


def _fold(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


@cache
def catalog_for(locale: str | None, validate: bool = True) -> Catalog:
    """The catalog for a locale, falling back to the base locale; loaded once per process."""
    chosen = locale if locale in supported_locales() else BASE_LOCALE
    return Catalog(chosen, _load_locale_files(chosen, validate))
