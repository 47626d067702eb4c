"""The name index of a running bot follows the event log from the position taken before the names were read, so a
move recorded by another process at any moment of the bot's start is found by name: here, `movesbot add` between
the bot's connect (its IDENTIFY) and its `on_ready`, held open by the fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from pathlib import Path

import pytest

from bot.discord_bot.runner import build_bot
from tests.bot_fixtures import ROOT, bot_settings
from tests.discord_helpers import eventually
from tests.fake_discord import FakeDiscord, running_bot

MOVESBOT = str(Path(sys.executable).parent / "movesbot")


async def movesbot_add(db: Path, cwd: Path, person: str) -> None:
    """`movesbot add` from a shell beside the bot: another process writing the same database."""
    added = await asyncio.create_subprocess_exec(
        MOVESBOT, "add", "--db", str(db), "--person", person, "--from-org", "Meta", "--to-org", "OpenAI",
        "--date", "2026-06", "--source", "https://example.com/between", cwd=cwd,
        env={**os.environ, "MOVESBOT_DB_TIMEOUT": "10"}, stdout=asyncio.subprocess.DEVNULL)
    assert await asyncio.wait_for(added.wait(), 60) == 0


@pytest.mark.parametrize("shards", [{}, {"MOVESBOT_SHARD_COUNT": 2, "MOVESBOT_SHARD_IDS": "1"}],
                         ids=["unsharded", "sharded"])
async def test_a_move_recorded_between_connect_and_on_ready_reaches_the_name_index(
        fake_discord: FakeDiscord, db_path: Path, tmp_path: Path, shards: dict) -> None:
    fake = fake_discord
    fake.hold_ready = asyncio.Event()
    bot = build_bot(bot_settings(**shards), db_path, ROOT / "data", guild_ready_timeout=0.05)
    async with contextlib.AsyncExitStack() as stack:
        starting = asyncio.create_task(stack.enter_async_context(running_bot(bot, fake, timeout=60)))
        await fake.wait_for_gateway(2, timeout=10)  # connected: IDENTIFY sent, READY held
        await asyncio.wait_for(bot.ready.wait(), 10)  # the engine is built: its start in the event log is taken
        await movesbot_add(db_path, tmp_path, "Ada Between")
        assert not bot.is_ready() and bot.engine.index.lookup("Ada Between").best is None
        fake.hold_ready.set()
        await asyncio.wait_for(starting, 10)
        found = await eventually(lambda: bot.engine.index.lookup("Ada Between").best, 5, "Ada Between in the index")
        assert found.name == "Ada Between" and found.kind == "person"
