"""The one error handler for slash commands and chat listeners.

Order: user mistakes (checks, permissions, cooldowns, bad arguments) get a short private note; a database that
cannot be reached says so; anything else is logged with its context and the user gets a generic apology, never a
traceback.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.i18n import t
from bot.discord_bot.replies import UNAVAILABLE, apologize, locale_of, quoted, say
from bot.store.errors import describe

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

log = logging.getLogger(__name__)



class Errors(commands.Cog):
    def __init__(self, bot: MovesBot):
        self.bot = bot
        self._previous = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous

    async def on_app_command_error(self, interaction: discord.Interaction,
                                   error: app_commands.AppCommandError) -> None:
        locale = locale_of(interaction)
        if isinstance(error, app_commands.MissingPermissions):
            await say(interaction, t(locale, "err_perm", perms=", ".join(error.missing_permissions)))
        elif isinstance(error, app_commands.CommandOnCooldown):
            await say(interaction, t(locale, "err_cooldown", s=error.retry_after))
        elif isinstance(error, app_commands.TransformerError):
            value = quoted(str(error.value), 50)
            await say(interaction, t(locale, "err_transform", value=value))
        elif isinstance(error, app_commands.CheckFailure):
            await say(interaction, str(error) if type(error) is app_commands.CheckFailure and str(error)
                      else t(locale, "err_check"))
        elif describe(getattr(error, "original", error), self.bot.db_path) is not None:
            # The database is down or gone away (PostgreSQL restarting, a full disk): the pool reconnects by
            # itself; until then the user hears so, and the log has one line, not a traceback per command.
            log.warning("command failed, the database is unavailable: %s",
                        describe(getattr(error, "original", error), self.bot.db_path))
            await say(interaction, UNAVAILABLE[locale])
        else:
            original = getattr(error, "original", error)
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("command /%s failed (user %s, guild %s, channel %s, options %s)", command,
                      interaction.user.id, interaction.guild_id, interaction.channel_id,
                      (interaction.data or {}).get("options"), exc_info=original)
            await apologize(interaction)


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Errors(bot))
