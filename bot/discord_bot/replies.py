"""Sending answers and short notes back, whether or not the interaction was deferred."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.answers import Answer
from bot.answers.i18n import LOCALES, normalize_locale, t
from bot.discord_bot.embeds import answer_embed
from bot.discord_bot.views import view_for

if TYPE_CHECKING:
    from bot.answers import Engine

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
APOLOGY = {loc: t(loc, "apology") for loc in LOCALES}
UNAVAILABLE = {loc: t(loc, "unavailable") for loc in LOCALES}


def quoted(text: str, limit: int = 80) -> str:
    """User-typed text echoed in a reply: shortened, Markdown and mentions neutralised (belt and braces with
    `AllowedMentions.none()`: a reply must not even read like a ping)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text[: limit * 2].strip()))[: limit + 20]


def locale_of(interaction: discord.Interaction) -> str:
    """The asker's language (their Discord client's), "en" or "fr"."""
    return normalize_locale(str(interaction.locale))


async def send_answer(interaction: discord.Interaction, engine: Engine, answer: Answer,
                      ephemeral: bool = False) -> None:
    """Reply with the answer's embed (and its view), as the first response or as a follow-up."""
    view = view_for(engine, answer, interaction.user.id)
    kwargs: dict = {"embed": answer_embed(answer), "allowed_mentions": NONE, "ephemeral": ephemeral}
    if view is not None:
        kwargs["view"] = view
    message: discord.Message | discord.InteractionMessage | None = None
    if interaction.response.is_done():
        message = await interaction.followup.send(wait=True, **kwargs)
    else:
        response = await interaction.response.send_message(**kwargs)
        if isinstance(response.resource, discord.InteractionMessage):
            message = response.resource
    if view is not None:
        view.message = message


async def say(interaction: discord.Interaction, text: str, ephemeral: bool = True) -> None:
    """A short plain note (user mistakes, confirmations); never pings."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=ephemeral, allowed_mentions=NONE)
    else:
        await interaction.response.send_message(text, ephemeral=ephemeral, allowed_mentions=NONE)


async def apologize(interaction: discord.Interaction, locale: str | None = None) -> None:
    """The generic apology for an unexpected error: no traceback reaches the user."""
    try:
        await say(interaction, APOLOGY[locale or locale_of(interaction)])
    except discord.HTTPException:
        log.warning("could not send the apology for interaction %s", interaction.id)


def stamp(iso: str | None, style: str = "f") -> str:
    """A moment as a Discord timestamp (`<t:…:f>`, `<t:…:R>`): each reader sees it in their own time zone and
    language. An unreadable value is shown as it is."""
    if not iso:
        return "?"
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return discord.utils.format_dt(moment, style)  # type: ignore[arg-type]
