"""What users can do with what she remembers: list, forget one, forget all, export; and hair style."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repository as repo
from bot.db.models import Memory


class MemoryControl:
    """Every method takes the caller's own user id; there is no way to name another user."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def list(self, user_id: int) -> Sequence[Memory]:
        async with self.sessions() as session:
            return await repo.active_memories(session, user_id)

    async def forget(self, user_id: int, memory_id: int) -> bool:
        async with self.sessions.begin() as session:
            return await repo.forget_memory(session, user_id, memory_id)

    async def forget_all(self, user_id: int) -> int:
        async with self.sessions.begin() as session:
            return await repo.forget_everything(session, user_id)

    async def export(self, user_id: int) -> dict[str, Any]:
        async with self.sessions() as session:
            return await repo.export_user(session, user_id)

    async def set_style(self, user_id: int, user_name: str, hue: float, height: float, length: float) -> None:
        async with self.sessions.begin() as session:
            await repo.ensure_user(session, user_id, user_name)
            await repo.set_style(session, user_id, hue, height, length)

    async def style(self, user_id: int) -> tuple[float, float, float] | None:
        async with self.sessions() as session:
            row = await repo.get_style(session, user_id)
            return None if row is None else (row.hue, row.ombre_height, row.ombre_length)
