"""Moderation: /move (record, correct, retract, suggest), /review, /feeds, and the candidates' buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot


async def setup(bot: MovesBot) -> None:
    """One desk (fetcher, feed poller, review) shared by the three cogs."""
    from bot.discord_bot.cogs.moderation._feeds import Feeds
    from bot.discord_bot.cogs.moderation._moves import Moves
    from bot.discord_bot.cogs.moderation._review import Desk, ReviewCog

    desk = Desk(bot)
    await bot.add_cog(ReviewCog(bot, desk))
    await bot.add_cog(Moves(bot, desk))
    await bot.add_cog(Feeds(bot, desk))
