"""The SDK's request serializer, made cheaper for every turn.

ask-sdk-core's DefaultSerializer parses each request's ISO 8601 timestamp with dateutil's
general-purpose parser and resolves every model class by import on every request; together
they were about a third of a warm turn. Alexa's timestamps are plain ISO 8601, which the
standard library reads directly (dateutil remains the fallback for anything else), and a
class name always resolves to the same class.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class Serializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

    # DefaultSerializer calls these through its private (name-mangled) methods.
    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]
        return parsed.date() if obj_type is date else parsed

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        resolved = self._classes.get(class_name)
        if resolved is None:
            resolved = super()._DefaultSerializer__load_class_from_name(class_name)  # type: ignore[misc]
            self._classes[class_name] = resolved
        return resolved
