"""The user's local date: device time zone from the Alexa Settings API, UTC when unknown.

The lookup is one HTTP call per session at most, with a timeout from the turn's time budget
(see `budget`), so a slow API never makes the answer late.
"""

from __future__ import annotations

import logging
import urllib.parse
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ask_sdk_model import RequestEnvelope

from trust_coach.alexa_api import api_base, call

UTC = "UTC"

log = logging.getLogger(__name__)


def fetch_timezone(envelope: RequestEnvelope, timeout: float) -> str:
    """The device's IANA time zone name, or UTC if it cannot be had within `timeout` (for
    connecting, and again for reading; 0 means do not try)."""
    system = envelope.context.system if envelope.context else None
    device = system.device if system else None
    if not system or not device or not system.api_access_token or timeout <= 0:
        return UTC
    base = api_base(system.api_endpoint)
    if base is None:  # not one of Amazon's API hosts: the token is never sent there
        return UTC
    device_id = urllib.parse.quote(device.device_id or "", safe="")
    path = f"/v2/devices/{device_id}/settings/System.timeZone"
    try:
        name = call(base, path, system.api_access_token, timeout)
    except Exception as error:  # any failure means "use UTC", never a failed turn
        log.warning("time zone lookup failed: %s", type(error).__name__)
        return UTC
    return name if isinstance(name, str) and known_zone(name) else UTC


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_date(moment: datetime, zone: str | None) -> str:
    """The ISO date of `moment` in `zone` (UTC if unknown)."""
    try:
        tz = ZoneInfo(zone or UTC)
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo(UTC)
    return moment.astimezone(tz).date().isoformat()
