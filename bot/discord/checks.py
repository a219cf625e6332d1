"""Permission checks as small factories.

Admin commands carry no `default_permissions`: Discord's bitmask would demand *all* listed
permissions, so a Moderate-Members-only moderator or the configured admin role could not even see
them. The runtime check below is the single gate, and it accepts any of the three."""

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
        func = app_commands.check(predicate)(func)
        return app_commands.guild_only()(func)

    return decorator
