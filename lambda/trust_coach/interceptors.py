"""Progress in and out: read once per session, write only when a turn changed something,
delete when the user asks.

If the store fails, the turn still gets its answer: progress stays in the session and the
next turn that reaches the store saves it. A save never blindly replaces what is stored:
it is conditional on the version, and a conflict merges (see `store.base.ProgressStore.save`).
"""

from __future__ import annotations

import logging
import time

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach import promises
from trust_coach.danger import sounds_unsafe
from trust_coach.state import Progress, merge
from trust_coach.store.base import (
    SESSION_KEY,
    RecordDeleted,
    StoreError,
    envelope_user_key,
)
from trust_coach.telemetry import STORE_ERRORS, count
from trust_coach.turn import Turn

log = logging.getLogger(__name__)

# Session flag: progress in this session was never loaded from the store (it was down).
_UNLOADED = "unloaded"
# Request flag: a store call already failed in this turn; a second would only add waiting.
_STORE_FAILED = "store_failed"


def _has_user(handler_input: HandlerInput) -> bool:
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    return bool(envelope.session and system and system.user and system.user.user_id)


def _why(error: Exception) -> str:
    """What went wrong, for logs: our stores' own messages carry codes only, never user data."""
    return str(error) if isinstance(error, StoreError) else type(error).__name__


def _who(handler_input: HandlerInput) -> str:
    """The user's hashed key, for logs: the raw Alexa user id is never logged."""
    try:
        return envelope_user_key(handler_input.request_envelope)
    except StoreError:
        return "-"


class LoadProgressInterceptor(AbstractRequestInterceptor):
    """Put the user's progress in the session, reading the store at most once per session."""

    def process(self, handler_input: HandlerInput) -> None:
        if not _has_user(handler_input):
            return
        session = handler_input.attributes_manager.session_attributes
        turn = Turn.of(handler_input)
        if turn.conversation.has_progress and not session.get(_UNLOADED):
            return
        try:
            stored = Progress.from_dict(handler_input.attributes_manager.persistent_attributes)
        except Exception as error:  # the store is down: answer without personal memory
            log.warning("progress load failed for %s: %s", _who(handler_input), _why(error))
            count(STORE_ERRORS)
            if not session.get(_UNLOADED):  # this session's counting starts from nothing
                turn.conversation.set_base(Progress())
            session[_UNLOADED] = True
            handler_input.attributes_manager.request_attributes[_STORE_FAILED] = True
            turn.conversation.keep_progress(turn.progress)
            return
        if session.pop(_UNLOADED, False):
            # Progress made while the store was down joins what was stored; this session
            # counted from nothing, so all its counts are added, under its own id.
            conversation = turn.conversation
            mine = turn.progress
            counted = conversation.counted(mine, time.time())
            if counted is not None:
                mine.sessions[conversation.session_id] = counted
            turn.progress = merge(stored, mine, conversation.session_id)
            turn.conversation.set_base(turn.progress)
        else:
            turn.progress = stored
            turn.conversation.mark_saved(stored)
        # Changed, so the turn's save writes the record without it.
        promises.drop_unsafe(turn.progress, lambda words: sounds_unsafe(turn.catalog, words))
        turn.conversation.keep_progress(turn.progress)


class SaveProgressInterceptor(AbstractResponseInterceptor):
    """Keep the turn's progress in the session, and save it if it changed."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        save_turn_progress(handler_input)


def save_turn_progress(handler_input: HandlerInput) -> None:
    if not _has_user(handler_input):
        return
    turn = Turn.of(handler_input)
    session = handler_input.attributes_manager.session_attributes
    turn.conversation.keep_progress(turn.progress)
    if session.get(_UNLOADED) or turn.progress.fingerprint() == turn.conversation.saved_fingerprint:
        return
    if handler_input.attributes_manager.request_attributes.get(_STORE_FAILED):
        log.warning("progress save put off for %s: the store failed", _who(handler_input))
        return
    manager = handler_input.attributes_manager
    attributes = turn.progress.to_dict()
    counted = turn.conversation.counted(turn.progress, time.time())
    if counted is not None:  # what a merge on conflict adds to the stored counts
        attributes["sessions"][turn.conversation.session_id] = counted
        attributes[SESSION_KEY] = turn.conversation.session_id
    manager.persistent_attributes = attributes
    try:
        manager.save_persistent_attributes()
    except RecordDeleted:  # forgotten on another device meanwhile: this session forgets too
        log.warning("progress save skipped for %s: record deleted", _who(handler_input))
        start_afresh(turn)
        return
    except Exception as error:  # keep it in the session; the next turn tries again
        log.warning("progress save failed for %s: %s", _who(handler_input), _why(error))
        count(STORE_ERRORS)
        return
    turn.progress = Progress.from_dict(attributes)
    turn.conversation.keep_progress(turn.progress)
    turn.conversation.mark_saved(turn.progress)


def forget_progress(handler_input: HandlerInput) -> None:
    """Delete what is stored about this user, and the session's copy with it.

    Raises the store's error if the deletion did not happen, so nobody is told it did.
    """
    manager = handler_input.attributes_manager
    if manager.request_attributes.get(_STORE_FAILED):
        raise StoreError("the store already failed in this turn")
    try:
        manager.delete_persistent_attributes()
    except Exception:
        manager.request_attributes[_STORE_FAILED] = True
        raise
    start_afresh(Turn.of(handler_input))
    manager.session_attributes.pop(_UNLOADED, None)


def start_afresh(turn: Turn) -> None:
    """Empty progress, counted as saved: nothing is written until something new happens."""
    turn.progress = Progress()
    turn.conversation.keep_progress(turn.progress)
    turn.conversation.mark_saved(turn.progress)
