"""The tests' own PostgreSQL server (tests/pg_server.py) and its fixtures (tests/pg_fixtures.py): it answers over
TCP on 127.0.0.1, each test gets a new empty database, the password role refuses a wrong password, stop() leaves
nothing behind, and what is missing or broken is said plainly."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from tests.pg_fixtures import BACKENDS_ENV, require_postgres, selected_backends, start_pg_server
from tests.pg_server import PASSWORD, PASSWORD_USER, USER, PgServer, PgServerError, find_bindir

ROOT = Path(__file__).resolve().parents[1]
SEEN_DATABASES: list[str] = []


@pytest.fixture
def postgres_selected() -> None:
    """For the tests that start servers of their own, without the pg_server fixture."""
    require_postgres()


def _major(bindir: Path) -> int:
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"(\d+)", out).group(1))


async def test_server_answers_over_tcp_on_loopback(pg_server: PgServer, pg_url: str) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        version = await conn.fetchval("select version()")
        address, port, user = await conn.fetchrow("select inet_server_addr()::text, inet_server_port(), current_user")
    finally:
        await conn.close()
    major = _major(pg_server.bindir)
    assert major >= 15  # CREATE DATABASE ... STRATEGY
    assert version.startswith(f"PostgreSQL {major}.")
    assert (address, port, user) == ("127.0.0.1/32", pg_server.port, USER)  # the address is NULL over a socket
    assert pg_url == f"postgresql://{USER}@127.0.0.1:{pg_server.port}/{pg_url.rsplit('/', 1)[1]}"
    with pytest.raises(OSError):  # 127.0.0.1 only: not even another loopback address
        await asyncpg.connect(pg_url.replace("127.0.0.1", "127.0.0.2"))


@pytest.mark.parametrize("run", [1, 2])
async def test_each_test_gets_a_new_empty_database(pg_url: str, run: int) -> None:
    conn = await asyncpg.connect(pg_url)
    try:
        name = await conn.fetchval("select current_database()")
        relations = await conn.fetchval("select count(*) from pg_class where relnamespace = 'public'::regnamespace")
        schemas = await conn.fetch("select nspname from pg_namespace where nspname not like 'pg\\_%' "
                                   "and nspname <> 'information_schema'")
        await conn.execute("create table leftover (id int primary key)")  # the URL's user may build its schema
        databases = {row[0] for row in await conn.fetch("select datname from pg_database")}
    finally:
        await conn.close()
    assert relations == 0
    assert [row[0] for row in schemas] == ["public"]
    assert name not in SEEN_DATABASES
    assert not databases & set(SEEN_DATABASES)  # the earlier tests' databases were dropped after them
    SEEN_DATABASES.append(name)


async def test_password_role_refuses_a_wrong_password(pg_server: PgServer) -> None:
    login = {"host": "127.0.0.1", "port": pg_server.port, "user": PASSWORD_USER, "database": "postgres"}
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(password="not the password", **login)
    with pytest.raises(asyncpg.InvalidPasswordError):
        await asyncpg.connect(**login)
    conn = await asyncpg.connect(password=PASSWORD, **login)
    try:
        assert await conn.fetchval("select current_user") == PASSWORD_USER
    finally:
        await conn.close()


async def test_stop_ends_the_server_and_removes_its_folder(postgres_selected: None) -> None:
    server = PgServer().start()
    root, port = server.root, server.port
    postmaster = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    assert server.running and root is not None and root.is_dir()
    assert server.start_seconds < 5
    server.stop()
    assert not server.running
    assert not root.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(postmaster, 0)
    with pytest.raises(OSError):
        await asyncpg.connect(host="127.0.0.1", port=port, user=USER, database="postgres")
    server.stop()  # twice is harmless


def test_a_new_server_stops_and_removes_the_servers_of_dead_sessions(postgres_selected: None) -> None:
    """A session killed outright (a CI timeout) leaves its server running; the next one to start ends it."""
    script = ("import time; from tests.pg_server import PgServer; server = PgServer().start(); "
              "print(server.root, server.data_dir.joinpath('postmaster.pid').read_text().split()[0], flush=True); "
              "time.sleep(60)")
    session = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    root, postmaster = session.stdout.readline().split()
    session.kill()
    session.wait()
    session.stdout.close()
    os.kill(int(postmaster), 0)  # the dead session's server still runs
    server = PgServer().start()
    try:
        assert not Path(root).exists()
        with pytest.raises(ProcessLookupError):
            for _ in range(500):  # immediate shutdown takes a moment
                os.kill(int(postmaster), 0)
                time.sleep(0.01)
    finally:
        server.stop()


def test_a_server_that_cannot_start_says_why_and_leaves_nothing(postgres_selected: None) -> None:
    with pytest.raises(PgServerError) as caught:
        PgServer(settings={"shared_buffers": "plenty"}).start()
    message = str(caught.value)
    assert "did not start" in message
    assert 'invalid value for parameter "shared_buffers": "plenty"' in message  # the server log's tail
    log = Path(re.search(r"\(log (\S+)\)", message).group(1))
    assert not log.parent.exists()


def test_missing_binaries_fail_with_how_to_install(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as caught:
        start_pg_server(bindir=tmp_path)
    assert f"{tmp_path} has no initdb or postgres program" in str(caught.value)
    assert "`make test` installs it" in str(caught.value)
    assert f"{BACKENDS_ENV}=sqlite" in str(caught.value)
    with pytest.raises(PgServerError, match="are not installed: no /usr/lib/postgresql/\\*/bin and no initdb on PATH"):
        server = PgServer()
        server.bindir = None  # what find_bindir() gives on a machine without PostgreSQL
        server.start()


def _fake_bindir(folder: Path, *programs: str) -> Path:
    folder.mkdir(parents=True)
    for name in programs:
        (folder / name).write_text("#!/bin/sh\n")
        (folder / name).chmod(0o755)
    return folder


def test_find_bindir_takes_the_newest_complete_version_then_path(tmp_path: Path) -> None:
    for version in ("9.6", "15", "16"):
        _fake_bindir(tmp_path / "lib" / version / "bin", "initdb", "postgres")
    _fake_bindir(tmp_path / "lib" / "17" / "bin", "initdb")  # no server: a client-only install
    on_path = _fake_bindir(tmp_path / "path", "initdb", "postgres")
    assert find_bindir(str(tmp_path / "lib" / "*" / "bin"), path="") == tmp_path / "lib" / "16" / "bin"
    assert find_bindir(str(tmp_path / "none" / "*" / "bin"), path=str(on_path)) == on_path
    assert find_bindir(str(tmp_path / "none" / "*" / "bin"), path=str(tmp_path / "lib" / "17" / "bin")) is None


def test_selected_backends_reads_the_switch() -> None:
    assert selected_backends("sqlite") == ["sqlite"]
    assert selected_backends(" Postgres, sqlite ") == ["sqlite", "postgres"]
    for wrong in ("", "mysql", "sqlite,pg"):
        with pytest.raises(pytest.UsageError, match=f"{BACKENDS_ENV}="):
            selected_backends(wrong)


async def test_store_target_is_a_sqlite_path_or_a_new_postgres_url(store_target: str,
                                                                   request: pytest.FixtureRequest,
                                                                   tmp_path: Path) -> None:
    backend = request.node.callspec.id
    assert backend in selected_backends()
    if backend == "sqlite":
        assert Path(store_target).parent == tmp_path and not Path(store_target).exists()
        return
    conn = await asyncpg.connect(store_target)
    try:
        assert await conn.fetchval("select count(*) from pg_class where relnamespace = 'public'::regnamespace") == 0
    finally:
        await conn.close()


PROBE_CONFTEST = """\
import os

import tests.pg_server
from tests.pg_fixtures import pg_server, pg_url, store_target  # noqa: F401

if os.environ.get("PROBE_WITHOUT_POSTGRESQL"):  # a machine where find_bindir() finds nothing
    tests.pg_server.find_bindir = lambda *args, **kwargs: None
"""
PROBE_TESTS = "def test_target(store_target):\n    assert store_target\n\ndef test_pg(pg_url):\n    assert pg_url\n"


def _probe_session(folder: Path, **env: str) -> tuple[int, str]:
    """A small pytest session of its own, with our fixtures: a store_target test and a pg_url test."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "conftest.py").write_text(PROBE_CONFTEST)
    (folder / "test_probe.py").write_text(PROBE_TESTS)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", "-rs", str(folder)]
    inherited = {key: value for key, value in os.environ.items() if key != BACKENDS_ENV}
    done = subprocess.run(command, cwd=folder, env={**inherited, "PYTHONPATH": str(ROOT), **env},
                          capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stdout + done.stderr


def test_sqlite_only_switch_runs_no_postgres(tmp_path: Path) -> None:
    code, out = _probe_session(tmp_path, **{BACKENDS_ENV: "sqlite", "PROBE_WITHOUT_POSTGRESQL": "1"})
    assert code == 0, out
    assert "test_target[sqlite] PASSED" in out
    assert "postgres]" not in out
    assert f"SKIPPED [1] test_probe.py:4: {BACKENDS_ENV}=sqlite leaves PostgreSQL out" in out


def test_without_postgresql_its_tests_fail_saying_how_to_install(tmp_path: Path) -> None:
    code, out = _probe_session(tmp_path, PROBE_WITHOUT_POSTGRESQL="1")
    assert code == 1, out
    assert "test_target[sqlite] PASSED" in out
    assert "test_target[postgres] ERROR" in out and "test_pg ERROR" in out
    assert "PostgreSQL's server binaries (initdb, postgres) are not installed" in out
    assert "`make test` installs it" in out
    assert "SKIPPED" not in out


def test_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    code, out = _probe_session(tmp_path, **{BACKENDS_ENV: "mysql"})
    assert code != 0
    assert f"{BACKENDS_ENV}='mysql': expected a comma-separated list of sqlite, postgres" in out
