"""Builds the skill (handlers, interceptors, store) and exports the Lambda handler."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from trust_coach.content import catalog_for
from trust_coach.danger import screen_for
from trust_coach.handlers import request_handlers
from trust_coach.handlers.errors import CatchAllExceptionHandler
from trust_coach.interceptors import (
    ExerciseClockInterceptor,
    LoadProgressInterceptor,
    SaveProgressInterceptor,
)
from trust_coach.presentation import PresentationInterceptor
from trust_coach.screen.controls import TouchControlInterceptor
from trust_coach.speech import ssml_escape
from trust_coach.store import ProgressStore, make_store

log = logging.getLogger(__name__)

# Lambda's AWS_LAMBDA_INITIALIZATION_TYPE when the init phase runs before any request waits.
AHEAD_OF_TIME = frozenset({"snap-start", "provisioned-concurrency"})


def build_skill(store: ProgressStore | None = None, skill_id: str | None = None) -> CustomSkill:
    """The skill with its store; `skill_id` (or env SKILL_ID) makes the SDK check every request."""
    store = store if store is not None else make_store()
    builder = CustomSkillBuilder(persistence_adapter=store)  # deletions go through the SDK's
    builder.skill_id = skill_id if skill_id is not None else os.environ.get("SKILL_ID") or None
    for handler in request_handlers():
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(store))
    builder.add_global_request_interceptor(TouchControlInterceptor())  # a button is its intent
    builder.add_global_request_interceptor(LoadProgressInterceptor(store))
    builder.add_global_request_interceptor(ExerciseClockInterceptor())  # how far it played
    builder.add_global_response_interceptor(PresentationInterceptor())  # screen and sound
    builder.add_global_response_interceptor(SaveProgressInterceptor(store))
    return builder.create()  # the SDK's CustomSkill, with its DefaultSerializer


_skill: CustomSkill | None = None


def skill() -> CustomSkill:
    """The process's skill, built on first use so importing this module stays cheap."""
    global _skill
    if _skill is None:
        _skill = build_skill()
    return _skill


class SkillIdMismatch(Exception):
    """The request is for another skill: refused, never answered."""


def handle_event(target: CustomSkill, event: Any, context: Any = None) -> dict[str, Any]:
    """Run one request envelope (a dict) through a skill and return the response as a dict.

    This is what the SDK's `CustomSkillBuilder.lambda_handler()` does (JSON text through the
    skill's serializer, `invoke`, serialize), on one skill made once rather than one per event.
    A request for another skill raises SkillIdMismatch. Anything else that cannot be handled
    (an envelope the SDK cannot read, a failure outside the handlers) gets a spoken apology.
    """
    try:
        if not isinstance(event, dict) or not isinstance(event.get("request"), dict):
            raise ValueError("not a request envelope")
        text = json.dumps(event)
        envelope = target.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
        if envelope.request is None:
            raise ValueError("request type not recognised")
    except Exception as error:
        log.warning("unreadable request: %s", type(error).__name__)
        return apology(event)
    if target.skill_id is not None and _application_id(envelope) != target.skill_id:
        raise SkillIdMismatch("request is for another skill")
    try:
        response = target.invoke(request_envelope=envelope, context=context)
        return target.serializer.serialize(response)
    except Exception as error:
        log.error("request failed outside the handlers: %s", type(error).__name__)
        if _is_skill_event(envelope):
            raise  # no one hears a skill event: fail the invocation so the failure is seen
        return apology(event)


# ask_sdk_core.utils' helpers read a HandlerInput and raise on a missing context or system;
# these two run on the bare envelope, before the SDK makes one, and must not raise.
def _is_skill_event(envelope: RequestEnvelope) -> bool:
    return str(getattr(envelope.request, "object_type", "")).startswith("AlexaSkillEvent.")


def _application_id(envelope: RequestEnvelope) -> str | None:
    system = envelope.context.system if envelope.context else None
    return system.application.application_id if system and system.application else None


def refusal() -> dict[str, Any]:
    """What a request that is not for this skill gets: nothing said, the session ended."""
    return {"version": "1.0", "response": {"shouldEndSession": True}}


def apology(event: Any) -> dict[str, Any]:
    """A short spoken apology that ends the session; it needs nothing from the request."""
    request = event.get("request") if isinstance(event, dict) else None
    locale = request.get("locale") if isinstance(request, dict) else None
    catalog = catalog_for(locale if isinstance(locale, str) else None)
    text = ssml_escape(catalog.prompt("error"))
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"},
            "shouldEndSession": True,
        },
    }


_lambda_entry: Callable[[Any, Any], dict[str, Any]] | None = None


def lambda_entry() -> Callable[[Any, Any], dict[str, Any]]:
    """The skill with JSON logs and EMF metrics (powertools), made once per process."""
    global _lambda_entry
    if _lambda_entry is None:
        # Imported here, not at the top: only Lambda needs powertools.
        from trust_coach.observability import Observability

        _lambda_entry = Observability().instrument(answer)
    return _lambda_entry


def answer(event: Any, context: Any) -> dict[str, Any]:
    """The skill's answer to whatever event Lambda hands over: a request envelope gets the
    skill's answer, anything else an apology, and a request for another skill a refusal.
    Only a failed skill event raises (see `handle_event`), so the failure is seen."""
    try:
        return handle_event(skill(), event, context)
    except SkillIdMismatch:
        log.warning("request refused: it is for another skill")
        return refusal()


def lambda_handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda's entry point."""
    return lambda_entry()(event, context)


def prepare_for_lambda() -> None:
    """Do at init what the first request would: build the skill, read the base locale's words,
    make the store's client (no network call) and load powertools. The total is the same, but
    it happens in Lambda's init phase, which SnapStart snapshots and provisioned concurrency
    runs ahead of time. Broken content fails the init, as it should. A copy restored from a
    SnapStart snapshot renews its randomness and the store's connections (snapshot.py).

    The danger screen (about 100 ms to build) is made here only when the init runs ahead of
    any request. A first request is seldom the words it screens (a launch never is), so an
    on-demand cold start leaves it to the first words a user shares.
    """
    from trust_coach import snapshot

    target = skill()
    catalog = catalog_for(None)
    if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") in AHEAD_OF_TIME:
        screen_for(catalog)
    lambda_entry()
    try:
        getattr(target.persistence_adapter, "client", None)  # a DynamoDbStore makes its client
    except Exception as error:  # e.g. no region: the first request meets it as a store error
        log.warning("store client not prepared at init: %s", type(error).__name__)
    snapshot.register(target.persistence_adapter)


# On Lambda (the runtime sets this variable), importing the handler module prepares it.
if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    prepare_for_lambda()
