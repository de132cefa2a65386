"""Assembles the ASK CLI v2 skill package: manifest plus one interaction model per locale.

`skill-package/skill.json` is the manifest with `${FunctionArn}` where the Lambda endpoint
goes; `interaction_model/<locale>.json` are the models. The result is an ASK CLI project:

    <out>/ask-resources.json                          tells `ask deploy` where the package is
    <out>/.ask/ask-states.json                        the skill ID, when given (update, not create)
    <out>/skill-package/skill.json                    manifest with the function ARN filled in
    <out>/skill-package/interactionModels/custom/<locale>.json
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

from trust_coach_tools.nlu import MODEL_DIR

PROJECT_DIR = MODEL_DIR.parent
MANIFEST_PATH = PROJECT_DIR / "skill-package" / "skill.json"
DEFAULT_OUT = PROJECT_DIR / "build" / "ask"
ENDPOINT_PLACEHOLDER = "${FunctionArn}"
# A function ARN, optionally with a version or alias, as the SAM stack's FunctionAliasArn output.
FUNCTION_ARN = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z]{2}(-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
    r"(:[A-Za-z0-9_$-]+)?$"
)
SKILL_ID = re.compile(r"^amzn1\.ask\.skill\.[0-9a-fA-F-]+$")


class PackageError(Exception):
    """The skill package cannot be assembled from what was given."""


def manifest_with_endpoint(function_arn: str, manifest_path: Path = MANIFEST_PATH) -> dict:
    """The manifest with every `${FunctionArn}` replaced by the function's ARN."""
    if not FUNCTION_ARN.match(function_arn):
        raise PackageError(
            f"not a Lambda function ARN: {function_arn!r} "
            "(use the FunctionAliasArn output of the SAM stack)"
        )
    text = manifest_path.read_text(encoding="utf-8")
    if ENDPOINT_PLACEHOLDER not in text:
        raise PackageError(f"{manifest_path}: no {ENDPOINT_PLACEHOLDER} to fill in")
    return json.loads(text.replace(ENDPOINT_PLACEHOLDER, function_arn))


def manifest_locales(manifest: dict[str, Any]) -> set[str]:
    return set(manifest["manifest"]["publishingInformation"]["locales"])


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def assemble(
    function_arn: str,
    out_dir: Path = DEFAULT_OUT,
    skill_id: str | None = None,
    model_dir: Path = MODEL_DIR,
    manifest_path: Path = MANIFEST_PATH,
) -> Path:
    """Write the ASK CLI project to `out_dir` (replacing its skill package); returns out_dir."""
    if skill_id is not None and not SKILL_ID.match(skill_id):
        raise PackageError(f"not an Alexa skill ID: {skill_id!r}")
    manifest = manifest_with_endpoint(function_arn, manifest_path)
    models = {path.stem: path for path in sorted(model_dir.glob("*.json"))}
    if manifest_locales(manifest) != set(models):
        raise PackageError(
            f"manifest locales {sorted(manifest_locales(manifest))} "
            f"differ from interaction models {sorted(models)}"
        )
    package = out_dir / "skill-package"
    if package.exists():
        shutil.rmtree(package)  # a locale dropped since the last run must not linger
    _write_json(package / "skill.json", manifest)
    for locale, path in models.items():
        target = package / "interactionModels" / "custom" / f"{locale}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    _write_json(
        out_dir / "ask-resources.json",
        {
            "askcliResourcesVersion": "2020-03-31",
            "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
        },
    )
    if skill_id:
        _write_json(
            out_dir / ".ask" / "ask-states.json",
            {"askcliStatesVersion": "2020-03-31", "profiles": {"default": {"skillId": skill_id}}},
        )
    return out_dir
