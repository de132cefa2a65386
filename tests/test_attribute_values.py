"""The store's DynamoDB typed JSON matches boto3's."""

from __future__ import annotations

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from trust_coach.state import Progress
from trust_coach.store.attribute_values import deserialize, serialize
from trust_coach.store.dynamodb import from_item, to_item

plain = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=8)
    | st.integers(-(10**12), 10**12)
    | st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=1000),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(plain)
def test_serialize_matches_boto3(value):
    assert serialize(value) == TypeSerializer().serialize(value)


@given(plain)
def test_deserialize_matches_boto3(value):
    typed = TypeSerializer().serialize(value)
    assert deserialize(typed) == TypeDeserializer().deserialize(typed)


def test_sets_read_back_as_boto3_reads_them():
    for typed in ({"SS": ["a", "b"]}, {"NS": ["1", "2.5"]}):
        assert deserialize(typed) == TypeDeserializer().deserialize(typed)


def test_floats_are_refused_as_dynamodb_refuses_them():
    with pytest.raises(TypeError):
        serialize(1.5)


def test_a_progress_item_round_trips():
    progress = Progress(visits=4, last_strategy=3, position_at=1795541535.25, tips_heard=["t1"])
    progress.version = 7
    back = from_item(to_item("key", progress, 1800000000))
    assert back == progress
    assert to_item("key", progress, 1800000000)["progress"]["M"]["position_at"] == {
        "N": "1795541535.25"
    }
