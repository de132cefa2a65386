"""The en-US voice model, expanded from the grammar people edit.

`interaction_model/grammar/en-US.yaml` holds the invocation name, named templates, each
intent's slots and sample templates, and the slot types. Its samples use the notation of
`trust_coach.templates` (`(a|b)`, `[optional]`, `<named>`, `{slot}`); expanding them gives
`interaction_model/en-US.json`, which Alexa reads. Regenerate after editing the grammar:
`make model` (the other English locales follow from en-US). A test fails while the
committed model is out of date, or breaks the limits below.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from trust_coach.templates import Templates

PROJECT_DIR = Path(__file__).resolve().parents[2]
GRAMMAR_PATH = PROJECT_DIR / "interaction_model" / "grammar" / "en-US.yaml"
MODEL_PATH = PROJECT_DIR / "interaction_model" / "en-US.json"

# Kept well inside what Alexa accepts, so a model that passes here also builds there.
MAX_SAMPLE_CHARS = 200
MAX_MODEL_BYTES = 1_000_000
MAX_SAMPLES_PER_INTENT = 2_000


class GrammarError(ValueError):
    """The grammar expands to something Alexa would refuse."""


def read_grammar(path: Path = GRAMMAR_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expand(grammar: dict[str, Any]) -> dict[str, Any]:
    """The interaction model the grammar stands for."""
    templates = Templates(grammar.get("templates") or {})
    intents = []
    for intent in grammar["intents"]:
        entry: dict[str, Any] = {"name": intent["name"]}
        slots = intent.get("slots") or {}
        if slots:
            entry["slots"] = [{"name": name, "type": kind} for name, kind in slots.items()]
        samples: list[str] = []
        for template in intent.get("samples") or []:
            samples.extend(templates.expand(template))
        # Alexa compares samples with case and punctuation folded: keep the first of each.
        entry["samples"] = list({_folded(s): s for s in reversed(samples)}.values())[::-1]
        _check_samples(intent["name"], entry["samples"], set(slots))
        intents.append(entry)
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": grammar["invocation"],
                "intents": intents,
                "types": [_slot_type(templates, t) for t in grammar.get("types") or []],
            }
        }
    }
    size = len(render(model).encode("utf-8"))
    if size > MAX_MODEL_BYTES:
        raise GrammarError(f"the model is {size} bytes, over {MAX_MODEL_BYTES}")
    return model


def _slot_type(templates: Templates, slot_type: dict[str, Any]) -> dict[str, Any]:
    """A slot type whose synonyms may be templates ("[healing] [from] (betrayal|trauma)"),
    expanded, each spoken form once per type."""
    values = []
    seen: set[str] = set()
    for value in slot_type["values"]:
        name = value["name"]
        seen.add(_folded(name["value"]))
        synonyms = []
        for synonym in name.get("synonyms", []):
            for spoken in templates.expand(str(synonym)):
                if _folded(spoken) not in seen:
                    seen.add(_folded(spoken))
                    synonyms.append(spoken)
        values.append({**value, "name": {**name, "synonyms": synonyms}})
    return {**slot_type, "values": values}


def _check_samples(intent: str, samples: list[str], slots: set[str]) -> None:
    if len(samples) > MAX_SAMPLES_PER_INTENT:
        raise GrammarError(f"{intent}: {len(samples)} samples, over {MAX_SAMPLES_PER_INTENT}")
    for sample in samples:
        if len(sample) > MAX_SAMPLE_CHARS:
            raise GrammarError(f"{intent}: sample over {MAX_SAMPLE_CHARS} characters: {sample}")
        if re.search(r"[0-9]", sample):
            raise GrammarError(f"{intent}: Alexa wants numbers spelled out: {sample}")
        for name in re.findall(r"\{(\w+)\}", sample):
            if name not in slots:
                raise GrammarError(f"{intent}: {{{name}}} is not one of its slots: {sample}")


def _folded(sample: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9{} ]+", " ", sample.lower().replace("'", "")).split())


def render(model: dict[str, Any]) -> str:
    """One sample a line, with no indentation: Alexa takes a model definition of at most
    1,000,000 characters, and indentation repeats on every one of some 24,000 lines (even
    one space a level cost 150 KB)."""
    return json.dumps(model, indent=0, ensure_ascii=False) + "\n"


def expected_model(path: Path = GRAMMAR_PATH) -> str:
    return render(expand(read_grammar(path)))


def write_model(grammar_path: Path = GRAMMAR_PATH, model_path: Path = MODEL_PATH) -> Path:
    model_path.write_text(expected_model(grammar_path), encoding="utf-8")
    return model_path


def main() -> None:
    path = write_model()
    language = json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    counts = {i["name"]: len(i.get("samples", [])) for i in language["intents"]}
    print(f"wrote {path}: {sum(counts.values())} samples")
    for name, count in counts.items():
        if count:
            print(f"  {name}: {count}")


if __name__ == "__main__":
    main()
