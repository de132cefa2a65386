"""The response JSON Schema every fuzzed response must satisfy."""

import json
from pathlib import Path

import jsonschema

_SCHEMA = json.loads((Path(__file__).parent / "schemas" / "alexa-response.schema.json").read_text())
_VALIDATOR = jsonschema.Draft202012Validator(_SCHEMA)


def response_problems(response: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _VALIDATOR.iter_errors(response)]
