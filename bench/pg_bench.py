"""The PostgreSQL store's benchmarks (`python -m bench.run --only pg_load,pg_answer`), on a server started for the
run by the tests' own `PgServer` (its folder in RAM, on 127.0.0.1), with PostgreSQL's default durability: a load
and an answer wait for the log as they would in production.

- `pg_load`: `movesbot load --db postgresql://...` of the big dataset into an empty database, in a process of its
  own (its peak memory is measured), against psql: `\\copy` of the same CSV files into staging tables, names
  resolved to ids with `INSERT ... SELECT` into the same tables, the same indexes built after the rows, in one
  transaction (`reference_script`).
- `pg_answer`: `ask` over loopback at the mid size against one store call, and the plan of every statement it ran
  with sequential scans discouraged: a plan that still reads `moves` without an index has no index to use.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench.common import OUT, ChildRun, Figure, Scale, ask_figures, label, run_child, time_asks
from tests.pg_server import PgServer, run_sync

# PostgreSQL's own defaults, where the tests' server turns durability off: a benchmark measures what production does.
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}


@contextlib.contextmanager
def pg_server() -> Iterator[PgServer]:
    server = PgServer(settings=DURABLE).start()
    try:
        yield server
    finally:
        server.stop()


def movesbot_load(data: Path, url: str) -> ChildRun:
    return run_child([sys.executable, "-m", "bot", "load", "--data", str(data), "--db", url], cwd=OUT)


async def _schema(url: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Migrate an empty database as movesbot would; the moves table's secondary indexes (which a first load builds
    after the rows), and the foreign keys of moves and sources as (table, name, definition)."""
    from bot.store import Store

    store = await Store.open(url)
    try:
        indexes = await store._db.execute_fetchall(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'moves'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'moves'::regclass)")
        keys = await store._db.execute_fetchall(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid IN ('moves'::regclass, 'sources'::regclass)")
    finally:
        await store.close()
    return [sql for _, sql in indexes], [tuple(k) for k in keys]


def reference_script(data: Path, indexes: list[str], at: str, keys: list[tuple[str, str, str]] = ()) -> str:
    """What any load of these files into movesbot's tables has to do, in SQL run by psql: the CSV files copied into
    staging tables as they are, names given ids and moves their name ids by joins, sources numbered within their
    move, the moves' indexes built after the rows, one 'added' event per move. Nothing is validated. `keys`: foreign
    keys dropped before the rows and added back after them (checked once each, by a join, not row by row)."""
    def copy(table: str, columns: str, name: str) -> str:
        return f"\\copy {table} ({columns}) FROM '{data / name}' WITH (FORMAT csv, HEADER true)"

    names = [index.split()[2] for index in indexes]  # "CREATE INDEX name ON ..."
    return "\n".join([
        "SET maintenance_work_mem = '256MB';",  # what the load's _bulk sets
        "CREATE TEMP TABLE c_orgs (name text, aliases text);",
        "CREATE TEMP TABLE c_teams (org text, name text, aliases text);",
        "CREATE TEMP TABLE c_people (name text, aliases text);",
        "CREATE TEMP TABLE c_moves (line bigint GENERATED ALWAYS AS IDENTITY, id text, person text, from_org text,"
        " from_team text, from_role text, to_org text, to_team text, to_role text, date text, date_basis text,"
        " status text, notes text);",
        "CREATE TEMP TABLE c_sources (line bigint GENERATED ALWAYS AS IDENTITY, move_id text, url text, title text,"
        " publisher text, published text, language text, supports text);",
        copy("c_orgs", "name, aliases", "orgs.csv"),
        copy("c_teams", "org, name, aliases", "teams.csv"),
        copy("c_people", "name, aliases", "people.csv"),
        copy("c_moves", "id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, date_basis,"
                        " status, notes", "moves.csv"),
        copy("c_sources", "move_id, url, title, publisher, published, language, supports", "sources.csv"),
        f"DROP INDEX {', '.join(names)};" if names else "",
        *(f'ALTER TABLE {table} DROP CONSTRAINT "{name}";' for table, name, _ in keys),
        "INSERT INTO orgs (name) SELECT name FROM c_orgs UNION SELECT org FROM c_teams"
        " UNION SELECT from_org FROM c_moves UNION SELECT to_org FROM c_moves WHERE to_org <> '';",
        "INSERT INTO teams (org_id, name) SELECT o.id, t.name FROM (SELECT org, name FROM c_teams"
        " UNION SELECT from_org, from_team FROM c_moves WHERE from_team <> ''"
        " UNION SELECT to_org, to_team FROM c_moves WHERE to_team <> '') t JOIN orgs o ON o.name = t.org;",
        "INSERT INTO people (name) SELECT name FROM c_people UNION SELECT person FROM c_moves;",
        "INSERT INTO org_aliases SELECT DISTINCT o.id, trim(a) FROM c_orgs c JOIN orgs o ON o.name = c.name,"
        " unnest(string_to_array(c.aliases, ';')) a WHERE trim(a) <> '';",
        "INSERT INTO team_aliases SELECT DISTINCT t.id, trim(a) FROM c_teams c JOIN orgs o ON o.name = c.org"
        " JOIN teams t ON t.org_id = o.id AND t.name = c.name, unnest(string_to_array(c.aliases, ';')) a"
        " WHERE trim(a) <> '';",
        "INSERT INTO person_aliases SELECT DISTINCT p.id, trim(a) FROM c_people c JOIN people p ON p.name = c.name,"
        " unnest(string_to_array(c.aliases, ';')) a WHERE trim(a) <> '';",
        "INSERT INTO moves (id, person_id, from_org_id, from_team_id, from_role, to_org_id, to_team_id, to_role,"
        " date, date_precision, date_basis, status, notes, recorded_at, updated_at)"
        " SELECT m.id, p.id, fo.id, ft.id, nullif(m.from_role, ''), tor.id, tt.id, nullif(m.to_role, ''), m.date,"
        " CASE length(m.date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END, nullif(m.date_basis, ''),"
        f" coalesce(nullif(m.status, ''), 'reported'), nullif(m.notes, ''), '{at}', '{at}'"
        " FROM c_moves m JOIN people p ON p.name = m.person JOIN orgs fo ON fo.name = m.from_org"
        " LEFT JOIN teams ft ON ft.org_id = fo.id AND ft.name = m.from_team"
        " LEFT JOIN orgs tor ON tor.name = m.to_org LEFT JOIN teams tt ON tt.org_id = tor.id AND tt.name = m.to_team"
        " ORDER BY m.line;",
        "INSERT INTO sources SELECT move_id, row_number() OVER (PARTITION BY move_id ORDER BY line) - 1, url,"
        " nullif(title, ''), nullif(publisher, ''), nullif(published, ''), nullif(language, ''),"
        " nullif(supports, '') FROM c_sources;",
        *(f"{index};" for index in indexes),
        *(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition};' for table, name, definition in keys),
        f"INSERT INTO move_events (move_id, kind, origin, news, at) SELECT id, 'added', 'dataset', 0, '{at}'"
        " FROM moves ORDER BY rowid;",
        f"INSERT INTO meta VALUES ('dataset_loaded_at', '{at}'),"
        " ('dataset_moves', (SELECT count(*) FROM moves)::text);",
    ]) + "\n"


def psql_load(server: PgServer, data: Path, *, keys_after: bool = False) -> tuple[ChildRun, int]:
    """The reference: psql running `reference_script` into a fresh migrated database, in one transaction; its run
    and the moves it wrote. The database is dropped afterwards (the server's folder is in RAM)."""
    from bot.store.columns import now_iso

    name = server.create_database()
    url = server.url(name)
    try:
        indexes, keys = run_sync(_schema(url))
        script = reference_script(data, indexes, now_iso(), keys if keys_after else [])
        with tempfile.NamedTemporaryFile("w", suffix=".sql", dir=OUT / "tmp") as fh:
            fh.write(script)
            fh.flush()
            run = run_child([_psql(server), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url,
                             "-f", fh.name], cwd=OUT)
        if run.returncode != 0:
            raise RuntimeError(f"psql's load failed:\n{run.output[-2000:]}")
        return run, run_sync(_count(url, "moves"))
    finally:
        server.drop_database(name)


def _psql(server: PgServer) -> str:
    """The server's own psql, not Debian's wrapper script (a Perl program, whose start would be timed too)."""
    found = server.bindir / "psql" if server.bindir is not None else None
    return str(found) if found is not None and found.is_file() else "psql"


async def _count(url: str, table: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(f"SELECT count(*) FROM {table}")
    finally:
        await conn.close()


# -- load -------------------------------------------------------------------------------------------------------

def bench_pg_load(scale: Scale, data: Path) -> list[Figure]:
    """`movesbot load` of the big dataset into an empty PostgreSQL database against psql's reference load,
    measured before and after it (the lower one counts: this machine is shared); and, informational, against
    the same SQL with the foreign keys of moves and sources added after the rows, as movesbot's load does."""
    with pg_server() as server:
        before, expected = psql_load(server, data)
        name = server.create_database()
        try:
            ours = movesbot_load(data, server.url(name))
            if ours.returncode != 0:
                raise RuntimeError(f"movesbot load failed:\n{ours.output[-2000:]}")
            rows = run_sync(_count(server.url(name), "moves"))
        finally:
            server.drop_database(name)
        after, _ = psql_load(server, data)
        keys_after, _ = psql_load(server, data, keys_after=True)
    reference = min(before.seconds, after.seconds)
    name = f"pg_load_{label(scale.big)}"
    return [
        Figure(name, ours.seconds, "s", reference, "ratio <= 2 (psql \\copy + INSERT ... SELECT)",
               ours.seconds <= 2 * reference and rows == expected,
               note=f"{rows} moves (psql: {expected}), validated, indexes included"),
        Figure(f"{name}_vs_keys_after", ours.seconds, "s", keys_after.seconds, None, None,
               note="reference: the same psql load, foreign keys added after the rows (informational)"),
        Figure(f"{name}_peak_rss", ours.peak_rss_mb, "MB", None, None, None,
               note="the load process (informational: no reference, psql leaves the work to the server)"),
    ]


# -- answers ----------------------------------------------------------------------------------------------------

def bench_pg_answer(scale: Scale, data: Path, questions: list[str]) -> list[Figure]:
    """`ask` for the `answer` bench's questions, over loopback, at the mid size."""
    with pg_server() as server:
        name = server.create_database()
        loaded = movesbot_load(data, server.url(name))
        if loaded.returncode != 0:
            raise RuntimeError(f"movesbot load failed:\n{loaded.output[-2000:]}")
        print(f"  loaded {label(scale.mid)} moves into PostgreSQL in {loaded.seconds:.1f} s", flush=True)
        times, floor, unindexed, distinct = asyncio.run(_answer(server.url(name), questions))
    for sql, scans in unindexed:
        print(f"  unindexed: {sql} -> {scans}", flush=True)
    return ask_figures(f"pg_ask_{label(scale.mid)}", times, floor, unindexed,
                       f"{distinct} (plans with enable_seqscan off)", where="over loopback; ")


async def _answer(url: str, questions: list[str]) -> tuple[list[float], list[float], list[tuple[str, list]], int]:
    from bot.answers import Engine
    from bot.store import Store
    from bot.store.pg_conn import PgConnection
    from tests.store_helpers import full_scans_of_moves, plan

    store = await Store.open(url)
    try:
        engine = await Engine.create(store)
        ids = [r[0] for r in await store._db.execute_fetchall("SELECT id FROM moves ORDER BY id")]
        ids = random.Random(9).sample(ids, min(200, len(ids)))
        seen: dict[str, tuple] = {}
        real = PgConnection.execute_fetchall

        async def spy(self: PgConnection, sql: str, parameters=()) -> list[tuple]:
            seen[sql] = tuple(parameters or ())
            return await real(self, sql, parameters)

        PgConnection.execute_fetchall = spy  # a first pass warms up, and records every statement for its plan
        try:
            for q in questions:
                await engine.ask(q)
        finally:
            PgConnection.execute_fetchall = real
        times, floor = await time_asks(engine, store, questions, ids)
        unindexed = []
        for sql, params in seen.items():
            scans = full_scans_of_moves(store, await plan(store, sql, params))
            if scans:
                unindexed.append((" ".join(sql.split())[:100], scans))
    finally:
        await store.close()
    return times, floor, unindexed, len(seen)
