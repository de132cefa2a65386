"""Property-based fuzzing of the Lambda handler: any envelope gets a valid answer, never a crash.

At least 2,000 generated envelopes per run (see FUZZ_EXAMPLES); afterwards every stored record
of the fuzzed users is a valid, loadable progress record.
"""

import json
import sqlite3
from datetime import UTC, datetime

from alexa_schema import response_problems
from conftest import assert_within_limits
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trust_coach.app import build_skill, handle_event
from trust_coach.nlu import Understanding
from trust_coach.state import Progress
from trust_coach.store.sqlite import SqliteStore

FUZZ_EXAMPLES = 2000
INTENTS = Understanding.for_locale().intents
REQUEST_TYPES = [
    "LaunchRequest", "IntentRequest", "SessionEndedRequest", "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillEnabled", "CanFulfillIntentRequest", "Connections.Response",
    "System.ExceptionEncountered", "Display.ElementSelected",
]  # fmt: skip
USERS = [f"amzn1.ask.account.fuzz-{n}" for n in range(5)]

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
odd_text = st.text(max_size=40) | st.text(min_size=500, max_size=3000) | st.just("")
slot_value = st.none() | odd_text | st.integers() | st.lists(st.text(), max_size=3) | json_value


@st.composite
def slots(draw):
    names = draw(
        st.lists(
            st.sampled_from(["strategy", "rounds", "x", ""]) | st.text(max_size=10), max_size=3
        )
    )
    result = {}
    for name in names:
        slot = {"name": name, "value": draw(slot_value)}
        if draw(st.booleans()):
            slot["resolutions"] = draw(
                st.just(
                    {
                        "resolutionsPerAuthority": [
                            {
                                "status": {"code": "ER_SUCCESS_MATCH"},
                                "values": [
                                    {"value": {"id": draw(odd_text), "name": draw(odd_text)}}
                                ],
                            }
                        ]
                    }
                )
                | json_value
            )
        result[name] = slot
    return draw(st.just(result) | json_value)


timestamps = (
    st.datetimes(
        min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
    ).map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ"))
    | st.text(max_size=30)
    | st.integers()
    | st.none()
)


@st.composite
def plausible_envelopes(draw):
    """Envelopes shaped like Alexa's, with odd values where people and devices vary."""
    user = draw(st.sampled_from(USERS))
    kind = draw(
        st.sampled_from(
            [
                "LaunchRequest",
                "IntentRequest",
                "IntentRequest",
                "IntentRequest",
                "SessionEndedRequest",
                "AlexaSkillEvent.SkillDisabled",
            ]
        )
    )
    request = {
        "type": kind,
        "requestId": draw(st.text(max_size=30)),
        "locale": draw(
            st.sampled_from(["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "fr"])
        ),
        "timestamp": draw(
            st.datetimes(
                min_value=datetime(1971, 1, 1),
                max_value=datetime(2199, 1, 1),
                timezones=st.just(UTC),
            )
        ).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if kind == "IntentRequest":
        request["intent"] = {
            "name": draw(st.sampled_from(INTENTS) | st.text(max_size=30)),
            "slots": draw(slots()),
        }
    system = {"application": {"applicationId": "amzn1.ask.skill.fuzz"}, "user": {"userId": user}}
    if draw(st.booleans()):
        system["device"] = {"deviceId": draw(st.text(max_size=20))}
        system["apiEndpoint"] = draw(st.sampled_from(["https://127.0.0.1:9", "http://x", ""]))
        system["apiAccessToken"] = draw(st.text(max_size=20))
    envelope = {"version": "1.0", "request": request, "context": {"System": system}}
    if kind != "AlexaSkillEvent.SkillDisabled" or draw(st.booleans()):
        attributes = draw(
            st.dictionaries(
                st.sampled_from(["progress", "place", "pending", "tz", "saved", "unloaded"]),
                json_value
                | st.fixed_dictionaries(
                    {
                        "area": st.sampled_from(["strategy", "list", "tip", "x"]),
                        "number": json_value,
                        "part": json_value,
                    }
                ),
                max_size=4,
            )
        )
        envelope["session"] = {
            "new": draw(st.booleans()),
            "sessionId": draw(st.text(max_size=20)),
            "attributes": attributes,
            "user": {"userId": user},
            "application": {"applicationId": "amzn1.ask.skill.fuzz"},
        }
    return envelope


@st.composite
def chaotic_envelopes(draw):
    """Anything at all: unknown request types, missing parts, wrong types everywhere."""
    user = draw(st.sampled_from(USERS) | st.none() | st.text(max_size=20))
    request = {
        "type": draw(st.sampled_from(REQUEST_TYPES) | st.text(max_size=30)),
        "requestId": draw(st.text(max_size=30)),
        "locale": draw(st.sampled_from(["en-US", "xx", ""]) | st.none() | st.integers()),
        "timestamp": draw(timestamps),
    }
    if draw(st.booleans()):
        request["intent"] = draw(
            st.fixed_dictionaries(
                {"name": st.sampled_from(INTENTS) | st.text(max_size=30), "slots": slots()}
            )
            | json_value
        )
    envelope = {"version": "1.0", "request": request}
    if draw(st.booleans()):
        system = {
            "application": {"applicationId": "amzn1.ask.skill.fuzz"},
            "user": {"userId": user},
        }
        envelope["context"] = {"System": draw(st.just(system) | json_value)}
    if draw(st.booleans()):
        envelope["session"] = {
            "new": draw(json_value),
            "attributes": draw(json_value),
            "user": {"userId": user},
        }
    return draw(st.just(envelope) | json_value.map(lambda junk: {"request": junk}))


@st.composite
def envelopes(draw):
    # Mostly plausible envelopes, so the handlers themselves are exercised, not just the parser.
    if draw(st.integers(0, 4)) > 0:
        return draw(plausible_envelopes())
    return draw(chaotic_envelopes())


def test_every_envelope_gets_a_valid_response(tmp_path):
    store = SqliteStore(tmp_path / "fuzz.sqlite3")
    skill = build_skill(store=store, skill_id=None)
    count = 0

    @settings(
        max_examples=FUZZ_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(envelopes())
    def check(envelope):
        nonlocal count
        count += 1
        response = handle_event(skill, envelope)
        assert response_problems(response) == [], envelope
        assert_within_limits(response)

    check()
    assert count >= FUZZ_EXAMPLES

    rows = sqlite3.connect(tmp_path / "fuzz.sqlite3").execute("SELECT version, body FROM progress")
    for version, body in rows:
        raw = json.loads(body)
        assert Progress.from_dict(raw).to_dict() == raw  # nothing invalid was ever stored
        assert version >= 1


def test_a_damaged_stored_record_does_not_break_launch(store, device):
    from trust_coach.store.base import user_key

    store.write(user_key(device.user_id), Progress.from_dict({"version": 1}), 0)
    with store._connection() as db:
        db.execute(
            "UPDATE progress SET body = ?", (json.dumps({"last_strategy": 99, "visits": "x"}),)
        )
    device.launch()
    assert device.session_open and "Sorry" not in device.ssml


def test_garbage_and_non_envelopes_get_an_apology(tmp_path):
    skill = build_skill(store=SqliteStore(tmp_path / "s.sqlite3"))
    for junk in (
        None,
        [],
        "text",
        {"request": "x"},
        {"request": {"type": "LaunchRequest", "locale": 3}},
    ):
        response = handle_event(skill, junk)
        assert response_problems(response) == []
        assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")
