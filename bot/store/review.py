"""The store's review tables: each server's review channel and the messages that show candidates (mixed into
`Store`). A candidate is posted at most once per server: the primary key says so, across restarts too."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any


class ReviewTables:
    """Methods over `review_channels` and `review_posts`; `Store` provides `_db` and `_transaction`."""

    _db: Any
    _transaction: Callable[[], AbstractAsyncContextManager[Any]]

    async def set_review_channel(self, guild_id: int, channel_id: int, set_by: str | None = None) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        async with self._transaction() as db:
            await db.execute("INSERT INTO review_channels VALUES (?,?,?,?) ON CONFLICT (guild_id) DO UPDATE SET"
                             " channel_id = excluded.channel_id, set_by = excluded.set_by, set_at = excluded.set_at",
                             (guild_id, channel_id, set_by, at))

    async def review_channels(self, guild_id: int | None = None) -> dict[int, int]:
        """{guild id: review channel id}: one server's (when `guild_id` is given) or every server's."""
        if guild_id is None:
            rows = await self._db.execute_fetchall("SELECT guild_id, channel_id FROM review_channels")
        else:
            rows = await self._db.execute_fetchall(
                "SELECT guild_id, channel_id FROM review_channels WHERE guild_id = ?", (guild_id,))
        return {g: c for g, c in rows}

    async def add_review_post(self, candidate_id: int, guild_id: int, channel_id: int, message_id: int) -> None:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        async with self._transaction() as db:
            await db.execute("INSERT INTO review_posts VALUES (?,?,?,?,?)"
                             " ON CONFLICT (candidate_id, guild_id) DO UPDATE"
                             " SET channel_id = excluded.channel_id, message_id = excluded.message_id,"
                             " posted_at = excluded.posted_at",
                             (candidate_id, guild_id, channel_id, message_id, at))

    async def review_posts(self, candidate_id: int) -> list[tuple[int, int]]:
        """(channel id, message id) of every review message that shows a candidate."""
        rows = await self._db.execute_fetchall(
            "SELECT channel_id, message_id FROM review_posts WHERE candidate_id = ?", (candidate_id,))
        return [(c, m) for c, m in rows]

    async def unposted_candidates(self, guild_id: int, limit: int = 25) -> list[int]:
        """Pending candidates of a server's scope (or of every server) not yet posted in that server, oldest
        first: those found while no review channel was set, or whose post failed."""
        rows = await self._db.execute_fetchall(
            "SELECT c.id FROM candidates c WHERE c.state = 'pending' AND c.scope IN (?, 0) AND NOT EXISTS"
            " (SELECT 1 FROM review_posts p WHERE p.candidate_id = c.id AND p.guild_id = ?) ORDER BY c.id LIMIT ?",
            (guild_id, guild_id, limit))
        return [r[0] for r in rows]
