"""The SAM template points at code that exists."""

import importlib
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def template():
    return yaml.load((ROOT / "template.yaml").read_text(), Loader=_CfnLoader)  # noqa: S506


def function():
    resources = template()["Resources"]
    return next(r for r in resources.values() if r["Type"] == "AWS::Serverless::Function")


def test_handler_imports_through_code_uri_and_handler(monkeypatch):
    props = function()["Properties"]
    code_dir = ROOT / props["CodeUri"]
    module_name, _, attribute = props["Handler"].rpartition(".")
    monkeypatch.setattr(sys, "path", [str(code_dir), *sys.path])
    for name in [m for m in sys.modules if m == "trust_coach" or m.startswith("trust_coach.")]:
        monkeypatch.delitem(sys.modules, name)
    module = importlib.import_module(module_name)
    assert Path(module.__file__).resolve().is_relative_to(code_dir.resolve())
    assert callable(getattr(module, attribute))


def test_timeout_is_under_alexas_eight_seconds():
    props = function()["Properties"]
    timeout = props.get("Timeout") or template().get("Globals", {}).get("Function", {}).get(
        "Timeout"
    )
    assert timeout is not None and timeout < 8
