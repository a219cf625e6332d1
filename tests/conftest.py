"""Shared fixtures: a real SQLite file migrated by Alembic, and a service over a fake engine."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.sanctions import DEFAULT_LADDERS
from bot.service.conversation import ConversationService
from bot.service.turn import TurnPolicy
from tests.doubles import FakeEngine

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

POLICY = TurnPolicy(ladders=DEFAULT_LADDERS, clean_period=timedelta(days=30), zone=ZoneInfo("Asia/Seoul"))


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'ohlora-test.db'}"


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await upgrade(db_url)
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


def make_service(
    sessions: async_sessionmaker[AsyncSession], engine: FakeEngine, **overrides: object
) -> ConversationService:
    options: dict[str, object] = {
        "max_chars": 200,
        "queue_size": 10,
        "per_user_pending": 3,
        "rate_limit": (100, 60.0),
        "job_timeout_s": 30.0,
    }
    options.update(overrides)
    return ConversationService(sessions=sessions, engine=engine, policy=POLICY, **options)  # type: ignore[arg-type]


@pytest.fixture
async def service(
    sessions: async_sessionmaker[AsyncSession], fake_engine: FakeEngine
) -> AsyncIterator[ConversationService]:
    svc = make_service(sessions, fake_engine)
    await svc.start()
    yield svc
    await svc.close()
