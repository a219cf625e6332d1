"""Storing memories: a new value for a key replaces the old one, the same value is not duplicated."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repository as repo


async def test_a_new_value_replaces_and_a_repeat_is_not_duplicated(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        await repo.ensure_user(session, 7, "tester")
        await repo.store_memory(
            session, user_id=7, key="반려동물", value="강아지", embedding=b"1", embedder="e", valid_on=None
        )
        await repo.store_memory(
            session, user_id=7, key="반려동물", value="강아지", embedding=b"1", embedder="e", valid_on=None
        )
        await repo.store_memory(
            session, user_id=7, key="취미", value="낚시", embedding=b"2", embedder="e", valid_on=None
        )
        await repo.store_memory(
            session, user_id=7, key="반려동물", value="고양이", embedding=b"3", embedder="e", valid_on=None
        )
    async with sessions() as session:
        active = await repo.active_memories(session, 7)
    assert sorted((m.key, m.value) for m in active) == [("반려동물", "고양이"), ("취미", "낚시")]
