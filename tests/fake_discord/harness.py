"""Pointing discord.py at a :class:`FakeDiscord`, and running a bot against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import TypeVar

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .server import FakeDiscord

ClientT = TypeVar("ClientT", bound=discord.Client)


@contextlib.contextmanager
def redirect_discord(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base (``Route.BASE``, also used by interaction callbacks and webhooks) and
    default gateway (``DiscordWebSocket.DEFAULT_GATEWAY``) at ``fake``; restore both on exit."""
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway


@contextlib.asynccontextmanager
async def running_bot(bot: ClientT, fake: FakeDiscord, *, token: str | None = None,
                      timeout: float = 5.0) -> AsyncIterator[ClientT]:
    """Log ``bot`` in, run ``bot.connect(reconnect=True)`` in a task until ``on_ready``, yield, then close.

    Use a bot built with a small ``guild_ready_timeout`` (e.g. 0.05) or READY waits that long for guilds.
    If the connection fails before ready (e.g. ``PrivilegedIntentsRequired``), that exception is raised.
    Call inside :func:`redirect_discord` (the ``fake_discord`` fixture already redirects).
    """
    task: asyncio.Task[None] | None = None
    try:
        await bot.login(token or fake.token or "fake-token")
        task = asyncio.create_task(bot.connect(reconnect=True), name="fake-discord-bot")
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait({task, ready}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # raises the connection error
            raise TimeoutError(f"bot not ready within {timeout}s")
        yield bot
    finally:
        await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 5.0)
