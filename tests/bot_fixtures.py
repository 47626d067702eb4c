"""Running the real `MovesBot` against the fake Discord: the `movesbot` fixture and its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest_asyncio
from pydantic import SecretStr

from bot.config import Settings
from bot.discord_bot.bot import MovesBot, default_intents
from tests.fake_discord.harness import running_bot
from tests.fake_discord.server import FakeDiscord

ROOT = Path(__file__).resolve().parents[1]


def bot_settings(**overrides: object) -> Settings:
    """Settings for a test bot: no dataset polling, fast alert polling, nothing read from the environment."""
    values: dict = {"DISCORD_TOKEN": SecretStr("fake-token"), "MOVESBOT_DATA_POLL_SECONDS": 0,
                    "MOVESBOT_ALERT_POLL_SECONDS": 0.05}
    values.update({k: v for k, v in overrides.items()})
    return Settings(_env_file=None, **values)


def make_bot(db_path: Path, data_dir: Path | None = None, *, message_content: bool = True,
             **settings: object) -> MovesBot:
    return MovesBot(bot_settings(**settings), db_path, data_dir or ROOT / "data",
                    intents=default_intents(message_content), guild_ready_timeout=0.05)


@pytest_asyncio.fixture
async def movesbot(fake_discord: FakeDiscord, db_path: Path) -> AsyncIterator[MovesBot]:
    """The bot, logged in to the fake Discord, commands synced and the engine ready."""
    bot = make_bot(db_path)
    async with running_bot(bot, fake_discord) as running:
        await running.ready.wait()
        yield running


@pytest_asyncio.fixture
def bot_factory(fake_discord: FakeDiscord, db_path: Path) -> Callable[..., MovesBot]:
    """Build a bot with other settings: `bot_factory(MOVESBOT_QA_CHANNELS=[...])`; run it with running_bot."""
    return lambda **settings: make_bot(db_path, **settings)
