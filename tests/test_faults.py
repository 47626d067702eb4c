"""Fault injection against the real `movesbot` process: a damaged, newer, locked or folder database, a full disk,
special files in `data/`, and `kill -9` in the middle of a load. Each command must end within its timeout (a
hang fails the test), say one clear sentence, exit non-zero when it could not do its job, and leave the database
as it was when it refused."""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR, move_row, read_rows, source_row, write_rows

MOVES = len(read_rows(DATA_DIR / "moves.csv"))  # the default dataset's moves

MOVESBOT = str(Path(sys.executable).parent / "movesbot")
TIMEOUT = 60


def run_cli(*args: object, cwd: Path, env: dict[str, str] | None = None,
            timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """The real command in its own process; a hang past `timeout` raises (and the process is killed)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MOVESBOT_") and k != "DISCORD_TOKEN"}
    return subprocess.run([MOVESBOT, *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env={**clean, "MOVESBOT_DB_TIMEOUT": "1", **(env or {})})


def digest(path: Path) -> str:
    """The bytes of a database and of its WAL, if any: 'unchanged' means unchanged on disk."""
    h = hashlib.sha256()
    for p in (path, Path(f"{path}-wal")):
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()


def assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Non-zero, a short message holding `words`, and no traceback."""
    assert result.returncode != 0, result.stdout + result.stderr
    text = result.stderr
    assert "Traceback" not in text and "File \"" not in text, text
    assert len(text.strip().splitlines()) <= 3, text
    for word in words:
        assert word in text, text


ADD = ("add", "--person", "Ada Lovelace", "--from-org", "Meta", "--to-org", "OpenAI", "--date", "2026-03",
       "--source", "https://example.com/ada-openai")
COMMANDS = [("subscriptions", "list"), ("ask", "who left Apple?"), ("load",), ADD, ("subscriptions", "export")]


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_random_bytes_as_the_database(tmp_path, args):
    db = tmp_path / "bad.db"
    db.write_bytes(random.Random(1).randbytes(100_000))
    before = digest(db)
    result = run_cli(*args, "--db", db, *(("--data", DATA_DIR) if args[0] in ("ask", "load", "add") else ()),
                     cwd=tmp_path)
    assert_refused(result, "damaged")
    assert digest(db) == before


def test_a_database_path_that_is_a_folder(tmp_path):
    (tmp_path / "db").mkdir()
    assert_refused(run_cli("load", "--db", tmp_path / "db", "--data", DATA_DIR, cwd=tmp_path), "is a folder")
    assert_refused(run_cli("subscriptions", "list", "--db", tmp_path / "db", cwd=tmp_path), "is a folder")


def test_a_damaged_database_is_not_reported_unchanged(tmp_path, db_path):
    """Pages overwritten in the middle of the file: quick_check finds it at open."""
    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db_path.read_bytes())
    page = 4096
    for n in range(3, len(raw) // page - 1, 3):
        raw[n * page + 100:n * page + 400] = bytes(300)
    db_path.write_bytes(bytes(raw))
    before = digest(db_path)
    result = run_cli("load", "--db", db_path, "--data", DATA_DIR, cwd=tmp_path)
    assert_refused(result, "damaged")
    assert "unchanged" not in result.stdout
    assert digest(db_path) == before


def test_a_newer_database_is_not_written(tmp_path, db_path):
    with sqlite3.connect(db_path) as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', '2030-01-01')")
    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)
    for args in (("load", "--data", DATA_DIR, "--force"), ADD, ("subscriptions", "list")):
        result = run_cli(*args, "--db", db_path, cwd=tmp_path)
        assert_refused(result, "newer movesbot", "schema version 99")
    assert digest(db_path) == before


@contextlib.contextmanager
def lock_held(db: Path, exclusive: bool = False) -> Iterator[subprocess.Popen[str]]:
    """Another process holding a write transaction on `db` (or, `exclusive`, every lock: readers wait too)."""
    code = ("import sqlite3, sys, time\n"
            "con = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            + ("con.execute('PRAGMA locking_mode=EXCLUSIVE')\n" if exclusive else "")
            + "con.execute('BEGIN EXCLUSIVE' if sys.argv[2] == '1' else 'BEGIN IMMEDIATE')\n"
            "con.execute('CREATE TABLE lock_holder (x)')\n"
            "print('locked', flush=True)\n"
            "time.sleep(120)\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(db), "1" if exclusive else "0"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_lock_held_by_another_process(tmp_path, db_path):
    with sqlite3.connect(db_path) as con:
        moves = con.execute("SELECT count(*) FROM moves").fetchone()
    with lock_held(db_path):
        started = time.monotonic()
        assert_refused(run_cli(*ADD, "--db", db_path, cwd=tmp_path), "is locked by another process")
        assert_refused(run_cli("load", "--force", "--db", db_path, "--data", DATA_DIR, cwd=tmp_path), "locked")
        assert time.monotonic() - started < 30
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'lock_holder'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM moves").fetchone() == moves


def test_a_second_load_on_an_empty_database_while_another_holds_it(tmp_path):
    db = tmp_path / "m.db"
    sqlite3.connect(db).close()
    with lock_held(db, exclusive=True):
        result = run_cli("load", "--db", db, "--data", DATA_DIR, cwd=tmp_path)
    assert_refused(result, "locked")
    ok = run_cli("load", "--db", db, "--data", DATA_DIR, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr


# -- a full disk: a small tmpfs (root only) -----------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs (the default dataset's database takes about half of it)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> None:
    with (disk / "filler").open("wb") as fh, contextlib.suppress(OSError):
        while True:
            fh.write(bytes(16384))
            fh.flush()


def test_a_full_disk_at_open(tmp_path, small_disk):
    fill(small_disk)
    result = run_cli("load", "--db", small_disk / "m.db", "--data", DATA_DIR, cwd=tmp_path)
    assert_refused(result, "full")


def test_a_full_disk_during_a_load_leaves_the_database_as_it_was(tmp_path, small_disk, make_dataset):
    db = small_disk / "m.db"
    assert run_cli("load", "--db", db, "--data", make_dataset(), cwd=tmp_path).returncode == 0
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = con.execute("SELECT id, notes FROM moves ORDER BY id").fetchall()
    fill(small_disk)
    big = tmp_path / "big"
    shutil.copytree(DATA_DIR, big)
    result = run_cli("load", "--db", db, "--data", big, cwd=tmp_path)
    assert_refused(result, "full")
    (small_disk / "filler").unlink()
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert con.execute("SELECT id, notes FROM moves ORDER BY id").fetchall() == before


# -- special files in data/ ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["n.csv", "people.csv"])
def test_a_fifo_in_data_is_skipped_with_a_notice(tmp_path, make_dataset, name):
    data = make_dataset()
    if name != "n.csv":
        (data / name).unlink()
    os.mkfifo(data / name)
    for args in (("validate", "--data", data), ("load", "--db", tmp_path / "m.db", "--data", data)):
        result = run_cli(*args, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert f"{name} is not a regular file" in result.stderr and "skipped" in result.stderr, result.stderr


def test_a_folder_named_like_a_csv_is_skipped(tmp_path, make_dataset):
    data = make_dataset()
    (data / "old.csv").mkdir()
    result = run_cli("load", "--db", tmp_path / "m.db", "--data", data, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "old.csv is a folder" in result.stderr and "Traceback" not in result.stderr


def test_a_required_file_that_is_a_fifo_is_an_error(tmp_path, make_dataset):
    data = make_dataset()
    (data / "moves.csv").unlink()
    os.mkfifo(data / "moves.csv")
    result = run_cli("load", "--db", tmp_path / "m.db", "--data", data, cwd=tmp_path)
    assert_refused(result, "moves.csv", "not a regular file")


# -- kill -9 in the middle of a load ------------------------------------------------------------------------------

def _big_dataset(folder: Path, moves: int) -> Path:
    """The default dataset plus `moves` synthetic moves between its orgs (a load long enough to be cut)."""
    shutil.copytree(DATA_DIR, folder)
    rows, sources = read_rows(folder / "moves.csv"), read_rows(folder / "sources.csv")
    orgs = [r["name"] for r in read_rows(folder / "orgs.csv")]
    for i in range(moves):
        move_id = f"synthetic-person-{i}-move"
        rows.append(move_row(move_id, f"Synthetic Person {i}", orgs[i % len(orgs)], orgs[(i + 1) % len(orgs)],
                             f"20{10 + i % 15}"))
        sources.append(source_row(move_id, f"https://example.com/synthetic/{i}"))
    write_rows(folder / "moves.csv", rows)
    write_rows(folder / "sources.csv", sources)
    return folder


def _state(db: Path) -> tuple[int, int, int]:
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return (con.execute("SELECT count(*) FROM moves WHERE retracted_at IS NULL").fetchone()[0],
                con.execute("SELECT count(*) FROM move_events").fetchone()[0],
                con.execute("SELECT count(*) FROM outbox").fetchone()[0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_during_a_load_leaves_the_database_whole(tmp_path, db_path, seed):
    """Killed at a random point of a load over a loaded database with a subscription: afterwards the database is
    intact and either as before or fully loaded; a second load then queues each new move's alert exactly once."""
    with sqlite3.connect(db_path) as con:
        con.execute("INSERT INTO subscriptions (guild_id, channel_id, target_kind, target_name, created_at)"
                    " VALUES (1, 2, 'all', 'everything', '2026-01-01')")
    before = _state(db_path)
    data = _big_dataset(tmp_path / "big", 40_000)  # (a load of about 2 s here: most kills land inside it)
    proc = subprocess.Popen([MOVESBOT, "load", "--db", str(db_path), "--data", str(data)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "MOVESBOT_DB_TIMEOUT": "5"})
    time.sleep(random.Random(seed).uniform(0.2, 1.4))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = _state(db_path)
    full = (before[0] + 40_000, before[1] + 40_000, before[2] + 40_000)
    assert after in (before, full)
    result = run_cli("load", "--db", db_path, "--data", data, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert _state(db_path) == full
    with sqlite3.connect(db_path) as con:
        assert con.execute("SELECT count(*) FROM (SELECT move_id FROM outbox GROUP BY move_id, channel_id"
                           " HAVING count(*) > 1)").fetchone() == (0,)




def test_a_truncated_dataset_needs_allow_removals(tmp_path, db_path):
    from tests.test_store_hardening import header_only

    cut = header_only(tmp_path / "cut")
    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)
    assert_refused(run_cli("load", "--db", db_path, "--data", cut, cwd=tmp_path), f"{MOVES} of the {MOVES}",
                   "--allow-removals")
    assert digest(db_path) == before
    allowed = run_cli("load", "--db", db_path, "--data", cut, "--allow-removals", cwd=tmp_path)
    assert allowed.returncode == 0 and f"{MOVES} removed" in allowed.stdout, allowed.stderr
    back = run_cli("load", "--db", db_path, "--data", DATA_DIR, cwd=tmp_path)
    assert back.returncode == 0 and f"{MOVES} restored" in back.stdout and "marked for alerts" not in back.stdout


def test_a_bad_setting_in_env_is_one_line(tmp_path):
    (tmp_path / ".env").write_text("MOVESBOT_ALERT_RATE=-5\n", encoding="utf-8")
    result = run_cli("validate", "--data", DATA_DIR, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "MOVESBOT_ALERT_RATE=-5: must be greater than 0 (see .env.example)"


def test_fifos_where_files_are_read_are_refused_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "db.fifo")
    os.mkfifo(tmp_path / "subs.json")
    assert_refused(run_cli("subscriptions", "list", "--db", tmp_path / "db.fifo", cwd=tmp_path),
                   "not a regular file (a FIFO)")
    assert_refused(run_cli("subscriptions", "import", tmp_path / "subs.json", "--db", tmp_path / "m.db",
                           "--data", DATA_DIR, cwd=tmp_path), "subs.json", "not a regular file")


def test_another_applications_database_is_not_written(tmp_path):
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    before = digest(db)
    assert_refused(run_cli("load", "--db", db, "--data", DATA_DIR, cwd=tmp_path), "another application",
                   "invoices")
    assert digest(db) == before


def test_a_database_under_a_file_is_one_sentence(tmp_path):
    (tmp_path / "afile").write_text("x")
    assert_refused(run_cli("subscriptions", "list", "--db", tmp_path / "afile" / "m.db", cwd=tmp_path),
                   "cannot make the folder")
