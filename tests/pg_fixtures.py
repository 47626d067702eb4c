"""The storage backends the store's tests run against: `store_target` (a SQLite file path, or a fresh PostgreSQL
database's URL), `pg_url` (one fresh empty database per test) and `pg_server` (our own PostgreSQL server, started
once, and only by sessions that use it).

MOVESBOT_TEST_BACKENDS (default "sqlite,postgres") picks the backends: "sqlite" runs without PostgreSQL at all.
Otherwise a missing PostgreSQL fails the tests that need it, with how to install it: never a silent skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg_server import PgServer, PgServerError, run_sync

BACKENDS_ENV = "MOVESBOT_TEST_BACKENDS"
KNOWN_BACKENDS = ("sqlite", "postgres")


def selected_backends(value: str | None = None) -> list[str]:
    """The backends named in `value` (by default, MOVESBOT_TEST_BACKENDS), in the usual order; a name we do not
    know is an error, not a backend quietly left untested."""
    raw = os.environ.get(BACKENDS_ENV, ",".join(KNOWN_BACKENDS)) if value is None else value
    names = {name.strip().lower() for name in raw.split(",") if name.strip()}
    if not names or names - set(KNOWN_BACKENDS):
        raise pytest.UsageError(f"{BACKENDS_ENV}={raw!r}: expected a comma-separated list of "
                                f"{', '.join(KNOWN_BACKENDS)} (default: all of them)")
    return [name for name in KNOWN_BACKENDS if name in names]


def start_pg_server(bindir: Path | None = None) -> PgServer:
    """A started server, or the calling test failed with what is missing and how to get it."""
    try:
        return PgServer(bindir).start()
    except PgServerError as exc:
        problem = str(exc)
    pytest.fail(f"the PostgreSQL-backed tests need a PostgreSQL server: {problem}\n(To run the SQLite tests only: "
                f"{BACKENDS_ENV}=sqlite.)", pytrace=False)


def require_postgres() -> None:
    """Skip the calling test when MOVESBOT_TEST_BACKENDS leaves PostgreSQL out: the one way it may not run."""
    if "postgres" not in selected_backends():
        pytest.skip(f"{BACKENDS_ENV}={os.environ[BACKENDS_ENV]} leaves PostgreSQL out")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """Our own PostgreSQL server on 127.0.0.1, for the whole session; stopped and removed at its end."""
    require_postgres()
    server = start_pg_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """postgresql://movesbot@127.0.0.1:PORT/test_N: a new empty database owned by the URL's user, dropped after."""
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=selected_backends())
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """What `bot.store.open_store` opens, once per backend (ids "sqlite", "postgres"): a SQLite file's path under
    tmp_path, or a fresh PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "movesbot.db")
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def loaded_pg_template(pg_server: PgServer) -> str:
    """A database holding the default dataset, loaded once: each test that wants it loaded gets a copy
    (CREATE DATABASE ... TEMPLATE), as the SQLite tests get a copy of one loaded file."""
    from bot.service import load_dataset
    from bot.store import Store
    from tests.conftest import DATA_DIR

    name = pg_server.create_database()

    async def load() -> None:
        async with await Store.open(pg_server.url(name)) as store:
            await load_dataset(store, DATA_DIR)

    run_sync(load())
    return name


@pytest.fixture(params=selected_backends())
def store_db(request: pytest.FixtureRequest) -> Iterator[str]:
    """The default dataset, loaded, once per backend (ids "sqlite", "postgres"): a fresh copy of the loaded SQLite
    file, or a fresh PostgreSQL database copied from the loaded one; what `Store.open` opens."""
    if request.param == "sqlite":
        yield str(request.getfixturevalue("db_path"))
        return
    server: PgServer = request.getfixturevalue("pg_server")
    name = server.create_database(template=request.getfixturevalue("loaded_pg_template"))
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)
