"""Progress is read, copied and fingerprinted exactly as the plain recursive code does it.

The skill's versions are worked out once per annotation and skip the checks for plain values
(they run several times a turn); the reference versions here are the straightforward ones.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import pytest
from envelope_strategies import fuzz_settings
from hypothesis import given
from hypothesis import strategies as st

from trust_coach.state import _FIELDS, Progress, _copied, _fits, _options, _plain


def reference_plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: reference_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reference_plain(v) for v in value]
    return value


def reference_fits(value: Any, annotation: str) -> bool:
    for option, base, inner in _options(annotation):
        if option == "None" and value is None:
            return True
        if base == "int" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if base == "float" and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if base == "str" and isinstance(value, str):
            return True
        if base == "dict" and isinstance(value, dict):
            item = inner.rstrip("]").partition(",")[2].strip() or "Any"
            return all(isinstance(k, str) for k in value) and (
                item == "Any" or all(reference_fits(v, item) for v in value.values())
            )
        if base == "list" and isinstance(value, list):
            item = inner.rstrip("]")
            return all(reference_fits(v, item) for v in value)
    return False


def reference_copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: reference_copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [reference_copied(v) for v in value]
    return value


leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2)
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=4) | st.integers(), inner, max_size=4)
    ),
    max_leaves=16,
)
ANNOTATIONS = sorted(
    {annotation for _, annotation in _FIELDS}
    | {"list[list[int]]", "list", "", "list[int] | list[str]", "dict[str, str] | dict | int",
       "None | dict[str, list[float]] | str", "list[dict[str, int]] | float"}
)  # fmt: skip


@pytest.mark.slow  # fuzzing
@fuzz_settings(600)
@given(values, st.sampled_from(ANNOTATIONS))
def test_values_are_checked_plained_and_copied_as_before(value, annotation):
    assert _fits(value, annotation) == reference_fits(value, annotation)
    plain = _plain(value)
    assert plain == reference_plain(value) and type(plain) is type(reference_plain(value))
    assert _copied(value) == reference_copied(value)


# `sessions` has its own reader, which drops damaged entries one by one (tested below).
PLAIN_FIELDS = [name for name, _ in _FIELDS if name != "sessions"]


@pytest.mark.slow  # fuzzing
@fuzz_settings(400)
@given(st.dictionaries(st.sampled_from(PLAIN_FIELDS), values, max_size=8))
def test_records_load_and_fingerprint_as_before(raw):
    progress = Progress.from_dict(raw)
    # The fields the plain code keeps, as it converts them; loading those alone must give
    # the same progress (whatever bounds from_dict then applies).
    plain = reference_plain(raw)
    kept = {
        name: plain[name] for name, a in _FIELDS if name in plain and reference_fits(plain[name], a)
    }
    assert progress == Progress.from_dict(kept)
    assert _outcome(progress.fingerprint) == _outcome(lambda: reference_fingerprint(progress))


def reference_fingerprint(progress: Progress) -> str:
    body = progress.to_dict()
    body.pop("version")
    body.pop("sessions")
    encoded = json.dumps(body, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


def _outcome(call: Any) -> Any:
    try:
        return call()
    except Exception as error:  # e.g. keys json cannot sort: both must fail alike
        return type(error)


def test_a_copy_shares_no_list_or_dict_with_the_original():
    progress = Progress(strategies_heard=[1], extra={"a": {"b": [1]}}, exercise={"id": "x"})
    copied = progress.to_dict()
    copied["strategies_heard"].append(2)
    copied["extra"]["a"]["b"].append(2)
    copied["exercise"]["id"] = "y"
    assert progress.strategies_heard == [1] and progress.extra == {"a": {"b": [1]}}
    assert progress.exercise == {"id": "x"}


@pytest.mark.slow  # fuzzing
@fuzz_settings(400)
@given(st.dictionaries(st.text(max_size=4) | st.integers(), values, max_size=5) | values)
def test_session_entries_are_kept_only_well_formed_and_as_plain_ints(raw):
    sessions = Progress.from_dict({"sessions": raw, "visits": 1}).sessions
    for sid, entry in sessions.items():
        assert isinstance(sid, str) and set(entry) == {"at", "visits", "done"}
        counts = [entry["at"], entry["visits"], *entry["done"].values()]
        assert all(type(n) is int and n >= 0 for n in counts)
        assert all(isinstance(key, str) for key in entry["done"])
        assert reference_plain(raw[sid]).get("visits", 0) == entry["visits"]
    assert Progress.from_dict(Progress(sessions=sessions).to_dict()).sessions == sessions
