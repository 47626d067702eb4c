"""The SQLite backend of the store: one file, WAL, foreign keys on (aiosqlite). The default: one process, no server."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.datafiles import kind_of
from bot.store.base import Store
from bot.store.columns import MOVE_CONTENT, insert_sql, now_iso
from bot.store.errors import DatabaseUnavailable, DiskFull, damaged, describe, newer

_BUSY_TIMEOUT_MS = 10_000
# quick_check reads every page (0.4 s for 56 MB here): at open only below this size; a load checks bigger ones
QUICK_CHECK_MAX_BYTES = 32 << 20


def migrations(folder: str = "migrations") -> list[tuple[int, str, str]]:
    """(version, file name, SQL) of a backend's migrations, in order."""
    path = resources.files("bot.store")
    for part in folder.split("/"):
        path = path / part
    out = []
    for item in path.iterdir():
        if item.name.endswith(".sql"):
            out.append((int(item.name.split("_", 1)[0]), item.name, item.read_text(encoding="utf-8")))
    return sorted(out)


def statements(sql: str) -> list[str]:
    """Split a migration file into statements (our migrations hold no triggers, and no "--" or ";" in strings)."""
    body = "\n".join(line.split("--", 1)[0] for line in sql.splitlines())
    return [s.strip() for s in body.split(";") if s.strip()]


class SQLiteStore(Store):
    """The record in one SQLite file. Open with `await Store.open(path)`; close with `await store.close()`."""

    def __init__(self, db: aiosqlite.Connection, path: Path):
        self._db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        self._timeout_ms = _BUSY_TIMEOUT_MS
        self.checked = False  # whether quick_check has passed since open
        self._leads: dict[str, int] = {}  # role -> the file descriptor holding its lock

    backend = "sqlite"
    _WRITES_IN_FLIGHT = 3  # (the load's writes run on the connection's thread while the next chunk is read)

    @classmethod
    async def connect(cls, path: Path | str, *, timeout: float = _BUSY_TIMEOUT_MS / 1000) -> SQLiteStore:
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
            known = max(v for v, _, _ in migrations())
            if version > known:
                raise newer(path, version, known)

    async def quick_check(self) -> None:
        """`DatabaseDamaged` unless SQLite's quick_check finds every page sound (it reads them all)."""
        found = [row[0] for row in await self._db.execute_fetchall("PRAGMA quick_check(3)")]
        if found != ["ok"]:
            raise damaged(self.path, "\n".join(map(str, found)))
        self.checked = True

    async def close(self) -> None:
        for fd in self._leads.values():
            if fd >= 0:
                os.close(fd)
        self._leads.clear()
        await self._db.close()

    @asynccontextmanager
    async def _transaction(self, *, bulk: bool = False, serial: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction at a time; everything inside commits together or not at all.

        `bulk` is for a load into an empty database: when no other connection has the file open, the transaction
        uses a rollback journal instead of the write-ahead log, so its pages are written once, to the database
        file (WAL writes each twice: to the log, then back at the checkpoint). Rollback still works the same.
        `serial` is PostgreSQL's business: here every write transaction is serial (BEGIN IMMEDIATE).
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
        """Apply the pending migrations, each in its own write transaction. Whether one is pending is read again
        inside it (BEGIN IMMEDIATE holds the write lock): processes started together migrate once."""
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {row[0] for row in await self._db.execute_fetchall("SELECT version FROM schema_migrations")}
        pending = [m for m in migrations() if m[0] not in done]
        if not pending:
            return
        # A migration may rebuild a table (SQLite's way to change a constraint): foreign keys are off meanwhile, so
        # dropping the old table cascades nothing, and checked before each commit.
        await self._db.execute("PRAGMA foreign_keys=OFF")
        try:
            for version, name, sql in pending:
                async with self._transaction() as db:
                    if await db.execute_fetchall("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)):
                        continue
                    for statement in statements(sql):
                        await db.execute(statement)
                    if await db.execute_fetchall("PRAGMA foreign_key_check"):
                        raise sqlite3.IntegrityError(f"migration {name} would break a foreign key")
                    await db.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, now_iso()))
        finally:
            await self._db.execute("PRAGMA foreign_keys=ON")

    async def try_lead(self, role: str) -> bool:
        """A lock file beside the database, held with `flock` while this process lives (the kernel lets it go
        when the process dies, however it dies)."""
        if role in self._leads:
            return True
        if str(self.path) == ":memory:":
            self._leads[role] = -1
            return True
        fd = os.open(f"{self.path}.{role}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._leads[role] = fd
        return True

    async def schema_version(self) -> int:
        rows = await self._db.execute_fetchall("SELECT max(version) FROM schema_migrations")
        return rows[0][0] or 0

    # -- the load's hooks (bot.store.loading) ----------------------------------------------------------------

    @asynccontextmanager
    async def _bulk(self, db: aiosqlite.Connection) -> AsyncIterator[None]:
        """No CHECK constraints on a big load's rows: they come from validated `MoveRow`s, whose values are of the
        same closed sets (`Status`, `DateBasis`, `DatePrecision`), and SQLite evaluates each `IN (...)` list by
        building a temporary table for every row, which doubles the cost of a bulk insert. The page cache stays
        SQLite's default: rows are appended in order and the indexes sorted once, so a bigger cache made a 1M-move
        load no faster and its process 290 MB bigger (bench/load_bench.py)."""
        await db.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            await db.execute("PRAGMA ignore_check_constraints = OFF")

    async def _write_rows(self, db: aiosqlite.Connection, table: str, columns: Sequence[str],
                          rows: list[tuple]) -> None:
        cursor = await db.executemany(insert_sql(table, columns), rows)
        await cursor.close()  # on the connection's thread: freed here, it would race the next write running there

    async def _drop_move_indexes(self, db: aiosqlite.Connection) -> list[str]:
        indexes = await db.execute_fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'moves' AND sql IS NOT NULL")
        for name, _ in indexes:
            await db.execute(f'DROP INDEX "{name}"')
        return [sql for _, sql in indexes]

    async def _staging(self, db: aiosqlite.Connection) -> tuple[str, str]:
        await db.execute("DROP TABLE IF EXISTS temp.load_moves")
        await db.execute("DROP TABLE IF EXISTS temp.load_sources")
        await db.execute(f"CREATE TEMP TABLE load_moves (id TEXT PRIMARY KEY, {', '.join(MOVE_CONTENT)},"
                         " recorded_at TEXT, updated_at TEXT)")
        await db.execute("CREATE TEMP TABLE load_sources (move_id TEXT, position INTEGER, url TEXT, title TEXT,"
                         " publisher TEXT, published TEXT, language TEXT, supports TEXT,"
                         " PRIMARY KEY (move_id, position)) WITHOUT ROWID")
        await db.execute("DROP TABLE IF EXISTS temp.load_gone")
        await db.execute("CREATE TEMP TABLE load_gone (id TEXT PRIMARY KEY) WITHOUT ROWID")
        return "temp.load_moves", "temp.load_sources"

