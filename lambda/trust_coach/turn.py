"""One request's view of the skill: its words, the session, the user's progress, how to answer.

Handlers get a `Turn` and return a response; they never touch attribute keys or SSML tags.
The session is read once when the turn is made and written back once when it ends
(`interceptors.finish_turn`).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach.bounds import Bounds, bounds_for
from trust_coach.budget import lookup_timeout
from trust_coach.content import Catalog, catalog_for
from trust_coach.places import Place
from trust_coach.questions import Question
from trust_coach.session import Session
from trust_coach.speech import Speech
from trust_coach.state import Damage, Progress, kinds
from trust_coach.timezone import fetch_timezone, local_date

_TURN = "turn"

log = logging.getLogger(__name__)


class Turn:
    def __init__(self, handler_input: HandlerInput) -> None:
        self.handler_input = handler_input
        envelope = handler_input.request_envelope
        request = envelope.request
        self.catalog: Catalog = catalog_for(getattr(request, "locale", None))
        self.bounds: Bounds = bounds_for(self.catalog)
        # Skill events arrive without a session: they get a throwaway one.
        manager = handler_input.attributes_manager
        self.attributes: dict[str, Any] = {}
        damage: Damage = []
        if envelope.session is not None:
            if not isinstance(manager.session_attributes, dict):
                damage.append("attributes")
                manager.session_attributes = {}
            self.attributes = manager.session_attributes
        self.session = Session.read(self.attributes, self.bounds, damage)
        if damage:
            log.warning("session data out of bounds, dropped or clamped: %s", kinds(damage))
        # The progress this turn changes in place; the load interceptor replaces it with the
        # stored one when the session has none yet.
        self.progress: Progress = self.session.progress or Progress()
        self.now: datetime = _request_time(getattr(request, "timestamp", None))
        self.started = time.monotonic()  # the turn's time budget runs from here
        self.request_id: str = getattr(request, "request_id", "") or ""

    @classmethod
    def of(cls, handler_input: HandlerInput) -> Turn:
        """The turn for this request, made once and shared by interceptors and handlers."""
        attributes = handler_input.attributes_manager.request_attributes
        if _TURN not in attributes:
            attributes[_TURN] = cls(handler_input)
        return attributes[_TURN]

    @property
    def place(self) -> Place:
        """Where the user is in this session."""
        return self.session.place

    @place.setter
    def place(self, value: Place) -> None:
        self.session.place = value

    @property
    def question(self) -> Question | None:
        """The question the skill asked last, if the last turn asked one."""
        return self.session.question

    @property
    def intent(self) -> str | None:
        """The intent's name; None for other requests, or an IntentRequest naming none."""
        return intent_name(self.handler_input)

    def slot(self, name: str) -> str | None:
        """A slot's resolved value id or name if Alexa resolved it, else what was heard."""
        request = self.handler_input.request_envelope.request
        intent = getattr(request, "intent", None)
        slots = getattr(intent, "slots", None) or {}
        slot = slots.get(name) if isinstance(slots, dict) else None
        if slot is None:
            return None
        resolutions = getattr(slot, "resolutions", None)
        for authority in getattr(resolutions, "resolutions_per_authority", None) or []:
            status = getattr(getattr(authority, "status", None), "code", None)
            values = getattr(authority, "values", None) or []
            if getattr(status, "value", status) == "ER_SUCCESS_MATCH" and values:
                resolved = values[0].value
                if resolved is not None and (resolved.id or resolved.name):
                    return resolved.id or resolved.name
        value = getattr(slot, "value", None)
        return value if isinstance(value, str) and value.strip() else None

    @property
    def user_salt(self) -> str:
        """The raw user id, only for seeding per-user choices (never stored or logged)."""
        system = self.handler_input.request_envelope.context
        user = system.system.user if system and system.system else None
        return (user.user_id if user else None) or ""

    def say(self, key: str, **values: Any) -> str:
        """A prompt from the catalog; the variant changes from request to request."""
        return self.catalog.prompt(key, self.request_id, **values)

    def speech(self, *texts: str) -> Speech:
        speech = Speech()
        for text in texts:
            speech.say(text)
        return speech

    def today(self) -> str:
        """The user's local date, looking the time zone up once per session."""
        return local_date(self.now, self.timezone())

    def timezone(self) -> str:
        """The device's time zone (UTC when it cannot be had), looked up once per session."""
        zone = self.session.timezone
        if zone is None:
            zone = fetch_timezone(self.handler_input.request_envelope, lookup_timeout(self.elapsed))
            self.session.timezone = zone
        return zone

    @property
    def elapsed(self) -> float:
        """Seconds since the turn began: what the time budget's network calls are timed by."""
        return time.monotonic() - self.started

    @property
    def starts_session(self) -> bool:
        """True when this request opened the session: a one-shot such as "ask Trust Coach
        for today's tip" arrives so, as does a launch."""
        session = self.handler_input.request_envelope.session
        return bool(session is not None and session.new)

    def ask(
        self, speech: Speech, reprompt: str | Speech, question: Question | None = None
    ) -> Response:
        """Answer and keep the microphone open; `question` is what a short reply answers."""
        self.session.question = question
        again = reprompt if isinstance(reprompt, Speech) else self.speech(reprompt)
        builder = self.handler_input.response_builder
        return builder.speak(speech.body).ask(again.body).response

    def tell(self, speech: Speech) -> Response:
        """Answer and end the session."""
        self.session.question = None
        builder = self.handler_input.response_builder
        return builder.speak(speech.body).set_should_end_session(True).response

    def write_session(self) -> None:
        """Put the session back into the response's attributes (the end of the turn)."""
        self.session.write(self.attributes)


def intent_name(handler_input: HandlerInput) -> str | None:
    """The intent's name, if the request is an IntentRequest naming one (the SDK's helper
    raises on one that names none)."""
    intent = getattr(handler_input.request_envelope.request, "intent", None)
    name = getattr(intent, "name", None)
    return name if isinstance(name, str) else None


def _request_time(timestamp: Any) -> datetime:
    """The request's own timestamp (what "today" means for it), else the clock."""
    if isinstance(timestamp, datetime):
        return timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
    return datetime.now(UTC)
