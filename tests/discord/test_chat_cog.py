"""Chat through discord.py's own objects against simcord's in-memory Discord."""

from __future__ import annotations

import discord

from tests.doubles import FakeEngine


def _world(env):  # type: ignore[no-untyped-def]
    guild = env.create_guild()
    channel = guild.create_text_channel("general")
    alice = guild.add_member(env.create_user("alice"))
    return guild, channel, alice


async def test_a_mention_is_answered_with_text_and_a_png(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    me = simcord_env.bot.user
    await alice.send(channel, f"<@{me.id}> 안녕 로라야")
    reply = channel.last_message
    assert reply.author.id == me.id
    assert reply.content == "응답: 안녕 로라야"
    assert len(reply.attachments) == 1 and reply.attachments[0].filename.endswith(".png")
    assert reply.reference is not None  # she replies to the message


async def test_she_ignores_unaddressed_messages_and_bots(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    await alice.send(channel, "그냥 혼잣말")
    assert channel.last_message.author.id == alice.id


async def test_typing_is_shown_while_the_job_runs(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    await alice.send(channel, f"<@{simcord_env.bot.user.id}> 뭐해?")
    assert any(r.method == "POST" and r.path.endswith("/typing") for r in simcord_env.http_requests)


async def test_replies_can_never_ping_everyone_here_or_roles(simcord_env) -> None:
    guild, channel, alice = _world(simcord_env)
    role = guild.create_role("fans")
    await alice.send(channel, f"<@{simcord_env.bot.user.id}> @everyone @here <@&{role.id}> 따라 해봐")
    posts = [r for r in simcord_env.http_requests if r.method == "POST" and r.path.endswith("/messages")]
    assert posts
    for post in posts:
        allowed = post.json["allowed_mentions"]
        assert allowed["parse"] == []
        assert allowed.get("roles", []) == [] and allowed.get("users", []) == []
    assert "@everyone" not in channel.last_message.content


async def test_dm_is_answered(simcord_env) -> None:
    alice = simcord_env.create_user("alice")
    simcord_env.create_guild().add_member(alice)
    message = await alice.send_dm("안녕")
    dm = alice.dm_channel
    assert dm.last_message.content == "응답: 안녕"
    assert dm.last_message.id != message.id


async def test_empty_mention_gets_a_clear_answer(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    await alice.send(channel, f"<@{simcord_env.bot.user.id}>   \u200b")
    assert "아무 말도" in channel.last_message.content


async def test_slash_chat_defers_then_answers_with_the_face(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    result = await alice.slash(channel, "chat", message="오늘 뭐 먹지")
    callbacks = [r.json for r in simcord_env.http_requests if r.path.endswith("/callback")]
    assert callbacks and callbacks[0]["type"] == 5  # deferred with "thinking…" before the slow work
    final = result.response  # the first follow-up after a deferral fills the deferred response
    assert "응답: 오늘 뭐 먹지" in final.content
    assert len(final.attachments) == 1


async def test_rate_limit_answers_instead_of_queueing(simcord_env) -> None:
    _, channel, alice = _world(simcord_env)
    mention = f"<@{simcord_env.bot.user.id}>"
    for i in range(3):
        await alice.send(channel, f"{mention} {i}")
    await alice.send(channel, f"{mention} 또")
    assert "천천히" in channel.last_message.content


async def test_a_failing_stage_still_answers_with_an_apology(simcord_env, fake_engine: FakeEngine) -> None:
    fake_engine.fail_stage = "reply"
    _, channel, alice = _world(simcord_env)
    await alice.send(channel, f"<@{simcord_env.bot.user.id}> 안녕")
    assert "문제가 생겼어" in channel.last_message.content
    assert isinstance(channel.last_message, discord.Message)


async def test_every_message_in_an_allow_listed_channel_is_answered(simcord_env) -> None:
    guild, channel, alice = _world(simcord_env)
    other = guild.create_text_channel("random")
    simcord_env.bot.settings.allowed_channel_ids = [channel.id]
    await alice.send(channel, "멘션 없이 말해도 돼?")
    assert channel.last_message.content == "응답: 멘션 없이 말해도 돼?"
    await alice.send(other, "여기는?")
    assert other.last_message.author.id == alice.id
