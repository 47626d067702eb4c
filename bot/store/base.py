"""`Store`: the one interface of movesbot's persistent record, whatever the database behind it.

The methods that read and write the record live in the mixins (`MoveReads`, `MoveWrites`, `Loading`, the alert,
digest, news, review and chart tables), written once over a connection with aiosqlite's calls (`execute`,
`execute_fetchall`, `executemany`): `aiosqlite` itself for SQLite, `bot.store.pg_conn.PgConnection` for PostgreSQL.
A backend (`bot.store.sqlite.SQLiteStore`, `bot.store.postgres.PostgresStore`) adds how to connect, migrate, hold a
write transaction and write in bulk.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from os import PathLike
from typing import Any, ClassVar

from bot.store.alerts import AlertTables
from bot.store.charts import ChartQueries
from bot.store.digests import CadenceTables, DigestTables
from bot.store.loading import Loading
from bot.store.moves import MoveWrites
from bot.store.news import NewsTables
from bot.store.reads import MoveReads
from bot.store.reload import Reloading
from bot.store.review import ReviewTables

DEFAULT_TIMEOUT = 10.0


def is_url(target: str | PathLike[str]) -> bool:
    """Whether a database setting names a PostgreSQL server (a URL) rather than a SQLite file."""
    return str(target).startswith(("postgresql://", "postgres://"))


class Store(MoveReads, MoveWrites, Loading, Reloading, AlertTables, DigestTables, CadenceTables, NewsTables,
            ReviewTables, ChartQueries, ABC):
    """movesbot's persistent record. `await Store.open(target)` with a SQLite file's path (the default) or a
    `postgresql://user@host:port/db` URL; `await store.close()`, or `async with`."""

    backend: ClassVar[str]
    checked: bool  # whether the database's own consistency check has passed since open
    _db: Any

    @staticmethod
    async def open(target: str | PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> Store:
        """Open the database `target` names, creating and migrating it as needed; `StoreError` (one sentence) when
        it cannot. `timeout`: seconds to wait for a lock (SQLite) or a connection (PostgreSQL)."""
        if is_url(target):
            from bot.store.postgres import PostgresStore
            return await PostgresStore.connect(str(target), timeout=timeout)
        from bot.store.sqlite import SQLiteStore
        return await SQLiteStore.connect(target, timeout=timeout)

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def _transaction(self, *, bulk: bool = False, serial: bool = True) -> AbstractAsyncContextManager[Any]:
        """One write transaction: everything inside commits together or not at all. `serial` ones (the default)
        run one at a time across every process, as SQLite's do; a claim of rows (`SKIP LOCKED`) need not."""

    @abstractmethod
    async def quick_check(self) -> None:
        """`DatabaseDamaged` unless the database's own check finds it sound."""

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def try_lead(self, role: str) -> bool:
        """Whether this process holds, or now takes, the lead for `role` ("dataset-watch", "feeds"): one process
        at a time runs that job; another takes over when the leader dies (the lock dies with it)."""

    async def wait_for_change(self, timeout: float) -> None:
        """Return when another process may have recorded a move, after `timeout` seconds at the latest. SQLite has
        no such signal: this is a sleep, and callers poll the event log."""
        await asyncio.sleep(timeout)

