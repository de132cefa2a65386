"""Progress in and out: read once per session, write only when a turn changed something,
delete when the user asks; and the session written back once, at the end of each turn.

If the store fails, the turn still gets its answer: progress stays in the session and the
next turn that reaches the store saves it. A save never blindly replaces what is stored:
it is conditional on the version, and a conflict merges (see `store.base.ProgressStore.save`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach import guided, promises
from trust_coach.danger import sounds_unsafe
from trust_coach.places import At, ConfirmingPromise, InExercise
from trust_coach.questions import Ask
from trust_coach.state import Counters, Damage, Progress, kinds, merge
from trust_coach.store.base import (
    ProgressStore,
    RecordDeleted,
    StoreError,
    account_of,
    envelope_person_id,
    envelope_record_key,
    envelope_user_key,
)
from trust_coach.telemetry import STORE_ERRORS, count
from trust_coach.turn import Turn

log = logging.getLogger(__name__)

# Request flag: a store call already failed in this turn; a second would only add waiting.
_STORE_FAILED = "store_failed"
# The skill's store, for the deletions below (put there by the load interceptor).
_STORE = "store"


def _has_user(handler_input: HandlerInput) -> bool:
    envelope = handler_input.request_envelope
    system = envelope.context.system if envelope.context else None
    return bool(envelope.session and system and system.user and system.user.user_id)


def _why(error: Exception) -> str:
    """What went wrong, for logs: our stores' own messages carry codes only, never user data."""
    return str(error) if isinstance(error, StoreError) else type(error).__name__


def _who(turn: Turn) -> str:
    """The record's hashed key, for logs: the raw Alexa user and person ids are never logged."""
    return turn.session.owner or "-"


# Questions about the record in hand: the answer is about it, whoever gives it.
_ABOUT_THE_RECORD = frozenset({Ask.FORGET, Ask.FORGET_HOUSEHOLD, Ask.PROMISE_KEPT})


def _held(turn: Turn) -> bool:
    """Whether the session's record stays with its owner whoever speaks now: mid-exercise
    (the listening timer's partners take turns answering), while a promise is said back for
    a yes (the promise is the one who said it), and while a question about the record waits
    (how the owner's promise went; whether to forget)."""
    place, question = turn.place, turn.question
    if isinstance(place, InExercise) and not place.done:
        return True
    if isinstance(place, ConfirmingPromise) or place is At.FOLLOWING_UP_PROMISE:
        return True
    return question is not None and question.ask in _ABOUT_THE_RECORD


def _saved(turn: Turn) -> bool:
    """Whether the session's copy holds nothing the store does not: it may then be let go."""
    session = turn.session
    return (
        not session.unloaded
        and session.saved is not None
        and turn.progress.fingerprint() == session.saved
    )


class LoadProgressInterceptor(AbstractRequestInterceptor):
    """Give the turn the speaker's progress, reading the store at most once per session and
    speaker: a recognised speaker has a record of their own, everyone else the account's.

    When another recognised speaker answers in the session, the turn switches to their
    record, once the copy in hand is saved and unless it is held (see `_held`); a turn Alexa
    recognises no one in keeps the session's record.
    """

    def __init__(self, store: ProgressStore) -> None:
        self.store = store

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[_STORE] = self.store
        turn = Turn.of(handler_input)  # reads and checks the session
        session = turn.session
        if not _has_user(handler_input):
            return
        envelope = handler_input.request_envelope
        account = envelope_user_key(envelope)
        speaker = envelope_record_key(envelope)
        if session.owner is not None and account_of(session.owner) != account:
            log.warning("session names a record of another account: its copy is dropped")
            session.progress, session.owner, session.saved, session.base = None, None, None, None
            session.unloaded = False
            turn.progress = Progress()
        if session.progress is not None and session.owner is None:
            session.owner = account  # a session from before records per speaker
        if session.progress is None:
            self._load(handler_input, turn, speaker)
        elif session.unloaded:
            self._load(handler_input, turn, session.owner or account)
        elif (
            speaker != session.owner
            and envelope_person_id(envelope) is not None
            and not _held(turn)
            and self._let_go(handler_input, turn)
        ):
            log.info("speaker changed from %s to %s", session.owner, speaker)
            turn.progress = Progress()
            session.progress, session.saved, session.base = None, None, None
            self._load(handler_input, turn, speaker)

    def _let_go(self, handler_input: HandlerInput, turn: Turn) -> bool:
        """Whether the copy in hand is in the store, saving it first if an earlier save
        failed. If it cannot be, the session keeps it (nothing is lost), and the turn acts on
        it, until a save lands and the next recognised speaker's turn can switch."""
        if not _saved(turn) and not turn.session.unloaded:
            _save(handler_input, turn, self.store)
            if not _saved(turn):  # the store failed again: the turn's own save waits too
                handler_input.attributes_manager.request_attributes[_STORE_FAILED] = True
        return _saved(turn)

    def _load(self, handler_input: HandlerInput, turn: Turn, key: str) -> None:
        session = turn.session
        session.owner = key
        try:
            stored = self.store.load(key)
        except Exception as error:  # the store is down: answer without personal memory
            log.warning("progress load failed for %s: %s", key, _why(error))
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
        log.warning("progress save put off for %s: the store failed", _who(turn))
        return
    owner = session.owner or envelope_user_key(handler_input.request_envelope)
    # What a merge on conflict adds to the stored counts: everything this session counted.
    counted = session.counted(progress, time.time())
    session_id = session.key() if counted is not None else None
    before = progress.sessions.get(session_id) if session_id else None
    if session_id:
        progress.sessions[session_id] = counted
    try:
        store.save(owner, progress, session_id)
    except RecordDeleted:  # forgotten on another device meanwhile: this session forgets too
        log.warning("progress save skipped for %s: record deleted", _who(turn))
        start_afresh(turn)
        return
    except Exception as error:  # keep it in the session; the next turn tries again
        log.warning("progress save failed for %s: %s", _who(turn), _why(error))
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
    """Delete the session's record (a recognised speaker's own, or the account's), and the
    session's copy with it.

    Raises the store's error if the deletion did not happen, so nobody is told it did.
    """
    turn = Turn.of(handler_input)
    owner = turn.session.owner or envelope_user_key(handler_input.request_envelope)
    _delete(handler_input, lambda store: store.remove(owner))
    start_afresh(turn)
    turn.session.unloaded = False


def forget_household(handler_input: HandlerInput) -> None:
    """Delete every record of the account: the account's own and each recognised speaker's."""
    account = envelope_user_key(handler_input.request_envelope)
    _delete(handler_input, lambda store: store.remove_account(account))
    turn = Turn.of(handler_input)
    start_afresh(turn)
    turn.session.unloaded = False


def _delete(handler_input: HandlerInput, deletion: Callable[[ProgressStore], None]) -> None:
    attributes = handler_input.attributes_manager.request_attributes
    if attributes.get(_STORE_FAILED):
        raise StoreError("the store already failed in this turn")
    try:
        deletion(attributes[_STORE])
    except Exception:
        attributes[_STORE_FAILED] = True
        raise


def start_afresh(turn: Turn) -> None:
    """Empty progress, counted as saved: nothing is written until something new happens."""
    turn.progress = Progress()
    turn.session.progress = turn.progress
    turn.session.mark_saved(turn.progress)
