"""The `movesbot` command: load/validate (all or nothing), ask (text and --json), console, and run without a token."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.console import Console
from tests.conftest import BAD_DATASETS, DATA_DIR, move_row, read_rows, source_row, write_case

runner = CliRunner()
TABLES = ("moves", "sources", "people", "person_aliases", "orgs", "org_aliases", "teams", "team_aliases", "roles",
          "move_events", "meta")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    """No token, database or dataset path from the developer's shell or .env may leak into a test."""
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def snapshot(db: Path) -> dict[str, list]:
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        con.close()


# -- load / validate -----------------------------------------------------------------------------------------------

def test_load_first_then_idempotent(tmp_path):
    db = tmp_path / "m.db"
    moves = len(read_rows(DATA_DIR / "moves.csv"))
    first = invoke("load", "--data", DATA_DIR, "--db", db)
    assert first.exit_code == 0, first.output
    assert f"Loaded {DATA_DIR}: {moves} added, 0 changed, 0 removed;" in first.stdout
    assert "First load into an empty database: recorded as history, no alerts." in first.stdout
    before = snapshot(db)
    second = invoke("load", "--data", DATA_DIR, "--db", db)
    assert second.exit_code == 0, second.output
    assert "is unchanged since the last load" in second.stdout
    assert snapshot(db) == before
    forced = invoke("load", "--data", DATA_DIR, "--db", db, "--force")
    assert forced.exit_code == 0, forced.output
    assert f"Loaded {DATA_DIR}: 0 added, 0 changed, 0 removed;" in forced.stdout
    after = snapshot(db)
    assert {t: after[t] for t in TABLES if t != "meta"} == {t: before[t] for t in TABLES if t != "meta"}


def test_load_reports_added_changed_removed(tmp_path, make_dataset):
    db = tmp_path / "m.db"
    assert invoke("load", "--data", make_dataset(), "--db", db).exit_code == 0

    def change(files):
        moves = [{**files["moves.csv"][0], "notes": "edited"}, files["moves.csv"][1],
                 move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026-02")]
        sources = [*files["sources.csv"][:3], source_row("ada-example-meta-2026", "https://example.com/n")]
        return {**files, "moves.csv": moves, "sources.csv": sources}

    result = invoke("load", "--data", make_dataset(change, name="v2"), "--db", db)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert ": 1 added, 1 changed, 1 removed; 1 role holdings." in out
    assert "  added: ada-example-meta-2026" in out and "  changed: ruoming-pang-meta-2025" in out
    assert "  removed: ada-example-anthropic-2024" in out
    assert "1 new move(s) marked for alerts." in out
    con = sqlite3.connect(db)
    news = con.execute("SELECT move_id, kind, news FROM move_events WHERE news = 1 ORDER BY seq").fetchall()
    con.close()
    assert news == [("ada-example-meta-2026", "added", 1), ("ruoming-pang-meta-2025", "changed", 1),
                    ("ada-example-anthropic-2024", "removed", 1)]


@pytest.mark.parametrize(("change", "expected"), [pytest.param(c, e, id=i) for i, c, e in BAD_DATASETS])
def test_bad_dataset_fails_and_leaves_the_database_unchanged(tmp_path, change, expected):
    db = tmp_path / "m.db"
    good = write_case(tmp_path / "good")
    assert invoke("load", "--data", good, "--db", db).exit_code == 0
    before = snapshot(db)
    result = invoke("load", "--data", write_case(tmp_path / "bad", change), "--db", db)
    assert result.exit_code == 1
    file, line, fld, words = expected
    where = file if line is None else f"{file} row {line}"
    assert any(ln.startswith(f"  {where}: {fld + ': ' if fld else ''}") and words in ln
               for ln in result.stderr.splitlines()), result.stderr
    assert result.stderr.rstrip().endswith("error(s); nothing was loaded.")
    assert result.stdout == ""
    assert snapshot(db) == before


def test_validate(make_dataset):
    ok = invoke("validate", "--data", make_dataset())
    assert ok.exit_code == 0
    assert "is valid: 3 moves, 4 sources, 3 people, 4 orgs, 1 teams, 1 role holdings." in ok.stdout
    bad = invoke("validate", "--data", make_dataset(lambda f: BAD_DATASETS[3][1](BAD_DATASETS[2][1](f)), "bad"))
    assert bad.exit_code == 1
    lines = bad.stderr.splitlines()
    assert sorted(lines[:2]) == [
        "  moves.csv row 4: date: date '2025-13-01' is not a valid month",
        "  moves.csv row 4: to_org: 'Antropic' looks like a typo of the known org 'Anthropic' (add it to orgs.csv "
        "if it is new)",
    ]
    assert lines[2:] == ["2 error(s); nothing was loaded."]


def test_validate_the_default_dataset_uses_the_env_setting(monkeypatch):
    monkeypatch.setenv("MOVESBOT_DATA", str(DATA_DIR))
    result = invoke("validate")
    assert result.exit_code == 0 and f"{DATA_DIR} is valid: " in result.stdout


# -- ask -----------------------------------------------------------------------------------------------------------

def test_ask_json_schema(db_path):
    result = invoke("ask", "who left Apple's AFM team?", "--json", "--db", db_path, "--data", DATA_DIR)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"question", "intent", "text", "people", "moves", "suggestions", "locale", "total"} <= set(data)
    assert (data["question"], data["intent"], data["locale"], data["suggestions"]) == \
        ("who left Apple's AFM team?", "left", "en", [])
    assert {"Ruoming Pang", "Mark Lee", "Tom Gunter", "Bowen Zhang"} <= set(data["people"])
    assert [m["date"] for m in data["moves"]] == sorted((m["date"] for m in data["moves"]), reverse=True)
    assert len(data["moves"]) == 10 and data["total"] >= 10
    keys = {"id", "person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role", "date",
            "date_precision", "status", "sources"}
    for move in data["moves"]:
        assert keys <= set(move)
        assert move["date_precision"] in ("year", "month", "day") and move["status"] in ("confirmed", "reported")
        assert move["sources"] and all(isinstance(u, str) and u.startswith("http") for u in move["sources"])
    first = next(m for m in data["moves"] if m["person"] == "Ruoming Pang")
    assert (first["id"], first["person"], first["from_org"], first["from_team"], first["to_org"], first["to_team"],
            first["to_role"], first["date"], first["date_precision"], first["status"]) == \
        ("ruoming-pang-meta-2025", "Ruoming Pang", "Apple", "Foundation Models", "Meta", "Superintelligence Labs",
         None, "2025-07-07", "day", "confirmed")
    assert data["text"].startswith("Who left Foundation Models (Apple)\n")
    assert first["sources"][0] in data["text"]


def test_ask_json_suggestions(db_path):
    data = json.loads(invoke("ask", "ruomng", "--json", "--db", db_path).stdout)
    assert data["intent"] == "ambiguous" and data["moves"] == [] and "Ruoming Pang" in data["suggestions"]


def test_ask_text_in_french(db_path):
    result = invoke("ask", "Ruoming Pang", "--locale", "fr", "--db", db_path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == ["Ruoming Pang", "Ruoming Pang : 2 mouvements enregistrés ; "
                                                              "aujourd'hui chez OpenAI."]
    assert "(7 juillet 2025)" in result.stdout


def test_ask_loads_a_never_loaded_database(tmp_path, make_dataset):
    result = invoke("ask", "qui a quitté Apple ?", "--db", tmp_path / "new.db", "--data", make_dataset())
    assert result.exit_code == 0, result.output
    assert "2 personnes ont quitté Apple." in result.stdout


def test_ask_with_a_broken_dataset_and_no_database(tmp_path, make_dataset):
    result = invoke("ask", "Apple", "--db", tmp_path / "new.db", "--data", make_dataset(BAD_DATASETS[2][1]))
    assert result.exit_code == 1 and "not a valid month" in result.stderr


# -- console and run -----------------------------------------------------------------------------------------------

def test_console_answers_and_exits_cleanly_on_eof(db_path):
    result = invoke("console", "--db", db_path, input="where did Bowen Zhang go?\n/help\n/nope\n")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("movesbot console: ") and "Ctrl-D to quit." in out
    assert "Bowen Zhang: 1 recorded move; now at Meta (Superintelligence Labs)." in out
    assert "What you can ask" in out and "Unknown command /nope. Type /help." in out


def test_console_more_pages(db_path):
    result = invoke("console", "--db", db_path, input="who left Apple?\n/more\n/more\n/more\n")
    assert result.exit_code == 0
    out = result.stdout
    firsts = [ln for ln in out.splitlines() if ln.startswith("• ")]
    assert len(firsts) == len(set(firsts)) == sum(r["from_org"] == "Apple" for r in read_rows(DATA_DIR / "moves.csv"))
    assert out.count("(/more for the next page)") == 2 and "Nothing more." in out


def test_run_without_token_opens_the_console(tmp_path, make_dataset):
    """The .env of the working folder is read (and has no token): run says why it opens the console."""
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN=\nMOVESBOT_DB={tmp_path / 'env.db'}\n"
                                   f"MOVESBOT_DATA={make_dataset()}\n", encoding="utf-8")
    result = invoke("run", input="Tom Gunter\n")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("No DISCORD_TOKEN in the environment or .env: starting the local console "
                                    "instead of the bot.")
    assert "movesbot console: 3 moves, 3 people; record current to 7 July 2025." in result.stdout
    assert "Tom Gunter reportedly moved from Apple (Foundation Models) to Meta (July 2025)" in result.stdout
    assert (tmp_path / "env.db").exists()


def test_run_with_blank_token_in_env_opens_the_console(db_path, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", "   ")
    result = invoke("run", "--db", db_path, input="")
    assert result.exit_code == 0 and "No DISCORD_TOKEN" in result.stderr
    assert result.stdout.startswith("movesbot console: ")


async def test_console_commands(engine):
    out = io.StringIO()
    console = Console(engine, out=out)
    assert await console.handle("/more") == "Nothing more."
    left = await console.handle("/left Apple AFM since 2025")
    assert left.startswith("Who left Foundation Models (Apple)\n") and "(/more for the next page)" not in left
    moves = await console.handle("/moves OpenAI Meta")
    assert moves.startswith("OpenAI → Meta\n")
    joined = await console.handle("/joined Meta from OpenAI")
    assert "people joined Meta from OpenAI." in joined and "(/more for the next page)" in joined
    more = await console.handle("/more")
    assert more.startswith("Who joined Meta\n") and more != joined
    assert (await console.handle("/person pang ruoming")).startswith("Ruoming Pang\n")
    assert (await console.handle("/org Facebook")).startswith("Meta\nMeta: ")
    assert await console.handle("/person") == "Usage: /person NAME"
    assert await console.handle("/left") == "Usage: /left NAME …  (see /help)"
    assert "moves, " in await console.handle("/about")
    assert await console.handle("   ") == ""
    assert await console.handle("/quit") is None


async def test_console_run_loop_in_french(engine):
    out = io.StringIO()
    await Console(engine, locale="fr", out=out).run(io.StringIO("qui a quitté Apple ?\nquit\nwho left Apple?\n"))
    text = out.getvalue()
    assert "Qui a quitté Apple" in text and "Who left Apple" not in text  # stopped at quit
