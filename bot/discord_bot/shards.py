"""The sharded bot: an `AutoShardedBot` over the shards `MOVESBOT_SHARD_COUNT` / `MOVESBOT_SHARD_IDS` give a
process (`runner.build_bot` picks it when the count is set), so that N processes over one database share a big bot.

Discord requires shards from 2,500 guilds; each shard gets the events of the guilds with
`(guild_id >> 22) % shard_count == shard_id` (and shard 0 the DMs). Everything the processes share goes through
the database: a move one records reaches the others' name index through the event log, alerts through the outbox.
"""

from __future__ import annotations

import logging

from discord.ext import commands

from bot.discord_bot.bot import MovesBot

log = logging.getLogger(__name__)


class ShardedMovesBot(MovesBot, commands.AutoShardedBot):
    """`MovesBot` over several gateway sessions: discord.py's `AutoShardedClient` runs `shard_ids` of
    `shard_count` (all of them when `shard_ids` is None), connecting straight to the gateway URL it is given."""

    async def on_ready(self) -> None:
        """Say which shards this process serves, and how many guilds they hold: the operator's check that the
        processes split the shards as meant (background work, such as the alert worker, starts now)."""
        log.info("shards %s of %d ready: %d guild(s)", sorted(self.shards), self.shard_count or 0, len(self.guilds))

