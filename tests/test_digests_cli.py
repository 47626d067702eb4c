"""Digests from a shell: `movesbot subscriptions cadence`, `movesbot digest preview`, and the cadence carried by
`subscriptions export|import` (checked on import like the slash command checks it)."""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.store import Store
from tests.conftest import DATA_DIR
from tests.test_alerts_core import make_move, subscribe

runner = CliRunner()


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def setup_subs(db_path, *, move: bool) -> None:
    async def go() -> None:
        async with await Store.open(db_path) as store:
            await subscribe(store, 11, "org", "Meta", direction="joined", locale="fr")
            await subscribe(store, 12)
            if move:
                await store.record_move(make_move("Preview Person", "OpenAI", "Meta", "2026-11"), origin="cli",
                                        actor="cli")

    asyncio.run(go())


def cli(*args: str):
    return runner.invoke(app, [*map(str, args)])


def test_cadence_then_preview_of_the_next_digest(db_path, clean_env):
    setup_subs(db_path, move=False)
    done = cli("subscriptions", "cadence", "1", "weekly", "--hour", "8", "--timezone", "europe/paris",
               "--weekday", "friday", "--db", db_path)
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == ("#1 (Meta (joined) · weekly, Friday 08:00 Europe/Paris): a digest every Friday "
                                   "at 08:00 (Europe/Paris).")
    listed = cli("subscriptions", "list", "--db", db_path)
    assert "Meta (joined) · weekly, Friday 08:00 Europe/Paris — active" in listed.stdout
    empty = cli("digest", "preview", "1", "--db", db_path)
    assert empty.exit_code == 0, empty.output
    assert empty.stdout.startswith("Rien d'enregistré du ")  # the subscription is French
    assert "Prochain résumé : " in empty.stdout and "(Europe/Paris)." in empty.stdout

    async def add() -> None:
        async with await Store.open(db_path) as store:
            await store.record_move(make_move("Preview Person", "OpenAI", "Meta", "2026-11"), origin="cli",
                                    actor="cli")

    asyncio.run(add())
    shown = cli("digest", "preview", "1", "--db", db_path)
    lines = shown.stdout.splitlines()
    assert lines[0] == "Résumé de la semaine : Meta (arrivées)"
    assert lines[1].startswith("1 mouvement enregistré du ")
    assert lines[2] == "• Preview Person a quitté OpenAI pour Meta (novembre 2026)"
    instant = cli("digest", "preview", "2", "--db", db_path)
    assert instant.stdout.strip() == "#2 (everything) gets an alert for each new move, not digests."


def test_bad_cadence_options_change_nothing(db_path, clean_env):
    setup_subs(db_path, move=False)
    bad = cli("subscriptions", "cadence", "1", "daily", "--timezone", "Mars/Olympus", "--db", db_path)
    assert bad.exit_code == 2
    assert "“Mars/Olympus” is not an IANA time zone" in bad.output and "Nothing was changed." in bad.output
    assert cli("subscriptions", "cadence", "1", "hourly", "--db", db_path).exit_code == 2
    missing = cli("subscriptions", "cadence", "99", "daily", "--db", db_path)
    assert missing.exit_code == 1 and "There is no subscription #99" in missing.output
    assert "· daily" not in cli("subscriptions", "list", "--db", db_path).stdout


def test_export_and_import_carry_the_cadence_and_check_it(db_path, clean_env, tmp_path):
    setup_subs(db_path, move=False)
    assert cli("subscriptions", "cadence", "2", "daily", "--hour", "7", "--timezone", "Asia/Tokyo",
               "--db", db_path).exit_code == 0
    exported = cli("subscriptions", "export", "--db", db_path)
    items = json.loads(exported.stdout)
    assert [(i["cadence"], i["hour"], i["weekday"], i["timezone"]) for i in items] == [
        ("instant", 9, "monday", "UTC"), ("daily", 7, "monday", "Asia/Tokyo")]
    path = tmp_path / "subs.json"
    path.write_text(exported.stdout, encoding="utf-8")
    other = tmp_path / "other.db"
    imported = cli("subscriptions", "import", path, "--db", other, "--data", DATA_DIR)
    assert imported.exit_code == 0, imported.output
    assert json.loads(cli("subscriptions", "export", "--db", other).stdout) == items

    path.write_text(json.dumps([{**items[1], "timezone": "Europe/Pariss", "hour": 25}, {**items[0], "weekday": 9}]),
                    encoding="utf-8")
    refused = cli("subscriptions", "import", path, "--db", other)
    assert refused.exit_code == 1
    assert "entry 1: hour: hour must be a whole hour from 0 to 23, not 25" in refused.output
    assert "entry 2: weekday: weekday must be a day of the week (monday to sunday), not “9”." in refused.output
