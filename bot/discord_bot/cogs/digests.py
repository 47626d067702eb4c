"""Runs the digest worker: each digest subscription's daily or weekly post, once per window (see bot/digests.py).
The commands that set a cadence are /subscribe's (cogs/alerts.py, helped by discord_bot/cadence.py)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

from discord.ext import commands

from bot.digests import DigestWorker, utc_now
from bot.discord_bot.alert_sender import DiscordSender

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot


class Digests(commands.Cog):
    """`clock` is what the worker believes the time is: tests set it instead of waiting for 9 am."""

    def __init__(self, bot: MovesBot):
        self.bot = bot
        self.clock = utc_now
        self.worker: DigestWorker | None = None
        self._task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="movesbot-digests")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()

    def _now(self) -> datetime:
        return self.clock()

    async def _run(self) -> None:
        await self.bot.ready.wait()
        await self.bot.wait_until_ready()
        assert self.bot.store is not None
        self.worker = DigestWorker(self.bot.store, DiscordSender(self.bot), clock=self._now)
        await self.worker.run(self.bot.settings.alert_poll_seconds)


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Digests(bot))
