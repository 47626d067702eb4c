"""`movesbot migrate-db`: a SQLite record copied whole into a PostgreSQL database, for a bot that outgrows one process.

Everything is kept as it is, ids included: subscriptions, alerts, candidates and feeds are named by id in Discord
messages and in other tables, and an alert already sent must stay sent (or it would be announced twice). The tables
and their columns are read from both schemas (PRAGMA table_info, information_schema), never listed here, so a new
migration's table is copied without a change to this file; a source column the target lacks stops the copy rather
than lose it. Tables go in foreign-key order, each with COPY, all in one transaction: a failure leaves no row in the
target. The foreign keys and indexes are made again after the rows are in (checked then, in one pass each), and
every identity sequence continues after the ids copied (and after SQLite's AUTOINCREMENT counter, so an event's
number is never given twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from graphlib import TopologicalSorter
from pathlib import Path

import aiosqlite
import asyncpg

from bot.store.base import Store, is_url
from bot.store.errors import DatabaseUnavailable, StoreError, shown
from bot.store.pg_errors import describe_pg
from bot.store.postgres import _WRITE_KEY, PostgresStore
from bot.store.sqlite import SQLiteStore

BATCH = 20_000  # rows per COPY: bounds the memory a big table takes, and paces the progress bar
SKIPPED = ("schema_migrations",)  # each database keeps its own
Progress = Callable[[str, int, int], None]  # (table, rows just copied, the table's rows in all)
REBUILD = "(indexes and keys)"  # the last step's name in progress reports: its steps are statements, not rows


class TargetNotEmpty(StoreError):
    """The PostgreSQL database already holds a record: copying into it would mix two."""


@dataclass(frozen=True)
class TablePlan:
    """How one table is copied: the target's columns, and what SQLite selects for each."""

    name: str
    columns: tuple[str, ...]
    selected: tuple[str, ...]
    identities: tuple[str, ...]  # the target's identity columns, whose sequences continue after the copy
    types: tuple[str, ...]  # the target's type of each column ("bigint", "text")


async def migrate_sqlite_to_postgres(source: str | Path, target: str, *,
                                     progress: Progress | None = None) -> dict[str, int]:
    """Copy the SQLite record at `source` into the PostgreSQL database at `target` (empty, or only migrated by
    movesbot); the rows copied per table, in the order copied. `StoreError` (one sentence, no password) when it
    cannot, and then the target holds no row of the source."""
    if is_url(source) or not is_url(target):
        raise DatabaseUnavailable(f"migrate-db copies a SQLite file into PostgreSQL: --from takes a file and --to a "
                                  f"postgresql://user:password@host:5432/database URL (given {shown(source)} and "
                                  f"{shown(target)}).")
    path = Path(source)
    if not path.is_file():
        raise DatabaseUnavailable(f"there is no SQLite database at {path}: give the file the bot uses "
                                  "(MOVESBOT_DB, var/movesbot.db by default).")
    src = await Store.open(path)  # brought to the latest schema, as the copy expects
    try:
        dst = await Store.open(target)
        try:
            assert isinstance(src, SQLiteStore) and isinstance(dst, PostgresStore)
            return await _copy(src, dst, progress)
        finally:
            await dst.close()
    finally:
        await src.close()


async def _copy(src: SQLiteStore, dst: PostgresStore, progress: Progress | None) -> dict[str, int]:
    """The copy itself: a read transaction on SQLite (one snapshot, whatever writes meanwhile), one write
    transaction on PostgreSQL, under the store's write lock so that two copies cannot interleave."""
    await src._db.execute("BEGIN")
    try:
        async with dst._pool.acquire() as conn:
            try:
                async with conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", _WRITE_KEY)
                    plans = await _plan(src._db, conn, dst.path)
                    await _refuse_records(conn, plans, dst.path)
                    restore = await _drop_checks(conn, {plan.name for plan in plans})
                    counts = {}
                    for plan in plans:
                        counts[plan.name] = await _copy_table(src._db, conn, plan, progress)
                    for statement in restore:
                        await conn.execute(statement)
                        if progress is not None:
                            progress(REBUILD, 1, len(restore))
                    await _continue_sequences(src._db, conn, plans)
                    for plan in plans:
                        await conn.execute(f'ANALYZE "{plan.name}"')  # the planner's statistics, for the first queries
            except StoreError:
                raise
            except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError) as exc:
                raise describe_pg(exc, dst.url) or DatabaseUnavailable(
                    f"the copy into {dst.path} failed ({exc}); nothing was written to it.") from None
    finally:
        await src._db.execute("ROLLBACK")
    return counts


async def _plan(db: aiosqlite.Connection, conn: asyncpg.Connection, where: str) -> list[TablePlan]:
    """Every SQLite table matched with the PostgreSQL table of the same name, in foreign-key order."""
    source_tables = [r[0] for r in await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    target_columns: dict[str, list[tuple[str, bool, str]]] = {}
    for table, column, identity, kind in await conn.fetch(
            "SELECT c.table_name, c.column_name, c.is_identity = 'YES', c.data_type FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema ="
            " current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position"):
        target_columns.setdefault(table, []).append((column, identity, kind))
    plans = {}
    for table in source_tables:
        if table in SKIPPED:
            continue
        if table not in target_columns:
            raise StoreError(f"{where} has no table {table}, which the SQLite database has: are both written by "
                             "this movesbot? Nothing was copied.")
        have = [r[1] for r in await db.execute_fetchall(f'PRAGMA table_info("{table}")')]
        wanted = [c for c, _, _ in target_columns[table]]
        types = {c: kind for c, _, kind in target_columns[table]}
        lost = [c for c in have if c not in wanted]
        if lost:
            raise StoreError(f"{where} has no column {', '.join(lost)} in table {table}, which the SQLite database "
                             "has: are both written by this movesbot? Nothing was copied.")
        # A column only the target has keeps its default, except "rowid": SQLite's implicit one (insertion order).
        columns = [c for c in wanted if c in have or c == "rowid"]
        plans[table] = TablePlan(table, tuple(columns), tuple(f'"{c}"' for c in columns),
                                 tuple(c for c, identity, _ in target_columns[table] if identity),
                                 tuple(types[c] for c in columns))
    return [plans[t] for t in await _fk_order(conn, list(plans))]


async def _fk_order(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """The tables, each after those its foreign keys refer to (PostgreSQL checks them row by row)."""
    graph: dict[str, set[str]] = {t: set() for t in sorted(tables)}
    for child, parent in await conn.fetch(
            "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
            " AND connamespace = current_schema()::regnamespace"):
        if child in graph and parent in graph and child != parent:
            graph[child].add(parent)
    sorter, order = TopologicalSorter(graph), []
    sorter.prepare()
    while sorter.is_active():  # level by level, each in name order: the same order on every run
        ready = sorted(sorter.get_ready())
        order.extend(ready)
        sorter.done(*ready)
    return order


async def _refuse_records(conn: asyncpg.Connection, plans: list[TablePlan], where: str) -> None:
    """`TargetNotEmpty` when any table of the target holds a row: ids would clash, and two records would mix."""
    moves = await conn.fetchval("SELECT count(*) FROM moves")
    if moves:
        raise TargetNotEmpty(f"{where} already holds {moves} moves: migrate-db copies into an empty database only "
                             "(a new one, or one movesbot has only created). The database was not changed.")
    for plan in plans:
        if await conn.fetchval(f'SELECT EXISTS (SELECT 1 FROM "{plan.name}")'):
            raise TargetNotEmpty(f"{where} already holds rows in {plan.name}: migrate-db copies into an empty "
                                 "database only. The database was not changed.")


async def _drop_checks(conn: asyncpg.Connection, tables: set[str]) -> list[str]:
    """Drop the copied tables' foreign keys and plain indexes; the statements that make them again, once the rows
    are in (as pg_restore does): one join checks a foreign key, and one sort builds an index, where row by row they
    took most of the copy's time (100k moves: 10 s of 17). Keys and unique constraints stay: they catch a clash
    as it is copied. In the transaction, a failure brings all of them back."""
    await conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
    here = "connamespace = current_schema()::regnamespace"
    keys = await conn.fetch(f"SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                            f" WHERE contype = 'f' AND {here} ORDER BY conrelid::regclass::text, conname")
    indexes = await conn.fetch(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
        f" AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE {here}) ORDER BY tablename, indexname")
    restore = []
    for table, name, definition in keys:
        if table in tables:
            await conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            restore.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for table, name, definition in indexes:
        if table in tables:
            await conn.execute(f'DROP INDEX "{name}"')
            restore.insert(0, definition)  # indexes first: a key's check may use one
    return restore


async def _copy_table(db: aiosqlite.Connection, conn: asyncpg.Connection, plan: TablePlan,
                      progress: Progress | None) -> int:
    """COPY one table, a batch at a time; the rows copied (checked against SQLite's count)."""
    total = (await db.execute_fetchall(f'SELECT count(*) FROM "{plan.name}"'))[0][0]
    done = 0
    if progress is not None:
        progress(plan.name, 0, total)
    async with db.execute(f'SELECT {", ".join(plan.selected)} FROM "{plan.name}"') as cursor:
        while rows := await cursor.fetchmany(BATCH):
            try:
                await conn.copy_records_to_table(plan.name, records=rows, columns=list(plan.columns))
            except (asyncpg.DataError, asyncpg.IntegrityConstraintViolationError, TypeError, ValueError,
                    OverflowError) as exc:
                raise StoreError(f"cannot copy table {plan.name}: {_culprit(plan, rows) or exc}. Nothing was "
                                 "written to the PostgreSQL database.") from None
            done += len(rows)
            if progress is not None:
                progress(plan.name, len(rows), total)
    if done != total:  # (the read transaction makes this impossible; a copy that lost rows must not commit)
        raise StoreError(f"read {done} rows of {plan.name} but SQLite counts {total}: nothing was copied.")
    return done


async def _continue_sequences(db: aiosqlite.Connection, conn: asyncpg.Connection, plans: list[TablePlan]) -> None:
    """Each identity sequence starts after the largest id copied, and after SQLite's AUTOINCREMENT counter (which
    remembers ids of deleted rows: they are never given again)."""
    floors: dict[str, int] = {}
    if await db.execute_fetchall("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
        floors = {name: seq for name, seq in await db.execute_fetchall("SELECT name, seq FROM sqlite_sequence")}
    for plan in plans:
        for column in plan.identities:
            largest = await conn.fetchval(f'SELECT max("{column}") FROM "{plan.name}"') or 0
            if column != "rowid":
                largest = max(largest, floors.get(plan.name, 0))
            await conn.execute("SELECT setval(pg_get_serial_sequence($1, $2), $3, false)",
                               f'"{plan.name}"', column, largest + 1)


def _culprit(plan: TablePlan, rows: list[tuple]) -> str | None:
    """The first value of `rows` its PostgreSQL column cannot hold (SQLite lets any column hold any type), named:
    asyncpg's own message says what is wrong but not where."""
    for row in rows:
        for column, kind, value in zip(plan.columns, plan.types, row, strict=True):
            if value is None:
                continue
            if kind in ("bigint", "integer", "smallint") and not isinstance(value, int):
                return f"column {column} holds {value!r}, which is not an integer"
            if kind == "text" and not isinstance(value, str):
                return f"column {column} holds {value!r}, which is not text"
    return None
