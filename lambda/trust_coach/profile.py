"""The recognised speaker's given name, from the Alexa person profile API, for the welcome.

Only a speaker Alexa recognises has one, and only once they granted the skill the given-name
permission (`alexa::profile:given_name:read`); without it the API answers 403 and nothing
changes. One HTTP call at launch, with a short timeout from the turn's budget (see `budget`).
The name is said, never stored or logged.
"""

from __future__ import annotations

import logging

from ask_sdk_model import RequestEnvelope

from trust_coach.alexa_api import api_base, call
from trust_coach.store.base import envelope_person_id

GIVEN_NAME_PATH = "/v2/persons/~current/profile/givenName"
MAX_NAME_CHARS = 40
NAME_MARKS = frozenset(" -'.\u2019")  # between letters: "Mary-Jo", "D'Arcy", "J. R."

log = logging.getLogger(__name__)


def fetch_given_name(envelope: RequestEnvelope, timeout: float) -> str | None:
    """The recognised speaker's given name, or None: no speaker recognised, no permission,
    no answer within `timeout` (for connecting, and again for reading; 0 means do not try),
    or an answer that is not a plausible name."""
    system = envelope.context.system if envelope.context else None
    if not system or not system.api_access_token or timeout <= 0:
        return None
    if envelope_person_id(envelope) is None:
        return None
    base = api_base(system.api_endpoint)
    if base is None:  # not one of Amazon's API hosts: the token is never sent there
        return None
    try:
        name = call(base, GIVEN_NAME_PATH, system.api_access_token, timeout)
    except Exception as error:  # 403 without the permission, a timeout: no name, no failure
        log.info("given name not available: %s", type(error).__name__)
        return None
    return _plausible(name)


def _plausible(name: object) -> str | None:
    """A short name of letters (with spaces, hyphens, apostrophes or dots between them)."""
    if not isinstance(name, str):
        return None
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME_CHARS:
        return None
    if not all(c.isalpha() or c in NAME_MARKS for c in name) or not name[0].isalpha():
        return None
    return name
