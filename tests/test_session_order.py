"""Per-session entries in the record are ordered without ties, so a live session's entry is
never the one pruned.

Found by an outside review: entries were ordered by a time in whole seconds, ties broken by
where the entry came in the record (by session id, as stored). With sessions under a second,
a live session's entry was pruned in the same second it was saved, and its next merge added
its visit again: 2-3 of 8 users over-counted, and the likely cause of the over-counts in the
outage load runs.
"""

from __future__ import annotations

import itertools
import time
import uuid

from trust_coach.state import MAX_SESSIONS_REMEMBERED
from trust_coach.store.base import user_key


def test_a_live_session_keeps_its_entry_when_sessions_share_a_second(
    make_device, store, monkeypatch
):
    # GIVEN a clock that never leaves one second, and session ids that sort before the
    # ids made earlier (the order a tie was broken in)
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.25)
    made = itertools.count(1)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=(2**40 - next(made)) << 80))
    kitchen = make_device()
    # AND as many finished sessions as the record remembers
    for _ in range(MAX_SESSIONS_REMEMBERED):
        earlier = make_device(user_id=kitchen.user_id)
        earlier.launch()
        earlier.intent("AMAZON.StopIntent")
    # WHEN a session opens on the kitchen device (it saves its visit and goes on)
    kitchen.launch()
    # AND another device opens and closes a session meanwhile
    bedroom = make_device(user_id=kitchen.user_id)
    bedroom.launch()
    bedroom.intent("AMAZON.StopIntent")
    # AND the kitchen session changes something, so it saves again (a conflict, a merge)
    kitchen.intent("StrategyIntent", strategy="2")
    kitchen.intent("AMAZON.StopIntent")
    # THEN every visit is counted once
    assert store.load(user_key(kitchen.user_id)).visits == MAX_SESSIONS_REMEMBERED + 2
