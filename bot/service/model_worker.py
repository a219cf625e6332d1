"""Blocking model calls run on one dedicated thread per device, never on the event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from ml.interrupt import interruptible

R = TypeVar("R")


class ModelWorker:
    """One thread owns the models, so calls never race on adapters or caches."""

    def __init__(self, name: str = "model") -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

    async def run(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """`fn(*args, **kwargs)` on the model thread. Cancelling the caller (a turn's timeout)
        asks the call to stop: generation ends at its next token instead of holding the thread."""
        loop = asyncio.get_running_loop()
        stop = threading.Event()
        try:
            return await loop.run_in_executor(self._executor, partial(_call, stop, fn, *args, **kwargs))
        except asyncio.CancelledError:
            stop.set()
            raise

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


def _call(stop: threading.Event, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    with interruptible(stop):
        return fn(*args, **kwargs)
