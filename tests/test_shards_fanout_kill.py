"""`kill -9` of one of two sharded `movesbot run` processes in the middle of an alert fan-out, over one database
(PostgreSQL, and SQLite): the other process finishes the fan-out, the rows the dead one had claimed included once
their lease (`MOVESBOT_ALERT_LEASE_SECONDS`) runs out, and every channel has the alert exactly once. The fake
Discord answers each alert late, so the kill lands between a post and its record: the dead process's messages
are found by their marker, not posted again."""

from __future__ import annotations

import asyncio
import time

from bot.alerts import claimer
from bot.store import Store
from tests.discord_helpers import eventually
from tests.fake_discord import FakeChannel, FakeDiscord
from tests.fake_discord.shards import snowflake_in_shard
from tests.test_shards_processes import SHARDS, Cluster, _start, _stop, opened, shared_db  # noqa: F401 (fixture)

CHANNELS_PER_GUILD = 12  # two guilds a shard: 48 channels
RATE = 16                # MOVESBOT_ALERT_RATE: 8 a process (its shard's share), 8 in any 1.1 s: about 3.5 s in all
LEASE = 2                # MOVESBOT_ALERT_LEASE_SECONDS: how long the survivor waits for the dead one's claims
REPLY_DELAY = 0.6        # seconds Discord takes to answer each alert
MESSAGES = r"/channels/\d+/messages"
VICTIM = 1               # the shard whose process is killed


def _alerts(fake: FakeDiscord, channel_id: int | str, batch: str | None = None) -> list[dict]:
    """The alert messages in a channel (those with a batch marker), or those carrying `batch`."""
    return [m for m in fake.messages_in(str(channel_id))
            if any(f"movesbot · {batch or 'mb'}" in ((e.get("footer") or {}).get("text") or "")
                   for e in m.get("embeds") or [])]


async def _posted_unrecorded(store: Store, fake: FakeDiscord, owner: str) -> list[tuple[int, str]]:
    """(channel, batch) of the alerts `owner` holds mid-send whose message Discord already has."""
    rows = await store._db.execute_fetchall(
        "SELECT channel_id, batch FROM outbox WHERE state = 'sending' AND claimed_by = ?", (owner,))
    return [(channel, batch) for channel, batch in rows if _alerts(fake, channel, batch)]


async def _open_alerts(store: Store) -> int:
    return (await store._db.execute_fetchall("SELECT count(*) FROM outbox WHERE state != 'sent'"))[0][0]


async def _start_cluster(cluster: Cluster) -> None:
    fake = cluster.fake
    for shard in range(SHARDS):
        cluster.procs[shard] = await _start(cluster, shard, MOVESBOT_ALERT_RATE=str(RATE),
                                            MOVESBOT_ALERT_LEASE_SECONDS=str(LEASE), MOVESBOT_ALERT_POLL_SECONDS="0.1")
    await fake.wait_until(lambda: sorted(fake.live_shards) == [[0, 2], [1, 2]], 60, "both shards' sessions")
    for shard in range(SHARDS):
        await eventually(lambda s=shard: f"shards [{s}] of {SHARDS} ready: 2 guild(s)" in cluster.log(s), 60,
                         f"shard {shard} ready")


async def test_kill_9_of_one_process_mid_fan_out_the_other_finishes_it_once(shared_db: str, tmp_path) -> None:  # noqa: F811
    fake = FakeDiscord()
    cluster = Cluster(fake, shared_db, tmp_path)
    channels: list[FakeChannel] = []
    for shard in range(SHARDS):
        for n in range(2):
            guild = fake.add_guild(f"Guild {shard}.{n}", guild_id=snowflake_in_shard(shard, SHARDS))
            channels += [fake.add_channel(f"alerts-{i}", guild_id=guild.id) for i in range(CHANNELS_PER_GUILD)]
    fake.delay_replies(MESSAGES, REPLY_DELAY, method="POST")
    await fake.start()
    try:
        async with opened(shared_db) as store:
            for c in channels:
                await store.add_subscription(guild_id=int(c.guild_id), channel_id=int(c.id), target_kind="all",
                                             target_id=None, target_name="everything")
            await _start_cluster(cluster)
            await cluster.cli("add", "--person", "Kai Killnine", "--from-org", "Meta", "--to-org", "OpenAI",
                              "--date", "2026-06", "--source", "https://example.com/kai")
            started = time.monotonic()
            victim = claimer((VICTIM,))
            while not (sum(len(_alerts(fake, c.id)) for c in channels) >= 8
                       and await _posted_unrecorded(store, fake, victim)):
                assert time.monotonic() - started < 20, "the victim never posted during the fan-out"
                await asyncio.sleep(0.02)
            cluster.procs[VICTIM].kill()  # SIGKILL: no handler runs, its connections just drop
            await cluster.procs[VICTIM].wait()
            posted_at_kill = sum(bool(_alerts(fake, c.id)) for c in channels)
            dead_posted = await _posted_unrecorded(store, fake, victim)
            while await _open_alerts(store) and time.monotonic() - started < 30:
                await asyncio.sleep(0.1)
            finished = time.monotonic() - started
            await asyncio.sleep(1.1 + 0.3)  # a pace window and a few passes more: nothing more may go out
            assert await _open_alerts(store) == 0
            recovered = {e.channel_id for e in await store.delivery_log(limit=500) if e.outcome == "recovered"}
    finally:
        await asyncio.gather(*(_stop(p) for p in cluster.procs.values()))
        await fake.stop()
    print(f"\nkill -9 after {posted_at_kill}/{len(channels)} channels; {len(dead_posted)} posted by the dead process "
          f"and unrecorded; fan-out done {finished:.1f} s after the first alert (lease {LEASE} s)")
    assert 0 < posted_at_kill < len(channels)
    assert dead_posted  # the case that matters happened: posted, then killed before the record
    assert {channel for channel, _ in dead_posted} <= recovered  # found by its marker
    assert [len(_alerts(fake, c.id)) for c in channels] == [1] * len(channels)
    assert cluster.procs[0].returncode is None or cluster.procs[0].returncode == 0
    assert "Traceback" not in cluster.log(0)
    assert fake.problems() == []
