"""A simulated Alexa device: builds real request envelopes and carries one session's state.

The console and the tests talk to the skill through this, in process or over HTTP, the way
Alexa would: same envelope shape, session attributes sent back each turn, new sessions
flagged as new.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from trust_coach_tools.voice import playing_seconds

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
# A person answers a moment after Alexa stops speaking.
REPLY_SECONDS = 2.0
Send = Callable[[dict[str, Any]], dict[str, Any]]


def _timestamp(moment: datetime | None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_payload(name: str, value: str | None, resolved: tuple[str, str] | None = None) -> dict:
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        slot["value"] = value
    if resolved is not None:
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.skill.{name}",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [{"value": {"name": resolved[1], "id": resolved[0]}}],
                }
            ]
        }
    return slot


class Device:
    """One user on one device; `send` delivers an envelope and returns the response dict."""

    def __init__(
        self,
        send: Send,
        user_id: str | None = None,
        device_id: str | None = None,
        locale: str = "en-US",
        skill_id: str = DEFAULT_SKILL_ID,
    ) -> None:
        self.send = send
        self.user_id = user_id or f"amzn1.ask.account.{uuid.uuid4().hex}"
        self.device_id = device_id or f"amzn1.ask.device.{uuid.uuid4().hex}"
        self.locale = locale
        self.skill_id = skill_id
        # When the next request is sent. None means now, but never before the last answer
        # has played: the person hears each one to its end (`listens_to_the_end`), and the
        # clock, when set, moves on by as much. A test sets it earlier to cut in.
        self.clock: datetime | None = None
        self.listens_to_the_end = True  # false where a real voice plays and can be cut short
        self.heard_until: datetime | None = None
        self.sent_at: datetime | None = None  # when the last request was sent
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.new_session = True
        self.last: dict[str, Any] = {}

    # Envelopes -----------------------------------------------------------------------------
    def envelope(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.session_id is None:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.new_session = True
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        request.setdefault("requestId", f"amzn1.echo-api.request.{uuid.uuid4()}")
        request.setdefault("timestamp", _timestamp(self.moment()))
        request.setdefault("locale", self.locale)
        return {
            "version": "1.0",
            "session": {
                "new": self.new_session,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            },
            "context": {
                "System": {
                    "application": application,
                    "user": user,
                    "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": request,
        }

    def moment(self) -> datetime:
        """When the next request is sent."""
        if self.clock is not None:
            return self.clock
        now = datetime.now(UTC)
        return max(now, self.heard_until) if self.heard_until else now

    def cut_in(self, seconds: float) -> None:
        """Send the next request `seconds` after the last one, even if its answer was still
        playing: "Alexa, pause" partway through."""
        self.clock = (self.sent_at or self.moment()) + timedelta(seconds=seconds)

    # Turns ---------------------------------------------------------------------------------
    def _turn(self, request: dict[str, Any]) -> dict[str, Any]:
        moment = self.sent_at = self.moment()
        request.setdefault("timestamp", _timestamp(moment))
        response = self.send(self.envelope(request))
        self.last = response
        if self.listens_to_the_end:
            played = math.ceil(playing_seconds(self.ssml)) + REPLY_SECONDS
            if self.clock is not None:
                self.clock = moment + timedelta(seconds=played)
            else:
                self.heard_until = moment + timedelta(seconds=played)
        self.new_session = False
        self.attributes = response.get("sessionAttributes") or {}
        if (response.get("response") or {}).get("shouldEndSession", True):
            self.session_id = None
            self.attributes = {}
        return response

    def launch(self) -> dict[str, Any]:
        self.session_id = None
        self.attributes = {}
        return self._turn({"type": "LaunchRequest"})

    def intent(
        self,
        name: str,
        slots: dict[str, dict[str, Any]] | None = None,
        **values: str,
    ) -> dict[str, Any]:
        """Send an intent; `values` are heard slot values, `slots` full slot payloads."""
        all_slots = {k: slot_payload(k, v) for k, v in values.items()}
        all_slots.update(slots or {})
        return self._turn(
            {
                "type": "IntentRequest",
                "intent": {"name": name, "confirmationStatus": "NONE", "slots": all_slots},
            }
        )

    def end_session(self, reason: str = "USER_INITIATED") -> dict[str, Any]:
        response = self._turn({"type": "SessionEndedRequest", "reason": reason})
        self.session_id = None
        self.attributes = {}
        return response

    def skill_event(self, event_type: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a skill event (e.g. "AlexaSkillEvent.SkillDisabled"): no session, no speech."""
        application = {"applicationId": self.skill_id}
        moment = _timestamp(self.moment())
        request: dict[str, Any] = {
            "type": event_type,
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": moment,
            "eventCreationTime": moment,
            "eventPublishingTime": moment,
        }
        if body is not None:
            request["body"] = body
        event = {
            "version": "1.0",
            "context": {
                "System": {
                    "application": application,
                    "user": {"userId": self.user_id},
                    "apiEndpoint": "https://api.amazonalexa.com",
                }
            },
            "request": request,
        }
        return self.send(event)

    # What was said -------------------------------------------------------------------------
    @property
    def ssml(self) -> str:
        speech = (self.last.get("response") or {}).get("outputSpeech") or {}
        return speech.get("ssml", "")

    @property
    def reprompt_ssml(self) -> str:
        reprompt = (self.last.get("response") or {}).get("reprompt") or {}
        return (reprompt.get("outputSpeech") or {}).get("ssml", "")

    @property
    def session_open(self) -> bool:
        return self.session_id is not None
