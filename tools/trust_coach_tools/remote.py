"""Sends request envelopes to a running endpoint over HTTP, for the console and tests."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

# Alexa gives a skill 8 seconds; a console should not wait longer than Alexa would.
TIMEOUT_SECONDS = 8.0


class EndpointError(Exception):
    """The endpoint did not answer with a skill response; the message says what it did."""


def endpoint_sender(
    url: str, timeout: float = TIMEOUT_SECONDS
) -> Callable[[dict[str, Any]], dict[str, Any]]:
    if not url.lower().startswith(("http://", "https://")):
        raise EndpointError(f"endpoint must be an http or https URL, not {url!r}")

    def send(event: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(event).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        try:
            # bandit B310 is safe: endpoint_sender refused all but http and https
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 # nosec B310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise EndpointError(f"the endpoint answered {error.code}: {_reason(error)}") from error
        except (urllib.error.URLError, TimeoutError) as error:
            raise EndpointError(f"cannot reach {url}: {getattr(error, 'reason', error)}") from error
        except ValueError as error:
            raise EndpointError("the endpoint's answer is not JSON") from error

    return send


def _reason(error: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(error.read()).get("error", error.reason))
    except (ValueError, AttributeError):
        return str(error.reason)
