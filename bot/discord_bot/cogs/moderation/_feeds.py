"""/feeds add|list|remove: a server's news feeds (RSS, Atom), polled for candidate moves (Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.discord_bot.embeds import COLOUR
from bot.discord_bot.replies import locale_of, quoted, say
from bot.news.fetch import FetchError
from bot.news.records import Feed

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot
    from bot.discord_bot.cogs.moderation._review import Desk

NONE = discord.AllowedMentions.none()


def feed_line(feed: Feed) -> str:
    """One feed: id, title and link, and how it fares (last poll, failures, or why it is disabled)."""
    title = discord.utils.escape_markdown(shorten(feed.title or "(no title)", 80))
    where = "" if feed.guild_id else " · every server (added from the shell)"
    if feed.disabled:
        state = f"**disabled**: {feed.disabled_reason}; `/feeds add` it again to re-enable"
    elif feed.failures:
        state = f"{feed.failures} failure(s) in a row (last: {feed.last_error})"
    else:
        state = f"ok, last polled {feed.last_polled_at or 'not yet'}"
    return shorten(f"`#{feed.id}` {title} <{feed.url}>{where} · {state}", 1000)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FeedsGroup(app_commands.Group, name="feeds", description="News feeds polled for candidate moves"):
    pass


class Feeds(commands.Cog):
    feeds = FeedsGroup()

    def __init__(self, bot: MovesBot, desk: Desk):
        self.bot = bot
        self.desk = desk

    @feeds.command(name="add", description="Poll a feed (RSS or Atom); what it holds now is history, not news")
    @app_commands.describe(url="The feed's http(s) address")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feeds_add(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]) -> None:
        assert interaction.guild_id is not None and self.desk.poller is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            feed, created = await self.desk.poller.add(url.strip(), guild_id=interaction.guild_id,
                                                       added_by=f"discord:{interaction.user.id}")
        except FetchError as exc:
            await say(interaction, t(locale_of(interaction), "feed_not_added", why=quoted(str(exc), 500)))
            return
        name = discord.utils.escape_markdown(feed.title or feed.url)
        locale = locale_of(interaction)
        text = t(locale, "feed_added" if created else "feed_again", id=feed.id, name=name,
                 every=f"{self.bot.settings.feed_poll_seconds:g}")
        if not await self.desk.store.review_channels(interaction.guild_id):
            text += " " + t(locale, "feed_no_review")
        await say(interaction, text)

    @feeds.command(name="list", description="This server's feeds and how they fare")
    async def feeds_list(self, interaction: discord.Interaction) -> None:
        assert interaction.guild_id is not None
        found = await self.desk.store.feeds(guild_id=interaction.guild_id)
        lines = [feed_line(f) for f in found]
        locale = locale_of(interaction)
        embed = discord.Embed(title=t(locale, "feeds_title"), colour=COLOUR,
                              description=shorten("\n".join(lines) or t(locale, "feeds_none"), 4096))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    @feeds.command(name="remove", description="Stop polling a feed (its stories stay known)")
    @app_commands.describe(feed="The feed (see /feeds list)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def feeds_remove(self, interaction: discord.Interaction, feed: int) -> None:
        assert interaction.guild_id is not None
        found = await self.desk.store.feed(feed)
        if found is None or found.guild_id != interaction.guild_id:
            await say(interaction, t(locale_of(interaction), "feed_unknown", id=feed))
            return
        await self.desk.store.remove_feed(found.id)
        await say(interaction, t(locale_of(interaction), "feed_removed", id=found.id,
                                 name=discord.utils.escape_markdown(found.title or found.url)), ephemeral=False)

    @feeds_remove.autocomplete("feed")
    async def _feed_ids(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        found = [f for f in await self.desk.store.feeds(guild_id=interaction.guild_id)
                 if f.guild_id == interaction.guild_id]
        typed = current.strip().lower().lstrip("#")
        return [app_commands.Choice(name=shorten(f"#{f.id} {f.title or f.url}", 100), value=f.id)
                for f in found if typed in f"{f.id} {f.title or ''} {f.url}".lower()][:25]
