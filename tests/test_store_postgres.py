"""What only the PostgreSQL store has to show: its errors, migrations under a lock, claims that skip each other's
rows, notifications between processes and the lead of a job. Everything else runs on both backends (the store's
fixtures are parametrized)."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import pytest

from bot.models import Move
from bot.store import Store
from bot.store.errors import DatabaseNewer, DatabaseUnavailable, describe
from bot.store.sqlite import migrations
from tests.conftest import DATA_DIR


def _move(person: str, to: str = "Meta", date: str = "2026-03") -> Move:
    return Move.model_validate({
        "id": f"{person.lower().replace(' ', '-')}-{to.lower()}-{date[:4]}", "person": person,
        "from": {"org": "Apple"}, "to": {"org": to}, "date": date, "status": "reported",
        "sources": [{"url": "https://example.com/story"}]})


async def _loaded(url: str) -> Store:
    from bot.service import load_dataset

    store = await Store.open(url)
    await load_dataset(store, DATA_DIR)
    return store


# -- errors: one sentence, never the password ------------------------------------------------------------------

@pytest.mark.parametrize("url, words", [
    ("postgresql://movesbot@127.0.0.1:notaport/db", "not a usable PostgreSQL URL"),
    ("postgresql://movesbot@[::1/db", "not a usable PostgreSQL URL"),
])
async def test_a_wrong_url_is_one_sentence(url, words):
    with pytest.raises(DatabaseUnavailable) as caught:
        await Store.open(url, timeout=2)
    assert words in str(caught.value), caught.value


async def test_a_refused_login_says_so_without_the_password(pg_server, pg_url):
    from tests.pg_server import PASSWORD_USER

    url = pg_url.replace("movesbot@", f"{PASSWORD_USER}:wrong-secret@", 1)
    with pytest.raises(DatabaseUnavailable) as caught:
        await Store.open(url, timeout=5)
    text = str(caught.value)
    assert "refused the login" in text and "wrong-secret" not in text and ":***@" in text


async def test_a_server_that_is_down_is_one_sentence():
    from tests.pg_server import free_port

    started = time.monotonic()
    with pytest.raises(DatabaseUnavailable) as caught:
        await Store.open(f"postgresql://movesbot@127.0.0.1:{free_port()}/movesbot", timeout=3)
    assert "cannot reach PostgreSQL" in str(caught.value) and time.monotonic() - started < 10


async def test_a_missing_database_says_how_to_create_it(pg_server):
    with pytest.raises(DatabaseUnavailable, match="no such database"):
        await Store.open(pg_server.url("no_such_database"), timeout=5)


async def test_a_server_that_goes_away_mid_run_then_comes_back(pg_server, pg_url):
    """Connections cut (the server restarted, a failover): the next call fails with one sentence, and the one
    after it works again: the pool reconnects by itself."""
    store = await _loaded(pg_url)
    try:
        name = pg_url.rsplit("/", 1)[1]
        async with pg_server.admin() as admin:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        with pytest.raises(Exception) as caught:
            await store.moves(limit=1)
        problem = describe(caught.value, pg_url)
        assert problem is not None and "PostgreSQL" in str(problem), caught.value
        async with pg_server.admin() as admin:
            await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for _ in range(20):  # a pool connection may fail once more before the pool replaces it
            try:
                moves, total = await store.moves(limit=1)
                break
            except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError):
                await asyncio.sleep(0.1)
        assert total == 261 and moves
    finally:
        await store.close()


# -- migrations ------------------------------------------------------------------------------------------------

async def test_five_processes_starting_together_migrate_once(pg_url):
    stores = await asyncio.gather(*(Store.open(pg_url) for _ in range(5)))
    try:
        rows = await stores[0]._db.execute_fetchall("SELECT version FROM schema_migrations ORDER BY version")
        assert [r[0] for r in rows] == [v for v, _, _ in migrations("migrations/postgres")]
    finally:
        for store in stores:
            await store.close()


async def test_a_newer_schema_is_refused_before_anything_is_written(pg_url):
    async with await Store.open(pg_url) as store:
        await store._db.execute("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')")
    with pytest.raises(DatabaseNewer, match="newer movesbot"):
        await Store.open(pg_url)


async def test_another_applications_database_is_refused(pg_url):
    conn = await asyncpg.connect(pg_url)
    await conn.execute("CREATE TABLE invoices (id int)")
    await conn.close()
    with pytest.raises(DatabaseUnavailable, match="another application"):
        await Store.open(pg_url)


# -- several processes -----------------------------------------------------------------------------------------

async def test_two_workers_claim_different_alerts_and_a_dead_ones_after_its_lease(pg_url):
    first, second = await _loaded(pg_url), await Store.open(pg_url)
    try:
        await first.add_subscription(guild_id=1_000_000, channel_id=2_000_000, target_kind="all",
                                 target_id=None, target_name="everything")
        for name in ("Zoe Testperson", "Yan Testperson", "Xia Testperson", "Wil Testperson"):
            await first.record_move(_move(name), origin="cli", actor="cli")
        ids = [d.id for d in await first.due_deliveries()]
        assert len(ids) == 4
        a, b = await asyncio.gather(first.mark_sending(ids, "mbA", owner="a", lease=0.5),
                                    second.mark_sending(ids, "mbB", owner="b", lease=0.5))
        assert a.isdisjoint(b) and a | b == set(ids)
        assert await second.mark_sending(ids, "mbB", owner="b", earlier="mbB") == b  # its own claim, taken again
        assert {d.id for d in await second.due_deliveries(owner="b")} == b  # a's are a's while its lease runs
        await asyncio.sleep(0.6)  # a died: its lease runs out
        assert await second.mark_sending(ids, "mbB", owner="b") == set()  # not as pending: a may have posted them
        assert await second.mark_sending(ids, "mbA", owner="b", earlier="mbA") == a  # as a's attempt: looked for
    finally:
        await first.close()
        await second.close()


async def test_a_move_recorded_elsewhere_wakes_the_waiting_process(pg_url):
    """LISTEN/NOTIFY: the waiting store returns as soon as another one logs a move, long before its timeout."""
    here, there = await _loaded(pg_url), await Store.open(pg_url)
    try:
        await here.wait_for_change(0.01)  # listening from now on
        waiter = asyncio.create_task(here.wait_for_change(30))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await there.record_move(_move("Zoe Testperson"), origin="cli", actor="cli")
        await asyncio.wait_for(waiter, 5)
        assert time.monotonic() - started < 2
    finally:
        await here.close()
        await there.close()


async def test_one_leader_at_a_time_and_another_takes_over(pg_url):
    first, second = await Store.open(pg_url), await Store.open(pg_url)
    try:
        assert await first.try_lead("feeds") and await first.try_lead("feeds")
        assert not await second.try_lead("feeds")
        assert await second.try_lead("dataset-watch")  # another job, another lock
        await first.close()  # the leader dies: its session's locks go with it
        assert await second.try_lead("feeds")
    finally:
        await second.close()


async def test_the_event_log_and_history_hold_across_processes(pg_url):
    first, second = await _loaded(pg_url), await Store.open(pg_url)
    try:
        seq = await second.last_event_seq()
        move = _move("Zoe Testperson")
        await first.record_move(move, origin="cli", actor="cli")
        await first.retract_move(move.id, actor="mod", reason="wrong person")
        events = await second.events_since(seq)
        assert [(e[1], e[2]) for e in events] == [(move.id, "added"), (move.id, "removed")]
        assert [h[2] for h in await second.move_history(move.id)] == ["added", "retracted"]
        assert await second.move(move.id) is not None
        assert (await second.moves(person_id=None, limit=1000))[1] == 261
    finally:
        await first.close()
        await second.close()


async def test_timestamps_and_dates_compare_bytewise_whatever_the_server_locale(pg_url):
    """Partial ISO dates sort as on SQLite: "2025" < "2025-07" < "2025~" (a locale's collation would not)."""
    async with await _loaded(pg_url) as store:
        rows = await store._db.execute_fetchall(
            "SELECT date FROM moves WHERE date >= ? AND date < ? ORDER BY date", ("2025", "2025~"))
        dates = [r[0] for r in rows]
        assert dates == sorted(dates) and dates and all(d.startswith("2025") for d in dates)
        assert "2025" in dates or dates[0] >= "2025-01"
