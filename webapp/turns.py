"""One request at a time on a worker's CPU, except while a request waits for a PDF render.

A gunicorn worker runs several threads so that a request waiting minutes for a report render
does not block everyone else. But threads that all compute at once share the interpreter lock
and the cores in small slices: each request then takes as long as the slowest mix of its
neighbours, and the slowest 1 % take several times the median. Taking turns keeps the
latency of a page close to its own cost, in arrival order, and a request that waits for a
render steps aside for the others until its PDF is ready.

Enabled by TNA_REQUEST_TURNS (gunicorn.conf.py sets it to 1); off in tests and `flask run`.
"""

from __future__ import annotations

import _thread
import contextlib
import threading
from collections import deque
from collections.abc import Iterator
from typing import Any

ENVIRON_KEY = "tna.turns"


class FairSlots:
    """A semaphore that serves waiters in arrival order: a released slot is handed straight
    to the longest waiter, so a newcomer can never overtake it (threading.Semaphore lets it).
    Each waiter blocks on a plain lock of its own, the cheapest thing to wake."""

    def __init__(self, slots: int):
        self._lock = threading.Lock()
        self._free = slots
        self._waiters: deque[Any] = deque()

    def acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return
            turn = _thread.allocate_lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # until release() hands this waiter the slot

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._free += 1

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


class Turns:
    """WSGI middleware: at most `slots` requests of this process compute at the same time."""

    def __init__(self, app: Any, slots: int):
        self.app = app
        self.slots = FairSlots(slots)

    def __call__(self, environ: dict, start_response: Any) -> Any:
        environ[ENVIRON_KEY] = self
        with self.slots:
            # Our responses are built in full before they are returned, so the turn ends
            # before the server writes them out: a slow connection does not hold it.
            return self.app(environ, start_response)

    @contextlib.contextmanager
    def step_aside(self) -> Iterator[None]:
        self.slots.release()
        try:
            yield
        finally:
            self.slots.acquire()


@contextlib.contextmanager
def waiting(environ: dict) -> Iterator[None]:
    """Wrap a long wait that needs no CPU in this process, such as a render in a child process."""
    turns = environ.get(ENVIRON_KEY)
    if turns is None:
        yield
        return
    with turns.step_aside():
        yield
