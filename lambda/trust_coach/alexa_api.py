"""Calling the Alexa APIs: only Amazon's API hosts over HTTPS, and one way to call them.

A request names its `apiEndpoint` and carries a bearer token for it; a forged request could
name any address, and the skill would send the token there. So the endpoint must be one of
Amazon's, as documented for the Alexa APIs. Local tools and tests may add their own base
URLs through `TRUST_COACH_API_ENDPOINTS` (comma-separated); nothing else widens the list.

`call` is the one HTTP call the time zone, the given name and the reminders make: the bearer
token, a timeout, JSON both ways, and an answer of bounded size.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from typing import Any

AMAZON_API_ENDPOINTS = (
    "https://api.amazonalexa.com",
    "https://api.eu.amazonalexa.com",
    "https://api.fe.amazonalexa.com",
)
EXTRA_ENDPOINTS_ENV = "TRUST_COACH_API_ENDPOINTS"
# Every answer these APIs give is a few kilobytes; more is not an answer.
MAX_ANSWER_BYTES = 256 * 1024


def _normalised(url: str) -> str | None:
    """scheme://host[:port] in lower case, or None for anything else (a path, a query,
    user info, an unparseable address)."""
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        return None
    if parts.username is not None or parts.password is not None:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    default = 443 if parts.scheme == "https" else 80
    netloc = parts.hostname if port in (None, default) else f"{parts.hostname}:{port}"
    return f"{parts.scheme}://{netloc}".lower()


def allowed_endpoints() -> frozenset[str]:
    extra = os.environ.get(EXTRA_ENDPOINTS_ENV, "")
    named = [*AMAZON_API_ENDPOINTS, *(u for u in extra.split(",") if u.strip())]
    return frozenset(n for n in map(_normalised, named) if n)


def api_base(endpoint: object) -> str | None:
    """The request's API endpoint if the skill may call it, else None."""
    if not isinstance(endpoint, str):
        return None
    base = _normalised(endpoint)
    return base if base is not None and base in allowed_endpoints() else None


def call(
    base: str, path: str, token: str, timeout: float, method: str = "GET", body: Any = None
) -> Any:
    """One call to the Alexa API at `base` (which `api_base` allowed) with the request's
    bearer token, waiting at most `timeout` to connect and again to read: the answer's JSON,
    None for an empty one.

    Raises urllib's HTTPError for an error status, OSError for a timeout or a connection that
    failed, ValueError for an answer too big or not JSON.
    """
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(  # noqa: S310 - `base` passed api_base: https or a tool's
        base + path, data=data, headers=headers, method=method
    )
    # bandit B310 is safe here: api_base allows only the API hosts
    with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 # nosec B310
        raw = answer.read(MAX_ANSWER_BYTES + 1)
    if len(raw) > MAX_ANSWER_BYTES:
        raise ValueError("answer too big")
    return json.loads(raw) if raw.strip() else None
