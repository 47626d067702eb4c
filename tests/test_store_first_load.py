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
