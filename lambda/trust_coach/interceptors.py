"""Progress in and out: read once per session, write only when a turn changed something,
delete when the user asks; and the session written back once, at the end of each turn.

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

from trust_coach import guided, promises
from trust_coach.danger import sounds_unsafe
from trust_coach.state import Counters, Damage, Progress, kinds, merge
from trust_coach.store.base import ProgressStore, RecordDeleted, StoreError, envelope_user_key
from trust_coach.telemetry import STORE_ERRORS, count
from trust_coach.turn import Turn

log = logging.getLogger(__name__)

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
    """Give the turn the user's progress, reading the store at most once per session."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        turn = Turn.of(handler_input)  # reads and checks the session
        session = turn.session
        if not _has_user(handler_input) or (session.progress is not None and not session.unloaded):
            return
        try:
            stored = self.store.load(envelope_user_key(handler_input.request_envelope))
        except Exception as error:  # the store is down: answer without personal memory
            log.warning("progress load failed for %s: %s", _who(handler_input), _why(error))
            count(STORE_ERRORS)
            if not session.unloaded:  # this session's counting starts from nothing
                session.base = Counters()
            session.unloaded = True
            handler_input.attributes_manager.request_attributes[_STORE_FAILED] = True
            session.progress = turn.progress
            return
        damage: Damage = []
        stored.fit(turn.bounds, damage)  # content may have changed since it was saved
        if damage:
            log.warning("stored progress out of bounds, dropped or clamped: %s", kinds(damage))
        if session.unloaded:
            # Progress made while the store was down joins what was stored; this session
            # counted from nothing, so all its counts are added, under its own id.
            session.unloaded = False
            mine = turn.progress
            counted = session.counted(mine, time.time())
            if counted is not None:
                mine.sessions[session.key()] = counted
            mine.replace_with(merge(stored, mine, session.key()))
            session.base = Counters.of(mine)  # not saved: the turn's save writes the merge
        else:
            turn.progress = stored
            session.mark_saved(stored)
        # Changed, so the turn's save writes the record without it.
        promises.drop_unsafe(turn.progress, lambda words: sounds_unsafe(turn.catalog, words))
        session.progress = turn.progress


class ExerciseClockInterceptor(AbstractRequestInterceptor):
    """Before any handler sees a request: how far the exercise's last response got."""

    def process(self, handler_input: HandlerInput) -> None:
        guided.catch_up(Turn.of(handler_input))


class SaveProgressInterceptor(AbstractResponseInterceptor):
    """Save the turn's progress if it changed, and write the session back."""

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        finish_turn(handler_input, self.store)


def finish_turn(handler_input: HandlerInput, store: ProgressStore) -> None:
    """The end of every turn, answered or apologised for: save, then write the session."""
    turn = Turn.of(handler_input)
    if _has_user(handler_input):
        turn.session.progress = turn.progress
        _save(handler_input, turn, store)
    turn.write_session()


def _save(handler_input: HandlerInput, turn: Turn, store: ProgressStore) -> None:
    session, progress = turn.session, turn.progress
    if session.unloaded or progress.fingerprint() == session.saved:
        return
    if handler_input.attributes_manager.request_attributes.get(_STORE_FAILED):
        log.warning("progress save put off for %s: the store failed", _who(handler_input))
        return
    # What a merge on conflict adds to the stored counts: everything this session counted.
    counted = session.counted(progress, time.time())
    session_id = session.key() if counted is not None else None
    before = progress.sessions.get(session_id) if session_id else None
    if session_id:
        progress.sessions[session_id] = counted
    try:
        store.save(envelope_user_key(handler_input.request_envelope), progress, session_id)
    except RecordDeleted:  # forgotten on another device meanwhile: this session forgets too
        log.warning("progress save skipped for %s: record deleted", _who(handler_input))
        start_afresh(turn)
        return
    except Exception as error:  # keep it in the session; the next turn tries again
        log.warning("progress save failed for %s: %s", _who(handler_input), _why(error))
        count(STORE_ERRORS)
        # The entry is what the store holds for this session: unsaved, it would be counted
        # again on top of the counters it came from.
        if session_id and before is None:
            del progress.sessions[session_id]
        elif session_id:
            progress.sessions[session_id] = before
        return
    session.mark_saved(progress)


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
    turn = Turn.of(handler_input)
    start_afresh(turn)
    turn.session.unloaded = False


def start_afresh(turn: Turn) -> None:
    """Empty progress, counted as saved: nothing is written until something new happens."""
    turn.progress = Progress()
    turn.session.progress = turn.progress
    turn.session.mark_saved(turn.progress)
