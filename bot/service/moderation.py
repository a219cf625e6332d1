"""Admin actions on sanctions: warn, ban, lift, list, review. Each one is stored with its admin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import repository as repo
from bot.db.models import Sanction

ADMIN_CATEGORY = "관리자 조치"


class Moderation:
    """Sanctions issued by admins apply in the admin's guild only."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def issue(
        self,
        *,
        admin_id: int,
        guild_id: int,
        user_id: int,
        user_name: str,
        reason: str,
        now: datetime,
        duration: timedelta | None,
    ) -> Sanction:
        """A warning (no duration) or a ban for `duration`, recorded with the admin who gave it."""
        async with self.sessions.begin() as session:
            await repo.ensure_user(session, user_id, user_name)
            return await repo.add_sanction(
                session,
                Sanction(
                    user_id=user_id,
                    guild_id=guild_id,
                    category=ADMIN_CATEGORY,
                    level=0,
                    kind="warning" if duration is None else "ban",
                    reason=reason,
                    issued_by=admin_id,
                    start=now,
                    end=None if duration is None else now + duration,
                ),
            )

    async def unban(self, *, admin_id: int, guild_id: int, user_id: int, now: datetime) -> int:
        """Lift every ban in force for the user in this guild; returns how many were lifted."""
        lifted = 0
        async with self.sessions.begin() as session:
            while (ban := await repo.active_ban(session, user_id, guild_id, now)) is not None:
                if ban.guild_id != guild_id:
                    break  # a DM-wide ban is not this guild's to lift
                ban.lifted_at, ban.lifted_by = now, admin_id
                await session.flush()
                lifted += 1
        return lifted

    async def lift(self, *, admin_id: int, guild_id: int, sanction_id: int) -> Sanction | None:
        """Reverse one sanction (e.g. a false positive) by its number."""
        async with self.sessions.begin() as session:
            return await repo.lift_sanction(session, sanction_id, guild_id, admin_id)

    async def history(self, *, guild_id: int, user_id: int) -> Sequence[Sanction]:
        async with self.sessions() as session:
            return await repo.sanctions_for(session, user_id, guild_id)

    async def get(self, *, guild_id: int, sanction_id: int) -> Sanction | None:
        async with self.sessions() as session:
            found = await session.get(Sanction, sanction_id)
            return found if found is not None and found.guild_id == guild_id else None
