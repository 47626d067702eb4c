"""The alert fan-out from two sharded bot processes over one PostgreSQL database: one new move to `scale.channels`
channels spread over guilds of both shards, the fake Discord allowing `scale.rate` messages a second on the
channel-message route for the whole bot (one token: both processes together) and answering 429 past it.

    python -m bench.run --only fanout_sharded [--quick]

The figure is the time from the move's record to the last alert Discord accepted, against the least time the limit
allows ((channels - 1) // rate seconds); every channel must get the alert once (counted from the fake's requests)
and every delivery must be `sent` in the outbox. The server is our own (tests/pg_server.py) with PostgreSQL's
durable defaults (fsync and synchronous commits on), in a temp folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import sys
import time
from pathlib import Path

from bench.common import OUT, Figure, Scale, run_child
from bench.discord_bench import CONCURRENCY, MESSAGES, _fake
from bench.queries import dataset_names

SHARDS = 2
GUILDS_PER_SHARD = 5
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


def fanout_sharded(scale: Scale, data: Path) -> list[Figure]:
    """A PostgreSQL server of our own, the dataset loaded by `movesbot load`, then the fan-out."""
    from tests.pg_server import PgServer

    server = PgServer(settings=DURABLE).start()
    try:
        url = server.url(server.create_database())
        load = run_child([sys.executable, "-m", "bot", "load", "--data", str(data), "--db", url], cwd=OUT)
        if load.returncode != 0:
            raise RuntimeError(f"movesbot load failed:\n{load.output[-2000:]}")
        return asyncio.run(_fanout(scale, url, data))
    finally:
        server.stop()


async def _fanout(scale: Scale, url: str, data: Path) -> list[Figure]:
    from bot.store import Store
    from tests.fake_discord.shards import snowflake_in_shard

    fake = _fake()
    guilds = [fake.add_guild(f"Guild {s}.{n}", guild_id=snowflake_in_shard(s, SHARDS))
              for s in range(SHARDS) for n in range(GUILDS_PER_SHARD)]
    channels = [fake.add_channel(f"alerts-{i}", guild_id=guilds[i % len(guilds)].id) for i in range(scale.channels)]
    fake.rate_limit(MESSAGES, scale.rate, method="POST")
    await fake.start()
    procs: list[asyncio.subprocess.Process] = []
    try:
        async with await Store.open(url) as store:
            for ch in channels:
                await store.add_subscription(guild_id=int(ch.guild_id), channel_id=int(ch.id), target_kind="all",
                                             target_id=None, target_name="everything")
            procs = [await _bot(fake, url, data, scale.rate, shard) for shard in range(SHARDS)]
            await asyncio.gather(*(_ready(shard, p) for shard, p in enumerate(procs)))
            started = time.monotonic()
            await store.record_move(_move(data), origin="cli", actor="bench")
            alerts = {str(ch.id) for ch in channels}

            def delivered() -> list:
                return [r for r in fake.requests if r.method == "POST" and r.status == 200
                        and re.fullmatch(MESSAGES, r.path) and r.path.split("/")[2] in alerts]

            await fake.wait_until(lambda: len(delivered()) >= scale.channels or None,
                                  timeout=scale.channels / scale.rate * 3 + 60, what="every channel's alert")
            for _ in range(100):  # each process marks a delivery sent once Discord answered it
                if await store.sent_count() >= scale.channels:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(1.5)  # past a pace window: a second message to any channel would show up now
            ok = delivered()
            by_owner = await store._db.execute_fetchall(
                "SELECT claimed_by, count(*) FROM outbox WHERE state = 'sent' GROUP BY claimed_by ORDER BY 1")
            sent = await store.sent_count()
    finally:
        await asyncio.gather(*(_stop(p) for p in procs))
        await fake.stop()
    refused = sum(1 for r in fake.requests if r.status == 429)
    return _figures(scale, [r.at - started for r in ok], ok, refused, sent, by_owner)


def _figures(scale: Scale, times: list[float], ok: list, refused: int, sent: int, by_owner: list) -> list[Figure]:
    """The time against the least the limit allows; messages beyond one per channel; channels and rows missed."""
    least, elapsed = (scale.channels - 1) // scale.rate * 1.0, max(times)  # a sliding window of 1 s: `rate` a second
    per_channel: dict[str, int] = {}
    for r in ok:
        per_channel[r.path] = per_channel.get(r.path, 0) + 1
    duplicated = sum(n - 1 for n in per_channel.values())
    lost = scale.channels - len(per_channel)
    split = ", ".join(f"{owner.rsplit(':', 1)[-1]}: {n}" for owner, n in by_owner)
    ratio = elapsed / least if least else None
    name = f"fanout_sharded_{scale.channels}_channels"
    return [
        Figure(name, elapsed, "s", least, "ratio <= 1.2", bool(ratio is not None and ratio <= 1.2),
               note=f"2 processes over PostgreSQL; first alert after {min(times):.2f} s; "
                    f"{sum(per_channel.values())} messages, {refused} answered 429, "
                    f"{sent} marked sent ({split}); reference: the least the rate limit ({scale.rate}/s) allows"),
        Figure(f"{name}_duplicated", duplicated, "count", None, "0", duplicated == 0,
               note="messages beyond the first in a channel, from the fake's requests"),
        Figure(f"{name}_lost", lost + (scale.channels - sent), "count", None, "0", lost == 0 and sent == scale.channels,
               note=f"{lost} channels without the alert, {scale.channels - sent} deliveries not marked sent"),
    ]


def _move(data: Path):
    from bot.models import Move

    _, orgs, _ = dataset_names(data)
    return Move.model_validate({"id": "bench-fanout-sharded", "person": "Ada Shardbench", "from": {"org": orgs[0]},
                                "to": {"org": orgs[1]}, "date": "2026-03", "status": "reported",
                                "sources": [{"url": "https://bench.example.com/fanout-sharded"}]})


def _log(shard: int) -> Path:
    return OUT / "tmp" / f"fanout-sharded-{shard}.log"


async def _bot(fake, url: str, data: Path, rate: int, shard: int) -> asyncio.subprocess.Process:
    """`movesbot run` for one shard of two, told the bot's whole rate (it sends at its shards' share of it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOVESBOT_", "DISCORD_"))}
    env.update({"DISCORD_TOKEN": fake.token or "fake-token", "MOVESBOT_DISCORD_API_BASE": fake.api_base,
                "MOVESBOT_DISCORD_GATEWAY": fake.gateway_url, "MOVESBOT_DB": url, "MOVESBOT_DATA": str(data),
                "MOVESBOT_DATA_POLL_SECONDS": "0", "MOVESBOT_ALERT_POLL_SECONDS": "0.05",
                "MOVESBOT_ALERT_RATE": str(rate), "MOVESBOT_ALERT_CONCURRENCY": str(CONCURRENCY),
                "MOVESBOT_SHARD_COUNT": str(SHARDS), "MOVESBOT_SHARD_IDS": str(shard)})
    with _log(shard).open("wb") as log:
        return await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=OUT / "tmp", env=env,
                                                    stdout=asyncio.subprocess.DEVNULL, stderr=log)


async def _ready(shard: int, proc: asyncio.subprocess.Process, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while f"shards [{shard}] of {SHARDS} ready" not in _log(shard).read_text(errors="replace"):
        if proc.returncode is not None or time.monotonic() > deadline:
            raise RuntimeError(f"shard {shard}'s process did not get ready:\n{_log(shard).read_text()[-2000:]}")
        await asyncio.sleep(0.1)


async def _stop(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 15)
    except TimeoutError:
        proc.kill()
        with contextlib.suppress(Exception):
            await proc.wait()
