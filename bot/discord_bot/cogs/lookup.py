"""The lookup slash commands: /person /left /joined /moves /recent /org /ask /about /help, with autocomplete."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers import Answer, Engine
from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.discord_bot.embeds import found_nothing
from bot.discord_bot.help import command_mentions
from bot.discord_bot.replies import UNAVAILABLE, locale_of, quoted, say, send_answer, stamp
from bot.models import parse_partial_date

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

MAX_OPTION = 200  # longer option values are cut: names are never that long, and huge input costs time


class Lookup(commands.Cog):
    """Answers from the engine; each command re-resolves the option it was given (a choice is a suggestion)."""

    def __init__(self, bot: MovesBot):
        self.bot = bot

    async def _answer(self, interaction: discord.Interaction,
                      build: Callable[[str], Awaitable[Answer]]) -> None:
        """Answer now if the engine is ready; otherwise defer (Discord's 3 seconds) and follow up."""
        locale = locale_of(interaction)
        if not self.bot.ready.is_set():
            await interaction.response.defer(thinking=True)
            await self.bot.ready.wait()
        if self.bot.engine is None:  # the database could not be read: say so rather than fail
            await say(interaction, UNAVAILABLE[locale])
            return
        answer = await build(locale)
        # Nothing found is the asker's business only: said privately, not to the whole channel.
        await send_answer(interaction, self.bot.engine, answer, ephemeral=found_nothing(answer))

    async def _since(self, interaction: discord.Interaction, since: str | None) -> str | bool | None:
        """A checked `since` value, or False after telling the user it is not a date."""
        if not since:
            return None
        try:
            return parse_partial_date(since)[0]
        except ValueError:
            value = quoted(since, 40)
            await say(interaction, t(locale_of(interaction), "bad_date", value=value))
            return False

    # -- autocomplete ------------------------------------------------------------------------------------

    async def _complete(self, current: str, kinds: list[str], org: str | None = None) -> list[app_commands.Choice]:
        if not self.bot.ready.is_set() or self.bot.engine is None:
            return []
        matches = self.bot.engine.complete(current[:MAX_OPTION], kinds, limit=25 if org is None else 200)
        if org:
            hit = self.bot.engine.index.lookup(org, ["org"])
            if hit.best is not None:
                matches = [m for m in matches if m.org == hit.best.name] or matches
        out: list[app_commands.Choice] = []
        for m in matches:
            if len(out) == 25:
                break
            out.append(app_commands.Choice(name=shorten(m.label, 100), value=shorten(m.name, 100)))
        return out

    async def person_names(self, _: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._complete(current, ["person"])

    async def org_names(self, _: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._complete(current, ["org"])

    async def team_names(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._complete(current, ["team"], org=getattr(interaction.namespace, "org", None))

    # -- commands ----------------------------------------------------------------------------------------

    @app_commands.command(name="person", description="A person's moves, current position and sources")
    @app_commands.describe(name="Person's name (misspellings are fine)")
    async def person(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, MAX_OPTION]) -> None:
        await self._answer(interaction, lambda loc: self.bot.engine.person(name, loc))

    @person.autocomplete("name")
    async def _person_ac(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.person_names(interaction, current)

    @app_commands.command(name="left", description="Who left an org or a team")
    @app_commands.describe(org="Organisation", team="Team inside the org",
                           since="Only since this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    async def left(self, interaction: discord.Interaction, org: app_commands.Range[str, 1, MAX_OPTION],
                   team: app_commands.Range[str, 1, MAX_OPTION] | None = None,
                   since: app_commands.Range[str, 4, 10] | None = None) -> None:
        checked = await self._since(interaction, since)
        if checked is False:
            return
        await self._answer(interaction, lambda loc: self.bot.engine.left(org, team, checked, loc))

    @left.autocomplete("org")
    async def _left_org(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.org_names(interaction, current)

    @left.autocomplete("team")
    async def _left_team(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.team_names(interaction, current)

    @app_commands.command(name="joined", description="Who joined an org or a team")
    @app_commands.describe(org="Organisation", team="Team inside the org", from_org="Only people coming from this org",
                           since="Only since this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    async def joined(self, interaction: discord.Interaction, org: app_commands.Range[str, 1, MAX_OPTION],
                     team: app_commands.Range[str, 1, MAX_OPTION] | None = None,
                     from_org: app_commands.Range[str, 1, MAX_OPTION] | None = None,
                     since: app_commands.Range[str, 4, 10] | None = None) -> None:
        checked = await self._since(interaction, since)
        if checked is False:
            return
        await self._answer(interaction, lambda loc: self.bot.engine.joined(org, team, from_org, checked, loc))

    @joined.autocomplete("org")
    async def _joined_org(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.org_names(interaction, current)

    @joined.autocomplete("team")
    async def _joined_team(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.team_names(interaction, current)

    @joined.autocomplete("from_org")
    async def _joined_from(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.org_names(interaction, current)

    @app_commands.command(name="moves", description="Moves from one org to another")
    @app_commands.describe(from_org="Org they left", to_org="Org they joined",
                           since="Only since this date (YYYY, YYYY-MM or YYYY-MM-DD)")
    async def moves(self, interaction: discord.Interaction, from_org: app_commands.Range[str, 1, MAX_OPTION],
                    to_org: app_commands.Range[str, 1, MAX_OPTION],
                    since: app_commands.Range[str, 4, 10] | None = None) -> None:
        checked = await self._since(interaction, since)
        if checked is False:
            return
        await self._answer(interaction, lambda loc: self.bot.engine.between(from_org, to_org, checked, loc))

    @moves.autocomplete("from_org")
    async def _moves_from(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.org_names(interaction, current)

    @moves.autocomplete("to_org")
    async def _moves_to(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self.org_names(interaction, current)

    @app_commands.command(name="recent", description="The most recent moves on record")
    async def recent(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, lambda loc: self.bot.engine.recent(loc))

    @app_commands.command(name="org", description="An org's arrivals, departures and net flow")
    @app_commands.describe(name="Organisation")
    async def org(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, MAX_OPTION]) -> None:
        await self._answer(interaction, lambda loc: self.bot.engine.org(name, loc))

    @org.autocomplete("name")
    async def _org_ac(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice]:
        return await self._complete(current, ["org", "team"])

    @app_commands.command(name="ask", description="Ask a question in plain words (English or French)")
    @app_commands.describe(question="Your question")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, 300]) -> None:
        await self._answer(interaction, lambda loc: self.bot.engine.ask(question, loc))

    @app_commands.command(name="about", description="About this bot and its dataset")
    async def about(self, interaction: discord.Interaction) -> None:
        await self._answer(interaction, lambda loc: self.bot.engine.about(loc, stamp))

    @app_commands.command(name="help", description="What you can ask")
    async def help(self, interaction: discord.Interaction) -> None:
        locale = locale_of(interaction)
        answer = Engine.help(locale, command_mentions(self.bot, locale))
        await send_answer(interaction, self.bot.engine, answer, ephemeral=True)


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Lookup(bot))
