"""`/chart flows|timeline|war`: a chart of the record as an embed whose image is the PNG attached to the message,
with alt text (the attachment's description) that states the numbers; in the asker's language."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer
from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.charts import BadChartInput, flows_data, render_png, timeline_data, war_data
from bot.charts.data import TOP_RANGE, Period
from bot.charts.files import default_path
from bot.charts.words import Chart, alt_text, caption, empty_sentence, summary, title
from bot.discord_bot.cogs.lookup import MAX_OPTION
from bot.discord_bot.embeds import COLOUR, answer_embed
from bot.discord_bot.replies import NONE, locale_of, quoted, say

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

SINCE = "Only since this date (YYYY, YYYY-MM or YYYY-MM-DD)"


def chart_message(chart: Chart, png: bytes, filename: str) -> tuple[discord.Embed, discord.File]:
    """The embed showing the attached PNG (`attachment://`), and the file with its alt text."""
    embed = discord.Embed(title=shorten(title(chart), 256), description=shorten(summary(chart), 4096), colour=COLOUR)
    embed.set_image(url=f"attachment://{filename}")
    embed.set_footer(text=shorten(caption(chart), 2048))
    return embed, discord.File(io.BytesIO(png), filename=filename, description=alt_text(chart))


class Charts(commands.Cog):
    """Charts: the data is read on the event loop (aiosqlite), the drawing in a worker thread."""

    chart = app_commands.Group(name="chart", description="The talent war as pictures: flows, timeline, net flows")

    def __init__(self, bot: MovesBot):
        self.bot = bot

    async def _send(self, interaction: discord.Interaction, kind: str, since: str | None,
                    build: Callable[[str], Awaitable[Chart | Answer]]) -> None:
        """Check `since`, defer (drawing may take longer than Discord's 3 seconds), build, draw, send."""
        locale = locale_of(interaction)
        try:
            Period.since(since)
        except BadChartInput:
            await say(interaction, t(locale, "bad_date", value=quoted(since, 40)))
            return
        await interaction.response.defer(thinking=True)
        await self.bot.ready.wait()
        try:
            chart = await build(locale)
        except BadChartInput as exc:  # options Discord could not check itself
            await interaction.followup.send(quoted(str(exc), 300), allowed_mentions=NONE)
            return
        if isinstance(chart, Answer):  # an unsure or unknown org: "did you mean" (run the command again)
            await interaction.followup.send(embed=answer_embed(chart), allowed_mentions=NONE)
            return
        if chart.empty:
            embed = discord.Embed(title=shorten(title(chart), 256), description=empty_sentence(chart), colour=COLOUR)
            await interaction.followup.send(embed=embed, allowed_mentions=NONE)
            return
        png = await asyncio.to_thread(render_png, chart)
        filename = default_path(kind, getattr(chart, "subject", None)).name
        embed, file = chart_message(chart, png, filename)
        await interaction.followup.send(embed=embed, file=file, allowed_mentions=NONE)

    async def _names(self, current: str, kinds: list[str], org: str | None = None) -> list[app_commands.Choice]:
        """Autocomplete as in the lookup commands: names starting with, or resembling, what is typed."""
        if not self.bot.ready.is_set():
            return []
        matches = self.bot.engine.complete(current[:MAX_OPTION], kinds, limit=25 if org is None else 200)
        if org and (hit := self.bot.engine.index.lookup(org, ["org"]).best) is not None:
            matches = [m for m in matches if m.org == hit.name] or matches
        return [app_commands.Choice(name=shorten(m.label, 100), value=shorten(m.name, 100)) for m in matches[:25]]

    @chart.command(name="flows", description="Who came and went: an org's arrivals and departures by org")
    @app_commands.describe(org="Organisation", team="Team inside the org", since=SINCE)
    async def flows(self, interaction: discord.Interaction, org: app_commands.Range[str, 1, MAX_OPTION],
                    team: app_commands.Range[str, 1, MAX_OPTION] | None = None,
                    since: app_commands.Range[str, 4, 10] | None = None) -> None:
        await self._send(interaction, "flows", since, lambda loc: flows_data(self.bot.engine, org, team, since, loc))

    @chart.command(name="timeline", description="An org's departures and arrivals per month")
    @app_commands.describe(org="Organisation", team="Team inside the org", since=SINCE)
    async def timeline(self, interaction: discord.Interaction, org: app_commands.Range[str, 1, MAX_OPTION],
                       team: app_commands.Range[str, 1, MAX_OPTION] | None = None,
                       since: app_commands.Range[str, 4, 10] | None = None) -> None:
        await self._send(interaction, "timeline", since,
                         lambda loc: timeline_data(self.bot.engine, org, team, since, loc))

    @chart.command(name="war", description="The talent war: net flows between the most active orgs")
    @app_commands.describe(since=SINCE, top="How many of the most active orgs (default 8)")
    async def war(self, interaction: discord.Interaction, since: app_commands.Range[str, 4, 10] | None = None,
                  top: app_commands.Range[int, TOP_RANGE[0], TOP_RANGE[1]] | None = None) -> None:
        await self._send(interaction, "war", since, lambda loc: war_data(self.bot.engine, since, top, loc))

    @flows.autocomplete("org")
    @timeline.autocomplete("org")
    async def _org(self, _: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._names(current, ["org"])

    @flows.autocomplete("team")
    @timeline.autocomplete("team")
    async def _team(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._names(current, ["team"], org=getattr(interaction.namespace, "org", None))


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Charts(bot))
