"""Every query the service runs. Each one that reads user data takes that user's id and filters by it,
so no code path can hand one user's memories, turns or summaries to another."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Job, Memory, Sanction, Style, Summary, Turn, User, utcnow


async def ensure_user(session: AsyncSession, user_id: int, display_name: str) -> User:
    user = await session.get(User, user_id)
    if user is None:
        user = User(id=user_id, display_name=display_name[:100])
        session.add(user)
        await session.flush()
    elif user.display_name != display_name[:100]:
        user.display_name = display_name[:100]
    return user


# Jobs ------------------------------------------------------------------------------------------


async def add_job(
    session: AsyncSession,
    *,
    user_id: int,
    guild_id: int | None,
    channel_id: int,
    message_id: int | None,
    text: str,
) -> Job:
    job = Job(user_id=user_id, guild_id=guild_id, channel_id=channel_id, message_id=message_id, text=text)
    session.add(job)
    await session.flush()
    return job


async def set_job_status(session: AsyncSession, job_id: int, status: str, error: str | None = None) -> None:
    finished = utcnow() if status in ("done", "failed") else None
    await session.execute(
        update(Job).where(Job.id == job_id).values(status=status, error=error, finished_at=finished)
    )


async def unfinished_jobs(session: AsyncSession) -> Sequence[Job]:
    """Jobs a previous process accepted but never finished, oldest first."""
    result = await session.scalars(select(Job).where(Job.status.in_(("queued", "running"))).order_by(Job.id))
    return result.all()


# Memories --------------------------------------------------------------------------------------


async def active_memories(session: AsyncSession, user_id: int) -> Sequence[Memory]:
    result = await session.scalars(
        select(Memory).where(Memory.user_id == user_id, Memory.superseded_at.is_(None)).order_by(Memory.id)
    )
    return result.all()


async def replace_embeddings(session: AsyncSession, embeddings: dict[int, bytes], embedder: str) -> None:
    """New embedding bytes for memories by id (after the embedder changed); text and history stay."""
    for memory_id, blob in embeddings.items():
        memory = await session.get(Memory, memory_id)
        if memory is not None:
            memory.embedding = blob
            memory.embedder = embedder


async def store_memory(
    session: AsyncSession,
    *,
    user_id: int,
    key: str,
    value: str,
    embedding: bytes,
    embedder: str,
    valid_on: str | None,
) -> Memory | None:
    """Store `[key: value]`; a new value for an existing key supersedes it, a duplicate is skipped."""
    current = await session.scalar(
        select(Memory).where(Memory.user_id == user_id, Memory.key == key, Memory.superseded_at.is_(None))
    )
    if current is not None:
        if current.value == value and current.valid_on == valid_on:
            return None
        current.superseded_at = utcnow()
    memory = Memory(
        user_id=user_id, key=key, value=value, embedding=embedding, embedder=embedder, valid_on=valid_on
    )
    session.add(memory)
    await session.flush()
    return memory


async def forget_memory(session: AsyncSession, user_id: int, memory_id: int) -> bool:
    """Erase one memory (and its history under the same key) if and only if it is this user's."""
    memory = await session.scalar(select(Memory).where(Memory.id == memory_id, Memory.user_id == user_id))
    if memory is None:
        return False
    await session.execute(delete(Memory).where(Memory.user_id == user_id, Memory.key == memory.key))
    return True


async def forget_everything(session: AsyncSession, user_id: int) -> int:
    """Erase every memory, summary and turn of one user; returns how many rows went."""
    removed = 0
    for table in (Memory, Summary, Turn):
        result: Any = await session.execute(delete(table).where(table.user_id == user_id))
        removed += result.rowcount or 0
    return removed


# Summaries and turns ---------------------------------------------------------------------------


async def last_summary(session: AsyncSession, user_id: int, channel_id: int) -> Summary | None:
    return await session.scalar(
        select(Summary).where(Summary.user_id == user_id, Summary.channel_id == channel_id)
    )


async def save_summary(session: AsyncSession, user_id: int, channel_id: int, text: str) -> None:
    summary = await last_summary(session, user_id, channel_id)
    if summary is None:
        session.add(Summary(user_id=user_id, channel_id=channel_id, text=text))
    else:
        summary.text = text
        summary.updated_at = utcnow()


async def add_turn(session: AsyncSession, turn: Turn) -> None:
    session.add(turn)


async def user_turns(session: AsyncSession, user_id: int) -> Sequence[Turn]:
    result = await session.scalars(select(Turn).where(Turn.user_id == user_id).order_by(Turn.id))
    return result.all()


async def export_user(session: AsyncSession, user_id: int) -> dict[str, Any]:
    """Everything stored about one user, as plain JSON-able data."""
    user = await session.get(User, user_id)
    memories = await session.scalars(select(Memory).where(Memory.user_id == user_id).order_by(Memory.id))
    summaries = await session.scalars(select(Summary).where(Summary.user_id == user_id))
    sanctions = await session.scalars(select(Sanction).where(Sanction.user_id == user_id))
    style = await session.get(Style, user_id)
    return {
        "user": {"id": user_id, "display_name": user.display_name if user else None},
        "memories": [
            {
                "id": m.id,
                "memory": m.text,
                "valid_on": m.valid_on,
                "stored_at": m.created_at.isoformat(),
                "superseded_at": m.superseded_at.isoformat() if m.superseded_at else None,
            }
            for m in memories
        ],
        "summaries": [{"channel_id": s.channel_id, "summary": s.text} for s in summaries],
        "turns": [
            {"message": t.message, "reply": t.reply, "at": t.created_at.isoformat()}
            for t in await user_turns(session, user_id)
        ],
        "sanctions": [
            {
                "category": s.category,
                "kind": s.kind,
                "reason": s.reason,
                "start": s.start.isoformat(),
                "end": s.end.isoformat() if s.end else None,
            }
            for s in sanctions
        ],
        "style": (
            {"hue": style.hue, "ombre_height": style.ombre_height, "ombre_length": style.ombre_length}
            if style
            else None
        ),
    }


# Styles ----------------------------------------------------------------------------------------


async def get_style(session: AsyncSession, user_id: int) -> Style | None:
    return await session.get(Style, user_id)


async def set_style(session: AsyncSession, user_id: int, hue: float, height: float, length: float) -> None:
    style = await session.get(Style, user_id)
    if style is None:
        session.add(Style(user_id=user_id, hue=hue, ombre_height=height, ombre_length=length))
    else:
        style.hue, style.ombre_height, style.ombre_length = hue, height, length


# Sanctions -------------------------------------------------------------------------------------


async def active_ban(
    session: AsyncSession, user_id: int, guild_id: int | None, now: datetime
) -> Sanction | None:
    """The ban in force for this user in this guild (DM bans have guild NULL and apply everywhere)."""
    return await session.scalar(
        select(Sanction)
        .where(
            Sanction.user_id == user_id,
            Sanction.kind == "ban",
            Sanction.lifted_at.is_(None),
            Sanction.end > now,
            or_(Sanction.guild_id == guild_id, Sanction.guild_id.is_(None)),
        )
        .order_by(Sanction.end.desc())
    )


async def sanctions_for(session: AsyncSession, user_id: int, guild_id: int | None) -> Sequence[Sanction]:
    result = await session.scalars(
        select(Sanction)
        .where(Sanction.user_id == user_id, or_(Sanction.guild_id == guild_id, Sanction.guild_id.is_(None)))
        .order_by(Sanction.start)
    )
    return result.all()


async def add_sanction(session: AsyncSession, sanction: Sanction) -> Sanction:
    session.add(sanction)
    await session.flush()
    return sanction


async def lift_sanction(
    session: AsyncSession, sanction_id: int, guild_id: int | None, admin_id: int
) -> Sanction | None:
    sanction = await session.scalar(
        select(Sanction).where(
            Sanction.id == sanction_id, Sanction.guild_id == guild_id, Sanction.lifted_at.is_(None)
        )
    )
    if sanction is not None:
        sanction.lifted_at = utcnow()
        sanction.lifted_by = admin_id
    return sanction
