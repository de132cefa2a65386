"""The daily tip reminder through the Alexa Reminders API: listed, created, changed, deleted.

The skill keeps at most one reminder per user: a daily one, at the time they asked, whose
words invite them to ask Trust Coach for today's tip. The API lists only this skill's
reminders for the user, so nothing about the reminder is stored here: "remind me at 9" lists
first and changes the one it finds rather than adding a second.

Each call goes to the request's `apiEndpoint` (only if `alexa_api` allows it) with its
`apiAccessToken`, and has a timeout from the turn's time budget (`budget.api_timeout`), asked
afresh before each call; with no time left the call is not made. Every failure becomes one of
three kinds the conversation can answer: no permission, a full list, or unavailable.

A small client of its own rather than ask-sdk-core's ReminderManagementServiceClient: that
one goes through an API client, and the SDK's DefaultApiClient sets no timeout; this is the
same one urllib call with a timeout that the time-zone lookup makes (`timezone.py`).
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from trust_coach.alexa_api import api_base, call
from trust_coach.timezone import UTC, known_zone

REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
REMINDERS_PATH = "/v1/alerts/reminders"
# The API's error codes for a user whose reminder list is full (a 403 on create).
FULL_LIST_CODES = frozenset({"MAX_REMINDERS_EXCEEDED", "MAX_SIZE_EXCEEDED"})

# What Alexa's AMAZON.TIME slot says for a part of the day, and the hour the skill picks.
PART_OF_DAY_HOURS = {"MO": 8, "AF": 13, "EV": 19, "NI": 21}
DEFAULT_HOUR = 8
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_RULE_HOUR = re.compile(r"(?:^|;)BYHOUR=([0-9]{1,2})(?:;|$)")
_RULE_MINUTE = re.compile(r"(?:^|;)BYMINUTE=([0-9]{1,2})(?:;|$)")
_SCHEDULED = re.compile(r"T([01][0-9]|2[0-3]):([0-5][0-9])")
MAX_ALERT_TOKEN_CHARS = 512

log = logging.getLogger(__name__)


class Failure(Enum):
    NO_PERMISSION = "no_permission"  # 401: never granted, or taken back in the Alexa app
    FULL = "full"  # the user's reminder list has no room
    UNAVAILABLE = "unavailable"  # an error status, a timeout, an answer that is not one


class RemindersError(Exception):
    def __init__(self, failure: Failure, detail: str = "") -> None:
        super().__init__(f"{failure.value} {detail}".strip())
        self.failure = failure


@dataclass(frozen=True, order=True)
class DailyTime:
    """A time of day, in the user's own time zone."""

    hour: int
    minute: int = 0

    @classmethod
    def from_slot(cls, value: str | None) -> DailyTime | None:
        """What AMAZON.TIME sent ("08:00", "20:30", or a part of the day such as "MO"); None
        for nothing, or for anything that is not a time of day."""
        if not value:
            return None
        value = value.strip().upper()
        if value in PART_OF_DAY_HOURS:
            return cls(PART_OF_DAY_HOURS[value])
        clock = _CLOCK.fullmatch(value)
        return cls(int(clock.group(1)), int(clock.group(2))) if clock else None

    @property
    def code(self) -> str:
        """ "HH:MM": how the time travels in the permission request's token."""
        return f"{self.hour:02d}:{self.minute:02d}"

    @classmethod
    def from_code(cls, code: Any) -> DailyTime | None:
        if not isinstance(code, str):
            return None
        clock = _CLOCK.fullmatch(code)
        return cls(int(clock.group(1)), int(clock.group(2))) if clock else None

    @property
    def rule(self) -> str:
        """The RFC 5545 rule the API takes for "every day at this time"."""
        return f"FREQ=DAILY;BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0;INTERVAL=1;"


@dataclass(frozen=True)
class Reminder:
    alert_token: str
    time: DailyTime | None  # when it rings each day, when the API's answer says


def daily_reminder(
    time: DailyTime, zone: str | None, now: datetime, locale: str, text: str
) -> dict[str, Any]:
    """The body that creates or changes the daily reminder (the API's reminder request).

    Times are local and carry no offset, as the API asks. The time zone is named when it is
    known; a zone that is only the fallback (UTC) is left out, so the API uses the device's.
    """
    zone_known = bool(zone) and zone != UTC and known_zone(zone or "")
    local_now = now.astimezone(ZoneInfo(zone)) if zone_known and zone else now
    first = local_now.replace(hour=time.hour, minute=time.minute, second=0, microsecond=0)
    if first <= local_now:  # today's has passed: the first one rings tomorrow
        first += timedelta(days=1)
    trigger: dict[str, Any] = {
        "type": "SCHEDULED_ABSOLUTE",
        "recurrence": {
            "startDateTime": _local(first),
            "recurrenceRules": [time.rule],
        },
    }
    if zone_known:
        trigger["timeZoneId"] = zone
    return {
        "requestTime": _local(local_now),
        "trigger": trigger,
        "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


def _local(moment: datetime) -> str:
    """ISO 8601 without an offset, to the millisecond: the API's format for local times."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


class RemindersApi:
    """One user's reminders from this skill, for one turn."""

    def __init__(self, base: str, token: str, timeout: Callable[[], float]) -> None:
        self.base = base
        self.token = token
        self.timeout = timeout  # each call's timeout (connect, and again read); 0: no time

    @classmethod
    def for_request(
        cls, endpoint: Any, token: Any, timeout: Callable[[], float]
    ) -> RemindersApi | None:
        """The API the request names, if the skill may call it and has a token for it."""
        base = api_base(endpoint)
        if base is None or not isinstance(token, str) or not token:
            return None
        return cls(base, token, timeout)

    def list(self) -> list[Reminder]:
        """The reminders this skill set for the user that have not run their course."""
        answer = self._call("GET", REMINDERS_PATH)
        alerts = answer.get("alerts") if isinstance(answer, dict) else None
        if not isinstance(alerts, list):
            raise RemindersError(Failure.UNAVAILABLE, "no alerts in the answer")
        found = []
        for alert in alerts:
            if not isinstance(alert, dict) or alert.get("status") == "COMPLETED":
                continue
            token = alert.get("alertToken")
            if isinstance(token, str) and 0 < len(token) <= MAX_ALERT_TOKEN_CHARS:
                found.append(Reminder(token, _ringing_time(alert.get("trigger"))))
        return found

    def create(self, body: dict[str, Any]) -> str:
        answer = self._call("POST", REMINDERS_PATH, body)
        token = answer.get("alertToken") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise RemindersError(Failure.UNAVAILABLE, "no alert token in the answer")
        return token

    def update(self, alert_token: str, body: dict[str, Any]) -> None:
        self._call("PUT", self._path(alert_token), body)

    def delete(self, alert_token: str) -> None:
        self._call("DELETE", self._path(alert_token))

    def _path(self, alert_token: str) -> str:
        return f"{REMINDERS_PATH}/{urllib.parse.quote(alert_token, safe='')}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        timeout = self.timeout()
        if timeout <= 0:
            raise RemindersError(Failure.UNAVAILABLE, f"no time left for {method}")
        try:
            answer = call(self.base, path, self.token, timeout, method, body)
        except urllib.error.HTTPError as error:
            raise _failure(method, error) from None
        except ValueError as error:  # too big, or not JSON
            raise RemindersError(Failure.UNAVAILABLE, str(error)) from None
        except Exception as error:  # a timeout, a refused or dropped connection
            log.warning("reminders %s failed: %s", method, type(error).__name__)
            raise RemindersError(Failure.UNAVAILABLE, type(error).__name__) from None
        return {} if answer is None else answer


def _failure(method: str, error: urllib.error.HTTPError) -> RemindersError:
    code = _error_code(error)
    log.warning("reminders %s answered %s %s", method, error.code, code)
    if error.code == 401:
        return RemindersError(Failure.NO_PERMISSION, str(error.code))
    if error.code == 403 and code in FULL_LIST_CODES:
        return RemindersError(Failure.FULL, code)
    return RemindersError(Failure.UNAVAILABLE, f"{error.code} {code}")


def _error_code(error: urllib.error.HTTPError) -> str:
    """The `code` of the API's error body, if it sent one (only known codes are logged)."""
    try:
        body = json.loads(error.read(4096) or b"{}")
    except Exception:  # an error body that is not JSON has no code
        return ""
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, str) and re.fullmatch(r"[A-Z_]{1,64}", code) else ""


def _ringing_time(trigger: Any) -> DailyTime | None:
    """When a listed reminder rings each day: its rule's hour and minute, else its time."""
    if not isinstance(trigger, dict):
        return None
    recurrence = trigger.get("recurrence")
    rules = recurrence.get("recurrenceRules") if isinstance(recurrence, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, str) and (hour := _RULE_HOUR.search(rule)):
            minute = _RULE_MINUTE.search(rule)
            time = DailyTime(int(hour.group(1)), int(minute.group(1)) if minute else 0)
            if time.hour < 24 and time.minute < 60:
                return time
    for key in ("startDateTime", "scheduledTime"):
        source = recurrence if key == "startDateTime" else trigger
        value = source.get(key) if isinstance(source, dict) else None
        if isinstance(value, str) and (clock := _SCHEDULED.search(value)):
            return DailyTime(int(clock.group(1)), int(clock.group(2)))
    return None
