"""The endpoint's turn gate: one waitress thread at a time serves a request.

Python runs one thread at a time (the GIL). With several requests in flight, waitress's
threads took the GIL from each other at every socket, SQLite and signature call: on the
endpoint bench (4 clients, 2 cores) one waitress thread served the load ~1.6x faster than 64,
using ~1 ms less CPU per request. The gate keeps the 64 threads (a slow store must not hold
up other requests) but lets one thread serve at a time, waitress's part of the request
included, and a request hands its turn on while it waits for a remote store, so waiting is never
queued. A request that waits for the gate longer than `patience` (the one holding it is
blocked elsewhere: a time-zone look-up, a certificate download) is served without it, as
every request was before: the gate can only save time, never stall the endpoint.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope
from waitress.task import ThreadedTaskDispatcher

# A turn holds the gate for about a millisecond; waiting this long means something is blocked.
PATIENCE_SECONDS = 0.05


class TurnGate:
    def __init__(self, patience: float = PATIENCE_SECONDS) -> None:
        self._lock = threading.Lock()
        self._patience = patience
        self._local = threading.local()  # whether this thread holds the gate

    @property
    def held(self) -> bool:
        return getattr(self._local, "held", False)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Around one request's work."""
        self._local.held = self._lock.acquire(timeout=self._patience)
        try:
            yield
        finally:
            if self.held:
                self._lock.release()
            self._local.held = False

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a call that waits (on the store): other requests run meanwhile."""
        held = self.held
        if held:
            self._local.held = False
            self._lock.release()
        try:
            yield
        finally:
            if held:
                self._local.held = self._lock.acquire(timeout=self._patience)


class GatedTasks(ThreadedTaskDispatcher):
    """waitress's task dispatcher, whose threads serve each task in turn at the gate."""

    def __init__(self, gate: TurnGate) -> None:
        super().__init__()
        self.gate = gate

    def add_task(self, task: Any) -> None:
        super().add_task(_InTurn(task, self.gate))


class _InTurn:
    """A waitress task (a channel with requests to serve) that takes its turn to run."""

    def __init__(self, task: Any, gate: TurnGate) -> None:
        self.task = task
        self.gate = gate

    def service(self) -> None:
        with self.gate.turn():
            self.task.service()

    def __getattr__(self, name: str) -> Any:  # cancel() and the rest are the task's own
        return getattr(self.task, name)


class GatedStore(AbstractPersistenceAdapter):
    """A persistence adapter that hands the turn on while the store it wraps works."""

    def __init__(self, store: AbstractPersistenceAdapter, gate: TurnGate) -> None:
        self.store = store
        self.gate = gate

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        with self.gate.waiting():
            return self.store.get_attributes(request_envelope)

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        with self.gate.waiting():
            self.store.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        with self.gate.waiting():
            self.store.delete_attributes(request_envelope)

    def __getattr__(self, name: str) -> Any:  # anything else is the store's own
        return getattr(self.store, name)
