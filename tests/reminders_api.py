"""A local stand-in for the Alexa API a request names (`apiEndpoint`): the Settings API's time
zone and the Reminders API, over real HTTP, started and stopped by the tests.

It keeps one user's reminders, answers as Amazon documents (401 without the permission, 403
with `MAX_REMINDERS_EXCEEDED` when the list is full), and records every request it gets. Each
request is checked against the documented shape (method, path, bearer token, JSON body) and
what does not fit is kept in `problems`, which a test asserts is empty.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from stand_in_api import Call, stand_in

ACCESS = "api-access-for-this-request"  # the apiAccessToken requests carry
REMINDERS = "/v1/alerts/reminders"
LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}")
DAILY_RULE = re.compile(r"FREQ=DAILY;BYHOUR=\d{1,2};BYMINUTE=\d{1,2};BYSECOND=0;INTERVAL=1;")


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeAlexaApi:
    zone: str = "America/Los_Angeles"
    granted: bool = False  # whether the user allowed reminders
    full: bool = False  # whether their reminder list is full
    fail_with: int | None = None  # answer every reminders call with this status
    delay: float = 0.0  # seconds before answering a reminders call
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    url: str = ""

    def calls(self, method: str | None = None) -> list[Seen]:
        """The Reminders API calls, optionally of one method."""
        return [
            s
            for s in self.seen
            if s.path.startswith(REMINDERS) and (method is None or s.method == method)
        ]

    def add(self, hour: int, minute: int = 0) -> str:
        """A daily reminder the user already has from the skill; returns its token."""
        token = str(uuid.uuid4())
        rule = f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
        self.reminders[token] = {
            "trigger": {
                "type": "SCHEDULED_ABSOLUTE",
                "timeZoneId": self.zone,
                "recurrence": {
                    "startDateTime": f"2026-04-30T{hour:02d}:{minute:02d}:00.000",
                    "recurrenceRules": [rule],
                },
            },
            "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "tip"}]}},
            "pushNotification": {"status": "ENABLED"},
        }
        return token

    # Checking what the skill sent ------------------------------------------------------------
    def check_reminder_body(self, body: Any) -> None:
        """The reminder request as Amazon documents it, for a daily recurring reminder."""
        fault = self.problems.append
        if not isinstance(body, dict):
            fault(f"body is not an object: {body!r}")
            return
        if set(body) - {"requestTime", "trigger", "alertInfo", "pushNotification"}:
            fault(f"unknown fields: {sorted(body)}")
        if not LOCAL_TIME.fullmatch(str(body.get("requestTime"))):
            fault(f"requestTime: {body.get('requestTime')!r}")
        trigger = body.get("trigger") or {}
        if trigger.get("type") != "SCHEDULED_ABSOLUTE":
            fault(f"trigger.type: {trigger.get('type')!r}")
        recurrence = trigger.get("recurrence") or {}
        if not LOCAL_TIME.fullmatch(str(recurrence.get("startDateTime"))):
            fault(f"recurrence.startDateTime: {recurrence.get('startDateTime')!r}")
        rules = recurrence.get("recurrenceRules")
        if not (isinstance(rules, list) and len(rules) == 1 and DAILY_RULE.fullmatch(rules[0])):
            fault(f"recurrence.recurrenceRules: {rules!r}")
        content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content")
        if not (isinstance(content, list) and content and content[0].get("locale")):
            fault(f"alertInfo.spokenInfo.content: {content!r}")
        elif not 0 < len(content[0].get("text", "")) <= 250:
            fault("alertInfo.spokenInfo.content[0].text: empty or too long")
        if (body.get("pushNotification") or {}).get("status") not in ("ENABLED", "DISABLED"):
            fault(f"pushNotification: {body.get('pushNotification')!r}")

    def check_headers(self, method: str, headers: dict[str, str], has_body: bool) -> None:
        if headers.get("authorization") != f"Bearer {ACCESS}":
            self.problems.append(f"{method}: Authorization {headers.get('authorization')!r}")
        if has_body and not headers.get("content-type", "").startswith("application/json"):
            self.problems.append(f"{method}: Content-Type {headers.get('content-type')!r}")

    # Answering -------------------------------------------------------------------------------
    def answer(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if path.endswith("/settings/System.timeZone") and method == "GET":
            return 200, self.zone
        if not path.startswith(REMINDERS):
            self.problems.append(f"unknown path {method} {path}")
            return 404, {"code": "NOT_FOUND", "message": "no such resource"}
        time.sleep(self.delay)
        if self.fail_with is not None:
            return self.fail_with, {"code": "INTERNAL_SERVER_ERROR", "message": "failed"}
        if not self.granted:
            return 401, {"code": "UNAUTHORIZED", "message": "no permission for reminders"}
        token = path[len(REMINDERS) + 1 :] if path.startswith(REMINDERS + "/") else None
        if method == "GET" and token is None:
            alerts = [
                {"alertToken": t, "status": "ON", "version": "1", **r}
                for t, r in self.reminders.items()
            ]
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
        if method == "POST" and token is None:
            self.check_reminder_body(body)
            if self.full:
                return 403, {"code": "MAX_REMINDERS_EXCEEDED", "message": "list full"}
            token = str(uuid.uuid4())
            self.reminders[token] = body
            return 201, {"alertToken": token, "status": "ON", "version": "1"}
        if method == "PUT" and token:
            self.check_reminder_body(body)
            if token not in self.reminders:
                return 404, {"code": "ALERT_NOT_FOUND", "message": "no such reminder"}
            self.reminders[token] = body
            return 200, {"alertToken": token, "status": "ON", "version": "2"}
        if method == "DELETE" and token:
            if self.reminders.pop(token, None) is None:
                return 404, {"code": "ALERT_NOT_FOUND", "message": "no such reminder"}
            return 200, {}
        self.problems.append(f"not a documented call: {method} {path}")
        return 405, {"code": "METHOD_NOT_ALLOWED", "message": method}

    # Serving ---------------------------------------------------------------------------------
    def _serve(self, call: Call) -> tuple[int, Any]:
        try:
            body = json.loads(call.body) if call.body else None
        except ValueError:
            self.problems.append(f"{call.method} {call.path}: body is not JSON")
            body = None
        self.seen.append(Seen(call.method, call.path, call.headers, body))
        self.check_headers(call.method, call.headers, bool(call.body))
        return self.answer(call.method, call.path, body)

    def start(self) -> None:
        self._serving = stand_in(self._serve)
        self.url = self._serving.__enter__()

    def stop(self) -> None:
        self._serving.__exit__(None, None, None)
