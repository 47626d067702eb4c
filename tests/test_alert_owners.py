"""Several bot processes over one database: an alert one process has claimed (its lease) and is posting is not
taken by another process meanwhile. Each process claims under a name of its own (a worker's default: host and pid;
the bot's: host and shards, so that a restarted bot takes its claims back at once); one that shared the other's (the
empty name every worker once had) would find the row "its own", see no marker yet, and post it again."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import discord
from discord.ext import commands

from bot.alerts import AlertWorker, claimer
from bot.store import Store
from tests.test_alerts_core import FakeSender, make_move, subscribe

ROOT = Path(__file__).resolve().parents[1]

OTHER_PROCESS = textwrap.dedent("""
    import asyncio, sys
    from bot.alerts import AlertWorker
    from bot.store import Store
    from tests.test_alerts_core import FakeSender

    async def main():
        async with await Store.open(sys.argv[1]) as store:
            sender = FakeSender()
            print(await AlertWorker(store, sender).run_once(), len(sender.attempts))

    asyncio.run(main())
""")


class HeldSender(FakeSender):
    """Posts only once `release` is set: the moment between the claim and the post, held open."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()

    async def send(self, alert):
        self.attempts.append(alert)
        await self.release.wait()
        return await super().send(alert)


async def test_an_alert_another_process_is_posting_is_not_posted_again(db_path):
    async with await Store.open(db_path) as store:
        await subscribe(store, 1)
        await store.record_move(make_move("Zoe Testperson", "Apple", "Meta", "2026-02"), origin="cli", actor="cli")
        sender = HeldSender()
        posting = asyncio.create_task(AlertWorker(store, sender).run_once())
        while not sender.attempts:  # claimed, now posting
            await asyncio.sleep(0.01)
        other = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", OTHER_PROCESS, str(db_path)],
                                        cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert other.returncode == 0, other.stderr
        assert other.stdout.split() == ["0", "0"]  # nothing sent, nothing even tried
        sender.release.set()
        assert await posting == 1
        assert sender.moves_in(1) == [["zoe-testperson-meta-2026-02"]]


def test_a_bot_claims_under_its_host_and_shards_the_same_after_a_restart():
    def bot(shards: list[int] | None) -> commands.Bot:
        if shards is None:
            return commands.Bot(command_prefix="!", intents=discord.Intents.none())
        return commands.AutoShardedBot(command_prefix="!", intents=discord.Intents.none(), shard_ids=shards,
                                       shard_count=4)

    names = [claimer(getattr(bot(s), "shard_ids", None)) for s in (None, [0, 1], [3, 2], [0, 1])]
    assert names == [socket.gethostname(), f"{socket.gethostname()}:shards 0,1",
                     f"{socket.gethostname()}:shards 2,3", f"{socket.gethostname()}:shards 0,1"]


def test_each_process_sends_at_its_shards_share_of_the_rate() -> None:
    """Discord counts a bot's requests across its processes: two processes of one shard each share the rate."""
    from bot.alerts import rate_share

    assert rate_share(45.0, None, None) == 45.0
    assert rate_share(45.0, (0,), 2) == 22.5 and rate_share(45.0, (1,), 2) == 22.5
    assert rate_share(40.0, (0, 1, 2), 4) == 30.0
    assert rate_share(45.0, (0, 1), 2) == 45.0
