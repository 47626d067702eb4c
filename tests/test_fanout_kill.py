"""`kill -9` of the real bot process at a random point of an alert fan-out: after a restart every subscribed
channel has the alert exactly once (the fake Discord does not enforce nonces: the worker's own record and its
look in the channel's history must do it), and the database is intact."""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.fake_discord import FakeDiscord
from tests.fake_discord.server import FakeChannel

MOVESBOT = str(Path(sys.executable).parent / "movesbot")
ROOT = Path(__file__).resolve().parents[1]
CHANNELS = 40


def _subscribe(db: Path, guild_id: str, channels: list[FakeChannel]) -> None:
    with sqlite3.connect(db) as con:
        con.executemany("INSERT INTO subscriptions (guild_id, channel_id, target_kind, target_name, created_at)"
                        " VALUES (?, ?, 'all', 'everything', '2026-01-01')",
                        [(int(guild_id), int(c.id)) for c in channels])


def _open_alerts(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM outbox WHERE state != 'sent'").fetchone()[0]


async def _bot(fake: FakeDiscord, db: Path, cwd: Path) -> asyncio.subprocess.Process:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MOVESBOT_")}, "DISCORD_TOKEN": fake.token,
           "MOVESBOT_DB": str(db), "MOVESBOT_DATA": str(ROOT / "data"), "MOVESBOT_DATA_POLL_SECONDS": "0",
           "MOVESBOT_ALERT_POLL_SECONDS": "0.05", "MOVESBOT_ALERT_RATE": "20",
           "MOVESBOT_DISCORD_API_BASE": fake.api_base, "MOVESBOT_DISCORD_GATEWAY": fake.gateway_url}
    return await asyncio.create_subprocess_exec(MOVESBOT, "run", cwd=cwd, env=env, stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)


def _alerts(fake: FakeDiscord, channel: FakeChannel) -> list[dict]:
    return [m for m in fake.messages_in(channel.id)
            if any("movesbot · mb" in ((e.get("footer") or {}).get("text") or "") for e in m.get("embeds") or [])]


@pytest.mark.parametrize("seed", [1, 2])
async def test_kill_9_during_a_fan_out_then_restart_sends_each_alert_once(fake_discord: FakeDiscord, db_path: Path,
                                                                          tmp_path: Path, seed: int) -> None:
    fake = fake_discord
    fake.token = "fake-token"
    channels = [fake.add_channel(f"alerts-{i}") for i in range(CHANNELS)]
    _subscribe(db_path, fake.guild.id, channels)
    bot = await _bot(fake, db_path, tmp_path)
    try:
        await fake.wait_until(lambda: fake.connected, 30, "the bot's gateway session")
        added = await asyncio.create_subprocess_exec(
            MOVESBOT, "add", "--db", str(db_path), "--person", "Ada Kill", "--from-org", "Meta", "--to-org", "OpenAI",
            "--date", "2026-06", "--source", "https://example.com/ada-kill", cwd=tmp_path,
            env={**os.environ, "MOVESBOT_DB_TIMEOUT": "10"}, stdout=asyncio.subprocess.DEVNULL)
        assert await asyncio.wait_for(added.wait(), 60) == 0
        await fake.wait_until(lambda: any(_alerts(fake, c) for c in channels), 20, "the first alert")
        # 20 alerts a second: the first 20 go out at once, the next after 1.1 s; the kill comes in between
        await asyncio.sleep(random.Random(seed).uniform(0.1, 0.9))
        bot.kill()
        await bot.wait()
        sent_before = sum(len(_alerts(fake, c)) for c in channels)
        with sqlite3.connect(db_path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        bot = await _bot(fake, db_path, tmp_path)
        for _ in range(600):
            if not _open_alerts(db_path):
                break
            await asyncio.sleep(0.05)
        assert _open_alerts(db_path) == 0
        await asyncio.sleep(0.3)  # a few more worker passes: nothing else may go out
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    counts = [len(_alerts(fake, c)) for c in channels]
    assert 0 < sent_before < CHANNELS  # the kill did come in the middle of the fan-out
    assert counts == [1] * CHANNELS, (sent_before, counts)
