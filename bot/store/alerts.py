"""The store's alert tables: subscriptions, the outbox, the delivery log (mixed into `Store`).

The outbox is filled by `enqueue`, called inside the same transaction that records a move (dataset load,
`movesbot add`, `/move add`), so a move is never recorded without its alerts nor the other way round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from bot.records import Cadence, Delivery, DeliveryLogEntry, Subscription
from bot.store.subscriptions import _upsert_subscription

if TYPE_CHECKING:
    from collections.abc import Callable

_SUB_COLUMNS = ("s.id, s.guild_id, s.channel_id, s.target_kind, s.target_id, s.target_name, s.target_org, s.direction,"
                " s.mention_role_id, s.corrections, s.locale, s.state, s.paused_reason, s.created_at,"
                " (SELECT max(at) FROM (SELECT sent_at AS at FROM outbox o WHERE o.subscription_id = s.id"
                " AND o.state = 'sent' UNION ALL SELECT sent_at FROM digests d WHERE d.subscription_id = s.id"
                " AND d.state = 'sent') AS sent),"
                " s.cadence, s.digest_hour, s.digest_weekday, s.timezone, s.cadence_since")

# Which subscriptions a move matches: everything, its person, or the org/team it left or joined.
_MATCH = """
    s.target_kind = 'all'
    OR (s.target_kind = 'person' AND s.target_id = m.person_id)
    OR (s.target_kind = 'org' AND ((s.direction IN ('left', 'both') AND s.target_id = m.from_org_id)
                                OR (s.direction IN ('joined', 'both') AND s.target_id = m.to_org_id)))
    OR (s.target_kind = 'team' AND ((s.direction IN ('left', 'both') AND s.target_id = m.from_team_id)
                                 OR (s.direction IN ('joined', 'both') AND s.target_id = m.to_team_id)))
"""

LEASE_SECONDS = 60.0  # how long a claimed alert is another worker's: far longer than one send

# Only these get an alert per move; the others (daily, weekly) get the move in their digest (bot.digests).
_INSTANT = "s.cadence = 'instant'"

# The subscriptions a departure whose destination is not reported matched: all but those of its destination.
_MATCH_LEFT_SIDE = """(
    s.target_kind IN ('all', 'person')
    OR (s.direction IN ('left', 'both') AND ((s.target_kind = 'org' AND s.target_id = m.from_org_id)
                                          OR (s.target_kind = 'team' AND s.target_id = m.from_team_id))))
"""


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _lease_stamp(moment: datetime) -> str:
    """Leases to the millisecond: one of a few seconds (tests, a short MOVESBOT_ALERT_LEASE_SECONDS) must neither
    round to the second when written nor look unexpired for up to a second when compared."""
    return moment.isoformat(timespec="milliseconds")


def _sub(row: Sequence[Any]) -> Subscription:
    values = list(row)
    values[9] = bool(values[9])
    return Subscription(*values)




class AlertTables:
    """Methods over the alert tables; `Store` provides `_db`, `_transaction` and `SKIP_LOCKED`."""

    SKIP_LOCKED: ClassVar[str] = ""  # how a claim passes over rows another transaction holds (PostgreSQL's words)
    _db: Any
    _transaction: Callable[[], AbstractAsyncContextManager[Any]]

    # -- called inside a recording transaction ------------------------------------------------------------

    @staticmethod
    async def enqueue(db: Any, move_ids: Sequence[str], kind: str, at: str) -> None:
        """Queue one delivery per (move, matching channel); corrections only where a channel asked for them, and
        not where the move's own alert has not gone out yet (it will carry the corrected move)."""
        extra = ""
        if kind == "correction":
            extra = (" AND s.corrections = 1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.move_id = m.id"
                     " AND o.channel_id = s.channel_id AND o.kind = 'new' AND o.state = 'pending')")
        for i in range(0, len(move_ids), 500):
            chunk = list(move_ids[i:i + 500])
            marks = ",".join("?" * len(chunk))
            if kind == "correction":  # every correction is noticed, not only the first one
                await db.execute(f"DELETE FROM outbox WHERE move_id IN ({marks}) AND kind = 'correction'"
                                 " AND state = 'sent'", chunk)
            await db.execute(
                "INSERT OR IGNORE INTO outbox (move_id, subscription_id, channel_id, kind, created_at)"
                " SELECT m.id, min(s.id), s.channel_id, ?, ? FROM moves m JOIN subscriptions s ON (" + _MATCH + ")"
                f" WHERE m.id IN ({marks}) AND m.retracted_at IS NULL AND {_INSTANT}{extra}"
                " GROUP BY m.id, s.channel_id",
                (kind, at, *chunk))

    @staticmethod
    async def enqueue_completion(db: Any, move_ids: Sequence[str], at: str) -> None:
        """Queue the news that a departure's destination is now known. A channel that follows the departure's side
        (everything, the person, the org or team left) gets an update ('completion'); a channel that follows only
        the destination gets the move as new. Where the departure's own alert has not gone out yet, it will carry
        the completed move: nothing more is queued. Either way a channel gets at most one "new" per move."""
        for i in range(0, len(move_ids), 500):
            chunk = list(move_ids[i:i + 500])
            marks = ",".join("?" * len(chunk))
            await db.execute(
                "INSERT OR IGNORE INTO outbox (move_id, subscription_id, channel_id, kind, created_at)"
                " SELECT m.id, min(s.id), s.channel_id,"
                f" CASE WHEN max(CASE WHEN {_MATCH_LEFT_SIDE} THEN 1 ELSE 0 END) = 1"
                " THEN 'completion' ELSE 'new' END, ?"
                " FROM moves m JOIN subscriptions s ON (" + _MATCH + ")"
                f" WHERE m.id IN ({marks}) AND m.retracted_at IS NULL AND {_INSTANT}"
                " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.move_id = m.id AND o.channel_id = s.channel_id"
                " AND o.kind = 'new' AND o.state = 'pending') GROUP BY m.id, s.channel_id",
                (at, *chunk))

    # -- subscriptions ------------------------------------------------------------------------------------

    async def add_subscription(self, *, guild_id: int, channel_id: int, target_kind: str, target_id: int | None,
                               target_name: str, target_org: str | None = None, direction: str = "both",
                               mention_role_id: int | None = None, corrections: bool = False, locale: str = "en",
                               created_by: int | None = None, cadence: Cadence | None = None
                               ) -> tuple[Subscription, bool]:
        """Create a subscription, or update the same one (same channel and filter); True when created.

        `ValueError` for ids that are not Discord ids and for the @everyone role as the mention role (it would
        ping the whole server): whichever door a subscription comes through, such a row is never written."""
        values = {"guild_id": guild_id, "channel_id": channel_id, "target_kind": target_kind, "target_id": target_id,
                  "target_name": target_name, "target_org": target_org, "direction": direction,
                  "mention_role_id": mention_role_id, "corrections": corrections, "locale": locale,
                  "created_by": created_by, "cadence": cadence}
        async with self._transaction() as db:
            sub_id, created = await _upsert_subscription(db, _iso(_now()), **values)
        found = await self.subscription(sub_id)
        assert found is not None
        return found, created

    async def import_subscriptions(self, rows: Sequence[dict[str, Any]]) -> tuple[int, int]:
        """Add or update every subscription of `rows` (`add_subscription`'s arguments, with `state` and
        `paused_reason`) in one transaction: all or none. Returns (added, updated)."""
        at = _iso(_now())
        added = updated = 0
        async with self._transaction() as db:
            for row in rows:
                values = {k: v for k, v in row.items() if k not in ("state", "paused_reason")}
                _, created = await _upsert_subscription(db, at, **values)
                added, updated = added + created, updated + (not created)
                if row.get("state") == "paused":
                    await db.execute("UPDATE subscriptions SET state = 'paused', paused_reason = ?, paused_at = ?"
                                     " WHERE channel_id = ? AND state = 'active'",
                                     (row.get("paused_reason") or "paused before the export", at, row["channel_id"]))
        return added, updated

    async def subscription(self, sub_id: int) -> Subscription | None:
        rows = await self._db.execute_fetchall(f"SELECT {_SUB_COLUMNS} FROM subscriptions s WHERE s.id = ?",
                                               (sub_id,))
        return _sub(rows[0]) if rows else None

    async def subscriptions(self, *, guild_id: int | None = None, channel_id: int | None = None) -> list[Subscription]:
        where, params = [], []
        if guild_id is not None:
            where.append("s.guild_id = ?")
            params.append(guild_id)
        if channel_id is not None:
            where.append("s.channel_id = ?")
            params.append(channel_id)
        clause = " AND ".join(where) or "TRUE"
        rows = await self._db.execute_fetchall(
            f"SELECT {_SUB_COLUMNS} FROM subscriptions s WHERE {clause} ORDER BY s.id", params)
        return [_sub(r) for r in rows]

    async def remove_subscription(self, guild_id: int, sub_id: int) -> bool:
        """Delete a subscription of this guild and the alerts only it asked for; False if there is none.

        An alert that another subscription of the same channel also matches is kept (handed over to it)."""
        other = ("SELECT min(s.id) FROM subscriptions s JOIN moves m ON m.id = outbox.move_id"
                 f" WHERE s.channel_id = outbox.channel_id AND s.id != ? AND {_INSTANT} AND (" + _MATCH + ")"
                 " AND (outbox.kind = 'new' OR s.corrections = 1)")
        async with self._transaction() as db:
            if not await db.execute_fetchall("SELECT 1 FROM subscriptions WHERE id = ? AND guild_id = ?",
                                             (sub_id, guild_id)):
                return False
            await db.execute(f"UPDATE outbox SET subscription_id = ({other}) WHERE subscription_id = ?"
                             f" AND state IN ('pending', 'sending') AND kind != 'test' AND ({other}) IS NOT NULL",
                             (sub_id, sub_id, sub_id))
            cursor = await db.execute("DELETE FROM subscriptions WHERE id = ? AND guild_id = ?", (sub_id, guild_id))
            return cursor.rowcount > 0

    async def pause_channel(self, channel_id: int, reason: str) -> list[Subscription]:
        """Pause every active subscription of a channel (it is gone or we lost permission); keep its alerts.

        An alert caught mid-attempt stays `sending`: it may have been posted before, so after `/subscribe resume`
        the worker looks for it in the channel before posting it again."""
        at = _iso(_now())
        async with self._transaction() as db:
            await db.execute("UPDATE subscriptions SET state = 'paused', paused_reason = ?, paused_at = ?"
                             " WHERE channel_id = ? AND state = 'active'", (reason, at, channel_id))
        return await self.subscriptions(channel_id=channel_id)

    async def resume_subscription(self, guild_id: int, sub_id: int) -> Subscription | None:
        """Resume a paused subscription and the others its channel's pause stopped (a pause is the channel's:
        it was deleted or we lost permission); what was queued meanwhile is delivered next."""
        async with self._transaction() as db:
            rows = await db.execute_fetchall("SELECT channel_id FROM subscriptions WHERE id = ? AND guild_id = ?",
                                             (sub_id, guild_id))
            if not rows:
                return None
            channel_id = rows[0][0]
            await db.execute(
                "UPDATE subscriptions SET state = 'active', paused_reason = NULL, paused_at = NULL"
                " WHERE channel_id = ? AND guild_id = ? AND (state = 'paused' OR id = ?)",
                (channel_id, guild_id, sub_id))
            for table in ("outbox", "digests"):
                await db.execute(f"UPDATE {table} SET next_attempt_at = NULL WHERE channel_id = ?"
                                 " AND state IN ('pending', 'sending')", (channel_id,))
        return await self.subscription(sub_id)

    async def queue_test(self, sub_id: int) -> bool:
        """Queue the latest move as a test alert for a subscription's channel; False when there is no move."""
        at = _iso(_now())
        async with self._transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT id FROM moves WHERE retracted_at IS NULL ORDER BY date DESC, id DESC LIMIT 1")
            sub = await db.execute_fetchall("SELECT channel_id FROM subscriptions WHERE id = ?", (sub_id,))
            if not rows or not sub:
                return False
            await db.execute("DELETE FROM outbox WHERE channel_id = ? AND kind = 'test'"
                             " AND state IN ('sent', 'dropped')", (sub[0][0],))
            await db.execute("INSERT OR IGNORE INTO outbox (move_id, subscription_id, channel_id, kind, created_at)"
                             " VALUES (?, ?, ?, 'test', ?)", (rows[0][0], sub_id, sub[0][0], at))
        return True

    async def matching_moves(self, kind: str, target_id: int | None, direction: str = "both", *,
                             limit: int = 10) -> tuple[list[str], int]:
        """Ids of the live moves a subscription with this filter matches (newest first), and how many in all:
        the same rule as `enqueue`, for previews."""
        target = ("(SELECT CAST(? AS TEXT) AS target_kind, CAST(? AS BIGINT) AS target_id,"
                  " CAST(? AS TEXT) AS direction) s")
        params = (kind, target_id, direction)
        rows = await self._db.execute_fetchall(
            f"SELECT m.id FROM moves m JOIN {target} ON ({_MATCH}) WHERE m.retracted_at IS NULL"
            " ORDER BY m.date DESC, m.id DESC LIMIT ?", (*params, limit))
        total = await self._db.execute_fetchall(
            f"SELECT count(*) FROM moves m JOIN {target} ON ({_MATCH}) WHERE m.retracted_at IS NULL", params)
        return [r[0] for r in rows], total[0][0]

    # -- delivery -----------------------------------------------------------------------------------------

    async def due_deliveries(self, limit: int = 5000, *, owner: str = "") -> list[Delivery]:
        """Open deliveries of live moves whose subscription is active, whose retry time has come and that no other
        worker holds (see `mark_sending`), in move-date order (a move retracted meanwhile, by `/move retract` or
        by the dataset, is not announced)."""
        now = _now()
        rows = await self._db.execute_fetchall(
            "SELECT o.id, o.move_id, o.subscription_id, o.channel_id, s.guild_id, o.kind, o.state, o.batch,"
            " o.attempts, m.date, s.mention_role_id, s.locale FROM outbox o"
            " JOIN subscriptions s ON s.id = o.subscription_id JOIN moves m ON m.id = o.move_id"
            " WHERE o.state IN ('pending', 'sending') AND s.state = 'active' AND m.retracted_at IS NULL"
            " AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?1)"
            " AND (o.lease_until IS NULL OR o.lease_until <= ?4 OR o.claimed_by = ?2)"
            " ORDER BY o.channel_id, m.date, o.id LIMIT ?3", (_iso(now), owner, limit, _lease_stamp(now)))
        return [Delivery(*r) for r in rows]

    async def mark_sending(self, ids: Sequence[int], batch: str, *, owner: str = "", lease: float = LEASE_SECONDS,
                           earlier: str | None = None) -> set[int]:
        """Claim deliveries for one attempt, before sending, so a crash mid-send is found again (and checked) on
        restart; returns those claimed. A delivery is claimed when it is still open, of a live move and an active
        subscription (a retraction or a pause may have landed since `due_deliveries`, and must win), and nobody
        else holds it: no lease, an expired one (its process died), or `owner`'s own. Several processes take
        different rows (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has one writer at a time).

        And only as the caller saw it: pending, or (`earlier`) mid-attempt under that batch. A worker's list is as
        old as its pass, which can outlast a lease: a row it saw pending may since have been claimed and posted by
        a process that died. Claimed as pending, it would be posted again blind; left alone, the next pass sees
        its batch and looks for it first."""
        now = _now()
        async with self._transaction(serial=False) as db:
            rows = await db.execute_fetchall(
                "UPDATE outbox SET state = 'sending', batch = ?, attempts = attempts + 1, claimed_by = ?,"
                " lease_until = ? WHERE id IN (SELECT o.id FROM outbox o"
                f" WHERE o.id IN ({','.join('?' * len(ids))}) AND o.state = ? AND (o.state = 'pending' OR o.batch = ?)"
                " AND (o.lease_until IS NULL OR o.lease_until <= ? OR o.claimed_by = ?)"
                " AND EXISTS (SELECT 1 FROM moves m WHERE m.id = o.move_id AND m.retracted_at IS NULL)"
                " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.id = o.subscription_id AND s.state = 'active')"
                f"{self.SKIP_LOCKED}) RETURNING id",
                (batch, owner, _lease_stamp(now + timedelta(seconds=lease)), *ids,
                 "pending" if earlier is None else "sending", earlier or "", _lease_stamp(now), owner))
        return {row[0] for row in rows}

    async def mark_sent(self, ids: Sequence[int], message_id: int, *, channel_id: int, guild_id: int | None,
                        move_ids: Iterable[str], recovered: bool = False) -> None:
        at = _iso(_now())
        async with self._transaction() as db:
            await db.executemany("UPDATE outbox SET state = 'sent', message_id = ?, sent_at = ?, last_error = NULL"
                                 " WHERE id = ?", [(message_id, at, i) for i in ids])
            await self._log(db, at, guild_id, channel_id, move_ids, "recovered" if recovered else "sent", None,
                            message_id)

    async def mark_retry(self, ids: Sequence[int], error: str, delay: float, *, channel_id: int,
                         guild_id: int | None, move_ids: Iterable[str]) -> None:
        at = _now()
        async with self._transaction() as db:
            await db.executemany("UPDATE outbox SET last_error = ?, next_attempt_at = ?, lease_until = NULL"
                                 " WHERE id = ?",
                                 [(error[:500], _iso(at + timedelta(seconds=delay)), i) for i in ids])
            await self._log(db, _iso(at), guild_id, channel_id, move_ids, "retry", error[:500], None)

    async def mark_dropped(self, ids: Sequence[int], error: str, *, channel_id: int, guild_id: int | None,
                           move_ids: Iterable[str]) -> None:
        """Give up on deliveries Discord refused for good; the log keeps why."""
        async with self._transaction() as db:
            await db.executemany("UPDATE outbox SET state = 'dropped', last_error = ? WHERE id = ?",
                                 [(error[:500], i) for i in ids])
            await self._log(db, _iso(_now()), guild_id, channel_id, move_ids, "dropped", error[:500], None)

    async def log_paused(self, *, channel_id: int, guild_id: int | None, move_ids: Iterable[str], reason: str) -> None:
        async with self._transaction() as db:
            await self._log(db, _iso(_now()), guild_id, channel_id, move_ids, "paused", reason, None)

    @staticmethod
    async def _log(db: Any, at: str, guild_id: int | None, channel_id: int,
                   move_ids: Iterable[str], outcome: str, detail: str | None, message_id: int | None) -> None:
        await db.execute("INSERT INTO delivery_log (at, guild_id, channel_id, move_ids, outcome, detail, message_id)"
                         " VALUES (?,?,?,?,?,?,?)",
                         (at, guild_id, channel_id, ",".join(move_ids), outcome, detail, message_id))

    async def delivery_log(self, *, guild_id: int | None = None, limit: int = 20) -> list[DeliveryLogEntry]:
        where = "WHERE guild_id = ?" if guild_id is not None else ""
        params: tuple = (guild_id, limit) if guild_id is not None else (limit,)
        rows = await self._db.execute_fetchall(
            f"SELECT at, channel_id, move_ids, outcome, detail, message_id FROM delivery_log {where}"
            " ORDER BY id DESC LIMIT ?", params)
        return [DeliveryLogEntry(at, ch, tuple(m.split(",")) if m else (), o, d, mid) for at, ch, m, o, d, mid in rows]

    async def sent_count(self) -> int:
        return (await self._db.execute_fetchall("SELECT count(*) FROM outbox WHERE state = 'sent'"))[0][0]

    # -- export / import ----------------------------------------------------------------------------------

    async def export_subscriptions(self) -> list[dict]:
        return [s.as_json() for s in await self.subscriptions()]

    async def resolve_target(self, kind: str, name: str, org: str | None) -> int | None:
        """The id of a subscription target by its canonical name (for import into another database)."""
        if kind == "person":
            rows = await self._db.execute_fetchall("SELECT id FROM people WHERE name = ?", (name,))
        elif kind == "org":
            rows = await self._db.execute_fetchall("SELECT id FROM orgs WHERE name = ?", (name,))
        elif kind == "team":
            rows = await self._db.execute_fetchall(
                "SELECT t.id FROM teams t JOIN orgs o ON o.id = t.org_id WHERE t.name = ? AND o.name = ?", (name, org))
        else:
            return None
        return rows[0][0] if rows else None
