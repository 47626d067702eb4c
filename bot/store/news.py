"""The store's news tables: feeds, the ledger of items seen, candidate moves (mixed into `Store`).

The ledger is what makes "never proposed twice" hold across restarts: an item is recorded with every key it is
known by (guid in its feed, normalised link in its scope) in the same transaction that updates its feed, and a
candidate's dedup key is unique in its scope, rejected ones included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

from bot.news.records import (
    ArticleRef,
    CandidateAdded,
    CandidateMove,
    CandidateRecord,
    Feed,
    FeedItem,
    dedup_key,
)

_FEED_COLUMNS = ("id, url, guild_id, scope, title, etag, last_modified, body_digest, baseline_done, failures,"
                 " last_error, last_polled_at, last_ok_at, next_poll_at, disabled_reason, added_by, added_at")
_CANDIDATE_COLUMNS = ("id, scope, guild_id, person, from_org, from_team, from_role, to_org, to_team, to_role, date,"
                      " status, evidence, known_move_id, article_url, article_title, publisher, published, feed_id,"
                      " review_channel_id, review_message_id, state, decided_by, decided_at, move_id, created_at")


class UnknownCandidate(Exception):
    """No candidate has this id."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _feed(row: Sequence[Any]) -> Feed:
    values = list(row)
    values[8] = bool(values[8])
    return Feed(*values)


def _candidate(row: Sequence[Any], sources: tuple[ArticleRef, ...]) -> CandidateRecord:
    v = list(row)
    article = ArticleRef(v[14], v[15], v[16], v[17])
    return CandidateRecord(*v[:14], article, *v[18:], sources=sources)  # type: ignore[misc]


class NewsTables:
    """Methods over the news tables; `Store` provides `_db` and `_transaction`."""

    _db: Any
    _transaction: Callable[[], AbstractAsyncContextManager[Any]]

    # -- feeds --------------------------------------------------------------------------------------------

    async def add_feed(self, url: str, *, guild_id: int | None = None,
                       added_by: str | None = None) -> tuple[Feed, bool]:
        """Add a feed to a server (or to every server: `guild_id` None); True when new. Adding a feed that is
        there already re-enables it if it was disabled, and keeps its ledger."""
        scope, at = guild_id or 0, _now()
        async with self._transaction() as db:
            rows = await db.execute_fetchall("SELECT id FROM feeds WHERE scope = ? AND url = ?", (scope, url))
            if rows:
                feed_id, created = rows[0][0], False
                await db.execute("UPDATE feeds SET disabled_reason = NULL, disabled_at = NULL, failures = 0,"
                                 " next_poll_at = ? WHERE id = ? AND disabled_reason IS NOT NULL", (at, feed_id))
            else:
                rows = await db.execute_fetchall(
                    "INSERT INTO feeds (url, guild_id, scope, next_poll_at, added_by, added_at) VALUES (?,?,?,?,?,?)"
                    " RETURNING id", (url, guild_id, scope, at, added_by, at))
                feed_id, created = rows[0][0], True
        feed = await self.feed(feed_id)
        assert feed is not None
        return feed, created

    async def feed(self, feed_id: int) -> Feed | None:
        rows = await self._db.execute_fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE id = ?", (feed_id,))
        return _feed(rows[0]) if rows else None

    async def feeds(self, *, guild_id: int | None = None) -> list[Feed]:
        """Every feed, or a server's feeds and those of every server."""
        if guild_id is None:
            rows = await self._db.execute_fetchall(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY id")
        else:
            rows = await self._db.execute_fetchall(
                f"SELECT {_FEED_COLUMNS} FROM feeds WHERE scope IN (?, 0) ORDER BY id", (guild_id,))
        return [_feed(r) for r in rows]

    async def remove_feed(self, feed_id: int) -> bool:
        """Stop polling a feed; the items it brought stay in the ledger (the same stories are not news again)."""
        async with self._transaction() as db:
            cursor = await db.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))
        return cursor.rowcount > 0

    async def enable_feed(self, feed_id: int) -> Feed | None:
        """Re-enable a disabled feed: its failures are forgotten and it is polled at the next round."""
        async with self._transaction() as db:
            await db.execute("UPDATE feeds SET disabled_reason = NULL, disabled_at = NULL, failures = 0,"
                             " last_error = NULL, next_poll_at = ? WHERE id = ?", (_now(), feed_id))
        return await self.feed(feed_id)

    async def due_feeds(self, now: str) -> list[Feed]:
        """The enabled feeds whose next poll is due at `now` (ISO time), the most overdue first."""
        rows = await self._db.execute_fetchall(
            f"SELECT {_FEED_COLUMNS} FROM feeds WHERE disabled_reason IS NULL AND next_poll_at <= ?"
            " ORDER BY next_poll_at", (now,))
        return [_feed(r) for r in rows]

    async def next_feed_poll(self) -> str | None:
        rows = await self._db.execute_fetchall(
            "SELECT min(next_poll_at) FROM feeds WHERE disabled_reason IS NULL")
        return rows[0][0]

    async def feeds_not_modified(self, feed_ids: Sequence[int], next_poll_at: str) -> None:
        """Feeds that answered 304 (or the very bytes parsed last time): polled fine, nothing to read. One
        transaction for a whole round."""
        at = _now()
        async with self._transaction() as db:
            await db.executemany(
                "UPDATE feeds SET last_polled_at = ?, last_ok_at = ?, failures = 0, last_error = NULL,"
                " next_poll_at = ? WHERE id = ?", [(at, at, next_poll_at, i) for i in feed_ids])

    async def feed_failed(self, feed_id: int, error: str, next_poll_at: str,
                          disable_reason: str | None = None) -> Feed | None:
        """Count a failed poll; with `disable_reason`, the feed is disabled until re-enabled."""
        at = _now()
        async with self._transaction() as db:
            await db.execute(
                "UPDATE feeds SET failures = failures + 1, last_error = ?, last_polled_at = ?, next_poll_at = ?,"
                " disabled_reason = ?, disabled_at = CASE WHEN CAST(? AS TEXT) IS NULL THEN NULL ELSE ? END"
                " WHERE id = ?",
                (error, at, next_poll_at, disable_reason, disable_reason, at, feed_id))
        return await self.feed(feed_id)

    async def record_feed_items(self, feed: Feed, items: Sequence[FeedItem], *, etag: str | None,
                                last_modified: str | None, body_digest: str | None, title: str | None,
                                next_poll_at: str) -> list[tuple[int, FeedItem]]:
        """Record a parsed feed in one transaction: every item under all its keys, and the feed's new state.
        Returns the items never seen in the feed's scope, as (item id, item), marked pending; on the feed's
        first poll (its baseline) they are history: recorded as seen, and none is returned."""
        at, baseline = _now(), not feed.baseline_done
        fresh: list[tuple[int, FeedItem]] = []
        async with self._transaction() as db:
            known = await _known_keys(db, feed.scope, [k for item in items for k in item.keys(feed.id)])
            for item in items:
                keys = item.keys(feed.id)
                item_id = next((known[k] for k in keys if k in known), None)
                if item_id is None:
                    state = "seen" if baseline or not item.link else "pending"
                    rows = await db.execute_fetchall(
                        "INSERT INTO feed_items (scope, feed_id, link, title, guid, published, state, first_seen_at)"
                        " VALUES (?,?,?,?,?,?,?,?) RETURNING id",
                        (feed.scope, feed.id, item.link, item.title, item.guid, item.published, state, at))
                    item_id = rows[0][0]
                    assert item_id is not None
                    if state == "pending":
                        fresh.append((item_id, item))
                new_keys = [k for k in keys if k not in known]
                await db.executemany("INSERT INTO feed_item_keys (scope, key, item_id) VALUES (?,?,?)",
                                     [(feed.scope, k, item_id) for k in new_keys])
                known.update(dict.fromkeys(new_keys, item_id))
            await db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, body_digest = ?, title = coalesce(?, title),"
                " baseline_done = 1, failures = 0, last_error = NULL, last_polled_at = ?, last_ok_at = ?,"
                " next_poll_at = ? WHERE id = ?",
                (etag, last_modified, body_digest, title, at, at, next_poll_at, feed.id))
        return fresh

    async def pending_feed_items(self) -> dict[int, list[tuple[int, FeedItem]]]:
        """Items handed to extraction that did not finish (a crash, a failed article), by feed: to try again.
        One query for a whole round (a partial index holds only these)."""
        rows = await self._db.execute_fetchall(
            "SELECT feed_id, id, link, title, guid, published FROM feed_items WHERE state = 'pending'"
            " AND feed_id IS NOT NULL ORDER BY id")
        found: dict[int, list[tuple[int, FeedItem]]] = {}
        for feed_id, item_id, *item in rows:
            found.setdefault(feed_id, []).append((item_id, FeedItem(*item)))
        return found

    async def feed_item_done(self, item_id: int, error: str | None = None, *, give_up_after: int = 3) -> None:
        """Mark an item processed; with `error`, count an attempt, and give up ('failed') after a few."""
        async with self._transaction() as db:
            if error is None:
                await db.execute("UPDATE feed_items SET state = 'done', last_error = NULL WHERE id = ?", (item_id,))
            else:
                await db.execute(
                    "UPDATE feed_items SET attempts = attempts + 1, last_error = ?,"
                    " state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE state END WHERE id = ?",
                    (error, give_up_after, item_id))

    async def feed_item_states(self, scope: int) -> dict[str, int]:
        """How many items of a scope are in each state (for `feeds list` and the tests)."""
        rows = await self._db.execute_fetchall(
            "SELECT state, count(*) FROM feed_items WHERE scope = ? GROUP BY state", (scope,))
        return {state: n for state, n in rows}

    # -- candidates ---------------------------------------------------------------------------------------

    async def add_candidate(self, move: CandidateMove, article: ArticleRef, *, guild_id: int | None = None,
                            feed_id: int | None = None) -> CandidateAdded:
        """Offer a candidate move found in `article`, unless the same move (same person, from org and
        destination) is already offered, accepted or rejected in this scope: see `CandidateAdded`."""
        scope, key, at = guild_id or 0, dedup_key(move.person, move.from_org, move.to_org), _now()
        async with self._transaction() as db:
            rows = await db.execute_fetchall("SELECT id, state FROM candidates WHERE scope = ? AND dedup_key = ?",
                                             (scope, key))
            if rows:
                cand_id, state = rows[0]
                outcome = "rejected" if state == "rejected" else "source"
                if outcome == "source":
                    cursor = await db.execute(
                        "INSERT OR IGNORE INTO candidate_sources VALUES (?,?,?,?,?,?,?)",
                        (cand_id, article.url, article.title, article.publisher, article.published, move.evidence,
                         at))
                    outcome = "source" if cursor.rowcount else "seen"
            else:
                rows = await db.execute_fetchall(
                    "INSERT INTO candidates (scope, guild_id, person, from_org, from_team, from_role, to_org,"
                    " to_team, to_role, date, status, evidence, known_move_id, article_url, article_title,"
                    " publisher, published, feed_id, created_at, dedup_key)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                    (scope, guild_id, move.person, move.from_org, move.from_team, move.from_role, move.to_org,
                     move.to_team, move.to_role, move.date, move.status, move.evidence, move.known_move_id,
                     article.url, article.title, article.publisher, article.published, feed_id, at, key))
                cand_id, outcome = rows[0][0], "new"
                await db.execute("INSERT INTO candidate_sources VALUES (?,?,?,?,?,?,?)",
                                 (cand_id, article.url, article.title, article.publisher, article.published,
                                  move.evidence, at))
        found = await self.candidate(cand_id)
        assert found is not None
        return CandidateAdded(found, outcome)

    async def candidate(self, candidate_id: int) -> CandidateRecord | None:
        rows = await self._db.execute_fetchall(f"SELECT {_CANDIDATE_COLUMNS} FROM candidates WHERE id = ?",
                                               (candidate_id,))
        if not rows:
            return None
        sources = await self._db.execute_fetchall(
            "SELECT url, title, publisher, published FROM candidate_sources WHERE candidate_id = ?"
            " ORDER BY rowid", (candidate_id,))
        return _candidate(rows[0], tuple(ArticleRef(*s) for s in sources))

    async def candidates(self, *, state: str | None = None, guild_id: int | None = None,
                         limit: int = 100) -> list[CandidateRecord]:
        """Candidates, newest first: in one state, of one server's scope (and the shell's), or all."""
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(state)
        if guild_id is not None:
            where.append("scope IN (?, 0)")
            params.append(guild_id)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = await self._db.execute_fetchall(
            f"SELECT id FROM candidates{clause} ORDER BY id DESC LIMIT ?", (*params, limit))
        found = [await self.candidate(r[0]) for r in rows]
        return [c for c in found if c is not None]

    async def set_candidate_message(self, candidate_id: int, channel_id: int, message_id: int) -> None:
        """Remember the review message that shows a candidate (to edit it once decided)."""
        async with self._transaction() as db:
            await db.execute("UPDATE candidates SET review_channel_id = ?, review_message_id = ? WHERE id = ?",
                             (channel_id, message_id, candidate_id))

    async def decide_candidate(self, candidate_id: int, decision: str, decided_by: str,
                               move_id: str | None = None) -> tuple[CandidateRecord, bool]:
        """Accept or reject a pending candidate; False (and the candidate as it stands) when it was already
        decided, so two moderators pressing at once decide it once. Raises `UnknownCandidate`."""
        async with self._transaction() as db:
            changed = await self.decide_candidate_in(db, candidate_id, decision, decided_by, move_id)
        found = await self.candidate(candidate_id)
        if found is None:
            raise UnknownCandidate(f"no candidate #{candidate_id}")
        return found, changed

    @staticmethod
    async def decide_candidate_in(db: Any, candidate_id: int, decision: str, decided_by: str,
                                  move_id: str | None = None) -> bool:
        """`decide_candidate` inside a transaction the caller holds: the one that records the accepted move,
        so a move is never recorded without its candidate marked, nor the other way round. False when the
        candidate was not pending (roll the transaction back then)."""
        if decision not in ("accepted", "rejected"):
            raise ValueError(f"decision must be 'accepted' or 'rejected', not {decision!r}")
        cursor = await db.execute(
            "UPDATE candidates SET state = ?, decided_by = ?, decided_at = ?, move_id = ?"
            " WHERE id = ? AND state = 'pending'", (decision, decided_by, _now(), move_id, candidate_id))
        return cursor.rowcount > 0

async def _known_keys(db: Any, scope: int, keys: list[str]) -> dict[str, int]:
    """Which of `keys` the scope's ledger holds, and for which item."""
    known: dict[str, int] = {}
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        rows = await db.execute_fetchall(
            f"SELECT key, item_id FROM feed_item_keys WHERE scope = ? AND key IN ({','.join('?' * len(chunk))})",
            (scope, *chunk))
        known.update({k: item_id for k, item_id in rows})
    return known
