"""`ohlora bot`: run the Discord bot."""

from __future__ import annotations

import asyncio
import logging

from bot.config import ConfigError, Settings
from bot.discord.client import OhLoraBot
from bot.runtime import load_engine, open_runtime

log = logging.getLogger(__name__)


async def run_bot(settings: Settings) -> int:
    if not settings.discord_token:
        raise ConfigError("DISCORD_TOKEN is not set: put it in .env (see .env.example)")
    engine = await asyncio.to_thread(load_engine, settings)
    runtime = await open_runtime(settings, engine)
    try:
        async with OhLoraBot(
            settings=settings,
            service=runtime.service,
            moderation=runtime.moderation,
            memories=runtime.memories,
        ) as bot:
            await bot.start(settings.discord_token)
    finally:
        await runtime.db.dispose()
    return 0
