"""Where the skill may call the Alexa API: Amazon's API hosts over HTTPS, and nothing else.

A request names its `apiEndpoint` and carries a bearer token for it; a forged request could
name any address, and the skill would send the token there. So the endpoint must be one of
Amazon's, as documented for the Alexa APIs. Local tools and tests may add their own base
URLs through `TRUST_COACH_API_ENDPOINTS` (comma-separated); nothing else widens the list.
"""

from __future__ import annotations

import os
import urllib.parse

AMAZON_API_ENDPOINTS = (
    "https://api.amazonalexa.com",
    "https://api.eu.amazonalexa.com",
    "https://api.fe.amazonalexa.com",
)
EXTRA_ENDPOINTS_ENV = "TRUST_COACH_API_ENDPOINTS"


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
