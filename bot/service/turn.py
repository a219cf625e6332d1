"""The five stages of one turn, in order, with the database reads and writes between them."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repository as repo
from bot.db.models import Memory, Sanction, Turn
from bot.sanctions import PastSanction, describe, next_step
from bot.service.model_worker import ModelWorker
from bot.service.ports import TurnEngine
from bot.service.types import ChatReply
from ml.ethics.screen import Screening
from ml.expression import Expression
from ml.face.style import HairStyle
from ml.llm.analysis import TurnAnalysis
from ml.llm.prompts import TurnContext, clock_text
from ml.llm.refusals import canned_reply, declines
from ml.memory.retrieve import StoredMemory

log = logging.getLogger(__name__)
REFUSAL_FACE = Expression(eyes="보통", mouth="보통", pose="보통")


@dataclass(frozen=True)
class TurnPolicy:
    """Settings the turn needs: ladders, decay and her time zone."""

    ladders: dict[str, list[str]]
    clean_period: timedelta
    zone: ZoneInfo


def her_clock(now: datetime, zone: ZoneInfo) -> str:
    return clock_text(now.astimezone(zone))


def sanction_notice(category: str, sanction: Sanction, next_rung: str | None, zone: ZoneInfo) -> str:
    appeal = f"이의가 있으면 서버 관리자에게 제재 번호 #{sanction.id}로 문의해 줘."
    if sanction.kind == "warning":
        after = f" 다음엔 {describe(_rung(next_rung))}이야." if next_rung else ""
        return f"⚠️ 경고 ({category}).{after} {appeal}"
    until = sanction.end.astimezone(zone).strftime("%Y-%m-%d %H:%M") if sanction.end else "?"
    length = describe(sanction.end - sanction.start) if sanction.end else ""
    return f"🚫 {category} 사유로 {until}까지 대화가 제한돼 ({length}). {appeal}"


def _rung(step: str) -> timedelta | None:
    from bot.sanctions import parse_duration

    return None if step == "warning" else parse_duration(step)


async def issue_auto_sanction(
    session: AsyncSession,
    *,
    user_id: int,
    guild_id: int | None,
    screening: Screening,
    text: str,
    policy: TurnPolicy,
    now: datetime,
) -> tuple[Sanction, str | None]:
    """Climb the category's ladder one rung (after decay) and record the evidence."""
    ladder = policy.ladders[screening.category]
    history = [
        PastSanction(s.level, s.start, s.end)
        for s in await repo.sanctions_for(session, user_id, guild_id)
        if s.category == screening.category and s.lifted_at is None and s.issued_by is None
    ]
    step = next_step(ladder, history, now, policy.clean_period)
    evidence = json.dumps(
        {
            "message": text,
            "scores": {k: round(v, 4) for k, v in screening.scores.items()},
            "source": screening.source,
        },
        ensure_ascii=False,
    )
    sanction = await repo.add_sanction(
        session,
        Sanction(
            user_id=user_id,
            guild_id=guild_id,
            category=screening.category,
            level=step.level,
            kind=step.kind,
            reason=f"자동 감지: {screening.category}",
            issued_by=None,
            evidence=evidence,
            start=now,
            end=(now + step.duration) if step.duration else None,
        ),
    )
    next_rung = ladder[step.level + 1] if step.level + 1 < len(ladder) else None
    return sanction, next_rung


async def _reembed_stale(
    sessions: async_sessionmaker[AsyncSession],
    worker: ModelWorker,
    engine: TurnEngine,
    rows: Sequence[Memory],
) -> list[StoredMemory]:
    """Memories embedded by another embedder (another model, adapter or serving revision, or none
    recorded) are embedded again, once, and saved, so changing the EMBEDDER setting or upgrading the
    model loses no memory and never compares vectors from two models."""
    stale = [m for m in rows if m.embedder != engine.embedder_id]
    fresh: dict[int, bytes] = {}
    if stale:
        log.info("re-embedding %d memories stored by another embedder", len(stale))
        blobs = await worker.run(engine.embed, [m.text for m in stale])
        fresh = dict(zip((m.id for m in stale), blobs, strict=True))
        async with sessions.begin() as session:
            await repo.replace_embeddings(session, fresh, engine.embedder_id)
    return [StoredMemory(m.id, m.text, fresh.get(m.id, m.embedding), m.valid_on) for m in rows]


async def run_turn(
    *,
    job_id: int,
    user_id: int,
    guild_id: int | None,
    channel_id: int,
    text: str,
    engine: TurnEngine,
    worker: ModelWorker,
    sessions: async_sessionmaker[AsyncSession],
    policy: TurnPolicy,
    now: datetime,
) -> ChatReply:
    """Screen → retrieve → reply → analyse → render, then store the turn; raises on stage failure."""
    today = now.astimezone(policy.zone).date()
    clock = her_clock(now, policy.zone)

    screening = await worker.run(engine.screen, text)
    canned = canned_reply(screening, text, job_id)

    memory_text: str | None = None
    summary_text: str | None = None
    if canned is not None:
        reply = canned
    else:
        async with sessions() as session:
            rows = await repo.active_memories(session, user_id)
            last = await repo.last_summary(session, user_id, channel_id)
        stored = await _reembed_stale(sessions, worker, engine, rows)
        retrieval = await worker.run(engine.retrieve, text, stored, today)
        memory_text = retrieval.text
        if memory_text is None and last is not None:
            changed = await worker.run(engine.topic_changed, text, last.text)
            summary_text = None if changed else last.text
        ctx = TurnContext(
            message=text,
            now=clock,
            memory=memory_text,
            summary=summary_text,
            cleared=screening.cleared,
            steer=screening.surely_ordinary,
            decline=screening.must_decline,
        )
        reply = (await worker.run(engine.reply, ctx)).text

    # Romance and politics count only when her reply declines; a cry for help never counts.
    sanctioned = screening.sanctionable and (
        screening.blocked or (screening.must_decline is not None and declines(reply))
    )
    if screening.self_harm:
        analysis = TurnAnalysis([], "사용자가 힘든 마음을 털어놓았고 로라가 109 상담을 권함", REFUSAL_FACE)
    elif screening.help_seeking:
        analysis = TurnAnalysis([], "사용자가 도움받을 곳을 물었고 로라가 연락처를 알려 줌", REFUSAL_FACE)
    elif sanctioned or screening.flagged:
        analysis = TurnAnalysis(
            [], f"사용자가 부적절한 요청({screening.category})을 했고 로라가 거절함", REFUSAL_FACE
        )
    else:
        analysis = await worker.run(engine.analyze, text, reply, clock, today)

    async with sessions() as session:
        style_row = await repo.get_style(session, user_id)
    style = (
        HairStyle(style_row.hue, style_row.ombre_height, style_row.ombre_length) if style_row else HairStyle()
    )
    image = await worker.run(engine.render, analysis.expression, style)
    embeddings = (
        await worker.run(engine.embed, [f.text for f in analysis.memories]) if analysis.memories else []
    )

    notice: str | None = None
    async with sessions.begin() as session:
        if sanctioned:
            sanction, next_rung = await issue_auto_sanction(
                session,
                user_id=user_id,
                guild_id=guild_id,
                screening=screening,
                text=text,
                policy=policy,
                now=now,
            )
            notice = sanction_notice(screening.category, sanction, next_rung, policy.zone)
        for fact, blob in zip(analysis.memories, embeddings, strict=True):
            await repo.store_memory(
                session,
                user_id=user_id,
                key=fact.key,
                value=fact.value,
                embedding=blob,
                embedder=engine.embedder_id,
                valid_on=fact.valid_on,
            )
        await repo.save_summary(session, user_id, channel_id, analysis.summary)
        e = analysis.expression
        await repo.add_turn(
            session,
            Turn(
                user_id=user_id,
                guild_id=guild_id,
                channel_id=channel_id,
                message=text,
                reply=reply,
                category=screening.category,
                expression=f"{e.eyes}/{e.mouth}/{e.pose}",
            ),
        )
        await repo.set_job_status(session, job_id, "done")
    return ChatReply(
        text=reply,
        image_png=image,
        job_id=job_id,
        status="refused" if sanctioned else "done",
        category=screening.category,
        sanction_notice=notice,
    )
