"""What the Discord layer and the terminal hand to the service, and what they get back."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class ChatRequest:
    """One message to her; `guild_id` is None in DMs and in the terminal."""

    user_id: int
    user_name: str
    channel_id: int
    text: str
    guild_id: int | None = None
    message_id: int | None = None


@dataclass(frozen=True)
class ChatReply:
    """Her answer: text, the face PNG (None when rendering failed), and how the job ended."""

    text: str
    image_png: bytes | None
    job_id: int
    status: str  # "done" | "refused" | "failed"
    category: str = "일반"
    sanction_notice: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A message that was not queued, with the short answer the user sees."""

    reason: str  # "empty" | "too_long" | "banned" | "rate_limited" | "queue_full" | "busy"
    message: str


@dataclass(frozen=True)
class JobOrigin:
    """Where a job came from, so a resumed job can be answered after a restart."""

    job_id: int
    user_id: int
    guild_id: int | None
    channel_id: int
    message_id: int | None


@dataclass
class Ticket:
    """An accepted message: its job id, how many jobs are ahead of it, and the pending reply."""

    job_id: int
    position: int
    reply: asyncio.Future[ChatReply]
