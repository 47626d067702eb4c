"""The fake Discord's sharding: each session that IDENTIFIES with ``shard`` gets its own guilds' events only, as
Discord does; checked with discord.py's real `AutoShardedBot`, one per shard, as separate bot processes would be."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import aiohttp
import discord
from discord.ext import commands

from tests.discord_helpers import eventually
from tests.fake_discord import FakeChannel, FakeDiscord, running_bot
from tests.fake_discord import payloads as P
from tests.fake_discord.shards import event_guild, receives, shard_of, snowflake_in_shard


class Recorder(commands.AutoShardedBot):
    """A sharded bot that answers /where and records every message it is sent."""

    def __init__(self, **options: object) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default(),
                         guild_ready_timeout=0.05, allowed_mentions=discord.AllowedMentions.none(), **options)
        self.seen: list[str] = []  #: ids of the messages it got (no message-content intent: no texts)

        @self.tree.command(name="where", description="Which shard answers")
        async def where(interaction: discord.Interaction) -> None:
            await interaction.response.send_message(f"shards {self.shard_ids}")

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """No 5 s wait between two shards' IDENTIFYs: the fake has no identify rate limit."""

    async def on_message(self, message: discord.Message) -> None:
        self.seen.append(str(message.id))


@contextlib.asynccontextmanager
async def sharded(fake: FakeDiscord, *shard_ids: int, count: int = 2) -> AsyncIterator[Recorder]:
    async with running_bot(Recorder(shard_count=count, shard_ids=list(shard_ids)), fake) as bot:
        yield bot


def guilds_in_shards(fake: FakeDiscord, count: int, per_shard: int = 2) -> dict[int, list[FakeChannel]]:
    """`per_shard` new guilds in each shard, each with a #general channel: shard id -> their channels."""
    out: dict[int, list[FakeChannel]] = {}
    for shard in range(count):
        for n in range(per_shard):
            guild = fake.add_guild(f"Guild {shard}.{n}", guild_id=snowflake_in_shard(shard, count))
            out.setdefault(shard, []).append(fake.add_channel("general", guild_id=guild.id))
    return out


def test_the_sharding_rule() -> None:
    assert [shard_of(snowflake_in_shard(s, 3), 3) for s in (0, 1, 2, 2, 1)] == [0, 1, 2, 2, 1]
    assert shard_of(175928847299117063, 2) == (175928847299117063 >> 22) % 2
    assert event_guild("GUILD_CREATE", {"id": "5", "guild_id": "7"}) == "5"
    assert event_guild("MESSAGE_CREATE", {"id": "5", "guild_id": 7}) == "7"
    assert event_guild("MESSAGE_CREATE", {"id": "5"}) is None
    guild_of_1 = snowflake_in_shard(1, 2)
    assert receives(None, guild_of_1) and receives([1, 2], guild_of_1) and not receives([0, 2], guild_of_1)
    assert receives([0, 2], None) and not receives([1, 2], None)  # DMs: shard 0


async def test_two_sharded_bots_each_get_their_own_guilds_and_events(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    channels = guilds_in_shards(fake, 2)
    home = shard_of(fake.guild.id, 2)  # the default guild: in one shard or the other
    async with sharded(fake, 0) as first, sharded(fake, 1) as second:
        bots = {0: first, 1: second}
        assert sorted(fake.live_shards) == [[0, 2], [1, 2]]
        assert [f.d["shard"] for f in fake.gateway_frames if f.op == 2] == [[0, 2], [1, 2]]
        for shard, bot in bots.items():
            expected = {int(c.guild_id) for c in channels[shard]} | ({int(fake.guild.id)} if home == shard else set())
            assert {g.id for g in bot.guilds} == expected
        await first.tree.sync()
        posted: dict[int, list[str]] = {0: [], 1: []}
        for shard, chans in channels.items():
            for channel in chans:
                inter = await fake.send_slash_command("where", channel_id=channel.id)
                assert (await inter.wait_response())["data"]["content"] == f"shards [{shard}]"
                assert inter.shards == [[shard, 2]]
                posted[shard] += [inter.original_id, (await fake.send_user_message("hi", channel_id=channel.id))["id"]]
        dm = FakeChannel(P.snowflake(), "", None, P.DM, recipients=[fake.user])
        fake.channels[dm.id] = dm
        posted[0].append((await fake.send_user_message("a DM", channel_id=dm.id))["id"])
        await asyncio.sleep(0.2)  # time for a wrongly routed copy to arrive
        for shard, bot in bots.items():
            assert sorted(bot.seen) == sorted(posted[shard]), shard
        answers = [r for r in fake.requests_matching("POST", r"/interactions/\d+/.+/callback")]
        assert len(answers) == 4  # each guild answered once


async def test_an_unsharded_session_still_gets_everything(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    channels = guilds_in_shards(fake, 2, per_shard=1)
    plain = commands.Bot(command_prefix=commands.when_mentioned, intents=discord.Intents.default(),
                         guild_ready_timeout=0.05)
    seen: list[int] = []

    async def on_message(message: discord.Message) -> None:
        seen.append(message.id)

    plain.add_listener(on_message)
    async with running_bot(plain, fake), sharded(fake, 1):
        assert len(plain.guilds) == 3 and sorted(fake.live_shards, key=str) == [None, [1, 2]]
        for chans in channels.values():
            await fake.send_user_message("hi", channel_id=chans[0].id)
        await eventually(lambda: len(seen) == 2, what="both messages in the unsharded bot")


async def test_gateway_bot_says_how_many_shards_and_an_autosharded_bot_opens_them(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    fake.shard_count = 3
    async with running_bot(Recorder(), fake) as bot:
        assert bot.shard_count == 3 and sorted(bot.shards) == [0, 1, 2]
        assert sorted(map(tuple, fake.live_shards)) == [(0, 3), (1, 3), (2, 3)]
        assert fake.requests_matching("GET", "/gateway/bot")


async def test_an_impossible_shard_is_refused_with_4010(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    for shard in ([2, 2], [0, 0], [-1, 2], "0,2", [0]):
        async with aiohttp.ClientSession() as http, http.ws_connect(fake.gateway_url) as ws:
            hello = json.loads((await ws.receive()).data)
            assert hello["op"] == 10
            await ws.send_str(json.dumps({"op": 2, "d": {"token": fake.token, "intents": 1, "shard": shard,
                                                         "properties": {}}}))
            closing = await ws.receive()
            assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED) and ws.close_code == 4010, shard
    assert not fake.live_shards


async def test_a_pause_in_a_guild_of_another_shard_is_told_to_that_server(fake_discord: FakeDiscord) -> None:
    """Any process may deliver to any channel, so the one that finds a channel gone may not hold its guild: it asks
    Discord for the guild and posts the notice in its system channel all the same (mentioning nobody)."""
    from bot.discord_bot.alert_sender import PAUSED, DiscordSender

    fake = fake_discord
    channels = guilds_in_shards(fake, 2, per_shard=1)
    elsewhere = channels[1][0]
    guild = fake.guilds[elsewhere.guild_id]
    guild.system_channel_id = elsewhere.id
    gone = fake.add_channel("alerts", guild_id=elsewhere.guild_id)
    async with sharded(fake, 0) as bot:
        assert bot.get_guild(int(elsewhere.guild_id)) is None  # shard 1's guild: not this process's
        await DiscordSender(bot).notify_paused(int(elsewhere.guild_id), int(gone.id), "the channel no longer exists")
    posts = [r for r in fake.requests if r.method == "POST" and r.path == f"/channels/{elsewhere.id}/messages"]
    assert len(posts) == 1 and posts[0].status == 200
    assert posts[0].json["content"] == PAUSED["en"].format(channel=int(gone.id), reason="the channel no longer exists")
    assert posts[0].json["allowed_mentions"] == {"parse": []}
