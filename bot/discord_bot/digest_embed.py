"""A digest as a Discord embed: the summary, a compact line per move, the chart as the embed's image."""

from __future__ import annotations

import discord

from bot.answers.i18n import t
from bot.answers.render import compact_line, shorten
from bot.digest_content import DigestMessage
from bot.discord_bot.embeds import ALERT_COLOUR, _link


def digest_embed(message: DigestMessage) -> discord.Embed:
    """A digest: its summary, then one compact line per move (newest first) with its best source link, as many
    as fit in a description ("… and 12 more" after them); the chart, when attached, as the embed's image. The
    footer carries the marker by which a restarted worker recognises a digest it already posted."""
    loc = message.locale
    lines: list[str] = []
    used = len(message.summary) + 2
    for i, move in enumerate(message.moves):
        line = compact_line(move, loc, message.short_teams)
        if move.sources:
            line += " · " + _link(move.sources[0].url, move.sources[0].publisher)
        more = t(loc, "digest_more", count=len(message.moves) - i - 1) if i < len(message.moves) - 1 else ""
        if used + len(line) + 1 + len(more) + 1 > 4096:
            lines.append(t(loc, "digest_more", count=len(message.moves) - i))
            break
        lines.append(line)
        used += len(line) + 1
    embed = discord.Embed(title=shorten(message.title, 256), colour=ALERT_COLOUR,
                          description="\n\n".join((message.summary, "\n".join(lines))),
                          timestamp=discord.utils.utcnow())
    if message.png is not None:
        embed.set_image(url=f"attachment://{message.chart_name}")
    embed.set_footer(text=f"movesbot · {message.batch}")
    return embed
