"""Permission checks as small factories: one decorator sets both the runtime check and the default
permissions Discord uses to show the command."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


def is_moderator(member: discord.abc.User, admin_role_id: int | None) -> bool:
    if not isinstance(member, discord.Member):
        return False
    perms = member.guild_permissions
    if perms.ban_members or perms.moderate_members or perms.administrator:
        return True
    return admin_role_id is not None and any(role.id == admin_role_id for role in member.roles)


def moderator_only() -> Callable[[T], T]:
    """Ban Members, Moderate Members, or the configured admin role; guild only."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        admin_role = getattr(getattr(interaction.client, "settings", None), "admin_role_id", None)
        if interaction.guild is None or not is_moderator(interaction.user, admin_role):
            raise app_commands.CheckFailure("moderator only")
        return True

    def decorator(func: T) -> T:
        func = app_commands.check(predicate)(func)  # type: ignore[arg-type]
        func = app_commands.guild_only()(func)  # type: ignore[arg-type]
        return app_commands.default_permissions(ban_members=True)(func)  # type: ignore[arg-type, return-value]

    return decorator
