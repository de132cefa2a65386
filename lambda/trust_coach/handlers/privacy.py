"""Deleting what the skill remembers: "forget my progress" (after a yes), and skill events.

Skill events (`AlexaSkillEvent.*`) arrive without a session and get no speech. When the skill
is disabled, the user's record is deleted; if that fails the error propagates, so the
invocation fails visibly instead of pretending the data is gone.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler, is_skill_event
from trust_coach.interceptors import forget_progress
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.store.base import StoreError, envelope_user_key
from trust_coach.turn import Turn

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"

log = logging.getLogger(__name__)


def ask_to_forget(turn: Turn) -> Response:
    speech = turn.speech(turn.say("forget_confirm"))
    return turn.ask(speech, turn.say("forget_confirm_reprompt"), Question(Ask.FORGET))


def forget(turn: Turn) -> Response:
    try:
        forget_progress(turn.handler_input)
    except Exception as error:  # nothing was deleted: say so, keep everything
        log.warning("forgetting progress failed: %s", type(error).__name__)
        return turn.tell(turn.speech(turn.say("forget_failed")))
    turn.place = At.NOWHERE
    return turn.tell(turn.speech(turn.say("forget_done")))


def keep(turn: Turn) -> Response:
    speech = turn.speech(turn.say("forget_kept"), turn.say("anything_else"))
    return turn.ask(speech, turn.say("anything_else_reprompt"), Question(Ask.CLOSING))


class ForgetProgressHandler(TurnHandler):
    intents = ("ForgetProgressIntent",)

    def respond(self, turn: Turn) -> Response:
        return ask_to_forget(turn)


class SkillEventHandler(AbstractRequestHandler):
    """Skill events get an empty response; SkillDisabled first deletes the user's record."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_skill_event(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        if get_request_type(handler_input) == SKILL_DISABLED:
            try:
                who = envelope_user_key(handler_input.request_envelope)
            except StoreError:  # no user named: nothing is stored for it
                log.warning("SkillDisabled without a user id: nothing to delete")
                return handler_input.response_builder.response
            try:
                handler_input.attributes_manager.delete_persistent_attributes()
            except Exception as error:
                log.error("deleting %s after SkillDisabled failed: %s", who, type(error).__name__)
                raise
            log.info("deleted %s after SkillDisabled", who)
        return handler_input.response_builder.response
