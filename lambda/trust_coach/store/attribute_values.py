"""DynamoDB's attribute-value JSON for the plain values progress holds, in both directions.

boto3's TypeSerializer does the same, but importing anything from boto3 loads boto3 and
s3transfer (with multiprocessing): ~30 ms of a cold start for code the store never runs.
Numbers come back as Decimal, as from boto3, and `state.Progress.from_dict` turns them back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def serialize(value: Any) -> dict[str, Any]:
    """One value as DynamoDB's typed JSON. Floats must already be Decimal (DynamoDB's rule)."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, int | Decimal):
        return {"N": str(value)}
    if isinstance(value, dict):
        return {"M": {str(k): serialize(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v) for v in value]}
    raise TypeError(f"unsupported type for DynamoDB: {type(value).__name__}")


def deserialize(typed: dict[str, Any]) -> Any:
    """A typed JSON value back to Python: N is Decimal, M a dict, L a list, sets are sets."""
    ((kind, value),) = typed.items()
    if kind in ("S", "B", "BOOL"):
        return value
    if kind == "NULL":
        return None
    if kind == "N":
        return Decimal(value)
    if kind == "M":
        return {k: deserialize(v) for k, v in value.items()}
    if kind == "L":
        return [deserialize(v) for v in value]
    if kind == "SS":
        return set(value)
    if kind == "NS":
        return {Decimal(v) for v in value}
    raise TypeError(f"unsupported DynamoDB type: {kind}")
