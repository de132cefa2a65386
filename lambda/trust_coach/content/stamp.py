"""The validation stamp: fingerprints of content that already passed its JSON Schema.

Validating with jsonschema costs ~100 ms of imports and checks on every cold start. Content
only changes in the repository, so `trust-coach validate --stamp` validates every file and
records, per file, a SHA-256 of its schema and its data; a test keeps the stamp current.
At load, a file whose fingerprint is in the stamp is known good; any other file (edited
since, or no stamp at all) is validated in full, so broken content still stops start-up
with a message naming the file and the field.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

STAMP_FILE = "validated.json"


def fingerprint(schema_text: bytes, data: Any) -> str:
    """What was validated: the schema's bytes and the data as canonical JSON."""
    digest = hashlib.sha256(schema_text)
    digest.update(b"\0")
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()


def stamp_key(content_dir: Path, path: Path) -> str:
    return path.relative_to(content_dir).as_posix()


@cache
def _read_stamp(stamp_path: Path) -> dict[str, str]:
    try:
        files = json.loads(stamp_path.read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return {}  # no stamp, or an unreadable one: everything is validated in full
    return files if isinstance(files, dict) else {}


def is_stamped(content_dir: Path, path: Path, schema_text: bytes, data: Any) -> bool:
    """Whether this exact data, under this exact schema, was validated when stamped."""
    known = _read_stamp(content_dir / STAMP_FILE).get(stamp_key(content_dir, path))
    return known is not None and known == fingerprint(schema_text, data)


def write_stamp(content_dir: Path, fingerprints: dict[str, str]) -> Path:
    stamp_path = content_dir / STAMP_FILE
    text = json.dumps({"files": dict(sorted(fingerprints.items()))}, indent=2) + "\n"
    stamp_path.write_text(text, encoding="utf-8")
    _read_stamp.cache_clear()
    return stamp_path


def stamp_is_current(content_dir: Path, fingerprints: dict[str, str]) -> bool:
    _read_stamp.cache_clear()
    return _read_stamp(content_dir / STAMP_FILE) == fingerprints
