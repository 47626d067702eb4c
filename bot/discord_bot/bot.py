"""`MovesBot`: the discord.py client, its start-up (store, cogs, command sync) and its shutdown."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from pathlib import Path

import discord
from discord.ext import commands

from bot.answers import Engine
from bot.config import Settings
from bot.dataset import DatasetInvalid
from bot.discord_bot.translator import MovesTranslator
from bot.logsafe import install_redaction
from bot.service import load_dataset
from bot.store import Store
from bot.store.errors import describe, store_problem

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord_bot.cogs.errors",
    "bot.discord_bot.cogs.lookup",
    "bot.discord_bot.cogs.chat",
    "bot.discord_bot.cogs.admin",
    "bot.discord_bot.cogs.alerts",
    "bot.discord_bot.cogs.charts",
    "bot.discord_bot.cogs.digests",
    "bot.discord_bot.cogs.moderation",
)
SYNC_KEY = "command_sync_digest"


def default_intents(message_content: bool = True) -> discord.Intents:
    """Guild messages and the message-content intent (for `[[name]]`); no members or presences."""
    intents = discord.Intents.default()
    intents.members = False
    intents.presences = False
    intents.message_content = message_content
    return intents


class MovesBot(commands.Bot):
    """The bot. The engine becomes ready in the background after connecting, so interactions that arrive
    during a long dataset load are deferred and answered when it is ready, never dropped."""

    def __init__(self, settings: Settings, db_path: Path, data_dir: Path, *,
                 intents: discord.Intents | None = None, **options: object):
        super().__init__(command_prefix=commands.when_mentioned, intents=intents or default_intents(),
                         allowed_mentions=discord.AllowedMentions.none(), help_command=None, **options)
        self.settings = settings
        self.db_path = db_path
        self.data_dir = data_dir
        self.store: Store | None = None
        self.engine: Engine | None = None
        self.ready = asyncio.Event()
        self.command_ids: dict[str, int] = {}  # command name -> the id Discord gave it (mentions in /help)
        self._prepare_task: asyncio.Task | None = None
        install_redaction()
        if settings.owner_ids:
            self.owner_ids = set(settings.owner_ids)

    async def setup_hook(self) -> None:
        self.store = await Store.open(self.db_path, timeout=self.settings.db_timeout)
        await self.tree.set_translator(MovesTranslator())
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except commands.ExtensionError:
                log.exception("could not load %s; the bot runs without it", extension)
        try:
            await self.sync_commands()
        except discord.HTTPException:
            log.exception("command sync failed; the commands Discord already has stay in place")
        self._prepare_task = asyncio.create_task(self._prepare(), name="movesbot-prepare")

    async def _prepare(self) -> None:
        """Load (or check) the dataset, then build the engine and open the doors. Whatever the load meets (a broken
        dataset, a locked database, anything in data/), the bot serves the database as it was and says why at
        ERROR; if even that cannot be read, the users who were waiting are told."""
        assert self.store is not None
        try:
            report = await load_dataset(self.store, self.data_dir)
            for notice in report.notices:
                log.warning("dataset: %s", notice)
            log.info("dataset %s: %d added, %d changed, %d removed", self.data_dir, len(report.added),
                     len(report.changed), len(report.removed))
        except DatasetInvalid as exc:
            for error in exc.errors[:50]:
                log.error("dataset: %s", error)
            log.error("the dataset has %d error(s): serving the database as it was", len(exc.errors))
        except Exception as exc:
            log.error("could not load %s: %s; serving the database as it was", self.data_dir,
                      store_problem(exc, self.db_path), exc_info=describe(exc, self.db_path) is None)
        try:
            self.engine = await Engine.create(self.store)
            log.info("ready: %s", await self.store.info())
        except Exception as exc:  # no engine: the waiting users are told the database cannot be read
            log.error("cannot serve: %s", store_problem(exc, self.db_path),
                      exc_info=describe(exc, self.db_path) is None)
        finally:
            self.ready.set()

    async def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict]:
        """The exact command list a sync would send (translations included)."""
        translator = self.tree.translator
        cmds = self.tree.get_commands(guild=guild)
        if translator is None:
            return [c.to_dict(self.tree) for c in cmds]
        return [await c.get_translated_payload(self.tree, translator) for c in cmds]

    async def sync_commands(self, force: bool = False) -> int:
        """Sync to the dev guild when set, else globally; only when the command tree changed (or forced).

        A digest of the payload, the application id and the target is kept in the store, so restarts do not
        spend Discord's tight command-sync rate limit.
        """
        assert self.store is not None
        guild = discord.Object(self.settings.dev_guild) if self.settings.dev_guild else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = await self.command_payload(guild)
        digest = hashlib.sha256(json.dumps({"app": self.application_id, "guild": guild and guild.id,
                                            "commands": payload}, sort_keys=True).encode()).hexdigest()
        if not force and await self.store.get_meta(SYNC_KEY) == digest:
            log.info("slash commands unchanged: not syncing")
            await self._learn_command_ids(guild)
            return 0
        synced = await self.tree.sync(guild=guild)
        self.command_ids = {c.name: c.id for c in synced}
        await self.store.set_meta(SYNC_KEY, digest)
        log.info("synced %d slash commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")
        return len(synced)

    async def _learn_command_ids(self, guild: discord.abc.Snowflake | None) -> None:
        """The ids Discord gave our commands, for clickable mentions in /help (`</left:id>`); without them /help
        names the commands plainly."""
        try:
            self.command_ids = {c.name: c.id for c in await self.tree.fetch_commands(guild=guild)}
        except discord.HTTPException as exc:
            log.warning("could not read the command ids (/help names commands without links): %s", exc)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: the chat cog answers messages."""

    async def close(self) -> None:
        if self._prepare_task is not None:
            self._prepare_task.cancel()
        await super().close()
        if self.store is not None:
            await self.store.close()
            self.store = None
