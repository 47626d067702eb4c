"""The store's digest tables (mixed into `Store`): which windows are due, claiming one, the moves it covers, and
what became of it. Times are UTC ISO strings handed in by the caller (the digest worker's clock), so tests move
time instead of waiting for it.

A window is claimed like an outbox row, with a lease on top: a worker marks it `sending` (its nonce `dg<id>`) for
`lease` seconds before posting; another worker (a restart, another process of a sharded bot) takes it only once
the lease has run out, and then looks for the nonce in the channel before posting again.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.records import Cadence, Subscription
from bot.store.alerts import _MATCH, _SUB_COLUMNS, _sub
from bot.store.subscriptions import WINDOW_START, apply_cadence

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

# A departure given its destination in the window is news there too (for the destination's followers above all).
_COMPLETED = ("EXISTS (SELECT 1 FROM move_history h WHERE h.move_id = m.id AND h.at = e.at AND h.action = 'edited'"
              " AND json_extract(h.changes, '$.to_org[0]') IS NULL"
              " AND json_extract(h.changes, '$.to_org[1]') IS NOT NULL)")
_OPEN = "d.state IN ('pending', 'sending')"


@dataclass(frozen=True, slots=True)
class DigestRow:
    """One digest to post: a subscription's window of recorded moves (or a test, posted on request)."""

    id: int
    subscription_id: int
    channel_id: int
    guild_id: int
    kind: str            # digest | test
    window_start: str
    window_end: str
    attempts: int

    @property
    def batch(self) -> str:
        """The message nonce and footer marker: the same for every attempt at this row."""
        return f"dg{self.id}"


class DigestTables:
    """Methods over the digests table; `Store` provides `_db`, `_transaction` and `_log` (AlertTables)."""

    _db: Any
    _transaction: Callable[[], AbstractAsyncContextManager[Any]]
    _log: Callable

    async def digest_schedules(self) -> list[tuple[Subscription, str, bool]]:
        """Each active digest subscription, where its next window starts, and whether a window of it is still
        open (not posted yet: the next one waits for it, so a long outage makes one catch-up digest)."""
        rows = await self._db.execute_fetchall(
            f"SELECT {_SUB_COLUMNS}, {WINDOW_START}, EXISTS (SELECT 1 FROM digests d WHERE d.subscription_id = s.id"
            f" AND d.kind = 'digest' AND {_OPEN}) FROM subscriptions s"
            " WHERE s.cadence != 'instant' AND s.state = 'active' ORDER BY s.id")
        return [(_sub(r[:-2]), r[-2], bool(r[-1])) for r in rows]

    async def open_digest_windows(self, windows: Iterable[tuple[int, str, str]], at: str) -> int:
        """Record the windows (subscription, start, end) that are due; a window another worker recorded first, or
        one whose start moved meanwhile, is left alone. Returns how many were recorded."""
        added = 0
        async with self._transaction() as db:
            for sub_id, start, end in windows:
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO digests (subscription_id, channel_id, window_start, window_end, created_at)"
                    " SELECT s.id, s.channel_id, ?2, ?3, ?4 FROM subscriptions s WHERE s.id = ?1 AND s.state = 'active'"
                    f" AND s.cadence != 'instant' AND {WINDOW_START} = ?2 AND ?3 > ?2 AND NOT EXISTS"
                    f" (SELECT 1 FROM digests d WHERE d.subscription_id = s.id AND d.kind = 'digest' AND {_OPEN})",
                    (sub_id, start, end, at))
                added += cursor.rowcount
        return added

    async def due_digests(self, at: str) -> list[DigestRow]:
        """Open digests of active subscriptions that nobody holds (no lease, or an expired one) and whose retry
        time has come, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT d.id, d.subscription_id, d.channel_id, s.guild_id, d.kind, d.window_start, d.window_end,"
            " d.attempts FROM digests d JOIN subscriptions s ON s.id = d.subscription_id"
            f" WHERE {_OPEN} AND s.state = 'active' AND (d.lease_until IS NULL OR d.lease_until <= ?1)"
            " AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?1) ORDER BY d.id", (at,))
        return [DigestRow(*r) for r in rows]

    async def claim_digest(self, digest_id: int, owner: str, at: str, lease_until: str) -> int | None:
        """Take a digest for one attempt (`sending`, leased to `owner`); the attempt's number, or None when another
        worker holds it, it was posted meanwhile, or its subscription was paused."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "UPDATE digests SET state = 'sending', claimed_by = ?, lease_until = ?, attempts = attempts + 1"
                " WHERE id = ? AND state IN ('pending', 'sending') AND (lease_until IS NULL OR lease_until <= ?4)"
                " AND (next_attempt_at IS NULL OR next_attempt_at <= ?4) AND EXISTS (SELECT 1 FROM subscriptions s"
                " WHERE s.id = digests.subscription_id AND s.state = 'active') RETURNING attempts",
                (owner, lease_until, digest_id, at))
        return rows[0][0] if rows else None

    async def digest_moves(self, sub_id: int, start: str, end: str) -> list[str]:
        """Ids of the live moves a subscription matches (as it is now) that were recorded in [start, end), or whose
        destination became known then; newest first. Corrections show as the moves' current state; retracted
        moves are left out."""
        rows = await self._db.execute_fetchall(
            "SELECT DISTINCT m.id, m.date FROM move_events e JOIN moves m ON m.id = e.move_id"
            f" JOIN subscriptions s ON s.id = ? AND ({_MATCH})"
            " WHERE e.at >= ? AND e.at < ? AND e.news = 1 AND m.retracted_at IS NULL"
            f" AND (e.kind = 'added' OR (e.kind = 'changed' AND {_COMPLETED})) ORDER BY m.date DESC, m.id DESC",
            (sub_id, start, end))
        return [r[0] for r in rows]

    async def queue_digest_test(self, sub_id: int, at: str) -> bool:
        """Queue a test digest now: what the next digest holds so far (the worker falls back on the latest moves
        when that is nothing). False when the subscription is unknown or not a digest."""
        async with self._transaction() as db:
            await db.execute("DELETE FROM digests WHERE subscription_id = ? AND kind = 'test'"
                             " AND state IN ('sent', 'empty', 'dropped')", (sub_id,))
            cursor = await db.execute(
                "INSERT INTO digests (subscription_id, channel_id, kind, window_start, window_end, created_at)"
                f" SELECT s.id, s.channel_id, 'test', {WINDOW_START}, ?2, ?2 FROM subscriptions s"
                " WHERE s.id = ?1 AND s.cadence != 'instant'", (sub_id, at))
        return cursor.rowcount > 0

    async def digest_window_start(self, sub_id: int) -> str | None:
        """Where a digest subscription's next window starts (None: not a digest subscription)."""
        rows = await self._db.execute_fetchall(f"SELECT {WINDOW_START} FROM subscriptions s WHERE s.id = ?",
                                               (sub_id,))
        return rows[0][0] if rows else None

    async def mark_digest_sent(self, row: DigestRow, message_id: int, move_ids: Sequence[str], at: str, *,
                               recovered: bool = False) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE digests SET state = 'sent', message_id = ?, sent_at = ?, move_ids = ?,"
                             " lease_until = NULL, last_error = NULL WHERE id = ?",
                             (message_id, at, ",".join(move_ids), row.id))
            await self._log(db, at, row.guild_id, row.channel_id, move_ids, "recovered" if recovered else "sent",
                            f"digest {row.batch}", message_id)

    async def mark_digest_empty(self, row: DigestRow) -> None:
        """Nothing was recorded in the window: nothing is posted, and the next window starts where it ended."""
        await self._finish(row, "empty", None)

    async def mark_digest_retry(self, row: DigestRow, error: str, at: str, retry_at: str) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE digests SET last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE id = ?",
                             (error[:500], retry_at, row.id))
            await self._log(db, at, row.guild_id, row.channel_id, (), "retry", f"digest {row.batch}: {error[:480]}",
                            None)

    async def mark_digest_dropped(self, row: DigestRow, error: str, at: str) -> None:
        await self._finish(row, "dropped", error[:500])
        async with self._transaction() as db:
            await self._log(db, at, row.guild_id, row.channel_id, (), "dropped", f"digest {row.batch}: {error[:480]}",
                            None)

    async def release_digest(self, row: DigestRow) -> None:
        """Give the claim back (its channel was paused): after `/subscribe resume` it is looked for, then sent."""
        async with self._transaction() as db:
            await db.execute("UPDATE digests SET lease_until = NULL WHERE id = ?", (row.id,))

    async def _finish(self, row: DigestRow, state: str, error: str | None) -> None:
        async with self._transaction() as db:
            await db.execute("UPDATE digests SET state = ?, last_error = ?, lease_until = NULL WHERE id = ?",
                             (state, error, row.id))


class CadenceTables:
    """Changing a subscription's cadence (mixed into `Store` with `DigestTables`)."""

    _db: Any
    _transaction: Callable[[], AbstractAsyncContextManager[Any]]
    subscription: Callable

    async def set_cadence(self, sub_id: int, cadence: Cadence, at: str, *,
                          guild_id: int | None = None) -> Subscription | None:
        """Give a subscription (of `guild_id`, when given) another cadence; None when there is no such one."""
        async with self._transaction() as db:
            where, params = ("id = ? AND guild_id = ?", (sub_id, guild_id)) if guild_id is not None else \
                ("id = ?", (sub_id,))
            if not await db.execute_fetchall(f"SELECT 1 FROM subscriptions WHERE {where}", params):
                return None
            await apply_cadence(db, sub_id, cadence, at)
        return await self.subscription(sub_id)
