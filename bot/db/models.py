"""SQLAlchemy 2.0 models: users, turns, memories, summaries, sanctions, styles and jobs."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.asyncio import AsyncAttrs
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC in SQLite and always hands back aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(AsyncAttrs, DeclarativeBase):
    """Declarative base of every table."""


class User(Base):
    """A Discord user (or the terminal user) she has talked to."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Turn(Base):
    """One message and her reply."""

    __tablename__ = "turns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    expression: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Memory(Base):
    """A `[key: value]` fact about one user, embedded once when stored."""

    __tablename__ = "memories"
    __table_args__ = (Index("ix_memories_user_active", "user_id", "superseded_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[str] = mapped_column(String(300))
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    embedder: Mapped[str | None] = mapped_column(
        String(80), default=None, doc="which embedder made `embedding`; another one means re-embed"
    )
    valid_on: Mapped[str | None] = mapped_column(String(10), doc="ISO date the fact is about, if any")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    @property
    def text(self) -> str:
        return f"[{self.key}: {self.value}]"


class Summary(Base):
    """The summary of the last turn per user per channel."""

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("user_id", "channel_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Sanction(Base):
    """A warning or a ban, issued automatically or by an admin, in one guild."""

    __tablename__ = "sanctions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    category: Mapped[str] = mapped_column(String(20))
    level: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), doc="'warning' or 'ban'")
    reason: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[int | None] = mapped_column(BigInteger, doc="admin id; NULL when automatic")
    evidence: Mapped[str | None] = mapped_column(Text, doc="message and scores behind an automatic one")
    start: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime, doc="NULL for warnings")
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    lifted_by: Mapped[int | None] = mapped_column(BigInteger, default=None)


class Style(Base):
    """A user's hair style: ombre hue, start height and gradient length."""

    __tablename__ = "styles"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    hue: Mapped[float] = mapped_column(Float)
    ombre_height: Mapped[float] = mapped_column(Float)
    ombre_length: Mapped[float] = mapped_column(Float)


class Job(Base):
    """One queued message; written before work starts so a restart can resume it."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    guild_id: Mapped[int | None] = mapped_column(BigInteger)
    channel_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", doc="queued|running|done|failed")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
