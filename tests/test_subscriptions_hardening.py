"""Subscriptions: an import is validated entry by entry (the checks of the slash commands) and applied all or
nothing; no role that pings a whole server is ever a mention role; the alert worker survives a bad row."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from typer.testing import CliRunner

from bot.alerts import AlertWorker
from bot.cli import app
from bot.config import get_settings
from bot.subscriptions_io import parse_entries
from tests.conftest import DATA_DIR
from tests.test_alerts_core import GUILD, FakeSender, make_move, subscribe
from tests.test_alerts_discord import world  # noqa: F401 (fixture)

GOOD = {"guild_id": 1234567890123, "channel_id": 2234567890123, "target_kind": "org", "target_name": "Apple",
        "target_org": None, "direction": "left", "mention_role_id": None, "corrections": False, "locale": "en",
        "state": "active", "paused_reason": None}


@pytest.fixture
def cli(tmp_path, monkeypatch):
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, [str(a) for a in args])
    get_settings.cache_clear()


def subscriptions_in(db) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT channel_id, target_kind, direction, mention_role_id, corrections"
                           " FROM subscriptions ORDER BY id").fetchall()


@pytest.mark.parametrize("change,words", [
    ({"corrections": "false"}, "corrections: must be true or false"),
    ({"mention_role_id": "everyone"}, "mention_role_id: must be a Discord id"),
    ({"mention_role_id": 1234567890123}, "mention_role_id: is the @everyone role"),
    ({"guild_id": -5}, "guild_id: must be a Discord id"),
    ({"channel_id": "12ab"}, "channel_id: must be a Discord id"),
    ({"direction": "sideways"}, "direction: must be one of left, joined, both"),
    ({"target_kind": "planet"}, "target_kind: must be one of"),
    ({"locale": "de"}, "locale: must be one of en, fr"),
    ({"surprise": 1}, "unknown field(s) surprise"),
])
def test_a_bad_entry_after_good_ones_imports_nothing(tmp_path, db_path, cli, change, words):
    items = [GOOD, {**GOOD, "channel_id": 2234567890124}, {**GOOD, "channel_id": 2234567890125, **change}]
    path = tmp_path / "subs.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    result = cli("subscriptions", "import", path, "--db", db_path, "--data", DATA_DIR)
    assert result.exit_code == 1, result.output
    assert f"entry 3: {words}" in result.output and "Traceback" not in result.output
    assert "Nothing was imported" in result.output
    assert subscriptions_in(db_path) == []


def test_a_strict_parse_of_a_good_entry():
    entries, errors = parse_entries([GOOD, {**GOOD, "guild_id": "1234567890123", "corrections": True}])
    assert errors == [] and entries[1].guild_id == 1234567890123 and entries[1].corrections is True
    assert parse_entries({"not": "a list"})[1] == ["the file must hold a JSON list of subscriptions"]


def test_updates_are_not_counted_as_imports(tmp_path, db_path, cli):
    path = tmp_path / "subs.json"
    path.write_text(json.dumps([GOOD, {**GOOD, "target_kind": "all", "target_name": "everything",
                                       "direction": "both"}]), encoding="utf-8")
    first = cli("subscriptions", "import", path, "--db", db_path)
    assert first.exit_code == 0 and "2 imported, 0 updated" in first.output, first.output
    second = cli("subscriptions", "import", path, "--db", db_path)
    assert second.exit_code == 0 and "0 imported, 2 updated" in second.output, second.output
    assert len(subscriptions_in(db_path)) == 2


async def test_the_store_refuses_a_mention_role_that_is_not_an_id_or_is_everyone(store):
    with pytest.raises(ValueError):
        await subscribe(store, 5, mention_role_id="everyone")
    with pytest.raises(ValueError):
        await subscribe(store, 5, mention_role_id=GUILD)
    assert await store.subscriptions() == []


async def test_the_worker_survives_a_bad_row_and_never_mentions_everyone(store):
    await subscribe(store, 5)
    await subscribe(store, 6)
    await subscribe(store, 7)
    if store.backend == "sqlite":  # SQLite keeps a text in an INTEGER column; PostgreSQL's BIGINT refuses it
        await store._db.execute("UPDATE subscriptions SET mention_role_id = 'abc' WHERE channel_id = 5")
    await store._db.execute("UPDATE subscriptions SET mention_role_id = ? WHERE channel_id = 6", (GUILD,))
    sender = FakeSender()
    await store.record_move(make_move("Ruoming Pang", "Meta", "Anthropic", "2026-05"), origin="cli", actor="cli")
    sent = await AlertWorker(store, sender).run_once()
    assert sent == 3
    assert {a.channel_id: a.mention_role_id for _, a in
            [p for posts in sender.posted.values() for p in posts]} == {5: None, 6: None, 7: None}


async def test_an_unexpected_send_error_is_retried_not_fatal(store):
    await subscribe(store, 5)
    await subscribe(store, 6)
    sender = FakeSender()
    sender.failures = [TypeError("a bug in a sender")]
    await store.record_move(make_move("Ruoming Pang", "Meta", "Anthropic", "2026-05"), origin="cli", actor="cli")
    assert await AlertWorker(store, sender).run_once() == 1  # the other channel is delivered in the same pass
    rows = await store._db.execute_fetchall("SELECT state, last_error FROM outbox WHERE channel_id = 5")
    assert rows[0][0] == "sending" and "a bug in a sender" in rows[0][1]


async def test_the_everyone_role_is_refused_by_subscribe(world):  # noqa: F811
    async with world.running() as bot:
        body = await world.slash("subscribe everything", {"mention_role": world.fake.guild.id},
                                 channel=world.ch["everything"])
        assert "@everyone" in body["data"]["content"] and "whole server" in body["data"]["content"]
        assert await bot.store.subscriptions() == []
        fine = await world.subscribe("everything", "everything", mention_role=world.role["id"])
        assert (await bot.store.subscription(fine)).mention_role_id == int(world.role["id"])


@pytest.mark.parametrize("team", ["<@&123456789012345678>", "/"])
async def test_the_move_form_refuses_a_mention_or_a_slash_as_a_team(world, team):  # noqa: F811
    from tests.test_alerts_discord import MOD, modal_inputs

    async with world.running() as bot:
        opened = await world.fake.send_slash_command("move add", {}, channel_id=world.general.id, permissions=MOD)
        ids = modal_inputs(await opened.wait_response())
        submitted = await world.fake.submit_modal(opened, {
            ids["Person"]: "Zoe Newhire", ids["From: org / team / role"]: f"Google DeepMind / {team} / x",
            ids["To: org / team / role (empty: not reported)"]: "Meta",
            ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]: "2026-05-04",
            ids["Source URLs, one per line"]: "https://example.com/zoe-newhire"})
        body = (await submitted.wait_response())["data"]
        recorded = await bot.store.move_ids_like("zoe-newhire")
        if team == "/":  # a slash standing alone separates: never a team of that name
            moves = [await bot.store.move(i) for i in recorded]
            assert all(m is not None and m.from_team is None for m in moves), body
            return
        text = body["content"]
        assert text.startswith("Nothing was recorded") and "from_team:" in text.replace("\\", ""), text
        assert recorded == []
