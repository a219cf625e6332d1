"""End to end on the real embedded weights, loaded through the production code paths.

Slow (model assembly on first run, then a few CPU-bound turns): marked `slow`, run by `.ci/run`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import load_settings
from bot.db.models import Job, Turn
from bot.discord.client import OhLoraBot
from bot.runtime import load_engine
from bot.service.memory_control import MemoryControl
from bot.service.moderation import Moderation
from bot.service.ports import TurnEngine
from tests.conftest import make_service

pytestmark = pytest.mark.slow
HANGUL = re.compile(r"[가-힣]")


@pytest.fixture(scope="module")
def real_engine() -> Iterator[TurnEngine]:
    yield load_engine(load_settings(_env_file=None))


def test_terminal_chat_answers_a_korean_greeting_and_writes_a_png(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        "IMAGE_DIR": str(tmp_path / "faces"),
        "PYTHONUNBUFFERED": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "chat"],
        input="안녕 로라야! 반가워\n/quit\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    replies = [line for line in done.stdout.splitlines() if line.startswith("로라> ")]
    assert replies and HANGUL.search(replies[0]), done.stdout
    pngs = list((tmp_path / "faces").glob("*.png"))
    assert len(pngs) == 1 and pngs[0].read_bytes().startswith(b"\x89PNG")
    assert str(pngs[0]) in done.stdout


def test_bot_without_a_token_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "bot"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in done.stderr


@pytest.fixture
def simcord_bot(sessions, real_engine: TurnEngine, db_url: str) -> OhLoraBot:  # type: ignore[no-untyped-def]
    settings = load_settings(database_url=db_url, discord_token="test-token", _env_file=None)
    service = make_service(sessions, real_engine, job_timeout_s=600.0)  # type: ignore[arg-type]
    return OhLoraBot(
        settings=settings, service=service, moderation=Moderation(sessions), memories=MemoryControl(sessions)
    )


@pytest.mark.simcord(settle_timeout=600)
async def test_a_discord_mention_gets_a_korean_reply_with_her_face(simcord_env, sessions) -> None:
    guild = simcord_env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(simcord_env.create_user("alice"))
    await alice.send(channel, f"<@{simcord_env.bot.user.id}> 안녕 로라야, 오늘 뭐 했어?")
    reply = channel.last_message
    assert reply.author.id == simcord_env.bot.user.id
    assert HANGUL.search(reply.content) and "###" not in reply.content
    assert len(reply.attachments) == 1
    png = await reply.attachments[0].read()
    assert png.startswith(b"\x89PNG")
    async with sessions() as s:
        assert (await s.scalars(select(Job))).one().status == "done"
        assert (await s.scalars(select(Turn))).one().reply == reply.content
