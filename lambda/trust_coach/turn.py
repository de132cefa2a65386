"""One request's view of the skill: its words, the user's progress, and how to answer.

Handlers get a `Turn` and return a response; they never touch attribute keys or SSML tags.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from trust_coach.budget import lookup_timeout
from trust_coach.content import Catalog, catalog_for
from trust_coach.speech import Speech
from trust_coach.state import Conversation, Progress
from trust_coach.timezone import fetch_timezone, local_date

_TURN = "turn"


class Turn:
    def __init__(self, handler_input: HandlerInput) -> None:
        self.handler_input = handler_input
        envelope = handler_input.request_envelope
        request = envelope.request
        self.catalog: Catalog = catalog_for(getattr(request, "locale", None))
        # Skill events arrive without a session: they get a throwaway one.
        manager = handler_input.attributes_manager
        attributes = manager.session_attributes if envelope.session is not None else {}
        self.conversation = Conversation(attributes)
        self.progress = self.conversation.progress()
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
    def progress(self) -> Progress:
        return self._progress

    @progress.setter
    def progress(self, value: Progress) -> None:
        if value.last_strategy not in range(1, len(self.catalog.strategies) + 1):
            value.last_strategy = None  # a damaged record must not break every launch
        self._progress = value

    @property
    def user_salt(self) -> str:
        """The raw user id, only for seeding per-user choices (never stored or logged)."""
        system = self.handler_input.request_envelope.context
        user = system.system.user if system and system.system else None
        return (user.user_id if user else None) or ""

    @property
    def place(self) -> dict[str, Any]:
        """Where the user is; a strategy place whose number the catalog lacks (a damaged
        session) counts as nowhere, so handlers can trust the number."""
        place = self.conversation.place
        if place.get("area") == "strategy" and not self.catalog.has_strategy(place.get("number")):
            return {}
        return place

    @place.setter
    def place(self, value: dict[str, Any]) -> None:
        self.conversation.place = value

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
        zone = self.conversation.timezone
        if zone is None:
            elapsed = time.monotonic() - self.started
            zone = fetch_timezone(self.handler_input.request_envelope, lookup_timeout(elapsed))
            self.conversation.timezone = zone
        return local_date(self.now, zone)

    def ask(self, speech: Speech, reprompt: str | Speech, pending: str | None = None) -> Response:
        """Answer and keep the microphone open; `pending` is what a plain "yes" would mean."""
        self.conversation.pending = pending
        again = reprompt if isinstance(reprompt, Speech) else self.speech(reprompt)
        builder = self.handler_input.response_builder
        return builder.speak(speech.body).ask(again.body).response

    def tell(self, speech: Speech) -> Response:
        """Answer and end the session."""
        self.conversation.pending = None
        builder = self.handler_input.response_builder
        return builder.speak(speech.body).set_should_end_session(True).response


def _request_time(timestamp: Any) -> datetime:
    """The request's own timestamp (what "today" means for it), else the clock."""
    if isinstance(timestamp, datetime):
        return timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
    return datetime.now(UTC)
