"""Admin commands: /warn, /ban, /unban, /warnings, /sanction (review or reverse one by number)."""

from __future__ import annotations

import json
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.db.models import Sanction, utcnow
from bot.discord.checks import moderator_only
from bot.discord.client import OhLoraBot
from bot.sanctions import describe, parse_duration


def _line(s: Sanction) -> str:
    who = "자동" if s.issued_by is None else f"<@{s.issued_by}>"
    end = f" ~ {s.end:%Y-%m-%d %H:%M} UTC" if s.end else ""
    lifted = " (해제됨)" if s.lifted_at else ""
    return f"#{s.id} [{s.category}] {s.kind}{end} — {s.reason} — {who}{lifted}"


class ModerationCog(commands.Cog):
    def __init__(self, bot: OhLoraBot) -> None:
        self.bot = bot

    @app_commands.command(name="warn", description="사용자에게 경고 주기")
    @moderator_only()
    async def warn(self, interaction: discord.Interaction[Any], user: discord.Member, reason: str) -> None:
        assert interaction.guild is not None
        s = await self.bot.moderation.issue(
            admin_id=interaction.user.id,
            guild_id=interaction.guild.id,
            user_id=user.id,
            user_name=user.display_name,
            reason=reason,
            now=utcnow(),
            duration=None,
        )
        await interaction.response.send_message(
            f"{user.mention}에게 경고를 줬어 (#{s.id}): {reason}", ephemeral=True
        )
        await self.bot.mod_log(f"⚠️ {interaction.user.mention} → {user.mention} 경고 #{s.id}: {reason}")

    @app_commands.command(name="ban", description="사용자가 로라와 대화하지 못하게 하기 (예: 30m, 1h, 7d)")
    @moderator_only()
    async def ban(
        self, interaction: discord.Interaction[Any], user: discord.Member, duration: str, reason: str
    ) -> None:
        assert interaction.guild is not None
        try:
            length = parse_duration(duration)
        except ValueError:
            await interaction.response.send_message(
                f"기간 `{duration}`을 이해하지 못했어. 30m, 1h, 7d, 2w처럼 적어 줘.", ephemeral=True
            )
            return
        s = await self.bot.moderation.issue(
            admin_id=interaction.user.id,
            guild_id=interaction.guild.id,
            user_id=user.id,
            user_name=user.display_name,
            reason=reason,
            duration=length,
            now=utcnow(),
        )
        await interaction.response.send_message(
            f"{user.mention}: {describe(length)} (#{s.id}) — {reason}", ephemeral=True
        )
        await self.bot.mod_log(
            f"🚫 {interaction.user.mention} → {user.mention} {describe(length)} #{s.id}: {reason}"
        )

    @app_commands.command(name="unban", description="사용자의 이용 제한 해제")
    @moderator_only()
    async def unban(self, interaction: discord.Interaction[Any], user: discord.Member) -> None:
        assert interaction.guild is not None
        lifted = await self.bot.moderation.unban(
            admin_id=interaction.user.id, guild_id=interaction.guild.id, user_id=user.id, now=utcnow()
        )
        text = (
            f"{user.mention}의 제한 {lifted}건을 해제했어."
            if lifted
            else f"{user.mention}은 제한 중이 아니야."
        )
        await interaction.response.send_message(text, ephemeral=True)
        if lifted:
            await self.bot.mod_log(f"✅ {interaction.user.mention} → {user.mention} 제한 해제 ({lifted}건)")

    @app_commands.command(name="warnings", description="사용자의 경고와 제한 기록 보기")
    @moderator_only()
    async def warnings(self, interaction: discord.Interaction[Any], user: discord.Member) -> None:
        assert interaction.guild is not None
        items = await self.bot.moderation.history(guild_id=interaction.guild.id, user_id=user.id)
        text = "\n".join(_line(s) for s in items[-25:]) or "기록이 없어."
        await interaction.response.send_message(f"{user.mention}의 기록:\n{text}", ephemeral=True)

    @app_commands.command(name="sanction", description="제재 하나를 번호로 검토하거나 되돌리기")
    @app_commands.describe(number="제재 번호 (#)", lift="True면 이 제재를 해제 (오탐 되돌리기)")
    @moderator_only()
    async def sanction(self, interaction: discord.Interaction[Any], number: int, lift: bool = False) -> None:
        assert interaction.guild is not None
        if lift:
            s = await self.bot.moderation.lift(
                admin_id=interaction.user.id, guild_id=interaction.guild.id, sanction_id=number
            )
            if s is None:
                await interaction.response.send_message(
                    f"이 서버에 해제할 제재 #{number}가 없어.", ephemeral=True
                )
                return
            await interaction.response.send_message(f"제재 #{number}를 해제했어.", ephemeral=True)
            await self.bot.mod_log(f"↩️ {interaction.user.mention} 제재 #{number} 해제")
            return
        found = await self.bot.moderation.get(guild_id=interaction.guild.id, sanction_id=number)
        if found is None:
            await interaction.response.send_message(f"이 서버에 제재 #{number}가 없어.", ephemeral=True)
            return
        evidence = json.loads(found.evidence) if found.evidence else None
        detail = f"\n근거: {json.dumps(evidence, ensure_ascii=False)}" if evidence else ""
        await interaction.response.send_message(
            f"{_line(found)}{detail}", ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )


async def setup(bot: OhLoraBot) -> None:
    await bot.add_cog(ModerationCog(bot))
