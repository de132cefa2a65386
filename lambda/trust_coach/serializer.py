"""The SDK's serializer, made cheaper for every turn, with the same results.

ask-sdk-core's DefaultSerializer parses each request's ISO 8601 timestamp with dateutil's
general-purpose parser, resolves model classes by import, re-reads every model's type table and
parses type names such as `list[...]` with regular expressions, on every request and response.
Here Alexa's plain ISO 8601 timestamps are read by the standard library (dateutil remains the
fallback), and each type name or class is worked out once into a reader or writer that does
exactly what the SDK's code does with a payload of that type. Anything the fast path does not
get through is redone by the SDK's own code, so even errors come out as they did.
"""

from __future__ import annotations

import decimal
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

Read = Callable[[Any], Any]
Write = Callable[[Any], Any]
_Plan = dict[str, list[list[Any]]]

# Values of these exact types are written as they are (the SDK's primitive types, and None).
_LEAVES = frozenset({str, int, float, bool, bytes, type(None)})
# The SDK's own patterns for container type names.
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")


class Serializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}
        self._readers: dict[Any, Read] = {}
        self._plans: dict[Any, _Plan] = {}
        self._writers: dict[type, Write] = {}

    # Reading. ---------------------------------------------------------------------------------
    def deserialize(self, payload: Any, obj_type: Any) -> Any:
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception:
            return super().deserialize(payload, obj_type)  # raises as the SDK does
        return self.read(data, obj_type)

    def read(self, data: Any, obj_type: Any) -> Any:
        """What `deserialize` gives for the JSON text of `data`, without writing that text.

        Values the model leaves untyped (session attributes, for one) are `data`'s own objects,
        not copies, as they are in the SDK's result for the parsed payload.
        """
        try:
            return self._reader(obj_type)(data)
        except Exception:
            return self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]

    def _reader(self, obj_type: Any) -> Read:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._readers[obj_type] = self._make_reader(obj_type)
        return reader

    def _make_reader(self, obj_type: Any) -> Read:
        """DefaultSerializer.__deserialize, decided once for a type instead of per value."""
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                found = _LIST.match(obj_type)
                if found is None or "," in found.group(1):
                    return self._sdk_reader(obj_type)  # forms Alexa's models never use
                item_type = found.group(1).strip()
                return lambda data: (
                    None if data is None else [self._reader(item_type)(item) for item in data]
                )
            if obj_type.startswith("dict("):
                found = _DICT.match(obj_type)
                if found is None:
                    return self._sdk_reader(obj_type)
                value_type = found.group(2)
                return lambda data: (
                    None
                    if data is None
                    else {k: self._reader(value_type)(v) for k, v in data.items()}
                )
            if obj_type in self.NATIVE_TYPES_MAPPING:
                return self._reader(self.NATIVE_TYPES_MAPPING[obj_type])
            return self._reader(self._DefaultSerializer__load_class_from_name(obj_type))
        if obj_type in self.PRIMITIVE_TYPES:
            return _primitive_reader(obj_type)
        if obj_type is object:
            return lambda data: data
        if obj_type in (date, datetime):
            read_time = self._DefaultSerializer__deserialize_datetime
            return lambda data: None if data is None else read_time(data, obj_type)
        if not isinstance(obj_type, type):
            return self._sdk_reader(obj_type)
        if issubclass(obj_type, Enum):
            return lambda data: None if data is None else obj_type(data)
        if not hasattr(obj_type, "deserialized_types"):
            return lambda data: data
        if hasattr(obj_type, "get_real_child_model"):
            return lambda data: None if data is None else self._read_model(data, obj_type, True)
        return lambda data: None if data is None else self._read_model(data, obj_type, False)

    def _sdk_reader(self, obj_type: Any) -> Read:
        return lambda data: self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]

    def _read_model(self, data: Any, obj_type: Any, by_discriminator: bool) -> Any:
        if by_discriminator:
            class_name = obj_type.get_real_child_model(data)
            if not class_name:
                raise SerializationException(f"no class for {obj_type}")
            obj_type = self._DefaultSerializer__load_class_from_name(class_name)
        plan = self._plans.get(obj_type)
        if plan is None:
            plan = self._plans[obj_type] = self._make_plan(obj_type)
        if type(data) is not dict:
            raise SerializationException(f"{obj_type} from a {type(data)}")  # the SDK decides
        model = obj_type()
        extras = None
        for key, value in data.items():
            targets = plan.get(key)
            if targets is None:
                extras = [*(extras or ()), key]
                continue
            for target in targets:
                read = target[2]
                if read is None:  # resolved on first use: it may import the model's module
                    read = target[2] = self._reader(target[1])
                setattr(model, target[0], read(value))
        for key in extras or ():  # after the typed attributes, as in the SDK
            setattr(model, key, data[key])
        return model

    def _make_plan(self, obj_type: Any) -> _Plan:
        """Per JSON key of a model class, the attributes it sets, as [attribute, type name,
        reader]. Readers are found when a payload first has the key, as the SDK resolves
        types: finding one for every field would import model modules no request uses."""
        fields, _, complete = _model_fields(obj_type)
        if not complete:
            raise SerializationException(f"{obj_type} maps attributes it has no type for")
        plan: _Plan = {}
        for name, key, field_type in fields:
            plan.setdefault(key, []).append([name, field_type, None])
        return plan

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

    # Writing. ---------------------------------------------------------------------------------
    def serialize(self, obj: Any) -> Any:
        try:
            return self._write(obj)
        except Exception:
            return super().serialize(obj)  # raises as the SDK does

    def _write(self, obj: Any) -> Any:
        if obj is None:
            return None
        kind = type(obj)
        writer = self._writers.get(kind)
        if writer is None:
            writer = self._writers[kind] = self._make_writer(kind)
        return writer(obj)

    def _make_writer(self, kind: type) -> Write:
        """DefaultSerializer.serialize's decision for values of one class, made once."""
        if issubclass(kind, self.PRIMITIVE_TYPES):
            return lambda obj: obj
        if issubclass(kind, list):
            return lambda obj: [i if type(i) in _LEAVES else self._write(i) for i in obj]
        if issubclass(kind, tuple):
            return lambda obj: tuple(self._write(item) for item in obj)
        if issubclass(kind, datetime | date):
            return lambda obj: obj.isoformat()
        if issubclass(kind, Enum):
            return lambda obj: obj.value
        if issubclass(kind, decimal.Decimal):
            return lambda obj: int(obj) if obj % 1 == 0 else float(obj)
        if issubclass(kind, dict):
            return lambda obj: {
                key: value if type(value) in _LEAVES else self._write(value)
                for key, value in obj.items()
            }
        return self._model_writer(kind)

    def _model_writer(self, kind: type) -> Write:
        fields, _, _ = _model_fields(kind)
        pairs = tuple((name, key) for name, key, _ in fields)

        def write(obj: Any) -> dict[str, Any]:
            written = {}
            for name, key in pairs:
                value = getattr(obj, name)
                if value is not None:
                    written[key] = value if type(value) in _LEAVES else self._write(value)
            return written

        return write


def _primitive_reader(cast: Any) -> Read:
    """DefaultSerializer.__deserialize_primitive; its rarer outcomes come from its own code."""

    def read(data: Any) -> Any:
        if data is None:
            return None
        try:
            return cast(data)
        except TypeError:
            return data

    return read


_Fields = tuple[tuple[tuple[str, str, str], ...], frozenset[str], bool]


def _model_fields(obj_type: Any) -> _Fields:
    """A model class's (attribute, JSON key, type name) triples, in the order of its types,
    the set of its JSON keys, and whether every mapped attribute has a type (the SDK's reader
    fails on one that has none).

    Like the SDK, this first completes the class's `attribute_map` with the attributes whose
    key is their own name; the map only ever gains those, so the answer never changes.
    """
    cached = _FIELDS.get(obj_type)
    if cached is None:
        types = obj_type.deserialized_types
        attribute_map = getattr(obj_type, "attribute_map", {})
        attribute_map.update({k: k for k in types if k not in attribute_map})
        fields = tuple((name, attribute_map[name], types[name]) for name in types)
        complete = all(name in types for name in attribute_map)
        cached = _FIELDS[obj_type] = (fields, frozenset(attribute_map.values()), complete)
    return cached


_FIELDS: dict[Any, _Fields] = {}
