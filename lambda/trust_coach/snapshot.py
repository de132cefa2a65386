"""Lambda SnapStart: each copy restored from the snapshot gets its own randomness and connections.

With SnapStart, Lambda runs the init phase once, when a version is published (for Trust Coach:
the skill, its words, the store's client and powertools, see `app.prepare_for_lambda`),
snapshots the process, and starts every new execution environment from a copy of that
snapshot. Whatever init made is therefore shared by every copy and may be hours old. After a
restore, the hook registered here:

- re-seeds the `random` module from the operating system, so copies do not draw the same
  numbers (libraries use it for retry jitter; the skill's own ids come from `uuid4`, which
  reads the operating system each time);
- has the store drop its connections and clients, and the credentials they hold
  (`ProgressStore.reconnect`): the next call makes new ones.

Nothing user-specific exists at init: no request has been handled before the snapshot.

The Lambda runtime provides `snapshot_restore_py` (it is not in lambda/requirements.txt);
where it is missing, nothing will ever restore a snapshot and registering does nothing.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import Any

from trust_coach.store import ProgressStore

log = logging.getLogger(__name__)

try:
    from snapshot_restore_py import register_after_restore
except ImportError:  # not on Lambda's runtime

    def register_after_restore(
        func: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Callable[..., Any]:
        return func


def register(store: ProgressStore) -> None:
    """Have the runtime call `after_restore(store)` in every copy restored from a snapshot."""
    register_after_restore(after_restore, store)


def after_restore(store: ProgressStore) -> None:
    """Make what init prepared fresh for this copy. Never raises: a failing restore hook
    would fail the restore, and the store reports its own failures on the first request."""
    random.seed()
    try:
        store.reconnect()
    except Exception as error:
        log.warning("store not reconnected after restore: %s", type(error).__name__)
