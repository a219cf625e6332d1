"""/memory, /forget, /ombre and the admin commands through simcord."""

from __future__ import annotations

import json

import discord
import pytest
from simcord import assert_error
from sqlalchemy import func, select

from bot.db.models import Memory, Sanction, Summary, Turn


def _world(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(env.create_user("alice"))
    return guild, channel, alice


async def _tell(env, member, channel, text: str) -> None:  # type: ignore[no-untyped-def]
    await member.send(channel, f"<@{env.bot.user.id}> {text}")


async def test_memory_lists_only_my_memories_ephemerally(simcord_env) -> None:
    guild, channel, alice = _world(simcord_env)
    bob = guild.add_member(simcord_env.create_user("bob"))
    await _tell(simcord_env, alice, channel, "기억해 [반려동물: 고양이 나비]")
    await _tell(simcord_env, bob, channel, "기억해 [비밀: 금고 비번 0000]")
    mine = await alice.slash(channel, "memory")
    assert mine.ephemeral
    assert "[반려동물: 고양이 나비]" in mine.response.content
    assert "0000" not in mine.response.content


async def test_memory_forget_one_item_and_export(simcord_env, sessions) -> None:
    _, channel, alice = _world(simcord_env)
    await _tell(simcord_env, alice, channel, "[좋아하는 음식: 마라탕] [싫어하는 것: 오이]")
    async with sessions() as s:
        ids = {m.key: m.id for m in (await s.scalars(select(Memory))).all()}
    result = await alice.slash(channel, "memory", forget=ids["싫어하는 것"])
    assert "지웠어" in result.response.content
    listed = await alice.slash(channel, "memory")
    assert "오이" not in listed.response.content and "마라탕" in listed.response.content
    exported = await alice.slash(channel, "memory", export=True)
    data = json.loads(await exported.response.attachments[0].read())
    assert [m["memory"] for m in data["memories"]] == ["[좋아하는 음식: 마라탕]"]


async def test_forget_needs_confirmation_and_leaves_no_row(simcord_env, sessions) -> None:
    _, channel, alice = _world(simcord_env)
    await _tell(simcord_env, alice, channel, "[내일 일정: 친구랑 카페]")
    shown = await alice.slash(channel, "forget")
    assert shown.ephemeral
    await alice.click(shown.response, label="취소")
    async with sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Memory)) == 1
    shown = await alice.slash(channel, "forget")
    await alice.click(shown.response, label="전부 지우기")
    async with sessions() as s:
        for table in (Memory, Summary, Turn):
            assert await s.scalar(select(func.count()).select_from(table)) == 0


async def test_ombre_saves_my_style_and_previews_it(simcord_env, sessions) -> None:
    _, channel, alice = _world(simcord_env)
    result = await alice.slash(channel, "ombre", hue=200, height=40, length=30)
    assert result.ephemeral
    assert "200°" in result.response.content
    assert result.response.attachments[0].filename == "ombre.png"


async def test_ban_is_refused_without_permission(simcord_env) -> None:
    guild, channel, alice = _world(simcord_env)
    bob = guild.add_member(simcord_env.create_user("bob"))
    result = await alice.slash(channel, "ban", user=bob, duration="1d", reason="도배")
    assert result.ephemeral and "관리자" in result.response.content
    assert_error(simcord_env, discord.app_commands.CheckFailure)


async def test_moderator_bans_then_user_is_told_then_unban(simcord_env, sessions) -> None:
    guild, channel, alice = _world(simcord_env)
    mods = guild.create_role("Mods", permissions=discord.Permissions(ban_members=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    log_channel = guild.create_text_channel("mod-log")
    simcord_env.bot.settings.mod_log_channel_id = log_channel.id

    result = await mod.slash(channel, "ban", user=alice, duration="7d", reason="도배")
    assert result.ephemeral and "7일" in result.response.content
    assert "도배" in log_channel.last_message.content
    await _tell(simcord_env, alice, channel, "안녕")
    assert "대화할 수 없어" in channel.last_message.content and "도배" in channel.last_message.content

    history = await mod.slash(channel, "warnings", user=alice)
    assert "도배" in history.response.content
    await mod.slash(channel, "unban", user=alice)
    await _tell(simcord_env, alice, channel, "다시 안녕")
    assert channel.last_message.content == "응답: 다시 안녕"


async def test_admin_role_may_warn_and_bad_duration_is_explained(simcord_env) -> None:
    guild, channel, alice = _world(simcord_env)
    helper_role = guild.create_role("Helpers")
    helper = guild.add_member(simcord_env.create_user("helper"), roles=[helper_role])
    simcord_env.bot.settings.admin_role_id = helper_role.id
    warned = await helper.slash(channel, "warn", user=alice, reason="반말 주의")
    assert "경고" in warned.response.content
    bad = await helper.slash(channel, "ban", user=alice, duration="forever", reason="x")
    assert "이해하지 못했어" in bad.response.content


async def test_automatic_sanction_climbs_and_can_be_reviewed_and_reversed(simcord_env, sessions) -> None:
    guild, channel, alice = _world(simcord_env)
    mods = guild.create_role("Mods", permissions=discord.Permissions(moderate_members=True))
    mod = guild.add_member(simcord_env.create_user("mod"), roles=[mods])
    await _tell(simcord_env, alice, channel, "ㅅㅂ 꺼져")
    notice = channel.last_message.content
    assert "제재 번호" in notice and "1일" in notice
    async with sessions() as s:
        sanction = (await s.scalars(select(Sanction))).one()
    review = await mod.slash(channel, "sanction", number=sanction.id)
    assert "ㅅㅂ 꺼져" in review.response.content  # the evidence: message and scores
    lifted = await mod.slash(channel, "sanction", number=sanction.id, lift=True)
    assert "해제" in lifted.response.content
    await _tell(simcord_env, alice, channel, "미안해")
    assert channel.last_message.content == "응답: 미안해"


@pytest.mark.parametrize("command", ["warn", "unban", "warnings"])
async def test_every_admin_command_is_guarded(simcord_env, command: str) -> None:
    _guild, channel, alice = _world(simcord_env)
    options = {"user": alice} if command != "warn" else {"user": alice, "reason": "x"}
    result = await alice.slash(channel, command, **options)
    assert "관리자" in result.response.content
    assert_error(simcord_env, discord.app_commands.CheckFailure)


async def test_the_ladder_climbs_then_steps_down_after_clean_periods_and_says_how_to_appeal(
    simcord_env,
) -> None:
    from datetime import timedelta

    from bot.db.models import utcnow

    _, channel, alice = _world(simcord_env)
    now = [utcnow()]
    simcord_env.bot.service.clock = lambda: now[0]  # the service's clock, moved by the test
    await _tell(simcord_env, alice, channel, "ㅅㅂ 꺼져")  # 혐오/기타: 1d → 7d → 90d → 1461d
    first = channel.last_message.content
    assert "1일" in first and "제재 번호 #" in first and "이의가 있으면" in first
    await _tell(simcord_env, alice, channel, "안녕")
    assert "대화할 수 없어" in channel.last_message.content  # banned for now
    now[0] += timedelta(days=2)  # the day is over: the next offence climbs one rung
    await _tell(simcord_env, alice, channel, "ㅅㅂ 또 꺼져")
    assert "7일" in channel.last_message.content
    now[0] += timedelta(days=7 + 2 * 30 + 1)  # ban over, then two clean periods (30 days each)
    await _tell(simcord_env, alice, channel, "ㅅㅂ 진짜 꺼져")
    assert "1일" in channel.last_message.content  # two rungs down from the next one: the first
