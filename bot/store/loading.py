"""Loading the dataset into the store (mixed into `Store`): one transaction, all or nothing, with its history and
alerts. The SQL is the same on both backends; what differs (how rows are written in bulk, the moves table's
indexes, the staging tables, the settings of a big load) is the backend's, behind the hooks at the top of `Loading`.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from bot.dataset import DatasetInvalid, DatasetReader, collector_paused
from bot.dataset_chunks import CutInsideRow
from bot.dataset_reload import Reload, small_digests
from bot.records import LoadReport
from bot.store import columns
from bot.store.columns import MOVE_CONTENT, MOVE_ROW, SOURCE_COLUMNS
from bot.store.errors import REMOVAL_SHARE, TooManyRemovals
from bot.store.names import NameIds
from bot.store.reload import StaleReload, cut_files


class Loading:
    """`apply_dataset` and its steps; `Store` provides `_db`, `_transaction`, the alert queue and these hooks."""

    _db: Any
    _transaction: Callable[..., AbstractAsyncContextManager[Any]]
    _WRITES_IN_FLIGHT = 1  # writes of a load handed to the database before the first is done (`_Queue`)

    @asynccontextmanager
    async def _bulk(self, db: Any) -> AsyncIterator[None]:
        """Settings for a big write (room in the cache; constraint checks the validated rows do not need)."""
        yield

    async def _write_rows(self, db: Any, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Append rows to a table (the backend's fastest way: COPY on PostgreSQL)."""
        raise NotImplementedError

    async def _drop_move_indexes(self, db: Any) -> list[str]:
        """Drop the moves table's secondary indexes and return the statements that build them again: a first load
        writes the rows first and sorts each index once (in the same transaction)."""
        raise NotImplementedError

    async def _staging(self, db: Any) -> tuple[str, str]:
        """Temporary tables shaped like moves and sources (with the rows' order), for a load to compare with what
        is recorded; their names."""
        raise NotImplementedError

    async def _ids_taken(self, db: Any) -> None:
        """After a load that gave names their ids itself: the backend's id generators continue after them."""

    # -- loading ------------------------------------------------------------------------------------------

    async def apply_dataset(self, reader: DatasetReader, meta: dict[str, str] | None = None, *,
                            allow_removals: bool = False, reload: Reload | None = None) -> LoadReport:
        """Make the database say what the dataset says, in one transaction, and log what changed.

        The reader's rows are written as they are read; if the reader finds any error, the transaction is rolled
        back and `DatasetInvalid` raised: nothing half-loaded. Moves recorded by other paths (CLI, Discord) are
        kept: only moves that came from a dataset can be removed by a dataset, and one the dataset holds unchanged
        (an export loaded back) stays as it is. The first load into an empty
        database goes straight into the tables (their secondary indexes built once, after the rows) and is
        logged as history, not news; a later load goes through temporary tables and SQL works out what changed.
        `meta` is written with the load (the dataset's digest, say). A load that would withdraw more than half of the
        dataset's moves raises `TooManyRemovals` (nothing written) unless `allow_removals`: a file cut short is more
        likely than that. A withdrawn move that comes back is `restored`: history, not news (no alert).

        With a `reload` (`reload_plan`), the reader was given only the chunks of the files that changed since the
        last load, and what they name: the same report, written the same way, from those rows. Any doubt (an error
        in them, the record changed meanwhile, a move repeated under another id) and the whole dataset is read.
        """
        with collector_paused():
            if reload is not None:
                try:
                    return await self._apply_dataset(reader, meta or {}, allow_removals, reload)
                except (DatasetInvalid, CutInsideRow, StaleReload):
                    reader = DatasetReader(reader.data_dir, reader.progress)
            return await self._apply_dataset(reader, meta or {}, allow_removals, None)

    async def _apply_dataset(self, reader: DatasetReader, meta: dict[str, str], allow_removals: bool,
                             reload: Reload | None) -> LoadReport:
        at = columns.now_iso()
        empty = not await self._db.execute_fetchall("SELECT 1 FROM moves LIMIT 1")
        if reload is not None and (empty or small_digests(reader.data_dir) != reload.small):
            raise StaleReload("the small files changed since the load was planned")
        # a full load cuts the files in chunks (bot.dataset_chunks) meanwhile, in a thread, for the next load
        cutting = None if reload is not None else asyncio.ensure_future(asyncio.to_thread(cut_files, reader.data_dir))
        try:
            async with self._transaction(bulk=empty) as db, self._bulk(db):
                first_load = not await db.execute_fetchall("SELECT 1 FROM moves LIMIT 1")
                if reload is not None:
                    await self._check_token(db, reload)
                names = await NameIds.read(db, self._write_rows, lazy=reload is not None)
                if reload is None:
                    await names.add_dataset_names(db, reader)
                    await self._replace_aliases(db, reader, names)
                else:  # (the small files are those of the last load: their names and aliases are on record)
                    await names.add_role_names(db, reader)
                if first_load:
                    added, changed, removed, restored = await self._first_load(db, reader, names, at)
                else:
                    added, changed, removed, restored = await self._later_load(db, reader, names, at,
                                                                               allow_removals, reload)
                await self._record_chunks(db, reader, reload, cutting)
                await db.execute("DELETE FROM roles")
                await db.executemany(
                    "INSERT INTO roles (person_id, org_id, team_id, role, as_of, as_of_precision, url, supports)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [(names.people[r.person], names.orgs[r.org], names.teams[r.org, r.team] if r.team else None,
                      r.role, r.as_of, r.as_of_precision, r.url, r.supports) for r in reader.roles])
                total = len(reader.move_lines) + (reload.kept_moves if reload is not None else 0)
                meta = {**meta, "dataset_loaded_at": at, "dataset_moves": str(total)}
                await db.executemany("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE"
                                     " SET value=excluded.value", list(meta.items()))
                await self._ids_taken(db)
        finally:
            if cutting is not None and not cutting.done():
                cutting.cancel()
        return LoadReport(added=added, changed=changed, removed=removed, first_load=first_load,
                          roles=len(reader.roles), restored=restored, read=len(reader.move_lines))

    async def _first_load(self, db: Any, reader: DatasetReader, names: NameIds,
                          at: str) -> tuple[list[str], list[str], list[str], list[str]]:
        """Into the empty tables; their indexes built once, after the rows; history, not news."""
        indexes = await self._drop_move_indexes(db)
        await self._write_dataset(db, reader, names, ("moves", "sources"), at)
        for sql in indexes:
            await db.execute(sql)
        await db.execute("INSERT INTO move_events (move_id, kind, origin, news, at)"
                         " SELECT id, 'added', 'dataset', 0, CAST(? AS TEXT) FROM moves ORDER BY rowid", (at,))
        return list(reader.move_lines), [], [], []

    async def _later_load(self, db: Any, reader: DatasetReader, names: NameIds, at: str, allow_removals: bool,
                          reload: Reload | None) -> tuple[list[str], list[str], list[str], list[str]]:
        """Through the staging tables, compared with the record in SQL; news and alerts for what changed."""
        tables = await self._staging(db)
        await self._write_dataset(db, reader, names, tables, at)
        gone = "{0} NOT IN (SELECT id FROM temp.load_moves)"  # a move on record that the dataset no longer has
        if reload is not None:
            await self._same_moves(db, reload)
            await self._write_rows(db, "temp.load_gone", ("id",), [(i,) for i in sorted(reload.ids)])
            gone = "{0} IN (SELECT id FROM temp.load_gone) AND " + gone
        completing = await _completions(db, gone.format("m.id"))
        added, changed, removed, restored = await (
            self._apply_changes(db, at, allow_removals) if reload is None
            else self._apply_changes(db, at, allow_removals, gone=gone.format("id")))
        await self._log_completions(db, completing, at)
        await self.enqueue(db, [m for m in added if m not in completing], "new", at)
        await self.enqueue(db, [m for m in changed if m not in completing], "correction", at)
        await self.enqueue_completion(db, [m for m in added + changed if m in completing], at)
        for table in ("load_moves", "load_sources", "load_gone"):
            await db.execute(f"DROP TABLE temp.{table}")
        return added, changed, removed, restored

    async def _write_dataset(self, db: Any, reader: DatasetReader, names: NameIds, tables: tuple[str, str],
                             at: str) -> None:
        """The reader's moves and sources into `tables`, as they are read; past the first error nothing more is
        written (the reader reads on, for the other errors), and `reader.check()` raises them."""
        queue = _Queue(self._WRITES_IN_FLIGHT)
        try:
            for chunk in reader.moves():
                if not reader.errors:
                    await names.add_new(db, chunk, queue)
                    await queue.put(self._write_rows(db, tables[0], MOVE_ROW, names.move_rows(chunk, at)))
            for chunk in reader.sources():
                if not reader.errors:
                    await queue.put(self._write_rows(db, tables[1], SOURCE_COLUMNS, chunk))
        finally:
            await queue.drain()
        reader.check()

    async def _apply_changes(self, db: Any, at: str, allow_removals: bool,
                             gone: str = "id NOT IN (SELECT id FROM temp.load_moves)",
                             ) -> tuple[list[str], list[str], list[str], list[str]]:
        """A load over earlier ones, from the staged rows: write what was added, changed or restored, retract what
        left, log each (added and changed as news; restored, a withdrawn move back, not). Rows are compared column
        by column, and sources as sets of rows."""
        await db.execute("CREATE TEMP TABLE load_changes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, line INTEGER)")
        # A move retracted by a moderator (the last removal not the dataset's) stays retracted while its row is the
        # same: only an edit of that row in the dataset brings it back.
        moderated = ("(SELECT e.origin FROM move_events e WHERE e.move_id = m.id AND e.kind = 'removed'"
                     " ORDER BY e.seq DESC LIMIT 1) IS NOT 'dataset'")
        await db.execute(f"""
            INSERT INTO temp.load_changes
            SELECT n.id, CASE WHEN m.id IS NULL THEN 'added' WHEN m.retracted_at IS NOT NULL THEN 'restored'
                              ELSE 'changed' END, n.rowid
              FROM temp.load_moves n LEFT JOIN moves m ON m.id = n.id
             WHERE m.id IS NULL OR (m.retracted_at IS NOT NULL AND NOT {moderated})
                OR {" OR ".join(f"m.{c} IS NOT n.{c}" for c in MOVE_CONTENT)}""")
        sources = ", ".join(SOURCE_COLUMNS)
        await db.execute(f"""
            INSERT OR IGNORE INTO temp.load_changes
            SELECT d.move_id, CASE WHEN m.retracted_at IS NOT NULL THEN 'restored' ELSE 'changed' END, n.rowid FROM (
                SELECT move_id FROM (SELECT {sources} FROM temp.load_sources EXCEPT SELECT {sources} FROM sources
                                     WHERE move_id IN (SELECT id FROM temp.load_moves)) AS a
                UNION
                SELECT move_id FROM (SELECT {sources} FROM sources WHERE move_id IN (SELECT id FROM temp.load_moves)
                                     EXCEPT SELECT {sources} FROM temp.load_sources) AS b
            ) d JOIN temp.load_moves n ON n.id = d.move_id JOIN moves m ON m.id = d.move_id""")
        rows = await db.execute_fetchall("SELECT id, kind FROM temp.load_changes ORDER BY line")
        added = [mid for mid, kind in rows if kind == "added"]
        changed = [mid for mid, kind in rows if kind == "changed"]
        restored = [mid for mid, kind in rows if kind == "restored"]
        removed = [row[0] for row in await db.execute_fetchall(
            f"SELECT id FROM moves WHERE origin = 'dataset' AND retracted_at IS NULL AND {gone} ORDER BY rowid")]
        if removed and not allow_removals:
            live = (await db.execute_fetchall(
                "SELECT count(*) FROM moves WHERE origin = 'dataset' AND retracted_at IS NULL"))[0][0]
            if len(removed) > REMOVAL_SHARE * live:
                raise TooManyRemovals(len(removed), live)

        columns = ", ".join(("id", *MOVE_CONTENT))
        await db.execute("DELETE FROM sources WHERE move_id IN (SELECT id FROM temp.load_changes)")
        await db.execute(
            f"INSERT INTO moves ({columns}, origin, recorded_at, updated_at, retracted_at)"
            f" SELECT {columns}, 'dataset', recorded_at, updated_at, NULL FROM temp.load_moves"
            " WHERE id IN (SELECT id FROM temp.load_changes) ORDER BY rowid"
            f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in MOVE_CONTENT)},"
            " origin='dataset', updated_at=excluded.updated_at, retracted_at=NULL")
        await db.execute(f"INSERT INTO sources SELECT {sources} FROM temp.load_sources"
                         " WHERE move_id IN (SELECT id FROM temp.load_changes)")
        await db.executemany("UPDATE moves SET retracted_at = ?, updated_at = ? WHERE id = ?",
                             [(at, at, mid) for mid in removed])
        events = ([(mid, "added", 1) for mid in added] + [(mid, "changed", 1) for mid in changed]
                  + [(mid, "removed", 1) for mid in removed] + [(mid, "added", 0) for mid in restored])
        await db.executemany(
            "INSERT INTO move_events (move_id, kind, origin, news, at) VALUES (?, ?, 'dataset', ?, ?)",
            [(mid, kind, news, at) for mid, kind, news in events])
        await db.execute("DROP TABLE temp.load_changes")
        return added, changed, removed, restored

    @staticmethod
    async def _log_completions(db: Any, completing: dict[str, str], at: str) -> None:
        """History for departures completed by a load: under the same id, the destination it was given; under a
        new id (the departure row replaced by the move, as the dataset's convention has it), the new move says
        which departure it completes and the departure why it was withdrawn."""
        for new_id, old_id in completing.items():
            if new_id == old_id:
                rows = await db.execute_fetchall("SELECT o.name FROM moves m JOIN orgs o ON o.id = m.to_org_id"
                                                 " WHERE m.id = ?", (new_id,))
                await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,?,?)",
                                 (new_id, at, "dataset", "edited", json.dumps({"to_org": [None, rows[0][0]]})))
                continue
            await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,?,?)",
                             (new_id, at, "dataset", "added", json.dumps({"completes": old_id})))
            await db.execute("INSERT INTO move_history (move_id, at, actor, action, changes) VALUES (?,?,?,?,?)",
                             (old_id, at, "dataset", "retracted",
                              json.dumps({"reason": f"destination now known: {new_id}"})))

    @staticmethod
    async def _replace_aliases(db: Any, reader: DatasetReader, names: NameIds) -> None:
        await db.execute("DELETE FROM org_aliases")
        await db.execute("DELETE FROM team_aliases")
        await db.execute("DELETE FROM person_aliases")
        await db.executemany("INSERT OR IGNORE INTO org_aliases VALUES (?, ?)",
                             [(names.orgs[o.name], a) for o in reader.orgs for a in o.aliases])
        await db.executemany("INSERT OR IGNORE INTO team_aliases VALUES (?, ?)",
                             [(names.teams[t.org, t.name], a) for t in reader.teams for a in t.aliases])
        await db.executemany("INSERT OR IGNORE INTO person_aliases VALUES (?, ?)",
                             [(names.people[p.name], a) for p in reader.people for a in p.aliases])

    # -- recording one move (CLI, Discord) ------------------------------------------------------------------


class _Queue:
    """Writes handed to the database while the reader reads the next chunk: up to `depth` in flight, in order (the
    backend runs them in the order given: SQLite's connection has a thread and a queue of its own); `depth` 1 waits
    for each (an asyncpg connection runs one statement at a time)."""

    def __init__(self, depth: int):
        self.depth = depth
        self.pending: deque[asyncio.Future] = deque()

    async def put(self, write: Awaitable[Any]) -> None:
        if self.depth <= 1:
            await write
            return
        self.pending.append(asyncio.ensure_future(write))
        while len(self.pending) >= self.depth:
            await self.pending.popleft()

    async def drain(self) -> None:
        while self.pending:
            await self.pending.popleft()


async def _completions(db: Any, gone: str) -> dict[str, str]:
    """Departures (no destination) that the staged dataset completes, as {completing move id: departure id}: the
    same row now with a destination, or the row replaced by a move of the same person from the same org within a
    year. Starts from the live departures, which are few."""
    rows = await db.execute_fetchall(f"""
        SELECT n.id, m.id, n.date, m.date, n.id = m.id FROM moves m
          JOIN temp.load_moves n ON n.person_id = m.person_id AND n.from_org_id = m.from_org_id
         WHERE m.to_org_id IS NULL AND m.retracted_at IS NULL AND m.origin = 'dataset' AND n.to_org_id IS NOT NULL
           AND (n.id = m.id OR ({gone}
                                AND n.id NOT IN (SELECT id FROM moves WHERE retracted_at IS NULL)))""")
    return {new: old for new, old, new_date, old_date, same in rows
            if same or abs(int(new_date[:4]) - int(old_date[:4])) <= 1}

