"""Build the real bot over a real SQLite file and a fake engine, for simcord's `simcord_env`."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import load_settings
from bot.discord.client import OhLoraBot
from bot.service.memory_control import MemoryControl
from bot.service.moderation import Moderation
from tests.conftest import make_service
from tests.doubles import FakeEngine

CHAT_CHANNEL_ID_SLOT: list[int] = []


@pytest.fixture
def bot_settings(db_url: str):  # type: ignore[no-untyped-def]
    return load_settings(database_url=db_url, discord_token="test-token", _env_file=None)


@pytest.fixture
def simcord_bot(
    sessions: async_sessionmaker[AsyncSession], fake_engine: FakeEngine, bot_settings
) -> OhLoraBot:  # type: ignore[no-untyped-def]
    service = make_service(sessions, fake_engine, rate_limit=(3, 60.0))
    return OhLoraBot(
        settings=bot_settings,
        service=service,
        moderation=Moderation(sessions),
        memories=MemoryControl(sessions),
    )
