"""Two real `movesbot run` processes over one database, shards 0 and 1 of 2, against the fake Discord (which routes
each guild's events to the session of its shard only): each guild answered once, by its own process; a move
recorded through one process found through the other; a new move posted once in each subscribed channel.

The processes start once for the module. The database is one fixture, `shared_db`, the value of `MOVESBOT_DB`
(a SQLite file today, a server's URL as well later), and the tests reach it only through `Store` and the CLI.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from bot.store import Store
from tests.discord_helpers import answer_of, embed, eventually, replies_to, reply_to
from tests.fake_discord import FakeChannel, FakeDiscord
from tests.fake_discord import payloads as P
from tests.fake_discord.shards import shard_of, snowflake_in_shard
from tests.pg_fixtures import selected_backends

pytestmark = pytest.mark.asyncio(loop_scope="module")

MOVESBOT = str(Path(sys.executable).parent / "movesbot")
ROOT = Path(__file__).resolve().parents[1]
SHARDS = 2
POLL = 0.2  # MOVESBOT_ALERT_POLL_SECONDS: how often each process reads the event log and the outbox
RATE = 2  # MOVESBOT_ALERT_RATE: 4 alerts take two 1.1 s windows, as a fan-out to 1,000 channels takes 22 s at 45/s
MOD = P.DEFAULT_PERMISSIONS | P.MANAGE_GUILD


@dataclass
class Cluster:
    """The fake, the shared database, and one bot process per shard with its log file."""

    fake: FakeDiscord
    db: str
    work: Path
    general: dict[int, list[FakeChannel]] = field(default_factory=dict)  #: shard -> a #general per guild
    alerts: dict[int, list[FakeChannel]] = field(default_factory=dict)  #: shard -> an #alerts per guild
    procs: dict[int, asyncio.subprocess.Process] = field(default_factory=dict)

    def log(self, shard: int) -> str:
        return (self.work / f"shard-{shard}.log").read_text(encoding="utf-8", errors="replace")

    async def cli(self, *args: str) -> str:
        """A `movesbot` command in its own process (a shell beside the bot); its standard output."""
        proc = await asyncio.create_subprocess_exec(MOVESBOT, *args, "--db", self.db, cwd=self.work, env=_env(self),
                                                    stdout=asyncio.subprocess.PIPE)
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, args
        return out.decode()


def _env(cluster: Cluster, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOVESBOT_") and k != "DISCORD_TOKEN"}
    return {**clean, "MOVESBOT_DB": cluster.db, "MOVESBOT_DATA": str(ROOT / "data"), "MOVESBOT_DB_TIMEOUT": "10",
            **extra}


async def _start(cluster: Cluster, shard: int, **settings: str) -> asyncio.subprocess.Process:
    """`movesbot run` for one shard; `settings` add to or override the environment's MOVESBOT_ settings."""
    fake = cluster.fake
    env = _env(cluster, **{"DISCORD_TOKEN": fake.token or "", "MOVESBOT_DATA_POLL_SECONDS": "0",
                           "MOVESBOT_ALERT_POLL_SECONDS": str(POLL), "MOVESBOT_ALERT_RATE": str(RATE),
                           "MOVESBOT_DISCORD_API_BASE": fake.api_base, "MOVESBOT_DISCORD_GATEWAY": fake.gateway_url,
                           "MOVESBOT_SHARD_COUNT": str(SHARDS), "MOVESBOT_SHARD_IDS": str(shard), **settings})
    with open(cluster.work / f"shard-{shard}.log", "wb") as log:
        return await asyncio.create_subprocess_exec(MOVESBOT, "run", cwd=cluster.work, env=env,
                                                    stdout=asyncio.subprocess.DEVNULL, stderr=log)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            proc.kill()
            await proc.wait()


@pytest.fixture(scope="module", params=selected_backends())
def shared_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database both processes share (`MOVESBOT_DB`), the default dataset loaded: a SQLite file (WAL), or a
    PostgreSQL database (what sharded processes on several hosts would share)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("shared") / "movesbot.db"
        shutil.copyfile(request.getfixturevalue("loaded_db"), path)
        yield str(path)
        return
    server = request.getfixturevalue("pg_server")
    name = server.create_database(request.getfixturevalue("loaded_pg_template"))
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@contextlib.asynccontextmanager
async def opened(db: str) -> AsyncIterator[Store]:
    store = await Store.open(db)
    try:
        yield store
    finally:
        await store.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(shared_db: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    """Two guilds in each shard (a #general and an #alerts each), and both bot processes ready."""
    work = tmp_path_factory.mktemp("shards")
    fake = FakeDiscord()
    fake.add_user("alice", global_name="Alice")
    cluster = Cluster(fake, shared_db, work)
    for shard in range(SHARDS):
        for n in range(2):
            guild = fake.add_guild(f"Guild {shard}.{n}", guild_id=snowflake_in_shard(shard, SHARDS))
            cluster.general.setdefault(shard, []).append(fake.add_channel("general", guild_id=guild.id))
            cluster.alerts.setdefault(shard, []).append(fake.add_channel("alerts", guild_id=guild.id))
    await fake.start()
    try:
        for shard in range(SHARDS):
            cluster.procs[shard] = await _start(cluster, shard)
        await fake.wait_until(lambda: sorted(fake.live_shards) == [[0, 2], [1, 2]], 60, "both shards' sessions")
        for shard in range(SHARDS):
            await eventually(lambda s=shard: f"shards [{s}] of {SHARDS} ready: 2 guild(s)" in cluster.log(s), 60,
                             f"shard {shard} ready")
        yield cluster
    finally:
        await asyncio.gather(*(_stop(p) for p in cluster.procs.values()))
        await fake.stop()


@pytest.fixture(autouse=True)
def _no_problems(cluster: Cluster) -> Iterator[None]:
    """As the fake_discord fixture does: every body the processes sent follows Discord's spec."""
    yield
    assert cluster.fake.problems() == []
    assert all(p.returncode is None for p in cluster.procs.values()), [cluster.log(s) for s in cluster.procs]


def _callbacks(fake: FakeDiscord, interaction_id: str) -> list:
    return fake.requests_matching("POST", rf"/interactions/{interaction_id}/[^/]+/callback")


async def test_each_guild_is_answered_once_by_the_process_of_its_shard(cluster: Cluster) -> None:
    fake = cluster.fake
    mentions = []
    for shard, channels in cluster.general.items():
        for channel in channels:
            assert shard_of(channel.guild_id, SHARDS) == shard
            inter = await fake.send_slash_command("person", {"name": "Ruoming Pang"}, channel_id=channel.id)
            assert embed(await answer_of(inter))["title"] == "Ruoming Pang"
            assert inter.shards == [[shard, SHARDS]]
            mentions.append(await fake.send_user_message("who left Apple's AFM team?", channel_id=channel.id,
                                                         mention_bot=True))
            assert len(_callbacks(fake, inter.id)) == 1
    for question in mentions:
        reply = await reply_to(fake, question)
        assert reply["embeds"][0]["title"] == "Who left Foundation Models (Apple)"
    await asyncio.sleep(0.5)  # a second answer, from the other process, would have come by now
    assert [len(replies_to(fake, q)) for q in mentions] == [1] * len(mentions)
    assert all(r.status < 400 for r in fake.requests_matching("POST", r"/interactions/.+/callback"))


async def _person_found(cluster: Cluster, shard: int, name: str) -> bool:
    inter = await cluster.fake.send_slash_command("person", {"name": name}, channel_id=cluster.general[shard][0].id)
    return embed(await answer_of(inter))["title"] == name


async def _seconds_until_found(cluster: Cluster, shard: int, name: str, timeout: float = 15.0) -> float:
    start = time.monotonic()
    while not await _person_found(cluster, shard, name):
        assert time.monotonic() - start < timeout, f"{name} not found through shard {shard}"
        await asyncio.sleep(0.02)
    return time.monotonic() - start


async def test_a_move_recorded_through_one_process_is_found_through_the_other(cluster: Cluster) -> None:
    fake = cluster.fake
    opened = await fake.send_slash_command("move add", {"status": "confirmed"},
                                           channel_id=cluster.general[0][0].id, permissions=MOD)
    form = await opened.wait_response()
    assert form["type"] == 9 and opened.shards == [[0, SHARDS]]
    ids = {item["label"]: item["custom_id"] for row in form["data"]["components"] for item in row["components"]}
    assert not await _person_found(cluster, 1, "Quinn Shardwell")
    submitted = await fake.submit_modal(opened, {
        ids["Person"]: "Quinn Shardwell", ids["From: org / team / role"]: "OpenAI",
        ids["To: org / team / role (empty: not reported)"]: "Anthropic",
        ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]: "2026-05", ids["Source URLs, one per line"]: "https://example.com/q"})
    assert (await submitted.wait_response())["data"]["embeds"][0]["title"] == "Recorded"
    assert await _person_found(cluster, 0, "Quinn Shardwell")  # the process that recorded it: at once
    elapsed = await _seconds_until_found(cluster, 1, "Quinn Shardwell")
    print(f"\n/move add through shard 0 -> found through shard 1 after {elapsed:.2f} s (poll {POLL} s)")
    assert elapsed < POLL + 2

    await cluster.cli("add", "--person", "Rhea Shardless", "--from-org", "Meta", "--to-org", "OpenAI", "--date",
                      "2026-06", "--source", "https://example.com/rhea")
    waits = await asyncio.gather(*(_seconds_until_found(cluster, s, "Rhea Shardless") for s in range(SHARDS)))
    print(f"movesbot add returned -> found through shards 0 and 1 after {waits[0]:.2f} s and {waits[1]:.2f} s")


async def _subscribe_everywhere(cluster: Cluster) -> list[FakeChannel]:
    channels = [c for shard in range(SHARDS) for c in cluster.alerts[shard]]
    async with opened(cluster.db) as store:
        for c in channels:
            await store.add_subscription(guild_id=int(c.guild_id), channel_id=int(c.id), target_kind="all",
                                         target_id=None, target_name="everything")
    return channels


def _alerts_in(fake: FakeDiscord, channel: FakeChannel) -> list[dict]:
    return [m for m in fake.messages_in(channel.id) if m["embeds"] and m["embeds"][0].get("title") == "New move"]


async def _alerts_due(db: str) -> int:
    async with opened(db) as store:
        return len(await store.due_deliveries())


async def test_a_new_move_is_posted_once_in_each_channel_with_two_processes(cluster: Cluster) -> None:
    fake = cluster.fake
    channels = await _subscribe_everywhere(cluster)
    await cluster.cli("add", "--person", "Sol Twiceposted", "--from-org", "Google DeepMind", "--to-org", "Meta",
                      "--date", "2026-06", "--source", "https://example.com/sol")
    await fake.wait_until(lambda: all(_alerts_in(fake, c) for c in channels), 20, "the alert in every channel")
    for _ in range(200):
        if not await _alerts_due(cluster.db):
            break
        await asyncio.sleep(0.1)
    assert not await _alerts_due(cluster.db)
    await asyncio.sleep(2 * 1.1 + 2 * POLL)  # two more pace windows and passes of both workers: no more posts
    assert [len(_alerts_in(fake, c)) for c in channels] == [1] * len(channels)
