"""The conversation service: admission, the fair job queue and the worker loop. No Discord here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repository as repo
from bot.db.models import Job, utcnow
from bot.service.admission import RateLimiter, prepare_text
from bot.service.fair_queue import FairQueue, QueueFull
from bot.service.model_worker import ModelWorker
from bot.service.ports import TurnEngine
from bot.service.turn import TurnPolicy, run_turn
from bot.service.types import ChatReply, ChatRequest, JobOrigin, Rejection, Ticket
from ml.expression import Expression
from ml.face.style import HairStyle

log = logging.getLogger(__name__)

APOLOGY = "미안, 방금 답을 만들다가 문제가 생겼어 😢 조금 뒤에 다시 말 걸어 줄래?"
ResumedReplyHandler = Callable[[JobOrigin, ChatReply], Awaitable[None]]


class ConversationService:
    """Accepts messages, runs them one at a time on the model worker, and answers every one."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        engine: TurnEngine,
        policy: TurnPolicy,
        max_chars: int,
        queue_size: int,
        per_user_pending: int,
        rate_limit: tuple[int, float],
        job_timeout_s: float,
        clock: Callable[[], datetime] = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions, self.engine, self.policy = sessions, engine, policy
        self.max_chars, self.job_timeout_s = max_chars, job_timeout_s
        self.clock, self.monotonic = clock, monotonic
        self.queue: FairQueue[int] = FairQueue(queue_size, per_user_pending)
        self.rate = RateLimiter(*rate_limit)
        self.worker = ModelWorker()
        self.on_resumed_reply: ResumedReplyHandler | None = None
        self._futures: dict[int, asyncio.Future[ChatReply]] = {}
        self._drain_task: asyncio.Task[None] | None = None
        self._started = False
        self._closing = False

    # lifecycle -----------------------------------------------------------------------------------

    async def start(self) -> int:
        """Re-queue jobs a previous process accepted but never finished; start the worker loop."""
        async with self.sessions.begin() as session:
            unfinished = list(await repo.unfinished_jobs(session))
            for job in unfinished:
                job.status = "queued"
        for job in unfinished:
            self.queue.put(job.user_id, job.id, force=True)
        if unfinished:
            log.info("resuming %d unfinished job(s) from before the restart", len(unfinished))
        self._started = True
        self._kick()
        return len(unfinished)

    def _kick(self) -> None:
        """Start the drain task when there is work and none is running. No task idles between
        jobs, so nothing waits forever and a crashed drain is replaced by the next message."""
        if self._closing or not self._started or len(self.queue) == 0:
            return
        if self._drain_task is None or self._drain_task.done():
            self._drain_task = asyncio.create_task(self._drain(), name="ohlora-worker")
            self._drain_task.add_done_callback(self._after_drain)

    def _after_drain(self, task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("worker loop died (%r); starting another", task.exception())
        self._kick()

    async def close(self) -> None:
        self._closing = True
        if self._drain_task is not None:
            self._drain_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._drain_task
        self.worker.close()

    # admission -----------------------------------------------------------------------------------

    async def submit(self, request: ChatRequest) -> Ticket | Rejection:
        """Answer at once when the message cannot be queued; otherwise a Ticket with its position."""
        text, rejection = prepare_text(request.text, self.max_chars)
        if rejection:
            return rejection
        now = self.clock()
        async with self.sessions.begin() as session:
            await repo.ensure_user(session, request.user_id, request.user_name)
            ban = await repo.active_ban(session, request.user_id, request.guild_id, now)
            if ban is not None and ban.end is not None:
                until = ban.end.astimezone(self.policy.zone).strftime("%Y-%m-%d %H:%M")
                return Rejection(
                    "banned",
                    f"지금은 {until}까지 나와 대화할 수 없어. 사유: {ban.reason}. "
                    f"이의가 있으면 서버 관리자에게 제재 번호 #{ban.id}로 문의해 줘.",
                )
        wait = self.rate.check(request.user_id, self.monotonic())
        if wait > 0:
            return Rejection("rate_limited", f"조금 천천히 말해 줘 😅 {int(wait) + 1}초 뒤에 다시 얘기하자!")
        try:
            self.queue.check_room(request.user_id)
        except QueueFull as full:
            if full.per_user:
                return Rejection("busy", "아직 앞에 한 말에 답하는 중이야! 조금만 기다려 줘 ⏳")
            return Rejection("queue_full", "지금 대화가 너무 많아서 바빠 😵 잠시 뒤에 다시 말 걸어 줘!")
        async with self.sessions.begin() as session:
            job = await repo.add_job(
                session,
                user_id=request.user_id,
                guild_id=request.guild_id,
                channel_id=request.channel_id,
                message_id=request.message_id,
                text=text,
            )
        # Queued only once the row is committed, so the worker always finds it.
        future: asyncio.Future[ChatReply] = asyncio.get_running_loop().create_future()
        self._futures[job.id] = future
        position = self.queue.put(request.user_id, job.id, force=True)
        self._kick()
        return Ticket(job_id=job.id, position=position, reply=future)

    # the worker loop -----------------------------------------------------------------------------

    async def _drain(self) -> None:
        while (next_job := self.queue.pop()) is not None:
            user_id, job_id = next_job
            try:
                await self._process(job_id)
            finally:
                self.queue.done(user_id)

    async def _process(self, job_id: int) -> None:
        async with self.sessions.begin() as session:
            job = await session.get(Job, job_id)
            if job is None:
                log.error("job %d vanished before it ran", job_id)
                return
            job.status = "running"
            origin = JobOrigin(job.id, job.user_id, job.guild_id, job.channel_id, job.message_id)
            text = job.text
        try:
            reply = await asyncio.wait_for(
                run_turn(
                    job_id=job_id,
                    user_id=origin.user_id,
                    guild_id=origin.guild_id,
                    channel_id=origin.channel_id,
                    text=text,
                    engine=self.engine,
                    worker=self.worker,
                    sessions=self.sessions,
                    policy=self.policy,
                    now=self.clock(),
                ),
                timeout=self.job_timeout_s,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a failed stage must still answer the user, and say why in the log
            reason = f"{type(exc).__name__}: {exc}"[:500]
            log.error("job %d failed: %s", job_id, reason, exc_info=not isinstance(exc, TimeoutError))
            async with self.sessions.begin() as session:
                await repo.set_job_status(session, job_id, "failed", reason)
            reply = ChatReply(text=APOLOGY, image_png=None, job_id=job_id, status="failed")
        await self._deliver(origin, reply)

    async def _deliver(self, origin: JobOrigin, reply: ChatReply) -> None:
        future = self._futures.pop(origin.job_id, None)
        if future is not None and not future.done():
            future.set_result(reply)
        elif self.on_resumed_reply is not None:
            try:
                await self.on_resumed_reply(origin, reply)
            except Exception:
                log.exception("could not deliver the reply of resumed job %d", origin.job_id)

    async def render_preview(self, style: HairStyle) -> bytes:
        """Her neutral face in `style`, on the model worker (after any job running now)."""
        return await self.worker.run(self.engine.render, Expression(), style)
