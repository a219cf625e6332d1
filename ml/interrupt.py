"""Let a caller on another thread stop a long model call early.

The bot runs every model call on one worker thread; when a turn times out, the awaiting coroutine
is cancelled but the thread would go on generating, and every later turn would wait behind it.
The worker runs each call inside `interruptible(event)` and sets the event on cancellation;
generation checks `requested()` after every token and stops.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


def requested() -> bool:
    """True when the call running on this thread has been asked to stop."""
    event: threading.Event | None = getattr(_local, "event", None)
    return event is not None and event.is_set()


@contextmanager
def interruptible(event: threading.Event) -> Iterator[None]:
    """Calls made inside see `requested()` turn True once `event` is set."""
    previous = getattr(_local, "event", None)
    _local.event = event
    try:
        yield
    finally:
        _local.event = previous
