"""Recording, correcting and withdrawing one move (CLI, Discord, accepted news): the store's write paths other than
the dataset load (mixed into `Store`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.models import Move
from bot.records import MoveRecord, SourceRecord
from bot.rows import NO_PLACE
from bot.store import columns
from bot.store.columns import INSERT_MOVE, INSERT_SOURCE, MOVE_SELECT, UPDATE_MOVE, marks


class MoveExists(Exception):
    """A move with this id is already recorded."""


class UnknownMove(Exception):
    """No move has this id."""



class MoveWrites:
    """Methods over one move at a time; `Store` provides `_db`, `_transaction`, `move`, `_with_sources` and the
    alert queue (`enqueue`, `enqueue_completion`)."""

    _db: Any
    _transaction: Callable[..., AbstractAsyncContextManager[Any]]

    # -- recording one move (CLI, Discord) ------------------------------------------------------------------

    async def record_move(self, move: Move, *, origin: str, actor: str) -> MoveRecord:
        """Record one new move with its sources, history, change event and alerts, in one transaction."""
        at = columns.now_iso()
        async with self._transaction() as db:
            if await db.execute_fetchall("SELECT 1 FROM moves WHERE id = ?", (move.id,)):
                raise MoveExists(move.id)
            row = await self._move_row_for(db, move, at)
            await db.execute(INSERT_MOVE, (*row, origin))
            await db.executemany(INSERT_SOURCE, _source_rows(move))
            await db.execute("INSERT INTO move_events (move_id, kind, origin, news, at) VALUES (?, 'added', ?, 1, ?)",
                             (move.id, origin, at))
            await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,'added',?)",
                             (move.id, at, actor, None))
            await self.enqueue(db, [move.id], "new", at)
        found = await self.move(move.id)
        assert found is not None
        return found

    async def edit_move(self, move: Move, *, actor: str, quiet: bool = False) -> tuple[MoveRecord, dict[str, list]]:
        """Correct a recorded move (same id); keeps what changed in its history. Not news: no new alert, but a
        correction for the channels that asked for them (none when `quiet`: a source added to a known move). A
        departure given its destination is news again: an update to those told of the departure, the move as new
        to those who follow only the destination (`enqueue_completion`)."""
        old = await self.move(move.id)
        if old is None:
            raise UnknownMove(move.id)
        at = columns.now_iso()
        async with self._transaction() as db:
            row = await self._move_row_for(db, move, at)
            await db.execute(UPDATE_MOVE, (*row[1:-2], at, move.id))
            kept = dict(await db.execute_fetchall("SELECT url, supports FROM sources WHERE move_id = ?", (move.id,)))
            await db.execute("DELETE FROM sources WHERE move_id = ?", (move.id,))
            await db.executemany(INSERT_SOURCE, [(*r[:7], r[7] if r[7] is not None else kept.get(r[2]))
                                                 for r in _source_rows(move)])
            new_json = _record_of(move).as_json()
            changes = {k: [v, new_json[k]] for k, v in old.as_json().items() if new_json[k] != v}
            await db.execute("INSERT INTO move_events (move_id, kind, origin, news, at) VALUES (?, 'changed', ?, 1, ?)",
                             (move.id, actor, at))
            await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,'edited',?)",
                             (move.id, at, actor, json.dumps(changes, ensure_ascii=False)))
            if changes and old.to_org is None and move.to is not None:
                await self.enqueue_completion(db, [move.id], at)
            elif changes and not quiet:
                await self.enqueue(db, [move.id], "correction", at)
        found = await self.move(move.id)
        assert found is not None
        return found, changes

    async def retract_move(self, move_id: str, *, actor: str, reason: str) -> MoveRecord:
        """Withdraw a move from answers, keeping it and the reason in its history."""
        old = await self.move(move_id)
        if old is None:
            raise UnknownMove(move_id)
        at = columns.now_iso()
        async with self._transaction() as db:
            await db.execute("UPDATE moves SET retracted_at = ?, updated_at = ? WHERE id = ?", (at, at, move_id))
            await db.execute("UPDATE outbox SET state = 'dropped' WHERE move_id = ? AND state = 'pending'", (move_id,))
            await db.execute("INSERT INTO move_events (move_id, kind, origin, news, at) VALUES (?, 'removed', ?, 1, ?)",
                             (move_id, actor, at))
            await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,"
                             "'retracted',?)", (move_id, at, actor, json.dumps({"reason": reason}, ensure_ascii=False)))
        return old

    async def move_history(self, move_id: str) -> list[tuple[str, str, str, str | None]]:
        """(at, actor, action, changes JSON) for a move, oldest first."""
        rows = await self._db.execute_fetchall(
            "SELECT at, actor, action, changes FROM move_history WHERE move_id = ? ORDER BY id", (move_id,))
        return [tuple(r) for r in rows]  # type: ignore[misc]

    async def moves_of_person(self, name: str) -> list[MoveRecord]:
        """The live moves of a person by canonical name (to find the same move recorded again), oldest first."""
        rows = await self._db.execute_fetchall(
            f"{MOVE_SELECT} WHERE m.person_id = (SELECT id FROM people WHERE name = ?) AND m.retracted_at IS NULL"
            " ORDER BY m.date, m.id", (name,))
        return await self._with_sources(rows)

    async def move_ids_like(self, prefix: str, limit: int = 25) -> list[str]:
        """Move ids starting with `prefix` (autocomplete of /move edit and /move retract), via the key's index."""
        rows = await self._db.execute_fetchall(
            "SELECT id FROM moves WHERE id >= ? AND id < ? AND retracted_at IS NULL ORDER BY id LIMIT ?",
            (prefix, prefix + "\U0010ffff", limit))
        return [r[0] for r in rows]

    async def move_exists(self, move_id: str) -> bool:
        return bool(await self._db.execute_fetchall("SELECT 1 FROM moves WHERE id = ?", (move_id,)))

    async def _move_row_for(self, db: Any, move: Move, at: str) -> tuple:
        """Ids for the names of one move (creating the new ones), then its row; targeted, no table scans."""
        places = [p for p in (move.from_, move.to) if p is not None]
        orgs = {p.org for p in places}
        await db.executemany("INSERT OR IGNORE INTO orgs (name) VALUES (?)", [(o,) for o in orgs])
        org_ids = dict(await db.execute_fetchall(
            f"SELECT name, id FROM orgs WHERE name IN ({marks(list(orgs))})", list(orgs)))
        teams = [(org_ids[p.org], p.team) for p in places if p.team]
        await db.executemany("INSERT OR IGNORE INTO teams (org_id, name) VALUES (?, ?)", teams)
        team_ids: dict[tuple[str, str], int] = {}
        for place in places:
            if place.team:
                rows = await db.execute_fetchall("SELECT id FROM teams WHERE org_id = ? AND name = ?",
                                                 (org_ids[place.org], place.team))
                team_ids[place.org, place.team] = rows[0][0]
        await db.execute("INSERT OR IGNORE INTO people (name) VALUES (?)", (move.person,))
        person_ids = dict(await db.execute_fetchall("SELECT name, id FROM people WHERE name = ?", (move.person,)))
        return _move_row(move, at, org_ids, team_ids, person_ids)


def _record_of(move: Move) -> MoveRecord:
    f, t = move.from_, move.to or NO_PLACE
    return MoveRecord(move.id, move.person, f.org, f.team, f.role, t.org, t.team, t.role, move.date,
                      move.date_precision, move.date_basis, move.status, move.notes,
                      tuple(SourceRecord(s.url, s.title, s.publisher, s.published, s.language) for s in move.sources))


def _move_row(move: Move, at: str, org_ids: dict[str, int], team_ids: dict[tuple[str, str], int],
              person_ids: dict[str, int]) -> tuple:
    f, t = move.from_, move.to or NO_PLACE
    return (move.id, person_ids[move.person], org_ids[f.org], team_ids[f.org, f.team] if f.team else None, f.role,
            org_ids[t.org] if t.org else None, team_ids[t.org, t.team] if t.team else None, t.role, move.date,
            move.date_precision, move.date_basis, move.status, move.notes, at, at)


def _source_rows(move: Move) -> list[tuple]:
    return [(move.id, i, s.url, s.title, s.publisher, s.published, s.language, s.supports)
            for i, s in enumerate(move.sources)]

