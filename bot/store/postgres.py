"""The PostgreSQL backend of the store (asyncpg, a connection pool): for movesbot run as several processes, on one
host or several, over one database.

Writers take one advisory lock per transaction (`_transaction`), so the record is written one transaction at a time,
as SQLite writes it; readers never wait. Claims of alerts and digests take rows with `FOR UPDATE SKIP LOCKED`
instead. Migrations run under an advisory lock of their own: processes started together migrate once. Every
statement that records a move fires `NOTIFY movesbot_moves` (a trigger on `move_events`): `wait_for_change` wakes
on it, and times out to a poll when a notification is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import asyncpg

from bot.dataset import DatasetReader
from bot.dataset_reload import Reload
from bot.records import LoadReport
from bot.store.base import Store
from bot.store.columns import MOVE_CONTENT, now_iso
from bot.store.errors import DatabaseUnavailable, StoreError, newer, shown
from bot.store.pg_conn import PgConnection
from bot.store.pg_errors import check_url, describe_pg
from bot.store.sqlite import migrations

log = logging.getLogger(__name__)

# Advisory lock keys (one 64-bit space per database): "movesbot" in ASCII, then what the lock is for.
_MIGRATE_KEY = 0x6D6F766573626F01
_WRITE_KEY = 0x6D6F766573626F02
_LEADER_BASE = 0x6D6F766573626F10
CHANNEL = "movesbot_moves"
_ID_TABLES = ("orgs", "teams", "people")
_LOADED_TABLES = ("moves", "sources", "move_events", "people", "person_aliases", "orgs", "org_aliases", "teams",
                  "team_aliases", "roles")


def _column_type(column: str) -> str:
    return "BIGINT" if column.endswith("_id") or column == "position" else 'TEXT COLLATE "C"'


async def _keep_session(conn: asyncpg.Connection) -> None:
    """How a pool connection goes back to the pool: as it is, once asyncpg has rolled back a transaction left open.
    asyncpg's own reset (UNLISTEN, RESET ALL, unlock all: a round trip) doubled the cost of every statement (bench
    `pg_answer`), and undid nothing: the store's locks and settings are its transactions', LISTEN and the leads
    have connections of their own, and so has the VACUUM after a first load, which changes a setting."""


class PostgresStore(Store):
    """The record in a PostgreSQL database. Open with `await Store.open("postgresql://...")`."""

    backend = "postgresql"
    SKIP_LOCKED = " FOR UPDATE OF o SKIP LOCKED"

    def __init__(self, pool: asyncpg.Pool, url: str, timeout: float):
        self._pool = pool
        self._db = PgConnection(pool)
        self.url = url
        self.path = shown(url)  # what messages name
        self.timeout = timeout
        self.checked = False
        self._listener: asyncpg.Connection | None = None
        self._changed = asyncio.Event()
        self._leaders: dict[str, asyncpg.Connection] = {}

    @classmethod
    async def connect(cls, url: str, *, timeout: float = 10.0) -> PostgresStore:
        """Connect a pool, check the schema and migrate it; `StoreError` (one sentence, no password) when it cannot."""
        check_url(url)
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=10, timeout=max(timeout, 0.1),
                                             max_inactive_connection_lifetime=300, reset=_keep_session)
        except Exception as exc:
            raise describe_pg(exc, url, timeout=timeout) or exc from None
        store = cls(pool, url, timeout)
        try:
            await store._migrate()
            store.checked = True
        except BaseException as exc:
            await pool.close()
            if isinstance(exc, Exception) and not isinstance(exc, StoreError):
                raise describe_pg(exc, url, timeout=timeout) or exc from None
            raise
        return store

    async def close(self) -> None:
        for conn in [*self._leaders.values(), *([self._listener] if self._listener else [])]:
            with contextlib.suppress(Exception):
                await conn.close()
        self._leaders.clear()
        self._listener = None
        await self._pool.close()

    async def _migrate(self) -> None:
        """Apply the pending migrations in one transaction, under an advisory lock held until it commits."""
        known = migrations("migrations/postgres")
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATE_KEY)
            tables = {r[0] for r in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
            if tables and "schema_migrations" not in tables:
                raise DatabaseUnavailable(f"{self.path} holds another application's tables "
                                          f"({', '.join(sorted(tables)[:5])}): give movesbot a database of its own.")
            await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY,"
                               ' name TEXT NOT NULL, applied_at TEXT NOT NULL)')
            done = {r[0] for r in await conn.fetch("SELECT version FROM schema_migrations")}
            if done and max(done) > known[-1][0]:
                raise newer(self.path, max(done), known[-1][0])
            for version, name, sql in known:
                if version not in done:
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_migrations VALUES ($1, $2, $3)", version, name, now_iso())

    async def schema_version(self) -> int:
        rows = await self._db.execute_fetchall("SELECT max(version) FROM schema_migrations")
        return rows[0][0] or 0

    async def quick_check(self) -> None:
        """PostgreSQL keeps its own pages sound; what can be checked from here is that it answers."""
        await self._db.execute_fetchall("SELECT 1")
        self.checked = True

    @asynccontextmanager
    async def _transaction(self, *, bulk: bool = False, serial: bool = True) -> AsyncIterator[PgConnection]:
        async with self._pool.acquire() as conn, conn.transaction():
            if serial:
                await conn.execute("SELECT pg_advisory_xact_lock($1)", _WRITE_KEY)
            yield PgConnection(conn)

    # -- other processes -------------------------------------------------------------------------------------

    async def wait_for_change(self, timeout: float) -> None:
        """Return when another process (or this one) records a move, or after `timeout` seconds at the latest."""
        if self._listener is None or self._listener.is_closed():
            try:
                self._listener = await asyncpg.connect(self.url, timeout=max(self.timeout, 0.1))
                await self._listener.add_listener(CHANNEL, lambda *_: self._changed.set())
            except Exception as exc:  # polling still works: the next call tries to listen again
                log.warning("cannot listen for changes on %s: %s", self.path, describe_pg(exc, self.url) or exc)
                self._listener = None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)
        self._changed.clear()

    async def try_lead(self, role: str) -> bool:
        """Whether this process holds (or now takes) the lead for `role` ("dataset-watch", "feeds"): a session
        advisory lock on a connection of its own, released by the server when the process dies."""
        conn = self._leaders.get(role)
        if conn is not None and not conn.is_closed():
            try:
                await conn.fetchval("SELECT 1")
                return True
            except Exception:
                self._leaders.pop(role, None)
        key = _LEADER_BASE + sum(role.encode())
        conn = await asyncpg.connect(self.url, timeout=max(self.timeout, 0.1))
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", key):
            self._leaders[role] = conn
            return True
        await conn.close()
        return False

    # -- the load's hooks (bot.store.loading) ----------------------------------------------------------------

    async def apply_dataset(self, reader: DatasetReader, meta: dict[str, str] | None = None, *,
                            allow_removals: bool = False, reload: Reload | None = None) -> LoadReport:
        """`Loading.apply_dataset`, then, after a first load, VACUUM (ANALYZE) of the tables it filled. The planner
        has no statistics for a table filled in one transaction until autovacuum comes by, a minute later at best,
        and plans the answers' queries blind meanwhile; and until its pages are marked all-visible, counting the
        live moves reads every row of the table, not just the index (bench `pg_answer`: ask's p99 at 100k moves
        30 ms -> 12 ms). The load is committed by then: a failure here is a warning, not a failed load."""
        report = await super().apply_dataset(reader, meta, allow_removals=allow_removals, reload=reload)
        if report.first_load and report.added:
            try:
                conn = await asyncpg.connect(self.url, timeout=max(self.timeout, 0.1),  # (see _bulk)
                                             server_settings={"synchronous_commit": "on"})
                try:
                    await conn.execute(f"VACUUM (ANALYZE) {', '.join(_LOADED_TABLES)}")
                finally:
                    await conn.close()
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                log.warning("loaded %s, but could not VACUUM (ANALYZE) it: %s", self.path,
                            describe_pg(exc, self.url) or exc)
        return report

    @asynccontextmanager
    async def _bulk(self, db: PgConnection) -> AsyncIterator[None]:
        """Memory to build the indexes (and check the foreign keys added back) in; and a commit that waits for its
        log to be on disk even on a server whose commits do not (synchronous_commit off): until a commit's log is
        flushed, VACUUM cannot mark the rows it wrote visible to all, and the VACUUM after a first load (whose own
        commits wait too) would leave them as they were."""
        await db.execute("SET LOCAL maintenance_work_mem = '256MB'")
        await db.execute("SET LOCAL synchronous_commit = on")
        yield

    async def _write_rows(self, db: PgConnection, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        await db.copy(table.rpartition(".")[2], columns, rows)  # (temporary tables come first in the search path)

    async def _drop_move_indexes(self, db: PgConnection) -> list[str]:
        """The moves' secondary indexes, and the foreign keys of moves and sources: PostgreSQL checks a foreign key
        row by row, each check a lookup and a lock of the row named, which halved the speed of a first load of a
        million moves (bench `pg_load`); added back after the rows, each is checked once, by one join. Until the
        commit, readers of orgs, teams and people wait (dropping a foreign key locks the table it names): the load
        is writing them anyway, and moves is locked already by its dropped indexes."""
        indexes = await db.execute_fetchall(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'moves'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'moves'::regclass)")
        for name, _ in indexes:
            await db.execute(f'DROP INDEX "{name}"')
        keys = await db.execute_fetchall(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid IN ('moves'::regclass, 'sources'::regclass) ORDER BY conrelid::regclass::text, conname")
        for table, name, _ in keys:
            await db.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        return [sql for _, sql in indexes] + [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                                              for table, name, definition in keys]

    async def _staging(self, db: PgConnection) -> tuple[str, str]:
        await db.execute("DROP TABLE IF EXISTS pg_temp.load_moves, pg_temp.load_sources")  # (and load_gone, below)
        content = ", ".join(f"{c} {_column_type(c)}" for c in MOVE_CONTENT)
        await db.execute("CREATE TEMP TABLE load_moves (rowid BIGINT GENERATED ALWAYS AS IDENTITY,"
                         f' id TEXT COLLATE "C" PRIMARY KEY, {content}, recorded_at TEXT, updated_at TEXT)')
        await db.execute('CREATE TEMP TABLE load_sources (move_id TEXT COLLATE "C", position BIGINT, url TEXT,'
                         " title TEXT, publisher TEXT, published TEXT, language TEXT, supports TEXT,"
                         " PRIMARY KEY (move_id, position))")
        await db.execute("DROP TABLE IF EXISTS pg_temp.load_gone")
        await db.execute('CREATE TEMP TABLE load_gone (id TEXT COLLATE "C" PRIMARY KEY)')
        return "temp.load_moves", "temp.load_sources"

    async def _ids_taken(self, db: PgConnection) -> None:
        for table in _ID_TABLES:
            await db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                             f" (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)")
