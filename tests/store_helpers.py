"""What the store's tests ask of the database itself, in each backend's words: its indexes, its temporary tables,
whether a statement's plan reads the moves table without an index."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.store import Store
from bot.store.pg_conn import translate


async def index_definitions(store: Store) -> list[tuple[str, str]]:
    """(name, definition) of every index the schema declares (not those behind a primary key or UNIQUE)."""
    if store.backend == "sqlite":
        rows = await store._db.execute_fetchall(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    else:
        rows = await store._db.execute_fetchall(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint)")
    return sorted((name, sql) for name, sql in rows)


async def temporary_tables(store: Store) -> list[str]:
    """Temporary tables left behind (a load's staging tables are dropped with it)."""
    if store.backend == "sqlite":
        return [r[0] for r in await store._db.execute_fetchall("SELECT name FROM sqlite_temp_master")]
    return [r[0] for r in await store._db.execute_fetchall(
        "SELECT relname FROM pg_class WHERE relpersistence = 't' AND relkind = 'r'")]


async def plan(store: Store, sql: str, params: Sequence[Any] = ()) -> list[str]:
    """The steps of a statement's plan, one string each. On PostgreSQL with sequential scans discouraged (the
    planner rightly scans a table of a few hundred rows; the question is whether an index *can* serve it)."""
    if store.backend == "sqlite":
        return [row[3] for row in await store._db.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", params)]
    async with store._pool.acquire() as conn, conn.transaction():
        await conn.execute("SET LOCAL enable_seqscan = off")
        found = json.loads(await conn.fetchval(f"EXPLAIN (FORMAT JSON) {translate(sql)}", *params))
    steps: list[str] = []

    def walk(node: dict) -> None:
        steps.append(" ".join(str(node.get(k, "")) for k in ("Node Type", "Relation Name", "Index Name")).strip())
        for child in node.get("Plans", []):
            walk(child)

    walk(found[0]["Plan"])
    return steps


def full_scans_of_moves(store: Store, steps: list[str]) -> list[str]:
    """The steps that read the moves table without an index."""
    if store.backend == "sqlite":
        scans = [s for s in steps if s.startswith(("SCAN m", "SCAN moves"))]
        return [s for s in scans if "USING INDEX" not in s and "COVERING INDEX" not in s]
    return [s for s in steps if s.startswith("Seq Scan moves")]


async def foreign_keys(store: Store) -> list[tuple[str, ...]]:
    """Every foreign key of the schema: (table, what it says), in each backend's words."""
    if store.backend == "sqlite":
        tables = [r[0] for r in await store._db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        found = []
        for table in tables:
            found += [(table, *map(str, row[2:])) for row in await store._db.execute_fetchall(
                f'PRAGMA foreign_key_list("{table}")')]
        return sorted(found)
    return sorted(await store._db.execute_fetchall(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"))
