"""The model thread: a cancelled (timed-out) call is asked to stop and frees the thread."""

from __future__ import annotations

import asyncio
import threading

from bot.service.model_worker import ModelWorker
from ml import interrupt


def _generate_until_stopped(started: threading.Event, log: list[str]) -> str:
    """Stands in for a long generation: one "token" every 10 ms, checking for a stop each time."""
    started.set()
    for _ in range(3000):  # 30 s if nothing stops it
        if interrupt.requested():
            log.append("stopped")
            return "partial"
        threading.Event().wait(0.01)
    log.append("ran to the end")
    return "whole"


async def test_a_timed_out_call_stops_and_the_next_call_runs() -> None:
    worker = ModelWorker()
    started, log = threading.Event(), []
    try:
        task = asyncio.ensure_future(worker.run(_generate_until_stopped, started, log))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()  # what asyncio.wait_for does when a turn runs past its timeout
        assert await worker.run(lambda: "next") == "next"
        assert log == ["stopped"]
        assert task.cancelled()
    finally:
        worker.close()


async def test_calls_that_are_not_cancelled_are_not_interrupted() -> None:
    worker = ModelWorker()
    try:
        assert await worker.run(interrupt.requested) is False
        assert interrupt.requested() is False  # nothing leaks to the event loop's thread
    finally:
        worker.close()
