"""The Discord side of the bench, through the fake Discord of tests/fake_discord on loopback: interaction round
trips, alert fan-out under a rate limit, and the bot process's memory.

The fake runs here without its OpenAPI validation of every body (a test oracle, not part of the bot: it would
be most of the time measured).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import re
import signal
import sys
import time
from pathlib import Path

from bench.common import OUT, Figure, Scale, label, percentile
from bench.queries import dataset_names, misspell, question_mix

MESSAGES = r"/channels/\d+/messages"
CONCURRENCY = int(os.environ.get("BENCH_ALERT_CONCURRENCY", "8"))


def _fake():
    from tests.fake_discord.server import FakeDiscord

    return FakeDiscord(validate_requests=False, validate_responses=False).populate_defaults()


def _interactions(data: Path, count: int) -> list[tuple[str, str, dict, str | None]]:
    """(kind, command, options, focused option) for a mix of slash commands and autocompletes."""
    rng = random.Random(21)
    people, orgs, _ = dataset_names(data)
    questions = question_mix(data, count, seed=22)
    mix = [
        lambda i: ("command", "person", {"name": misspell(rng.choice(people), rng)}, None),
        lambda i: ("command", "left", {"org": rng.choice(orgs)}, None),
        lambda i: ("command", "recent", {}, None),
        lambda i: ("command", "org", {"name": rng.choice(orgs)}, None),
        lambda i: ("command", "ask", {"question": questions[i]}, None),
        lambda i: ("command", "moves", {"from_org": rng.choice(orgs), "to_org": rng.choice(orgs)}, None),
        lambda i: ("autocomplete", "person", {"name": misspell(rng.choice(people), rng)[:rng.randint(3, 8)]}, "name"),
        lambda i: ("autocomplete", "left", {"org": rng.choice(orgs)[:rng.randint(2, 6)]}, "org"),
    ]
    return [mix[i % len(mix)](i) for i in range(count)]


async def roundtrip(scale: Scale, db: Path, data: Path) -> list[Figure]:
    """Interaction received (dispatched on the gateway) to callback sent (received by the fake), at the mid size."""
    import aiohttp

    from tests.bot_fixtures import make_bot
    from tests.fake_discord.harness import redirect_discord, running_bot

    fake = _fake()
    await fake.start()
    times, floor, kinds = [], [], {}
    try:
        with redirect_discord(fake):
            bot = make_bot(db, data, MOVESBOT_ALERT_POLL_SECONDS=1.0)
            async with running_bot(bot, fake, timeout=30) as running:
                await asyncio.wait_for(running.ready.wait(), timeout=900)
                for kind, name, options, focused in _interactions(data, scale.interactions + 10):
                    if kind == "command":
                        inter = await fake.send_slash_command(name, options)
                    else:
                        inter = await fake.send_autocomplete(name, options, focused=focused)
                    await inter.wait_response(timeout=30)
                    callback = next(r for r in reversed(fake.requests) if r.path.endswith("/callback")
                                    and f"/interactions/{inter.id}/" in r.path)
                    times.append(callback.at - inter.created)
                    kinds[inter.response["type"]] = kinds.get(inter.response["type"], 0) + 1
                async with aiohttp.ClientSession() as session:  # the floor: one HTTP round trip to the fake
                    for _ in range(len(times)):
                        started = time.perf_counter()
                        async with session.get(f"{fake.api_base}/gateway") as response:
                            await response.read()
                        floor.append(time.perf_counter() - started)
    finally:
        await fake.stop()
    times, floor = times[10:], floor[10:]  # the first ones warm caches up
    name = f"roundtrip_{label(scale.mid)}"
    answered = ", ".join(f"{n} of type {t}" for t, n in sorted(kinds.items()))
    return [
        Figure(f"{name}_p50", percentile(times, 50) * 1000, "ms", percentile(floor, 50) * 1000, None, None,
               note="reference: one HTTP request to the fake on loopback"),
        Figure(f"{name}_p99", percentile(times, 99) * 1000, "ms", percentile(floor, 99) * 1000, "p99 < 50 ms",
               percentile(times, 99) < 0.050, note=f"callbacks: {answered}"),
    ]


async def fanout(scale: Scale, db: Path, data: Path) -> list[Figure]:
    """One new move to `scale.channels` subscribed channels, the fake allowing `scale.rate` messages a second on the
    channel-message route and answering 429 past it: all delivered, none twice, how close to the least time."""
    from bot.models import Move
    from tests.bot_fixtures import make_bot
    from tests.fake_discord.harness import redirect_discord, running_bot

    fake = _fake()
    channels = [fake.add_channel(f"alerts-{i}") for i in range(scale.channels)]
    fake.rate_limit(MESSAGES, scale.rate, method="POST")
    await fake.start()
    try:
        with redirect_discord(fake):
            # The bot is told the limit it works under, as an operator sets MOVESBOT_ALERT_RATE: Discord's is 50
            # requests a second (the default, 45, leaves room for the bot's other requests); the quick run's fake
            # allows 20, and here alerts are the only messages.
            bot = make_bot(db, data, MOVESBOT_ALERT_POLL_SECONDS=0.05, MOVESBOT_ALERT_CONCURRENCY=CONCURRENCY,
                           MOVESBOT_ALERT_RATE=scale.rate)
            async with running_bot(bot, fake, timeout=30) as running:
                await asyncio.wait_for(running.ready.wait(), timeout=300)
                store = running.store
                assert store is not None and fake.guild is not None
                for ch in channels:
                    await store.add_subscription(guild_id=int(fake.guild.id), channel_id=int(ch.id),
                                                 target_kind="all", target_id=None, target_name="everything")
                _, orgs, _ = dataset_names(data)
                move = Move.model_validate({"id": "bench-fanout", "person": "Ada Bench", "from": {"org": orgs[0]},
                                            "to": {"org": orgs[1]}, "date": "2026-03", "status": "reported",
                                            "sources": [{"url": "https://bench.example.com/fanout"}]})
                least = (scale.channels - 1) // scale.rate * 1.0  # a sliding window of 1 s: `rate` per second
                started = time.monotonic()
                await store.record_move(move, origin="cli", actor="bench")

                def delivered() -> list:
                    return [r for r in fake.requests if r.method == "POST" and r.status == 200
                            and re.fullmatch(MESSAGES, r.path) and r.path != f"/channels/{fake.channel.id}/messages"]

                await fake.wait_until(lambda: len(delivered()) >= scale.channels or None, timeout=least * 3 + 60,
                                      what="every channel's alert")
                sent = 0
                for _ in range(100):  # the worker marks each delivery sent once Discord answered it
                    sent = (await store._db.execute_fetchall(
                        "SELECT count(*) FROM outbox WHERE state = 'sent'"))[0][0]
                    if sent >= scale.channels:
                        break
                    await asyncio.sleep(0.1)
                await asyncio.sleep(0.5)  # a second message to any channel would show up now
                ok = delivered()
                elapsed = max(r.at for r in ok) - started
                states = await store._db.execute_fetchall(
                    "SELECT state, attempts, last_error, count(*) FROM outbox GROUP BY state, attempts, last_error")
                per_channel: dict[str, int] = {}
                for r in ok:
                    per_channel[r.path] = per_channel.get(r.path, 0) + 1
                refused = sum(1 for r in fake.requests if r.status == 429)
    finally:
        await fake.stop()
    if sent != scale.channels:
        print(f"  outbox: {states}", flush=True)
    once = len(per_channel) == scale.channels and all(n == 1 for n in per_channel.values()) and sent == scale.channels
    ratio = elapsed / least if least else None
    name = f"fanout_{scale.channels}_channels"
    return [
        Figure(name, elapsed, "s", least, "ratio <= 1.2, every channel once",
               bool(once and ratio is not None and ratio <= 1.2),
               note=f"{len(per_channel)}/{scale.channels} channels, {sum(per_channel.values())} messages, "
                    f"{refused} answered 429, {sent} marked sent; reference: the least the rate limit ({scale.rate}/s) "
                    "allows"),
    ]


async def memory(scale: Scale, db: Path, empty_db: Path) -> list[Figure]:
    """Peak RSS of the bot process (`movesbot run`) serving the big database, against the same process serving an
    empty one. Its data folder holds no dataset, so it serves the database as loaded (see the README)."""
    fake = _fake()
    await fake.start()
    try:
        base, _ = await _bot_process(fake, empty_db, with_data=False)
        peak, answered = await _bot_process(fake, db, with_data=True)
    finally:
        await fake.stop()
    return [Figure(f"memory_bot_{label(scale.big)}", peak, "MB", base, "< 300 MB", peak < 300,
                   note=f"peak RSS of `movesbot run`, {answered} commands answered; reference: an empty database")]


async def _bot_process(fake, db: Path, with_data: bool) -> tuple[float, int]:
    nodata = OUT / "tmp" / "no-dataset"
    nodata.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOVESBOT_", "DISCORD_"))}
    env.update({"DISCORD_TOKEN": fake.token or "fake-token", "MOVESBOT_DISCORD_API_BASE": fake.api_base,
                "MOVESBOT_DISCORD_GATEWAY": fake.gateway_url, "MOVESBOT_DB": str(db), "MOVESBOT_DATA": str(nodata),
                "MOVESBOT_DATA_POLL_SECONDS": "0", "MOVESBOT_LOG_LEVEL": "INFO"})
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=nodata, env=env,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    answered = 0
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 900
        while True:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout=max(1.0, deadline - time.monotonic()))
            if not line:
                raise RuntimeError("the bot process ended before it was ready")
            if b"ready:" in line:
                break
        drain = asyncio.create_task(_drain(proc.stdout))
        if with_data:
            for name, options in (("person", {"name": "Grase Cox"}), ("recent", {}), ("ask", {"question": "who left "
                                  "Nimbus Labs?"}), ("person", {"name": "Maria Lopez"})):
                inter = await fake.send_slash_command(name, options)
                await inter.wait_response(timeout=60)
                answered += 1
        peak = _peak_rss_mb(proc.pid)
        proc.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(proc.wait(), timeout=30)
        except TimeoutError:
            proc.kill()
        drain.cancel()
        return peak, answered
    finally:
        if proc.returncode is None:
            proc.kill()
            with contextlib.suppress(Exception):
                await proc.wait()


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass


def _peak_rss_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process has had."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc")
