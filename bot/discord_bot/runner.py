"""Starting the bot process: endpoints, logging, and the fallback when Discord refuses an intent."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import Settings
from bot.discord_bot.bot import MovesBot, default_intents
from bot.discord_bot.shards import ShardedMovesBot
from bot.logsafe import install_redaction
from bot.store.errors import StoreError

log = logging.getLogger(__name__)

INTENT_HELP = ("Discord refused the message-content intent: [[name]] lookups and Q&A channels are off; slash "
               "commands and mentions still work. To enable it: Developer Portal > your application > Bot > "
               "Privileged Gateway Intents > Message Content Intent.")


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at another Discord-compatible endpoint (development and tests only)."""
    if settings.discord_api_base:
        Route.BASE = settings.discord_api_base.rstrip("/")
    if settings.discord_gateway:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway)


def build_bot(settings: Settings, db_path: Path, data_dir: Path, **options: object) -> MovesBot:
    """The bot the settings ask for: a `ShardedMovesBot` over `MOVESBOT_SHARD_IDS` of `MOVESBOT_SHARD_COUNT` (all
    of them when no ids are given) when the count is set, else the unsharded `MovesBot`."""
    if settings.shard_count is None:
        return MovesBot(settings, db_path, data_dir, **options)
    ids = None if settings.shard_ids is None else list(settings.shard_ids)
    return ShardedMovesBot(settings, db_path, data_dir, shard_count=settings.shard_count, shard_ids=ids, **options)


async def serve(settings: Settings, db_path: Path, data_dir: Path, **options: object) -> None:
    """Run the bot until it is closed or stopped (SIGTERM, as `docker stop` and systemd send, or Ctrl-C); without
    the message-content intent if Discord refuses it (4014). Stopping closes the gateway and the database cleanly."""
    assert settings.discord_token is not None
    token = settings.discord_token.get_secret_value().strip()
    main = asyncio.current_task()
    if main is not None:
        with contextlib.suppress(NotImplementedError):  # (no signal handlers on Windows' event loop)
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    intents = default_intents(message_content=True)
    while True:
        bot = build_bot(settings, db_path, data_dir, intents=intents, **options)
        try:
            async with bot:
                await bot.start(token)
            return
        except discord.PrivilegedIntentsRequired:
            if not intents.message_content:
                raise
            log.warning(INTENT_HELP)
            intents = default_intents(message_content=False)


def run_bot(settings: Settings, db_path: Path, data_dir: Path) -> None:
    """`movesbot run` with a token: log to the console, then serve."""
    discord.utils.setup_logging(level=getattr(logging, settings.log_level.upper(), logging.INFO), root=True)
    configure_endpoints(settings)
    install_redaction()
    try:
        asyncio.run(serve(settings, db_path, data_dir))
    except discord.LoginFailure:
        log.error("Discord rejected the token (DISCORD_TOKEN): check it in the developer portal.")
        raise SystemExit(1) from None
    except StoreError as exc:
        log.error("cannot start: %s", exc)
        raise SystemExit(1) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        log.info("stopped")
