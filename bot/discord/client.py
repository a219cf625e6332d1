"""The discord.py client. It owns the service objects it is handed and loads the cogs."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.service.conversation import ConversationService
from bot.service.memory_control import MemoryControl
from bot.service.moderation import Moderation
from bot.service.types import ChatReply, JobOrigin

log = logging.getLogger(__name__)

COGS = (
    "bot.discord.cogs.chat",
    "bot.discord.cogs.memory",
    "bot.discord.cogs.style",
    "bot.discord.cogs.moderation",
)

# Replies may ping the person she answers, never @everyone, @here, roles or anyone else.
SAFE_MENTIONS = discord.AllowedMentions(everyone=False, roles=False, users=False, replied_user=True)


def face_files(reply: ChatReply) -> list[discord.File]:
    """Her face as an attachment list (empty when the render failed)."""
    if reply.image_png is None:
        return []
    return [discord.File(io.BytesIO(reply.image_png), filename=f"ohlora-{reply.job_id}.png")]


def reply_text(reply: ChatReply) -> str:
    return reply.text if reply.sanction_notice is None else f"{reply.text}\n\n{reply.sanction_notice}"


class OhLoraBot(commands.Bot):
    """Oh-LoRA on Discord: chat, memory, style and moderation cogs over one conversation service."""

    settings: Settings
    service: ConversationService
    moderation: Moderation
    memories: MemoryControl

    def __init__(
        self,
        *,
        settings: Settings,
        service: ConversationService,
        moderation: Moderation,
        memories: MemoryControl,
        **kwargs: Any,
    ) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # she reads what she is told; privileged, enable it in the portal
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=SAFE_MENTIONS,
            help_command=None,
            **kwargs,
        )
        self.settings, self.service, self.moderation, self.memories = settings, service, moderation, memories
        self.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        for name in COGS:
            try:
                await self.load_extension(name)
            except Exception:
                log.exception("could not load cog %s", name)
        self.service.on_resumed_reply = self.deliver_resumed
        await self.service.start()
        await self.tree.sync()

    async def close(self) -> None:
        await self.service.close()
        await super().close()

    async def deliver_resumed(self, origin: JobOrigin, reply: ChatReply) -> None:
        """Answer a job accepted before a restart, replying to its message when it still exists."""
        channel = self.get_channel(origin.channel_id) or await self.fetch_channel(origin.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return
        text, files = reply_text(reply), face_files(reply)
        if origin.message_id is None:
            await channel.send(text, allowed_mentions=SAFE_MENTIONS, files=files)
            return
        reference = discord.MessageReference(
            message_id=origin.message_id, channel_id=origin.channel_id, fail_if_not_exists=False
        )
        await channel.send(text, reference=reference, allowed_mentions=SAFE_MENTIONS, files=files)

    async def on_app_command_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if isinstance(error, app_commands.CheckFailure):
            text = "이 명령은 서버 관리자(차단/타임아웃 권한 또는 관리자 역할)만 쓸 수 있어."
        else:
            original = getattr(error, "original", error)
            log.error(
                "/%s failed: %s: %s",
                interaction.command.name if interaction.command else "?",
                type(original).__name__,
                original,
            )
            text = "앗, 명령을 처리하다가 문제가 생겼어. 잠시 뒤에 다시 해 줘!"
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def mod_log(self, text: str) -> None:
        """Echo an admin action to the configured mod-log channel, if any."""
        channel_id = self.settings.mod_log_channel_id
        channel = self.get_channel(channel_id) if channel_id else None
        if isinstance(channel, discord.abc.Messageable):
            await channel.send(text, allowed_mentions=discord.AllowedMentions.none())
