"""Chat: she answers mentions, DMs, allow-listed channels and `/chat`, with text plus her face."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.client import SAFE_MENTIONS, OhLoraBot, face_files, reply_text
from bot.service.types import ChatReply, ChatRequest, Rejection, Ticket


def _without_own_mention(text: str, bot_id: int) -> str:
    return re.sub(rf"<@!?{bot_id}>", " ", text).strip()


def _waiting_text(position: int) -> str:
    return f"앞에 {position}개의 대화가 기다리고 있어. 순서가 되면 바로 답할게! ⏳"


class Chat(commands.Cog):
    """Turns Discord messages into ChatRequests and posts her replies."""

    def __init__(self, bot: OhLoraBot) -> None:
        self.bot = bot

    def _addressed(self, message: discord.Message) -> bool:
        if message.guild is None:
            return True
        me = self.bot.user
        if me is not None and me in message.mentions:
            return True
        return message.channel.id in self.bot.settings.allowed_channel_ids

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if message.author.bot or me is None or not self._addressed(message):
            return
        request = ChatRequest(
            user_id=message.author.id,
            user_name=message.author.display_name,
            channel_id=message.channel.id,
            guild_id=message.guild.id if message.guild else None,
            message_id=message.id,
            text=_without_own_mention(message.content, me.id),
        )
        outcome = await self.bot.service.submit(request)
        if isinstance(outcome, Rejection):
            await message.reply(outcome.message, allowed_mentions=SAFE_MENTIONS)
            return
        if outcome.position > 0:
            await message.reply(_waiting_text(outcome.position), allowed_mentions=SAFE_MENTIONS)
        async with message.channel.typing():
            reply = await outcome.reply
        await self._send(message, reply)

    async def _send(self, message: discord.Message, reply: ChatReply) -> None:
        await message.reply(reply_text(reply), allowed_mentions=SAFE_MENTIONS, files=face_files(reply))

    @app_commands.command(name="chat", description="오로라에게 말 걸기")
    @app_commands.describe(message="로라에게 할 말")
    async def chat(self, interaction: discord.Interaction[Any], message: str) -> None:
        request = ChatRequest(
            user_id=interaction.user.id,
            user_name=interaction.user.display_name,
            channel_id=interaction.channel_id or 0,
            guild_id=interaction.guild_id,
            text=message,
        )
        outcome = await self.bot.service.submit(request)
        if isinstance(outcome, Rejection):
            await interaction.response.send_message(outcome.message, ephemeral=True)
            return
        await interaction.response.defer(thinking=True)
        if isinstance(outcome, Ticket) and outcome.position > 0:
            await interaction.followup.send(_waiting_text(outcome.position), ephemeral=True)
        reply = await outcome.reply
        await interaction.followup.send(
            f"> {message[:200]}\n{reply_text(reply)}", allowed_mentions=SAFE_MENTIONS, files=face_files(reply)
        )


async def setup(bot: OhLoraBot) -> None:
    await bot.add_cog(Chat(bot))
