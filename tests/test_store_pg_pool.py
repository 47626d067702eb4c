"""The PostgreSQL store's pool: a statement costs one round trip (a connection goes back to the pool without
asyncpg's reset query), and nothing of one caller's session reaches the next."""

from __future__ import annotations

import asyncpg

from bot.dataset import DatasetReader
from bot.store import Store


async def _last_queries(url: str, application: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r[0] for r in await conn.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND application_name = $1", application)]
    finally:
        await conn.close()


async def test_a_statement_is_one_round_trip(pg_url):
    url = f"{pg_url}?application_name=roundtrip"
    async with await Store.open(url) as store:
        await store._db.execute_fetchall("SELECT 41 + 1")
        assert await _last_queries(pg_url, "roundtrip") == ["SELECT 41 + 1"]


async def test_a_transaction_left_open_is_rolled_back_when_its_connection_goes_back(pg_url):
    async with await Store.open(pg_url) as store:
        async with store._pool.acquire() as conn:
            await conn.execute("BEGIN")
            await conn.execute("INSERT INTO meta VALUES ('left', 'open')")
        assert await store._db.execute_fetchall("SELECT count(*) FROM meta WHERE key = 'left'") == [(0,)]
        assert await store._db.execute_fetchall("SELECT 1") == [(1,)]


async def test_a_first_load_leaves_no_setting_behind(pg_url, make_dataset):
    """The load's settings are its transaction's, and the VACUUM after it puts back what it changed."""
    async with await Store.open(pg_url) as store:
        before = await store._db.execute_fetchall("SELECT name, setting FROM pg_settings ORDER BY name")
        await store.apply_dataset(DatasetReader(make_dataset()))
        for _ in range(3):
            assert await store._db.execute_fetchall("SELECT name, setting FROM pg_settings ORDER BY name") == before



async def test_the_answers_main_query_is_planned_once_not_at_every_call(pg_url):
    """A prepared statement whose LIMIT is a parameter is planned anew at every call once the table is big (the
    planner cannot cost a generic plan without the limit), and planning the moves' six-table join took most of
    an answer's time at 100k moves (bench `pg_answer`)."""
    async with await Store.open(pg_url) as store, store._transaction() as db:
        await db.execute("INSERT INTO orgs (name) VALUES ('From'), ('To')")
        await db.execute("INSERT INTO people (name) SELECT 'Person ' || g FROM generate_series(1, 20000) g")
        await db.execute(
            "INSERT INTO moves (id, person_id, from_org_id, to_org_id, date, date_precision, status, recorded_at,"
            " updated_at) SELECT 'm' || g, g, 1, 2, '2020-01', 'month', 'reported', 'x', 'x'"
            " FROM generate_series(1, 20000) g")
    async with await Store.open(pg_url) as store:
        await store._db.execute("ANALYZE")
        for _ in range(8):
            await store.moves(newest_first=True, limit=10)
        rows = await store._db.execute_fetchall(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE '%ORDER BY m.date%'")
        assert rows and all(generic > 0 for generic, _ in rows), rows
