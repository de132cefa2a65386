"""Hypothesis strategies for Alexa request envelopes, shared by the Lambda and endpoint fuzzing.

`plausible_envelopes` look like Alexa's, with odd values where people and devices vary: every
intent of the voice model with its own slots holding missing, empty, very long, non-ASCII or
wrongly typed values (or a real resolved id), unknown intents, sessions placed mid-strategy
or mid-exercise, missing session / context / user, unsupported locales, odd timestamps.
`chaotic_envelopes` are anything at all. `envelopes` mixes them, mostly plausible, so the
handlers themselves are exercised, not just the parser.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
_MODEL = json.loads((ROOT / "interaction_model" / "en-US.json").read_text(encoding="utf-8"))
_LANGUAGE = _MODEL["interactionModel"]["languageModel"]
# Every intent of the voice model, with its slots' names.
INTENT_SLOTS: dict[str, list[str]] = {
    intent["name"]: [slot["name"] for slot in intent.get("slots", [])]
    for intent in _LANGUAGE["intents"]
}
INTENTS = sorted(INTENT_SLOTS)
# Every value id the model declares for its own slot types: what Alexa resolves slots to.
SLOT_IDS = sorted(
    {value.get("id") or value["name"]["value"] for kind in _LANGUAGE["types"] for value in
     kind["values"]}
)  # fmt: skip
KNOWN_REQUEST_TYPES = [
    "LaunchRequest", "IntentRequest", "SessionEndedRequest", "AlexaSkillEvent.SkillDisabled",
    "AlexaSkillEvent.SkillEnabled", "AlexaSkillEvent.SkillPermissionAccepted",
    "CanFulfillIntentRequest", "Connections.Response", "System.ExceptionEncountered",
    "Display.ElementSelected", "AudioPlayer.PlaybackStarted",
]  # fmt: skip
PLAUSIBLE_REQUEST_TYPES = [
    "LaunchRequest", "IntentRequest", "IntentRequest", "IntentRequest", "IntentRequest",
    "SessionEndedRequest", "AlexaSkillEvent.SkillDisabled", "AlexaSkillEvent.SkillEnabled",
]  # fmt: skip
LOCALES = ["en-US", "en-GB", "en-CA", "en-AU", "en-IN", "de-DE", "fr", "", "EN-us", "zz-ZZ"]
USERS = [f"amzn1.ask.account.fuzz-{n}" for n in range(5)]
SKILL_ID = "amzn1.ask.skill.fuzz"
EXERCISE_IDS = ["gentle", "box", "four_seven_eight", "forgiveness", "forgive_yourself"]
AREAS = ["strategy", "list", "tip", "exercise", "exercise_choice", "safety", "x"]
SESSION_KEYS = [
    "progress", "place", "pending", "tz", "saved", "unloaded", "base", "sid", "turn",
]  # fmt: skip

json_leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_value = st.recursive(
    json_leaf,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
non_ascii = st.text(
    alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF, exclude_categories=["Cs"]),
    min_size=1,
    max_size=40,
)
odd_text = (
    st.text(max_size=40)
    | st.text(min_size=500, max_size=3000)
    | st.just("")
    | st.just("   ")
    | non_ascii
    | st.sampled_from(["<speak>", "&amp;", "]]>", "{strategy_name}", "%s", "\x00", "💔"])
)
slot_value = (
    st.none() | odd_text | st.sampled_from(SLOT_IDS) | st.integers()
    | st.lists(st.text(), max_size=3)
    | st.sampled_from(["1", "3", "six", "0", "-2", "99999999999", "PT2M", "PT0S", "P1Y", "?"])
    | json_value
)  # fmt: skip


@st.composite
def resolutions(draw: Any) -> Any:
    return draw(
        st.fixed_dictionaries(
            {
                "resolutionsPerAuthority": st.lists(
                    st.fixed_dictionaries(
                        {
                            "authority": st.text(max_size=20),
                            "status": st.fixed_dictionaries(
                                {"code": st.sampled_from(["ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH",
                                                          "ER_ERROR_TIMEOUT", "x"])}
                            ),
                            "values": st.lists(
                                st.fixed_dictionaries(
                                    {"value": st.fixed_dictionaries(
                                        {"id": st.sampled_from(SLOT_IDS) | odd_text,
                                         "name": odd_text})}
                                ),
                                max_size=2,
                            ),
                        }
                    ),
                    max_size=2,
                )
            }
        )
        | json_value
    )  # fmt: skip


@st.composite
def slots(draw: Any, names: list[str] | None = None) -> Any:
    """The intent's own slots (some missing) plus strangers, with odd values."""
    chosen = [name for name in names or [] if draw(st.booleans())]
    chosen += draw(st.lists(st.sampled_from(["x", ""]) | st.text(max_size=10), max_size=2))
    result: dict[str, Any] = {}
    for name in chosen:
        slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if draw(st.integers(0, 5)):
            slot["value"] = draw(slot_value)
        if draw(st.booleans()):
            slot["resolutions"] = draw(resolutions())
        result[name] = draw(st.just(slot) | json_value) if draw(st.integers(0, 9)) == 0 else slot
    return draw(st.just(result) | json_value) if draw(st.integers(0, 9)) == 0 else result


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


plausible_timestamps = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2199, 1, 1), timezones=st.just(UTC)
).map(_stamp) | st.sampled_from(
    ["2026-11-24T10:00:00.123Z", "2026-11-24T10:00:00+05:30", "2026-11-24T23:59:60Z",
     "2026-02-29T10:00:00Z", "2026-11-24T10:00:00", "2026-11-24"]
)  # fmt: skip
odd_timestamps = plausible_timestamps | st.text(max_size=30) | st.integers() | st.none()


@st.composite
def places(draw: Any) -> Any:
    area = draw(st.sampled_from(AREAS))
    place: dict[str, Any] = {"area": area}
    if area in ("exercise", "exercise_choice"):
        small = st.integers(-2, 12) | json_value
        place.update(
            id=draw(st.sampled_from(EXERCISE_IDS) | odd_text),
            rounds=draw(small), at=draw(small), next=draw(small),
        )  # fmt: skip
        if draw(st.booleans()):
            place["done"] = draw(st.booleans() | json_value)
    else:
        place.update(number=draw(st.integers(-1, 8) | json_value), part=draw(json_value))
    return place


@st.composite
def session_progress(draw: Any) -> Any:
    return draw(
        st.fixed_dictionaries(
            {},
            optional={
                "version": st.integers(0, 5) | json_value,
                "last_strategy": st.integers(-1, 8) | json_value,
                "visits": st.integers(0, 9) | json_value,
                "exercise": st.fixed_dictionaries(
                    {"id": st.sampled_from(EXERCISE_IDS) | odd_text,
                     "rounds": st.integers(-1, 9) | json_value,
                     "step": st.integers(-1, 9) | json_value}
                ) | json_value,
                "exercises_done": st.dictionaries(st.sampled_from(EXERCISE_IDS), st.integers(0, 9))
                | json_value,
                "strategies_heard": st.lists(st.integers(-1, 8), max_size=6) | json_value,
                "sessions": st.dictionaries(
                    st.text(max_size=12),
                    st.fixed_dictionaries(
                        {"at": st.integers(-1, 9), "visits": st.integers(-1, 9),
                         "done": st.dictionaries(st.sampled_from(EXERCISE_IDS), st.integers(-1, 9))}
                    ) | json_value,
                    max_size=3,
                ) | json_value,
            },
        )
        | json_value
    )  # fmt: skip


@st.composite
def session_attributes(draw: Any) -> Any:
    values = {
        "progress": session_progress(),
        "place": places() | json_value,
        "pending": st.sampled_from(["resume", "list", "strategy:1", "exercise_continue",
                                    "exercise_resume_choice", "exercise:box", "forget"])
        | json_value,
        "base": st.fixed_dictionaries({"visits": st.integers(0, 9)}) | json_value,
        "sid": st.text(max_size=12) | json_value,
    }  # fmt: skip
    keys = draw(st.lists(st.sampled_from(SESSION_KEYS), max_size=5, unique=True))
    return {key: draw(values.get(key, json_value)) for key in keys}


@st.composite
def plausible_envelopes(
    draw: Any, timestamp: Any = plausible_timestamps, intent: str | None = None
) -> dict[str, Any]:
    """A request Alexa could send, with fuzzed values; with `intent`, always that intent."""
    user = draw(st.sampled_from(USERS))
    kind = "IntentRequest" if intent else draw(st.sampled_from(PLAUSIBLE_REQUEST_TYPES))
    request: dict[str, Any] = {
        "type": kind,
        "requestId": draw(st.just("amzn1.echo-api.request.fuzz") | st.text(max_size=30)),
        "locale": draw(st.sampled_from(LOCALES)),
        "timestamp": draw(timestamp),
    }
    if kind == "IntentRequest":
        # Chosen evenly (sampled_from favours the first names): every intent gets its share.
        even = intent or draw(st.randoms(use_true_random=False)).choice(INTENTS)
        name = even if intent or draw(st.integers(0, 9)) else draw(st.text(max_size=30))
        request["intent"] = {
            "name": name,
            "confirmationStatus": draw(st.sampled_from(["NONE", "CONFIRMED", "DENIED"])),
            "slots": draw(slots(INTENT_SLOTS.get(name, []))),
        }
    if kind == "SessionEndedRequest":
        request["reason"] = draw(
            st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"])
        )
    system: dict[str, Any] = {"application": {"applicationId": SKILL_ID}, "user": {"userId": user}}
    if draw(st.integers(0, 9)) == 0:
        del system["user"]  # a device without a user: the skill answers without memory
    if draw(st.booleans()):
        system["device"] = {"deviceId": draw(st.text(max_size=20))}
        system["apiEndpoint"] = draw(st.sampled_from(["https://127.0.0.1:9", "http://x", ""]))
        system["apiAccessToken"] = draw(st.text(max_size=20))
    envelope: dict[str, Any] = {"version": "1.0", "request": request}
    if draw(st.integers(0, 19)):
        envelope["context"] = {"System": system}
    if (not kind.startswith("AlexaSkillEvent.") and draw(st.integers(0, 9))) or draw(st.booleans()):
        envelope["session"] = {
            "new": draw(st.booleans()),
            "sessionId": draw(st.text(max_size=20)),
            "attributes": draw(session_attributes()),
            "user": {"userId": user},
            "application": {"applicationId": SKILL_ID},
        }
    return envelope


@st.composite
def chaotic_envelopes(draw: Any) -> Any:
    user = draw(st.sampled_from(USERS) | st.none() | st.text(max_size=20))
    request: dict[str, Any] = {
        "type": draw(st.sampled_from(KNOWN_REQUEST_TYPES) | st.text(max_size=30)),
        "requestId": draw(st.text(max_size=30)),
        "locale": draw(st.sampled_from(LOCALES) | st.none() | st.integers()),
        "timestamp": draw(odd_timestamps),
    }
    if draw(st.booleans()):
        request["intent"] = draw(
            st.fixed_dictionaries(
                {"name": st.sampled_from(INTENTS) | st.text(max_size=30), "slots": slots()}
            )
            | json_value
        )
    envelope: dict[str, Any] = {"version": "1.0", "request": request}
    if draw(st.booleans()):
        system = {"application": {"applicationId": SKILL_ID}, "user": {"userId": user}}
        envelope["context"] = {"System": draw(st.just(system) | json_value)}
    if draw(st.booleans()):
        envelope["session"] = {
            "new": draw(json_value),
            "attributes": draw(json_value),
            "user": {"userId": user},
        }
    return draw(st.just(envelope) | json_value.map(lambda junk: {"request": junk}))


@st.composite
def envelopes(draw: Any, timestamp: Any = plausible_timestamps) -> Any:
    if draw(st.integers(0, 4)) > 0:
        return draw(plausible_envelopes(timestamp))
    return draw(chaotic_envelopes())


def described(envelope: Any) -> str:
    """What kind of request an envelope is, for coverage counts: the intent name or type."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(request, dict):
        return "junk"
    intent = request.get("intent")
    if request.get("type") == "IntentRequest" and isinstance(intent, dict):
        return str(intent.get("name"))
    return str(request.get("type"))


def fuzz_settings(examples: int) -> settings:
    """Every fuzz run: exactly `examples` cases, no deadline, no saved examples between runs."""
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
