"""asyncpg behind the few calls of aiosqlite's API that the store uses, so that its SQL is written once.

The store's statements are SQLite's dialect where the two agree, which is nearly everywhere. What differs is rewritten
here, once per statement (cached): `?` and `?N` parameters become `$N`; `INSERT OR IGNORE` becomes
`ON CONFLICT DO NOTHING`; SQLite's null-safe `IS` / `IS NOT` between values become `IS [NOT] DISTINCT FROM`;
`temp.` is `pg_temp.`; `group_concat` is `string_agg`; `json_extract(x, '$.a[0]')` is `(x::jsonb #>> '{a,0}')`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg

_PARAM = re.compile(r"\?(\d*)")
_IS_NOT = re.compile(r"\bIS NOT (?!NULL\b|DISTINCT\b)")
_IS = re.compile(r"\bIS (?!NOT\b|NULL\b|DISTINCT\b|TRUE\b|FALSE\b)")
_JSON = re.compile(r"json_extract\(([\w.]+), '\$\.(\w+)\[(\d+)\]'\)")
_OR_IGNORE = re.compile(r"\bINSERT OR IGNORE INTO\b")


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite's spelling of a statement -> PostgreSQL's (see the module's docstring)."""
    highest = 0

    def number(match: re.Match[str]) -> str:  # SQLite's rule: a bare ? is one more than the highest so far
        nonlocal highest
        if match.group(1):
            highest = max(highest, int(match.group(1)))
            return f"${match.group(1)}"
        highest += 1
        return f"${highest}"

    sql = _PARAM.sub(number, sql)
    if _OR_IGNORE.search(sql):
        sql = _OR_IGNORE.sub("INSERT INTO", sql).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    sql = _IS_NOT.sub("IS DISTINCT FROM ", sql)
    sql = _IS.sub("IS NOT DISTINCT FROM ", sql)
    sql = _JSON.sub(r"(\1::jsonb #>> '{\2,\3}')", sql)
    return sql.replace("temp.", "pg_temp.").replace("group_concat(", "string_agg(")


def _args(params: Iterable[Any]) -> list[Any]:
    """asyncpg encodes by column type: SQLite's 0/1 booleans are integers here too."""
    return [int(p) if isinstance(p, bool) else p for p in params]


def _count(status: str) -> int:
    """The row count of a command tag ("UPDATE 3", "INSERT 0 1")."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class _Result:
    """What `execute` returns: awaited, a finished statement with its `rowcount`; entered (`async with`), a server-side
    cursor to read a big result in batches (`fetchmany`), as aiosqlite's cursor does."""

    def __init__(self, owner: PgConnection, sql: str, params: Sequence[Any]):
        self._owner, self._sql, self._params = owner, sql, params
        self.rowcount = -1
        self._exit: Any = None
        self._cursor: Any = None

    def __await__(self) -> Any:
        return self._run().__await__()

    async def _run(self) -> _Result:
        async with self._owner.connection() as conn:
            self.rowcount = _count(await conn.execute(translate(self._sql), *_args(self._params)))
        return self

    async def __aenter__(self) -> _Result:
        self._exit = self._owner.cursor_scope()
        conn = await self._exit.__aenter__()
        self._cursor = await conn.cursor(translate(self._sql), *_args(self._params))
        return self

    async def fetchmany(self, size: int) -> list[tuple]:
        return [tuple(r) for r in await self._cursor.fetch(size)]

    async def __aexit__(self, *exc: Any) -> None:
        await self._exit.__aexit__(*exc)


class PgConnection:
    """One connection (inside a transaction) or the pool (each call takes a connection for itself)."""

    def __init__(self, target: asyncpg.Pool | asyncpg.Connection):
        self._target = target

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        if isinstance(self._target, asyncpg.Pool):
            async with self._target.acquire() as conn:
                yield conn
        else:
            yield self._target

    @asynccontextmanager
    async def cursor_scope(self) -> AsyncIterator[asyncpg.Connection]:
        """A cursor lives in a transaction: the pool's connections get one of their own."""
        async with self.connection() as conn:
            if conn.is_in_transaction():
                yield conn
            else:
                async with conn.transaction(readonly=True):
                    yield conn

    async def execute_fetchall(self, sql: str, params: Iterable[Any] = ()) -> list[tuple]:
        async with self.connection() as conn:
            return [tuple(r) for r in await conn.fetch(translate(sql), *_args(params))]

    def execute(self, sql: str, params: Iterable[Any] = ()) -> _Result:
        return _Result(self, sql, list(params))

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = [_args(r) for r in rows]
        if rows:
            async with self.connection() as conn:
                await conn.executemany(translate(sql), rows)

    async def copy(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        """Append rows with COPY (binary): the bulk path of a load."""
        if rows:
            async with self.connection() as conn:
                await conn.copy_records_to_table(table, records=rows, columns=list(columns))
