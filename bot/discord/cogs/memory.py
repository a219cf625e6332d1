"""What she remembers about you: `/memory` to see, forget one item or export; `/forget` for all."""

from __future__ import annotations

import io
import json
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.client import OhLoraBot


class ConfirmForget(discord.ui.View):
    """Two buttons; only the user who asked can press them."""

    def __init__(self, bot: OhLoraBot, user_id: int) -> None:
        super().__init__(timeout=60)
        self.bot, self.user_id = bot, user_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return interaction.user.id == self.user_id

    @discord.ui.button(label="전부 지우기", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]) -> None:
        removed = await self.bot.memories.forget_all(self.user_id)
        self.stop()
        await interaction.response.edit_message(
            content=f"다 잊었어. 기억, 요약, 대화 기록 {removed}개를 지웠어 🫧", view=None
        )

    @discord.ui.button(label="취소", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="알겠어, 아무것도 지우지 않았어.", view=None)


class MemoryCog(commands.Cog):
    def __init__(self, bot: OhLoraBot) -> None:
        self.bot = bot

    @app_commands.command(name="memory", description="로라가 기억하는 나에 대한 것 보기·지우기·내보내기")
    @app_commands.describe(forget="지울 기억 하나 (목록에서 고르기)", export="저장된 모든 것을 JSON으로 받기")
    async def memory(
        self, interaction: discord.Interaction[Any], forget: int | None = None, export: bool = False
    ) -> None:
        user_id = interaction.user.id
        if export:
            data = await self.bot.memories.export(user_id)
            payload = json.dumps(data, ensure_ascii=False, indent=2).encode()
            await interaction.response.send_message(
                "너에 대해 저장된 전부야.",
                ephemeral=True,
                file=discord.File(io.BytesIO(payload), filename="ohlora-memory.json"),
            )
            return
        if forget is not None:
            done = await self.bot.memories.forget(user_id, forget)
            text = "그 기억은 지웠어 🫧" if done else "그런 기억은 없어. `/memory`로 목록을 확인해 줘."
            await interaction.response.send_message(text, ephemeral=True)
            return
        items = await self.bot.memories.list(user_id)
        if not items:
            await interaction.response.send_message("아직 너에 대해 기억하는 게 없어!", ephemeral=True)
            return
        lines = [f"`{m.id}` {m.text}" for m in items[-40:]]
        await interaction.response.send_message(
            "내가 기억하는 너에 대한 것들이야:\n" + "\n".join(lines), ephemeral=True
        )

    @memory.autocomplete("forget")
    async def _forget_choices(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[int]]:
        items = await self.bot.memories.list(interaction.user.id)
        return [app_commands.Choice(name=m.text[:100], value=m.id) for m in items if current in m.text][:25]

    @app_commands.command(name="forget", description="로라가 나에 대해 기억하는 것을 전부 지우기")
    async def forget_all(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(
            "정말 나에 대한 기억, 요약, 대화 기록을 전부 지울까? 되돌릴 수 없어.",
            view=ConfirmForget(self.bot, interaction.user.id),
            ephemeral=True,
        )


async def setup(bot: OhLoraBot) -> None:
    await bot.add_cog(MemoryCog(bot))
