"""`movesbot export --data DIR`: the whole record in the dataset's own format. Loading an export into the database
it came from changes nothing; into an empty one, it gives the same record."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.dataset import COLUMNS
from bot.store import Store
from tests.conftest import read_rows
from tests.test_alerts_core import make_move, subscribe
from tests.test_faults import assert_refused, run_cli

TABLES = ("moves", "sources", "people", "person_aliases", "orgs", "org_aliases", "teams", "team_aliases", "roles",
          "move_events", "move_history", "outbox", "subscriptions")


def snapshot(db: Path) -> dict[str, list]:
    with sqlite3.connect(db) as con:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def record(db: Path) -> list[tuple]:
    """The live record as answers see it, by name (ids differ between databases)."""
    with sqlite3.connect(db) as con:
        return sorted(con.execute(
            "SELECT m.id, p.name, fo.name, ft.name, m.from_role, tor.name, tt.name, m.to_role, m.date, m.date_basis,"
            " m.status, m.notes, (SELECT group_concat(url, ' ') FROM (SELECT url FROM sources s"
            " WHERE s.move_id = m.id ORDER BY position)) FROM moves m JOIN people p ON p.id = m.person_id"
            " JOIN orgs fo ON fo.id = m.from_org_id LEFT JOIN teams ft ON ft.id = m.from_team_id"
            " LEFT JOIN orgs tor ON tor.id = m.to_org_id LEFT JOIN teams tt ON tt.id = m.to_team_id"
            " WHERE m.retracted_at IS NULL").fetchall())


@pytest.fixture
def busy_db(db_path: Path) -> Path:
    """The default database with what happens to one in use: a move recorded from the CLI (with a note on two
    lines), one retracted, a subscription and its alert."""

    async def go() -> None:
        async with await Store.open(db_path) as store:
            await subscribe(store, 5)
            await store.record_move(make_move("Ruoming Pang", "OpenAI", "Anthropic", "2026-05",
                                              notes="first line\nsecond, \"quoted\" line", sources=2),
                                    origin="cli", actor="cli")
            await store.retract_move("tom-gunter-meta-2025", actor="moderator", reason="test")

    asyncio.run(go())
    return db_path


def test_loading_an_export_into_its_database_changes_nothing(tmp_path, busy_db):
    out = tmp_path / "exported"
    result = run_cli("export", "--db", busy_db, "--data", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(COLUMNS)
    for name, columns in COLUMNS.items():
        assert (out / name).read_text(encoding="utf-8").splitlines()[0] == ",".join(columns)
    before = snapshot(busy_db)
    loaded = run_cli("load", "--db", busy_db, "--data", out, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert "0 added, 0 changed, 0 removed;" in loaded.stdout, loaded.stdout
    assert snapshot(busy_db) == before


def test_an_export_holds_the_live_record(tmp_path, busy_db):
    out = tmp_path / "exported"
    assert run_cli("export", "--db", busy_db, "--data", out, cwd=tmp_path).returncode == 0
    ids = [r["id"] for r in read_rows(out / "moves.csv")]
    assert "tom-gunter-meta-2025" not in ids and ids[-1].startswith("ruoming-pang-anthropic")
    assert run_cli("validate", "--data", out, cwd=tmp_path).returncode == 0
    fresh = tmp_path / "fresh.db"
    assert run_cli("load", "--db", fresh, "--data", out, cwd=tmp_path).returncode == 0
    assert record(fresh) == record(busy_db)


def test_an_export_into_a_missing_folder_is_one_sentence(tmp_path, busy_db):
    assert_refused(run_cli("export", "--db", busy_db, "--data", tmp_path / "no" / "such", cwd=tmp_path),
                   "does not exist")
    assert_refused(run_cli("subscriptions", "export", "--db", busy_db, "--file", tmp_path / "no" / "s.json",
                           cwd=tmp_path), "cannot write")
