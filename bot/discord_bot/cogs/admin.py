"""Owner-only maintenance: forcing a command sync."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.i18n import t
from bot.discord_bot.replies import locale_of, say

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot


class Admin(commands.Cog):
    def __init__(self, bot: MovesBot):
        self.bot = bot

    @app_commands.command(name="sync", description="Owner only: push the command list to Discord now")
    @app_commands.default_permissions(administrator=True)
    async def sync(self, interaction: discord.Interaction) -> None:
        if not await self.bot.is_owner(interaction.user):
            await say(interaction, t(locale_of(interaction), "sync_owner_only"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        count = await self.bot.sync_commands(force=True)
        await say(interaction, t(locale_of(interaction), "synced", count=count))


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Admin(bot))
