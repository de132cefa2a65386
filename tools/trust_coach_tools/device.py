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

from trust_coach.exercises import END_CUE_SECONDS
from trust_coach.speech import heard_seconds

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
# A person answers a moment after Alexa stops speaking.
REPLY_SECONDS = 2.0
Send = Callable[[dict[str, Any]], dict[str, Any]]
APL = "Alexa.Presentation.APL"
RENDER_APL = "Alexa.Presentation.APL.RenderDocument"
RENDER_APLA = "Alexa.Presentation.APLA.RenderDocument"


def _viewport(width: int, height: int, dpi: int, mode: str = "HUB") -> dict[str, Any]:
    touch = [] if mode == "TV" else ["SINGLE"]
    return {
        "experiences": [{"canRotate": False, "canResize": False}],
        "mode": mode,
        "shape": "RECTANGLE",
        "pixelWidth": width,
        "pixelHeight": height,
        "currentPixelWidth": width,
        "currentPixelHeight": height,
        "dpi": dpi,
        "touch": touch,
        "keyboard": [],
    }


# Screens as their requests describe them (Amazon's viewport profiles): pixels and dpi.
SCREENS: dict[str, dict[str, Any]] = {
    "show5": _viewport(960, 480, 160),  # Echo Show 5: 960 x 480 dp
    "show8": _viewport(1280, 800, 213),  # Echo Show 8: 960 x 600 dp
    "show15": _viewport(1920, 1080, 160),  # Echo Show 15: 1920 x 1080 dp
    "tv": _viewport(1920, 1080, 320, "TV"),  # Fire TV: 960 x 540 dp, no touch
}
APL_MAX_VERSION = "2023.1"


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
        screen: str | None = None,
        apl_version: str = APL_MAX_VERSION,
    ) -> None:
        """`screen` names one of SCREENS: the device then runs APL documents."""
        if screen is not None and screen not in SCREENS:
            raise ValueError(f"unknown screen {screen!r}: one of {', '.join(SCREENS)}")
        self.screen = screen
        self.apl_version = apl_version
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
        request.setdefault("timestamp", _timestamp(self.moment()))
        request.setdefault("locale", self.locale)
        system: dict[str, Any] = {
            "application": application,
            "user": user,
            "device": {"deviceId": self.device_id, "supportedInterfaces": self.interfaces()},
            "apiEndpoint": self.api_endpoint,
        }
        if self.person_id is not None:
            system["person"] = {"personId": self.person_id}
        if self.api_access_token is not None:
            system["apiAccessToken"] = self.api_access_token
        context: dict[str, Any] = {"System": system}
        if self.screen is not None:
            context["Viewport"] = SCREENS[self.screen]
        return {
            "version": "1.0",
            "session": {
                "new": self.new_session,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            },
            "context": context,
            "request": request,
        }

    def interfaces(self) -> dict[str, Any]:
        if self.screen is None:
            return {}
        return {APL: {"runtime": {"maxVersion": self.apl_version}}}

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
            played = math.ceil(self.playing_seconds()) + REPLY_SECONDS
            if self.clock is not None:
                self.clock = moment + timedelta(seconds=played)
            else:
                self.heard_until = moment + timedelta(seconds=played)
        self.new_session = False
        self.attributes = response.get("sessionAttributes") or {}
        body = response.get("response") or {}
        if _hands_over(body):  # Alexa asks on the skill's behalf, then answers in-session
            return response
        # Left out, the session stays open while a screen shows a document, without listening.
        showing = self.screen is not None and bool(self.documents)
        if body.get("shouldEndSession", not showing):
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

    def user_event(self, *arguments: str, token: str = "") -> dict[str, Any]:
        """A touch or a document's SendEvent: an APL UserEvent with these arguments."""
        return self._turn(
            {
                "type": "Alexa.Presentation.APL.UserEvent",
                "token": token,
                "arguments": list(arguments),
                "source": {"type": "TouchWrapper", "handler": "Press", "id": ""},
                "components": {},
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
    def directives(self) -> list[dict[str, Any]]:
        return list((self.last.get("response") or {}).get("directives") or [])

    @property
    def documents(self) -> list[dict[str, Any]]:
        """The APL documents the last response rendered."""
        return [d for d in self.directives if d.get("type") == RENDER_APL]

    def playing_seconds(self) -> float:
        """How long the last answer plays: its speech, or the speech a sound bed mixes in,
        and a breathing document's lead and phases (each as long as its animation)."""
        seconds = _heard(self.ssml)
        for directive in self.directives:
            if directive.get("type") == RENDER_APLA:
                speech = (directive.get("datasources") or {}).get("speech") or {}
                seconds += _heard(speech.get("ssml", ""))
            elif directive.get("type") == RENDER_APL:
                seconds += _document_seconds(directive)
        return seconds

    @property
    def reprompt_ssml(self) -> str:
        reprompt = (self.last.get("response") or {}).get("reprompt") or {}
        return (reprompt.get("outputSpeech") or {}).get("ssml", "")

    @property
    def session_open(self) -> bool:
        return self.session_id is not None


def _heard(ssml: str) -> float:
    """As the skill's timelines count it: a chime as long as an exercise's end cue."""
    return heard_seconds(ssml, clip_seconds=END_CUE_SECONDS)


def _document_seconds(directive: dict[str, Any]) -> float:
    """A document's spoken lead and its animations, which run one after another."""
    seconds = 0.0
    for source in (directive.get("datasources") or {}).values():
        lead = (source.get("properties") or {}).get("lead")
        if isinstance(lead, str):
            seconds += _heard(lead)
    pending = list((directive.get("document") or {}).get("onMount") or [])
    while pending:
        command = pending.pop()
        if command.get("type") == "AnimateItem":
            seconds += command.get("duration", 0) / 1000
        pending += command.get("commands") or []
    return seconds


def _hands_over(response: dict[str, Any]) -> bool:
    """A response that hands the turn to Alexa (a `Connections.SendRequest`): the session
    goes on, and Alexa's `Connections.Response` comes back in it."""
    directives = response.get("directives") or []
    return any(d.get("type") == "Connections.SendRequest" for d in directives)
