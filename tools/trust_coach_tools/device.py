"""A simulated Alexa device: builds real request envelopes and carries one session's state.

The console and the tests talk to the skill through this, in process or over HTTP, the way
Alexa would: same envelope shape, session attributes sent back each turn, new sessions
flagged as new.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
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
        self.clock: datetime | None = None  # None means "now"; tests set it to travel in time
        # The speaker Alexa recognises (voice profiles and skill personalization on), if any;
        # tests change it between turns when another person answers.
        self.person_id: str | None = None
        self.api_endpoint = "https://api.amazonalexa.com"
        self.api_access_token: str | None = None
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
        request.setdefault("timestamp", _timestamp(self.clock))
        request.setdefault("locale", self.locale)
        system: dict[str, Any] = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": {}},
            "apiEndpoint": self.api_endpoint,
        }
        if self.person_id is not None:
            system["person"] = {"personId": self.person_id}
        if self.api_access_token is not None:
            system["apiAccessToken"] = self.api_access_token
        return {
            "version": "1.0",
            "session": {
                "new": self.new_session,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            },
            "context": {"System": system},
            "request": request,
        }

    # Turns ---------------------------------------------------------------------------------
    def _turn(self, request: dict[str, Any]) -> dict[str, Any]:
        response = self.send(self.envelope(request))
        self.last = response
        self.new_session = False
        self.attributes = response.get("sessionAttributes") or {}
        body = response.get("response") or {}
        if _hands_over(body):  # Alexa asks on the skill's behalf, then answers in-session
            return response
        if body.get("shouldEndSession", True):
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

    def connections_response(
        self, name: str, payload: dict[str, Any], code: str = "200", token: str | None = None
    ) -> dict[str, Any]:
        """Alexa's answer to a `Connections.SendRequest` the skill sent (e.g. `AskFor`), with
        the token the skill gave it (none: the empty one)."""
        status = {"code": code, "message": "OK" if code == "200" else "Error"}
        return self._turn(
            {
                "type": "Connections.Response",
                "name": name,
                "status": status,
                "payload": payload,
                "token": token or "",
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
        moment = _timestamp(self.clock)
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


def _hands_over(response: dict[str, Any]) -> bool:
    """A response that hands the turn to Alexa (a `Connections.SendRequest`): the session
    goes on, and Alexa's `Connections.Response` comes back in it."""
    directives = response.get("directives") or []
    return any(d.get("type") == "Connections.SendRequest" for d in directives)
