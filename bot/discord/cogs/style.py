"""`/ombre`: each user's hair colour and ombre, with a preview of her face."""

from __future__ import annotations

import io
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.client import OhLoraBot
from ml.face.style import HairStyle

log = logging.getLogger(__name__)


class StyleCog(commands.Cog):
    def __init__(self, bot: OhLoraBot) -> None:
        self.bot = bot

    @app_commands.command(name="ombre", description="로라의 머리 염색(옴브레) 바꾸기")
    @app_commands.describe(
        hue="색상 (0–359도: 0 빨강, 30 주황, 60 노랑, 120 초록, 200 하늘, 240 파랑, 300 보라)",
        height="염색이 시작하는 위치 (머리 위쪽에서부터 %, 0–100)",
        length="그라데이션 길이 (%, 0–100)",
    )
    async def ombre(
        self,
        interaction: discord.Interaction[Any],
        hue: app_commands.Range[int, 0, 359] | None = None,
        height: app_commands.Range[int, 0, 100] | None = None,
        length: app_commands.Range[int, 0, 100] | None = None,
    ) -> None:
        current = await self.bot.memories.style(interaction.user.id)
        base = HairStyle(*current) if current else HairStyle()
        style = HairStyle(
            hue=base.hue if hue is None else hue / 360.0,
            ombre_height=base.ombre_height if height is None else height / 100.0,
            ombre_length=base.ombre_length if length is None else length / 100.0,
        )
        await self.bot.memories.set_style(
            interaction.user.id,
            interaction.user.display_name,
            style.hue,
            style.ombre_height,
            style.ombre_length,
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        text = (
            f"머리 색을 바꿨어! 색상 {round(style.hue * 360)}°, "
            f"시작 높이 {round(style.ombre_height * 100)}%, 길이 {round(style.ombre_length * 100)}%"
        )
        try:
            png = await self.bot.service.render_preview(style)
        except Exception as exc:
            log.error("ombre preview failed: %s: %s", type(exc).__name__, exc)
            await interaction.followup.send(text + " (미리보기는 지금 만들 수 없었어)", ephemeral=True)
            return
        await interaction.followup.send(
            text, ephemeral=True, file=discord.File(io.BytesIO(png), filename="ombre.png")
        )


async def setup(bot: OhLoraBot) -> None:
    await bot.add_cog(StyleCog(bot))
