"""Builds the running service from settings: database, models, conversation service."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.migrate import upgrade
from bot.db.session import create_engine, create_sessionmaker
from bot.service.conversation import ConversationService
from bot.service.memory_control import MemoryControl
from bot.service.moderation import Moderation
from bot.service.ports import TurnEngine
from bot.service.turn import TurnPolicy
from ml.engine import Engine, EngineConfig
from ml.face.renderer import FaceConfig
from ml.llm.loader import LLMConfig

log = logging.getLogger(__name__)


def engine_config(settings: Settings) -> EngineConfig:
    """The ml-side config for these settings (kept here so ml never reads .env)."""
    face = (
        FaceConfig(generator=settings.face_generator, checkpoint=settings.face_checkpoint)
        if settings.face_generator != "dcgan" or settings.face_checkpoint
        else None
    )
    return EngineConfig(
        llm=LLMConfig(
            model=settings.llm,
            gguf_file=settings.llm_gguf_file,
            adapter=settings.llm_adapter,
            cache_dir=settings.cache_dir,
            device=settings.device,
        ),
        embedder=settings.embedder,
        face=face,
        memory_threshold=settings.memory_threshold,
        topic_threshold=settings.topic_threshold,
        max_new_tokens=settings.llm_max_new_tokens,
    )


def load_engine(settings: Settings, base: bool = False) -> TurnEngine:
    """Load every model (blocking, tens of seconds on first run); call off the event loop.
    `base` serves the prompted base LLM without its adapter (for comparisons)."""
    config = engine_config(settings)
    if base:
        config = replace(config, llm=replace(config.llm, use_adapter=False))
    return Engine.load(config)


@dataclass
class Runtime:
    """Everything a front end (Discord or terminal) needs, owned together and closed together."""

    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    service: ConversationService
    moderation: Moderation
    memories: MemoryControl

    async def close(self) -> None:
        await self.service.close()
        await self.db.dispose()


def turn_policy(settings: Settings) -> TurnPolicy:
    return TurnPolicy(
        ladders=settings.sanction_ladders,
        clean_period=timedelta(days=settings.sanction_clean_days),
        zone=ZoneInfo(settings.timezone),
    )


async def open_runtime(settings: Settings, engine: TurnEngine, *, migrate: bool = True) -> Runtime:
    """Upgrade the schema (logged), then wire the service; the caller starts it."""
    if migrate:
        log.info("upgrading the database schema at %s", settings.database_url)
        await upgrade(settings.database_url)
    db = create_engine(settings.database_url)
    sessions = create_sessionmaker(db)
    service = ConversationService(
        sessions=sessions,
        engine=engine,
        policy=turn_policy(settings),
        max_chars=settings.max_message_chars,
        queue_size=settings.queue_size,
        per_user_pending=settings.per_user_pending,
        rate_limit=(settings.rate_limit_messages, settings.rate_limit_window_s),
        job_timeout_s=settings.job_timeout_s,
    )
    return Runtime(settings, db, sessions, service, Moderation(sessions), MemoryControl(sessions))


def image_path(settings: Settings, job_id: int) -> Path:
    settings.image_dir.mkdir(parents=True, exist_ok=True)
    return settings.image_dir / f"ohlora-{job_id}.png"
