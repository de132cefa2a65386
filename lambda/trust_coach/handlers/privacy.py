"""Deleting what the skill remembers: "forget my progress" (after a yes), and skill events.

A speaker Alexa recognises forgets their own record only, and is then offered to forget the
whole household's (everyone on the account, recognised or not). Anyone else forgets the
account's record.

Skill events (`AlexaSkillEvent.*`) arrive without a session and get no speech. When the skill
is disabled, every record of the account is deleted (the account's and each recognised
speaker's); if that fails the error propagates, so the invocation fails visibly instead of
pretending the data is gone.
"""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_request_type
from ask_sdk_model import Response

from trust_coach.handlers.base import TurnHandler, is_skill_event
from trust_coach.interceptors import forget_household, forget_progress
from trust_coach.places import At
from trust_coach.questions import Ask, Question
from trust_coach.store.base import StoreError, envelope_user_key, is_person_key
from trust_coach.turn import Turn

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"

log = logging.getLogger(__name__)


def _personal(turn: Turn) -> bool:
    """Whether the session's record is a recognised speaker's own."""
    return turn.session.owner is not None and is_person_key(turn.session.owner)


def ask_to_forget(turn: Turn) -> Response:
    key = "forget_confirm_person" if _personal(turn) else "forget_confirm"
    speech = turn.speech(turn.say(key))
    return turn.ask(speech, turn.say("forget_confirm_reprompt"), Question(Ask.FORGET))


def forget(turn: Turn) -> Response:
    personal = _personal(turn)
    try:
        forget_progress(turn.handler_input)
    except Exception as error:  # nothing was deleted: say so, keep everything
        log.warning("forgetting progress failed: %s", type(error).__name__)
        return turn.tell(turn.speech(turn.say("forget_failed")))
    turn.place = At.NOWHERE
    if personal:  # the others on the account keep theirs, unless this person says otherwise
        speech = turn.speech(turn.say("forget_done_person"), turn.say("forget_household_offer"))
        reprompt = turn.say("forget_household_reprompt")
        return turn.ask(speech, reprompt, Question(Ask.FORGET_HOUSEHOLD))
    return turn.tell(turn.speech(turn.say("forget_done")))


def forget_everyone(turn: Turn) -> Response:
    """Yes to forgetting the whole household: every record on the account."""
    try:
        forget_household(turn.handler_input)
    except Exception as error:  # nothing more was deleted: say so
        log.warning("forgetting the household failed: %s", type(error).__name__)
        return turn.tell(turn.speech(turn.say("forget_household_failed")))
    turn.place = At.NOWHERE
    return turn.tell(turn.speech(turn.say("forget_household_done")))


def keep_everyone(turn: Turn) -> Response:
    return turn.tell(turn.speech(turn.say("forget_household_kept")))


def keep(turn: Turn) -> Response:
    speech = turn.speech(turn.say("forget_kept"), turn.say("anything_else"))
    return turn.ask(speech, turn.say("anything_else_reprompt"), Question(Ask.CLOSING))


class ForgetProgressHandler(TurnHandler):
    intents = ("ForgetProgressIntent",)

    def respond(self, turn: Turn) -> Response:
        return ask_to_forget(turn)


class SkillEventHandler(AbstractRequestHandler):
    """Skill events get an empty response; SkillDisabled first deletes every record of the
    account."""

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
                forget_household(handler_input)
            except Exception as error:
                log.error("deleting %s after SkillDisabled failed: %s", who, type(error).__name__)
                raise
            log.info("deleted %s after SkillDisabled", who)
        return handler_input.response_builder.response
