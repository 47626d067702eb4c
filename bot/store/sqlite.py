"""SQLite implementation of the store (aiosqlite, one file, WAL, foreign keys on)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from bot.datafiles import kind_of
from bot.dataset import DatasetReader, collector_paused
from bot.models import Move
from bot.records import Flow, LoadReport, MoveRecord, NameEntry, RoleRecord, SourceRecord
from bot.rows import NO_PLACE, MoveRow
from bot.store.alerts import AlertTables
from bot.store.charts import ChartQueries
from bot.store.digests import CadenceTables, DigestTables
from bot.store.errors import (
    REMOVAL_SHARE,
    DatabaseUnavailable,
    DiskFull,
    TooManyRemovals,
    damaged,
    describe,
    newer,
)
from bot.store.export import dataset_rows as export_rows
from bot.store.news import NewsTables
from bot.store.review import ReviewTables

_MOVE_SELECT = """
SELECT m.id, p.name, fo.name, ft.name, m.from_role, tor.name, tt.name, m.to_role,
       m.date, m.date_precision, m.date_basis, m.status, m.notes
FROM moves m
JOIN people p ON p.id = m.person_id
JOIN orgs fo ON fo.id = m.from_org_id
LEFT JOIN teams ft ON ft.id = m.from_team_id
LEFT JOIN orgs tor ON tor.id = m.to_org_id
LEFT JOIN teams tt ON tt.id = m.to_team_id
"""
_BUSY_TIMEOUT_MS = 10_000
# quick_check reads every page (0.4 s for 56 MB here): at open only below this size; a load checks bigger ones
QUICK_CHECK_MAX_BYTES = 32 << 20
_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit
_NAME_ENTRIES = """
SELECT 'person', id, name, name, NULL FROM people
UNION ALL SELECT 'person', p.id, p.name, a.alias, NULL FROM person_aliases a JOIN people p ON p.id = a.person_id
UNION ALL SELECT 'org', id, name, name, NULL FROM orgs
UNION ALL SELECT 'org', o.id, o.name, a.alias, NULL FROM org_aliases a JOIN orgs o ON o.id = a.org_id
UNION ALL SELECT 'team', t.id, t.name, t.name, o.name FROM teams t JOIN orgs o ON o.id = t.org_id
UNION ALL SELECT 'team', t.id, t.name, a.alias, o.name FROM team_aliases a
    JOIN teams t ON t.id = a.team_id JOIN orgs o ON o.id = t.org_id
"""


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


async def _bulk_pragmas(db: aiosqlite.Connection) -> dict[str, Any]:
    """Room for a big load (256 MiB of page cache); returns the settings to restore."""
    old = {}
    for name, value in {"cache_size": -262_144}.items():
        old[name] = (await db.execute_fetchall(f"PRAGMA {name}"))[0][0]
        await db.execute(f"PRAGMA {name} = {int(value)}")
    return old


async def _restore_pragmas(db: aiosqlite.Connection, old: dict[str, Any]) -> None:
    for name, value in old.items():
        await db.execute(f"PRAGMA {name} = {int(value)}")


@asynccontextmanager
async def _validated_rows(db: aiosqlite.Connection) -> AsyncIterator[None]:
    """Skip the moves table's CHECK constraints for rows built from validated `MoveRow`s: their values come from
    the same closed sets (`Status`, `DateBasis`, `DatePrecision`), and SQLite evaluates each `IN (...)` list by
    building a temporary table for every row, which doubles the cost of a bulk insert."""
    await db.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        await db.execute("PRAGMA ignore_check_constraints = OFF")


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("bot.store") / "migrations"
    out = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            out.append((int(item.name.split("_", 1)[0]), item.name, item.read_text(encoding="utf-8")))
    return sorted(out)


class MoveExists(Exception):
    """A move with this id is already recorded."""


class UnknownMove(Exception):
    """No move has this id."""


class Store(AlertTables, DigestTables, CadenceTables, NewsTables, ReviewTables, ChartQueries):
    """movesbot's persistent record. Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path):
        self._db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        self._timeout_ms = _BUSY_TIMEOUT_MS
        self.checked = False  # whether quick_check has passed since open

    @classmethod
    async def open(cls, path: Path | str, *, timeout: float = _BUSY_TIMEOUT_MS / 1000) -> Store:
        """Open (creating if needed) the database, check it, and bring its schema up to date.

        Raises `StoreError` (one sentence) when it cannot: a folder, a damaged file (`PRAGMA quick_check`, on files
        small enough for it to be quick), a newer movesbot's schema (refused before anything is written), a lock
        held past `timeout` seconds, a full disk. The connection is closed on every failure: its worker thread
        would otherwise keep the process from exiting.
        """
        path = Path(path)
        if str(path) != ":memory:":
            if path.is_dir():
                raise DatabaseUnavailable(f"the database path {path} is a folder, not a file: give a file name.")
            kind = kind_of(path.stat().st_mode) if path.exists() else None
            if kind is not None:  # (SQLite would wait forever reading a FIFO)
                raise DatabaseUnavailable(f"the database path {path} is not a regular file ({kind}).")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                found = describe(exc, path)
                raise found if isinstance(found, DiskFull) else DatabaseUnavailable(
                    f"cannot make the folder {path.parent} for the database ({exc.strerror or exc}: is part of the"
                    " path a file?).") from None
        try:
            db = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise describe(exc, path, timeout=timeout) or exc from None
        store = cls(db, path)
        store._timeout_ms = int(timeout * 1000)
        try:
            await db.execute(f"PRAGMA busy_timeout={store._timeout_ms}")
            await store._check(path)
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA synchronous=NORMAL")
            await store._migrate()
        except BaseException as exc:
            await db.close()
            if isinstance(exc, sqlite3.Error | OSError):
                raise describe(exc, path, timeout=timeout) or exc from None
            raise
        return store

    async def _check(self, path: Path) -> None:
        """Refuse a damaged database, and one of a newer schema, before anything is written to it."""
        if str(path) == ":memory:" or not path.exists() or path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            await self.quick_check()
        tables = {row[0] for row in await self._db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if tables and "schema_migrations" not in tables:
            raise DatabaseUnavailable(f"{path} is a SQLite database of another application (tables "
                                      f"{', '.join(sorted(tables)[:5])}): give movesbot a file of its own.")
        if tables:
            version = (await self._db.execute_fetchall("SELECT max(version) FROM schema_migrations"))[0][0] or 0
            known = max(v for v, _, _ in _migrations())
            if version > known:
                raise newer(path, version, known)

    async def quick_check(self) -> None:
        """`DatabaseDamaged` unless SQLite's quick_check finds every page sound (it reads them all)."""
        found = [row[0] for row in await self._db.execute_fetchall("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            raise damaged(self.path, "\n".join(map(str, found)))
        self.checked = True

    async def close(self) -> None:
        await self._db.close()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @asynccontextmanager
    async def _transaction(self, *, bulk: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time; everything inside commits together or not at all.

        `bulk` is for a load into an empty database: when no other connection has the file open, the transaction
        uses a rollback journal instead of the write-ahead log, so its pages are written once, to the database
        file (WAL writes each twice: to the log, then back at the checkpoint). Rollback still works the same.
        """
        async with self._write_lock:
            if bulk:
                bulk = await self._rollback_journal()
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    await self._db.execute("ROLLBACK")
                    raise
                await self._db.execute("COMMIT")
            finally:
                if bulk:
                    await self._db.execute("PRAGMA journal_mode = WAL")

    async def _rollback_journal(self) -> bool:
        """Leave WAL mode for a rollback journal if no other connection has the file open (no waiting)."""
        await self._db.execute("PRAGMA busy_timeout = 0")
        try:
            mode = (await self._db.execute_fetchall("PRAGMA journal_mode = DELETE"))[0][0]
        except sqlite3.OperationalError:  # "database is locked": someone else has it open
            mode = "wal"
        finally:
            await self._db.execute(f"PRAGMA busy_timeout = {self._timeout_ms}")
        return mode == "delete"

    async def _migrate(self) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {row[0] for row in await self._db.execute_fetchall("SELECT version FROM schema_migrations")}
        pending = [m for m in _migrations() if m[0] not in done]
        if not pending:
            return
        # A migration may rebuild a table (SQLite's way to change a constraint): foreign keys are off meanwhile, so
        # dropping the old table cascades nothing, and checked before each commit.
        await self._db.execute("PRAGMA foreign_keys=OFF")
        try:
            for version, name, sql in pending:
                async with self._transaction() as db:
                    for statement in _statements(sql):
                        await db.execute(statement)
                    if await db.execute_fetchall("PRAGMA foreign_key_check"):
                        raise sqlite3.IntegrityError(f"migration {name} would break a foreign key")
                    await db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
        finally:
            await self._db.execute("PRAGMA foreign_keys=ON")

    async def schema_version(self) -> int:
        rows = await self._db.execute_fetchall("SELECT max(version) FROM schema_migrations")
        return rows[0][0] or 0

    # -- loading ------------------------------------------------------------------------------------------

    async def apply_dataset(self, reader: DatasetReader, meta: dict[str, str] | None = None, *,
                            allow_removals: bool = False) -> LoadReport:
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
        """
        with collector_paused():
            return await self._apply_dataset(reader, meta or {}, allow_removals)

    async def _apply_dataset(self, reader: DatasetReader, meta: dict[str, str], allow_removals: bool) -> LoadReport:
        at = now_iso()
        empty = not await self._db.execute_fetchall("SELECT 1 FROM moves LIMIT 1")
        async with self._transaction(bulk=empty) as db:
            first_load = not await db.execute_fetchall("SELECT 1 FROM moves LIMIT 1")
            old_pragmas = await _bulk_pragmas(db)
            try:
                names = await _NameIds.read(db)
                await names.add_dataset_names(db, reader)
                await self._replace_aliases(db, reader, names)
                indexes = await _drop_move_indexes(db) if first_load else []
                moves_table, sources_table = ("moves", "sources") if first_load else await _staging(db)
                insert_move = (
                    f"INSERT INTO {moves_table} (id, person_id, from_org_id, from_team_id, from_role, to_org_id,"
                    " to_team_id, to_role, date, date_precision, date_basis, status, notes, recorded_at, updated_at)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?14,?14)")
                async with _validated_rows(db):
                    for chunk in reader.moves():
                        if not reader.errors:  # past the first error nothing is kept: read on for the others only
                            await names.add_new(db, chunk)
                            await db.executemany(insert_move, names.move_rows(chunk, at))
                    for chunk in reader.sources():
                        if not reader.errors:
                            await db.executemany(f"INSERT INTO {sources_table} VALUES (?,?,?,?,?,?,?,?)", chunk)
                reader.check()
                if first_load:
                    for sql in indexes:
                        await db.execute(sql)
                    await db.execute("INSERT INTO move_events (move_id, kind, origin, news, at)"
                                     " SELECT id, 'added', 'dataset', 0, ? FROM moves ORDER BY rowid", (at,))
                    added, changed, removed, restored = list(reader.move_lines), [], [], []
                else:
                    completing = await _completions(db)
                    added, changed, removed, restored = await self._apply_changes(db, at, allow_removals)
                    await self._log_completions(db, completing, at)
                    await self.enqueue(db, [m for m in added if m not in completing], "new", at)
                    await self.enqueue(db, [m for m in changed if m not in completing], "correction", at)
                    await self.enqueue_completion(db, [m for m in added + changed if m in completing], at)
                await db.execute("DELETE FROM roles")
                await db.executemany(
                    "INSERT INTO roles (person_id, org_id, team_id, role, as_of, as_of_precision, url, supports)"
                    " VALUES (?,?,?,?,?,?,?,?)",
                    [(names.people[r.person], names.orgs[r.org], names.teams[r.org, r.team] if r.team else None,
                      r.role, r.as_of, r.as_of_precision, r.url, r.supports) for r in reader.roles])
                meta = {**meta, "dataset_loaded_at": at, "dataset_moves": str(len(reader.move_lines))}
                await db.executemany(
                    "INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                    list(meta.items()))
                if not first_load:
                    await db.execute("DROP TABLE temp.load_moves")
                    await db.execute("DROP TABLE temp.load_sources")
            finally:
                await _restore_pragmas(db, old_pragmas)
        return LoadReport(added=added, changed=changed, removed=removed, first_load=first_load,
                          roles=len(reader.roles), restored=restored)

    @staticmethod
    async def _apply_changes(db: aiosqlite.Connection, at: str,
                             allow_removals: bool) -> tuple[list[str], list[str], list[str], list[str]]:
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
                OR {" OR ".join(f"m.{c} IS NOT n.{c}" for c in _MOVE_CONTENT)}""")
        sources = "move_id, position, url, title, publisher, published, language, supports"
        await db.execute(f"""
            INSERT OR IGNORE INTO temp.load_changes
            SELECT d.move_id, CASE WHEN m.retracted_at IS NOT NULL THEN 'restored' ELSE 'changed' END, n.rowid FROM (
                SELECT move_id FROM (SELECT {sources} FROM temp.load_sources EXCEPT SELECT {sources} FROM sources)
                UNION
                SELECT move_id FROM (SELECT {sources} FROM sources WHERE move_id IN (SELECT id FROM temp.load_moves)
                                     EXCEPT SELECT {sources} FROM temp.load_sources)
            ) d JOIN temp.load_moves n ON n.id = d.move_id JOIN moves m ON m.id = d.move_id""")
        rows = await db.execute_fetchall("SELECT id, kind FROM temp.load_changes ORDER BY line")
        added = [mid for mid, kind in rows if kind == "added"]
        changed = [mid for mid, kind in rows if kind == "changed"]
        restored = [mid for mid, kind in rows if kind == "restored"]
        removed = [row[0] for row in await db.execute_fetchall(
            "SELECT id FROM moves WHERE origin = 'dataset' AND retracted_at IS NULL"
            " AND id NOT IN (SELECT id FROM temp.load_moves) ORDER BY rowid")]
        if removed and not allow_removals:
            live = (await db.execute_fetchall(
                "SELECT count(*) FROM moves WHERE origin = 'dataset' AND retracted_at IS NULL"))[0][0]
            if len(removed) > REMOVAL_SHARE * live:
                raise TooManyRemovals(len(removed), live)

        columns = ", ".join(("id", *_MOVE_CONTENT))
        await db.execute("DELETE FROM sources WHERE move_id IN (SELECT id FROM temp.load_changes)")
        async with _validated_rows(db):
            await db.execute(
                f"INSERT INTO moves ({columns}, origin, recorded_at, updated_at, retracted_at)"
                f" SELECT {columns}, 'dataset', recorded_at, updated_at, NULL FROM temp.load_moves"
                " WHERE id IN (SELECT id FROM temp.load_changes) ORDER BY rowid"
                f" ON CONFLICT (id) DO UPDATE SET {', '.join(f'{c}=excluded.{c}' for c in _MOVE_CONTENT)},"
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
    async def _log_completions(db: aiosqlite.Connection, completing: dict[str, str], at: str) -> None:
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
    async def _replace_aliases(db: aiosqlite.Connection, reader: DatasetReader, names: _NameIds) -> None:
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

    async def record_move(self, move: Move, *, origin: str, actor: str) -> MoveRecord:
        """Record one new move with its sources, history, change event and alerts, in one transaction."""
        at = now_iso()
        async with self._transaction() as db:
            if await db.execute_fetchall("SELECT 1 FROM moves WHERE id = ?", (move.id,)):
                raise MoveExists(move.id)
            row = await self._move_row_for(db, move, at)
            await db.execute(
                "INSERT INTO moves (id, person_id, from_org_id, from_team_id, from_role, to_org_id, to_team_id,"
                " to_role, date, date_precision, date_basis, status, notes, origin, recorded_at, updated_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", (*row[:13], origin, *row[13:]))
            await db.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)", _source_rows(move))
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
        at = now_iso()
        async with self._transaction() as db:
            row = await self._move_row_for(db, move, at)
            await db.execute(
                "UPDATE moves SET person_id=?, from_org_id=?, from_team_id=?, from_role=?, to_org_id=?, to_team_id=?,"
                " to_role=?, date=?, date_precision=?, date_basis=?, status=?, notes=?, updated_at=?"
                " WHERE id = ?", (*row[1:13], at, move.id))
            kept = dict(await db.execute_fetchall("SELECT url, supports FROM sources WHERE move_id = ?", (move.id,)))
            await db.execute("DELETE FROM sources WHERE move_id = ?", (move.id,))
            await db.executemany("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?)",
                                 [(*r[:7], r[7] if r[7] is not None else kept.get(r[2])) for r in _source_rows(move)])
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
        at = now_iso()
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
            f"{_MOVE_SELECT} WHERE m.person_id = (SELECT id FROM people WHERE name = ?) AND m.retracted_at IS NULL"
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

    async def _move_row_for(self, db: aiosqlite.Connection, move: Move, at: str) -> tuple:
        """Ids for the names of one move (creating the new ones), then its row; targeted, no table scans."""
        places = [p for p in (move.from_, move.to) if p is not None]
        orgs = {p.org for p in places}
        await db.executemany("INSERT OR IGNORE INTO orgs (name) VALUES (?)", [(o,) for o in orgs])
        org_ids = dict(await db.execute_fetchall(
            f"SELECT name, id FROM orgs WHERE name IN ({_marks(list(orgs))})", list(orgs)))
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

    async def name_entries_for(self, move_ids: Sequence[str]) -> list[NameEntry]:
        """The spellings behind some moves (to add the names of new moves to a running index)."""
        out: list[NameEntry] = []
        for chunk in _chunks(list(move_ids)):
            marks = _marks(chunk)
            sql = f"""
            SELECT 'person', p.id, p.name, p.name, NULL FROM moves m JOIN people p ON p.id = m.person_id
             WHERE m.id IN ({marks})
            UNION SELECT 'org', o.id, o.name, o.name, NULL FROM moves m JOIN orgs o
             ON o.id IN (m.from_org_id, m.to_org_id) WHERE m.id IN ({marks})
            UNION SELECT 'team', t.id, t.name, t.name, o.name FROM moves m JOIN teams t
             ON t.id IN (m.from_team_id, m.to_team_id) JOIN orgs o ON o.id = t.org_id WHERE m.id IN ({marks})
            """
            out.extend(NameEntry(*row) for row in await self._db.execute_fetchall(sql, chunk * 3))
        return out

    # -- reading ------------------------------------------------------------------------------------------

    async def info(self) -> dict[str, Any]:
        """Counts and dates for `/about` and the console banner."""
        one = "SELECT (SELECT count(*) FROM moves WHERE retracted_at IS NULL), (SELECT count(*) FROM people)," \
              " (SELECT count(*) FROM orgs), (SELECT count(*) FROM sources), (SELECT max(date) FROM moves" \
              " WHERE retracted_at IS NULL)"
        moves, people, orgs, sources, latest = (await self._db.execute_fetchall(one))[0]
        meta = dict(await self._db.execute_fetchall("SELECT key, value FROM meta"))
        return {"moves": moves, "people": people, "orgs": orgs, "sources": sources, "latest_move": latest,
                "loaded_at": meta.get("dataset_loaded_at")}

    async def is_loaded(self) -> bool:
        rows = await self._db.execute_fetchall("SELECT 1 FROM meta WHERE key = 'dataset_loaded_at'")
        return bool(rows)

    async def name_entries(self) -> list[NameEntry]:
        """Every searchable spelling of every person, org and team (for the one search index)."""
        return [NameEntry(*row) for row in await self._db.execute_fetchall(_NAME_ENTRIES)]

    async def name_entry_rows(self, batch: int = 20_000) -> AsyncIterator[list[tuple[str, int, str, str, str | None]]]:
        """The same as `name_entries`, as (kind, id, name, spelling, org) tuples a batch at a time: a million
        people go into the search index without a million objects in between."""
        async with self._db.execute(_NAME_ENTRIES) as cursor:
            while rows := await cursor.fetchmany(batch):
                yield rows

    async def moves(self, *, person_id: int | None = None, from_org_id: int | None = None,
                    from_team_id: int | None = None, to_org_id: int | None = None, to_team_id: int | None = None,
                    date_from: str | None = None, date_before: str | None = None, newest_first: bool = False,
                    limit: int = 50, offset: int = 0, status: str | None = None, not_to_org_id: int | None = None,
                    returns: bool = False, no_destination: bool = False) -> tuple[list[MoveRecord], int]:
        """Moves matching every filter given, in date order, and how many match in all. `not_to_org_id`: a known
        destination other than that org; `returns`: moves back to an org the person had left before."""
        where, params = ["m.retracted_at IS NULL"], []
        for column, value in (("m.person_id", person_id), ("m.from_org_id", from_org_id),
                              ("m.from_team_id", from_team_id), ("m.to_org_id", to_org_id),
                              ("m.to_team_id", to_team_id), ("m.status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if no_destination:  # departures whose destination is not reported (the to_org index's NULL range)
            where.append("m.to_org_id IS NULL")
        if not_to_org_id is not None:
            where.append("m.to_org_id IS NOT NULL AND m.to_org_id != ?")
            params.append(not_to_org_id)
        if returns:  # through the person's own moves (their index): an earlier departure from the destination
            where.append("EXISTS (SELECT 1 FROM moves e WHERE e.person_id = m.person_id AND e.from_org_id = m.to_org_id"
                         " AND e.date < m.date AND e.retracted_at IS NULL)")
        dates, date_params = _dates("m.date", date_from, date_before)
        params.extend(date_params)
        clause = " AND ".join(where) + dates
        order = "DESC" if newest_first else "ASC"
        rows = await self._db.execute_fetchall(
            f"{_MOVE_SELECT} WHERE {clause} ORDER BY m.date {order}, m.id {order} LIMIT ? OFFSET ?",
            (*params, limit, offset))
        if len(rows) < limit and offset == 0:
            total = len(rows)
        else:
            total = (await self._db.execute_fetchall(f"SELECT count(*) FROM moves m WHERE {clause}", params))[0][0]
        return await self._with_sources(rows), total

    async def move(self, move_id: str) -> MoveRecord | None:
        rows = await self._db.execute_fetchall(f"{_MOVE_SELECT} WHERE m.id = ?", (move_id,))
        found = await self._with_sources(rows)
        return found[0] if found else None

    async def _with_sources(self, rows: Sequence[Sequence[Any]]) -> list[MoveRecord]:
        ids = [row[0] for row in rows]
        by_move: dict[str, list[SourceRecord]] = {}
        for chunk in _chunks(ids):
            for mid, url, title, publisher, published, language in await self._db.execute_fetchall(
                    "SELECT move_id, url, title, publisher, published, language FROM sources"
                    f" WHERE move_id IN ({_marks(chunk)}) ORDER BY move_id, position", chunk):
                by_move.setdefault(mid, []).append(SourceRecord(url, title, publisher, published, language))
        return [MoveRecord(*row, sources=tuple(by_move.get(row[0], ()))) for row in rows]

    async def org_flows(self, org_id: int, *, date_from: str | None = None,
                        date_before: str | None = None) -> list[Flow]:
        """People in and out of an org, by counterpart org (most active first); departures whose destination is
        not reported count as outflows to the counterpart None ("unknown")."""
        dates, params = _dates("date", date_from, date_before)
        sql = f"""
        SELECT o.name, sum(joined), sum(left_) FROM (
            SELECT from_org_id AS other, 1 AS joined, 0 AS left_ FROM moves
             WHERE to_org_id = ? AND retracted_at IS NULL{dates}
            UNION ALL
            SELECT to_org_id, 0, 1 FROM moves WHERE from_org_id = ? AND retracted_at IS NULL{dates}
        ) LEFT JOIN orgs o ON o.id = other GROUP BY o.name ORDER BY sum(joined) + sum(left_) DESC, o.name
        """
        rows = await self._db.execute_fetchall(sql, (org_id, *params, org_id, *params))
        return [Flow(name, joined, left) for name, joined, left in rows]

    async def org_totals(self, *, date_from: str | None = None, date_before: str | None = None) -> list[Flow]:
        """Every org's arrivals and departures (the talent war's table; `counterpart` is the org itself), counted
        from the org indexes alone (covering: no row is read) less the few retracted moves (their own index)."""
        dates, params = _dates("date", date_from, date_before)
        sql = f"""
        WITH gone AS MATERIALIZED (SELECT to_org_id, from_org_id FROM moves WHERE retracted_at IS NOT NULL{dates}),
             came AS (SELECT to_org_id AS org, count(*) AS n FROM moves WHERE 1{dates} GROUP BY to_org_id),
             went AS (SELECT from_org_id AS org, count(*) AS n FROM moves WHERE 1{dates} GROUP BY from_org_id),
             came_back AS (SELECT to_org_id AS org, count(*) AS n FROM gone GROUP BY to_org_id),
             went_back AS (SELECT from_org_id AS org, count(*) AS n FROM gone GROUP BY from_org_id)
        SELECT o.name, coalesce(came.n, 0) - coalesce(came_back.n, 0), coalesce(went.n, 0) - coalesce(went_back.n, 0)
          FROM orgs o LEFT JOIN came ON came.org = o.id LEFT JOIN went ON went.org = o.id
          LEFT JOIN came_back ON came_back.org = o.id LEFT JOIN went_back ON went_back.org = o.id
         WHERE coalesce(came.n, 0) - coalesce(came_back.n, 0) > 0 OR coalesce(went.n, 0) - coalesce(went_back.n, 0) > 0
        """
        rows = await self._db.execute_fetchall(sql, params * 3)
        return [Flow(name, joined, left) for name, joined, left in rows]

    async def team_short_names(self) -> dict[tuple[str, str], str]:
        """(org, team) -> its short form, for compact lines ("AFM", "MSL"): the shortest alias written as an
        acronym (capitals, at most six characters)."""
        rows = await self._db.execute_fetchall(
            "SELECT o.name, t.name, a.alias FROM team_aliases a JOIN teams t ON t.id = a.team_id"
            " JOIN orgs o ON o.id = t.org_id")
        out: dict[tuple[str, str], str] = {}
        for org, team, alias in rows:
            if len(alias) <= 6 and alias.isupper() and len(alias) < len(team) and (
                    (org, team) not in out or len(alias) < len(out[org, team])):
                out[org, team] = alias
        return out

    async def names_of(self, kind: str, id_: int) -> list[str]:
        """An org's or a team's name and its aliases (through the aliases' keys: no scan)."""
        if kind == "org":
            sql = "SELECT name FROM orgs WHERE id = ?1 UNION ALL SELECT alias FROM org_aliases WHERE org_id = ?1"
        elif kind == "team":
            sql = "SELECT name FROM teams WHERE id = ?1 UNION ALL SELECT alias FROM team_aliases WHERE team_id = ?1"
        else:
            raise ValueError(f"no aliases for a {kind}")
        return [row[0] for row in await self._db.execute_fetchall(sql, (id_,))]

    async def roles(self, *, org_id: int | None = None, team_id: int | None = None,
                    person_id: int | None = None) -> list[RoleRecord]:
        """Role holdings matching the filters, latest first."""
        where, params = [], []
        for column, value in (("r.org_id", org_id), ("r.team_id", team_id), ("r.person_id", person_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = " AND ".join(where) or "1"
        rows = await self._db.execute_fetchall(
            "SELECT p.name, o.name, t.name, r.role, r.as_of, r.as_of_precision, r.url FROM roles r"
            " JOIN people p ON p.id = r.person_id JOIN orgs o ON o.id = r.org_id"
            f" LEFT JOIN teams t ON t.id = r.team_id WHERE {clause}"
            " ORDER BY coalesce(r.as_of, '') DESC, p.name", params)
        return [RoleRecord(*row) for row in rows]

    async def dataset_rows(self, file: str) -> AsyncIterator[list[tuple]]:
        """The record as rows of the dataset file `file` (`bot.dataset.COLUMNS` order), a batch at a time."""
        async for rows in export_rows(self._db, file):
            yield rows

    async def get_meta(self, key: str) -> str | None:
        rows = await self._db.execute_fetchall("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self._transaction() as db:
            await db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                             (key, value))

    async def last_event_seq(self) -> int:
        rows = await self._db.execute_fetchall("SELECT coalesce(max(seq), 0) FROM move_events")
        return rows[0][0]

    async def events_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, str, str, bool]]:
        """Logged changes after `seq`: (seq, move_id, kind, origin, news)."""
        rows = await self._db.execute_fetchall(
            "SELECT seq, move_id, kind, origin, news FROM move_events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit))
        return [(s, m, k, o, bool(n)) for s, m, k, o, n in rows]


_MOVE_CONTENT = ("person_id", "from_org_id", "from_team_id", "from_role", "to_org_id", "to_team_id", "to_role",
                 "date", "date_precision", "date_basis", "status", "notes")


class _NameIds:
    """Name -> id of every org, team and person; a name the load meets for the first time gets the next id and
    its row before the first move that uses it (the load's transaction is the only writer)."""

    def __init__(self, orgs: dict[str, int], teams: dict[tuple[str, str], int], people: dict[str, int],
                 next_ids: dict[str, int]):
        self.orgs, self.teams, self.people = orgs, teams, people
        self._next = next_ids

    @classmethod
    async def read(cls, db: aiosqlite.Connection) -> _NameIds:
        orgs = {name: id_ for id_, name in await db.execute_fetchall("SELECT id, name FROM orgs")}
        teams = {(org, name): id_ for id_, org, name in await db.execute_fetchall(
            "SELECT t.id, o.name, t.name FROM teams t JOIN orgs o ON o.id = t.org_id")}
        people = {name: id_ for id_, name in await db.execute_fetchall("SELECT id, name FROM people")}
        next_ids = {table: (await db.execute_fetchall(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))[0][0]
                    for table in ("orgs", "teams", "people")}
        return cls(orgs, teams, people, next_ids)

    async def add_dataset_names(self, db: aiosqlite.Connection, reader: DatasetReader) -> None:
        """The names of the small files (orgs, teams, people, roles), in their order."""
        orgs = [o.name for o in reader.orgs] + [t.org for t in reader.teams] + [r.org for r in reader.roles]
        teams = [(t.org, t.name) for t in reader.teams] + [(r.org, r.team) for r in reader.roles if r.team]
        people = [p.name for p in reader.people] + [r.person for r in reader.roles]
        await self._add(db, orgs, teams, people)

    async def add_new(self, db: aiosqlite.Connection, chunk: Sequence[MoveRow]) -> None:
        """The names of a chunk of moves that have no id yet."""
        orgs, teams, people = self.orgs, self.teams, self.people
        new_orgs = [o for m in chunk for o in (m.from_org, m.to_org) if o is not None and o not in orgs]
        new_teams = [k for m in chunk for k in ((m.from_org, m.from_team), (m.to_org, m.to_team))
                     if k[1] and k not in teams]
        new_people = [m.person for m in chunk if m.person not in people]
        if new_orgs or new_teams or new_people:
            await self._add(db, new_orgs, new_teams, new_people)

    async def _add(self, db: aiosqlite.Connection, orgs: Iterable[str], teams: Iterable[tuple[str, str]],
                   people: Iterable[str]) -> None:
        rows: dict[str, list[tuple]] = {"orgs": [], "teams": [], "people": []}
        for name in dict.fromkeys(orgs):
            if name not in self.orgs:
                self.orgs[name] = self._take("orgs")
                rows["orgs"].append((self.orgs[name], name))
        for org, name in dict.fromkeys(teams):
            if (org, name) not in self.teams:
                self.teams[org, name] = self._take("teams")
                rows["teams"].append((self.teams[org, name], self.orgs[org], name))
        for name in dict.fromkeys(people):
            if name not in self.people:
                self.people[name] = self._take("people")
                rows["people"].append((self.people[name], name))
        await db.executemany("INSERT INTO orgs (id, name) VALUES (?, ?)", rows["orgs"])
        await db.executemany("INSERT INTO teams (id, org_id, name) VALUES (?, ?, ?)", rows["teams"])
        await db.executemany("INSERT INTO people (id, name) VALUES (?, ?)", rows["people"])

    def _take(self, table: str) -> int:
        id_ = self._next[table]
        self._next[table] = id_ + 1
        return id_

    def move_rows(self, chunk: Sequence[MoveRow], at: str) -> list[tuple]:
        """The moves table's values for a chunk of rows (every name already has its id)."""
        orgs, teams, people = self.orgs, self.teams, self.people
        return [(move_id, people[person], orgs[from_org], teams[from_org, from_team] if from_team else None, from_role,
                 orgs[to_org] if to_org else None, teams[to_org, to_team] if to_team else None, to_role, date,
                 precision, basis, status,
                 notes, at)
                for (move_id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, precision, basis,
                     status, notes, _) in chunk]


async def _completions(db: aiosqlite.Connection) -> dict[str, str]:
    """Departures (no destination) that the staged dataset completes, as {completing move id: departure id}: the
    same row now with a destination, or the row replaced by a move of the same person from the same org within a
    year. Starts from the live departures, which are few."""
    rows = await db.execute_fetchall("""
        SELECT n.id, m.id, n.date, m.date, n.id = m.id FROM moves m
          JOIN temp.load_moves n ON n.person_id = m.person_id AND n.from_org_id = m.from_org_id
         WHERE m.to_org_id IS NULL AND m.retracted_at IS NULL AND m.origin = 'dataset' AND n.to_org_id IS NOT NULL
           AND (n.id = m.id OR (m.id NOT IN (SELECT id FROM temp.load_moves)
                                AND n.id NOT IN (SELECT id FROM moves WHERE retracted_at IS NULL)))""")
    return {new: old for new, old, new_date, old_date, same in rows
            if same or abs(int(new_date[:4]) - int(old_date[:4])) <= 1}


async def _drop_move_indexes(db: aiosqlite.Connection) -> list[str]:
    """Drop the moves table's secondary indexes and return the statements that build them again: a bulk load
    writes the rows first and sorts each index once (in the same transaction)."""
    indexes = await db.execute_fetchall(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'moves' AND sql IS NOT NULL")
    for name, _ in indexes:
        await db.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


async def _staging(db: aiosqlite.Connection) -> tuple[str, str]:
    """Temporary tables shaped like moves and sources, for a load to compare with what is recorded."""
    await db.execute("DROP TABLE IF EXISTS temp.load_moves")
    await db.execute("DROP TABLE IF EXISTS temp.load_sources")
    await db.execute(f"CREATE TEMP TABLE load_moves (id TEXT PRIMARY KEY, {', '.join(_MOVE_CONTENT)},"
                     " recorded_at TEXT, updated_at TEXT)")
    await db.execute("CREATE TEMP TABLE load_sources (move_id TEXT, position INTEGER, url TEXT, title TEXT,"
                     " publisher TEXT, published TEXT, language TEXT, supports TEXT, PRIMARY KEY (move_id, position))"
                     " WITHOUT ROWID")
    return "temp.load_moves", "temp.load_sources"


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


def _dates(column: str, date_from: str | None, date_before: str | None) -> tuple[str, list[str]]:
    """" AND column >= ? AND column < ?" for the bounds given (partial ISO dates compare as text), and their values."""
    sql, params = "", []
    if date_from:
        sql += f" AND {column} >= ?"
        params.append(date_from)
    if date_before:  # the whole of a partial date must come before: "2025" is not before July 2025 ("2025~" sorts
        sql += f" AND {column} < ? AND {column} || '~' < ?"  # after "2025-07"); the first test keeps the index
        params.extend((date_before, date_before))
    return sql, params


def _chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), _CHUNK):
        yield list(items[i:i + _CHUNK])


def _marks(chunk: Sequence[Any]) -> str:
    return ",".join("?" * len(chunk))


def _statements(sql: str) -> list[str]:
    """Split a migration file into statements (our migrations hold no triggers, and no "--" or ";" in strings)."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]
