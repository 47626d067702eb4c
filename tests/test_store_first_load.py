"""A first load into an empty database, on each backend: whatever it sets aside to write a million rows quickly
(indexes, and on PostgreSQL the foreign keys of moves and sources) is there again after it, and after one that
fails."""

from __future__ import annotations

import sqlite3

import asyncpg
import pytest

from bot.dataset import DatasetInvalid, DatasetReader
from bot.store import Store
from tests.conftest import move_row
from tests.store_helpers import foreign_keys, index_definitions


async def test_a_first_load_keeps_every_foreign_key(store_target, make_dataset):
    async with await Store.open(store_target) as store:
        expected = await foreign_keys(store)
        await store.apply_dataset(DatasetReader(make_dataset()))
        assert await foreign_keys(store) == expected
        assert any(table == "sources" for table, *_ in expected)
        with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
            await store._db.execute(
                "INSERT INTO sources (move_id, position, url) VALUES ('no-such-move', 0, 'https://example.com')")


async def test_a_bad_first_load_leaves_the_foreign_keys_and_indexes(store_target, make_dataset):
    async with await Store.open(store_target) as store:
        keys, indexes = await foreign_keys(store), await index_definitions(store)
        bad = make_dataset(lambda files: {**files, "moves.csv": [
            *files["moves.csv"], move_row("x-y-2026", "X Y", "Apple", "Meta", "not a date")]})
        with pytest.raises(DatasetInvalid):
            await store.apply_dataset(DatasetReader(bad))
        assert await store._db.execute_fetchall("SELECT count(*) FROM moves") == [(0,)]
        assert await foreign_keys(store) == keys
        assert await index_definitions(store) == indexes


async def test_postgres_has_statistics_and_a_visibility_map_right_after_a_first_load(pg_url, make_dataset):
    """The planner plans from statistics, which a table filled in one transaction lacks until autovacuum comes
    by (a minute later at best); and counting the live moves reads only their index once the table's pages are
    marked all-visible. Both are there as soon as the load returns."""
    async with await Store.open(pg_url) as store:
        await store.apply_dataset(DatasetReader(make_dataset()))
        rows = await store._db.execute_fetchall(
            "SELECT relname, reltuples, relpages, relallvisible FROM pg_class"
            " WHERE relname IN ('moves', 'sources', 'people', 'orgs', 'move_events') ORDER BY relname")
        assert [r[0] for r in rows] == ["move_events", "moves", "orgs", "people", "sources"]
        assert all(tuples > 0 and visible == pages for _, tuples, pages, visible in rows), rows
        assert await store._db.execute_fetchall(
            "SELECT count(*) > 0 FROM pg_stats WHERE tablename = 'moves' AND attname = 'from_org_id'") == [(True,)]
