"""The time budget of one turn: what keeps every answer under 3 s when the network is slow.

Alexa waits 8 s for an answer; the project keeps every request under 3 s. A turn makes at most
one store read (once per session), one time-zone lookup (once per session), and one store
write (only when the turn changed something; none after a failed read). The store's share is
fixed by its timeouts and retry (below); the time-zone lookup gets what is left once a
worst-case write is set aside, so a slow read leaves it less time, never the answer late.
"""

from __future__ import annotations

TURN_BUDGET_SECONDS = 3.0

# DynamoDB answers GetItem and PutItem in milliseconds and a connection (TCP and TLS) opens
# in a few; these bound a table that is slow, frozen or unreachable instead.
STORE_CONNECT_TIMEOUT = 0.1
STORE_READ_TIMEOUT = 0.12
# botocore's standard retry mode, one retry: for a dropped connection, a timeout, a 5xx or
# throttling. Before it, botocore waits rand(0, 1) x a base: 1 s after throttling, 25 ms
# after other errors (1 s after any error in older botocore). So at most:
STORE_MAX_ATTEMPTS = 2
STORE_RETRY_WAIT_MAX = 1.0
# One call:   2 attempts x (0.1 + 0.12) s + 1 wait x 1.0 s = 1.44 s
# A read and a write, each at worst:       2 x 1.44 s = 2.88 s < 3 s
# Outside this sum: DNS lookups (no timeout of botocore's covers them), and a wait the service
# itself asks for with `x-amz-retry-after`, which recent botocore honours (up to 5 s more).
STORE_CALL_WORST_SECONDS = (
    STORE_MAX_ATTEMPTS * (STORE_CONNECT_TIMEOUT + STORE_READ_TIMEOUT)
    + (STORE_MAX_ATTEMPTS - 1) * STORE_RETRY_WAIT_MAX
)

# The time-zone lookup: at most this long for connecting and again for reading, and never more
# than the turn has left once a worst-case write is set aside; too little left, no lookup.
LOOKUP_TIMEOUT_SECONDS = 0.5
LOOKUP_TIMEOUT_FLOOR = 0.02


# A Reminders API call (list, create, change, delete) is timed the same way, asked afresh
# before each call. A turn that sets the reminder makes three calls at most (the zone, the
# list, the create or change); each takes at most twice its timeout (connect, then read), and
# that is never more than what is left, so together they never eat into the write's share.
API_TIMEOUT_SECONDS = 0.5


def lookup_timeout(elapsed: float) -> float:
    """The lookup's timeout (each of connect and read) `elapsed` seconds into a turn; 0 means
    there is no time for it."""
    return _share(LOOKUP_TIMEOUT_SECONDS, elapsed)


def api_timeout(elapsed: float) -> float:
    """A Reminders API call's timeout (each of connect and read) `elapsed` seconds into a
    turn; 0 means there is no time for it."""
    return _share(API_TIMEOUT_SECONDS, elapsed)


def _share(cap: float, elapsed: float) -> float:
    left = TURN_BUDGET_SECONDS - elapsed - STORE_CALL_WORST_SECONDS
    timeout = min(cap, left / 2)
    return timeout if timeout >= LOOKUP_TIMEOUT_FLOOR else 0.0
