"""The bot when its surroundings misbehave: special files in `data/` at start and while it runs, a load that
fails, a database it cannot use, and DEBUG logs that must not show interaction tokens."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.discord_bot import bot as bot_module
from bot.logsafe import REDACTED, redact
from tests.bot_fixtures import ROOT, make_bot
from tests.conftest import DATA_DIR, read_rows, write_rows
from tests.discord_helpers import answer_of, assert_bodies_safe, eventually
from tests.fake_discord import FakeDiscord, running_bot


async def ask_person(fake: FakeDiscord, name: str = "ruoming pnag") -> dict:
    inter = await fake.send_slash_command("person", {"name": name})
    return await asyncio.wait_for(answer_of(inter), 10)


async def test_a_fifo_and_a_folder_in_data_at_start(fake_discord: FakeDiscord, tmp_path: Path, caplog) -> None:
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    os.mkfifo(data / "n.csv")
    (data / "old.csv").mkdir()
    bot = make_bot(tmp_path / "fresh.db", data)
    with caplog.at_level(logging.WARNING):
        async with running_bot(bot, fake_discord) as running:
            await asyncio.wait_for(running.ready.wait(), 20)
            assert (await ask_person(fake_discord))["embeds"][0]["title"] == "Ruoming Pang"
    notices = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("n.csv is not a regular file (a FIFO): skipped" in n for n in notices), notices
    assert any("old.csv is a folder" in n for n in notices), notices
    assert_bodies_safe(fake_discord)


async def test_a_failing_load_is_logged_at_error_and_the_bot_still_answers(fake_discord, db_path, caplog,
                                                                           monkeypatch) -> None:
    async def broken(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(bot_module, "load_dataset", broken)
    with caplog.at_level(logging.ERROR):
        async with running_bot(make_bot(db_path), fake_discord) as running:
            await asyncio.wait_for(running.ready.wait(), 10)
            assert (await ask_person(fake_discord))["embeds"][0]["title"] == "Ruoming Pang"
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("could not load" in e and "is locked" in e for e in errors), errors


async def test_users_waiting_are_told_when_the_database_cannot_be_read(fake_discord, db_path, monkeypatch,
                                                                       caplog) -> None:
    gate = asyncio.Event()

    async def slow_then_broken(store):
        await gate.wait()
        raise sqlite3.DatabaseError("database disk image is malformed")

    monkeypatch.setattr(bot_module.Engine, "create", slow_then_broken)
    with caplog.at_level(logging.ERROR):
        async with running_bot(make_bot(db_path), fake_discord):
            inter = await fake_discord.send_slash_command("left", {"org": "Apple"})
            assert (await inter.wait_response())["type"] == 5  # deferred while the engine is built
            mention = await fake_discord.send_user_message("who left Apple?", mention_bot=True)
            gate.set()
            data = await asyncio.wait_for(answer_of(inter), 10)
            said = await fake_discord.wait_until(
                lambda: [m for m in fake_discord.messages_in(mention["channel_id"])
                         if "can't read my database" in (m.get("content") or "")], 10, "the chat answer")
    assert "can't read my database" in (data.get("content") or ""), data
    assert said
    assert any("cannot serve" in r.getMessage() and "damaged" in r.getMessage() for r in caplog.records)


async def test_the_watcher_survives_anything_in_data(fake_discord, tmp_path, caplog, monkeypatch) -> None:
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    db = tmp_path / "w.db"
    calls = {"n": 0}

    async def once_broken(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("surprise in the loader")
        return await real(*args, **kwargs)

    bot = make_bot(db, data, MOVESBOT_DATA_POLL_SECONDS=0.05)
    with caplog.at_level(logging.INFO):
        async with running_bot(bot, fake_discord) as running:
            await asyncio.wait_for(running.ready.wait(), 20)
            cog_module = sys.modules[type(running.get_cog("Alerts")).__module__]  # (extensions load a fresh module)
            real = cog_module.load_dataset
            monkeypatch.setattr(cog_module, "load_dataset", once_broken)
            (data / "old.csv").mkdir()  # a change: the broken load runs, and is logged
            await eventually(lambda: calls["n"] >= 1, 5, "the first reload")
            os.mkfifo(data / "n.csv")
            os.symlink(data / "nowhere", data / "dangling.csv")
            rows = read_rows(data / "moves.csv")
            rows[0]["notes"] = "edited while the bot runs"
            write_rows(data / "moves.csv", rows)

            async def edited() -> bool:
                move = await running.store.move(rows[0]["id"])
                return move is not None and move.notes == "edited while the bot runs"

            for _ in range(200):
                if await edited():
                    break
                await asyncio.sleep(0.05)
            assert await edited()
            watchers = [t for t in asyncio.all_tasks() if t.get_name() == "movesbot-dataset-watch"]
            assert watchers and not watchers[0].done()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("surprise in the loader" in r.getMessage() or (r.exc_info and "surprise" in str(r.exc_info[1]))
               for r in errors)


async def test_interaction_tokens_never_reach_the_logs(fake_discord: FakeDiscord, db_path, caplog) -> None:
    discord_logger = logging.getLogger("discord")
    old = discord_logger.level
    discord_logger.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG):
            async with running_bot(make_bot(db_path), fake_discord) as running:
                await running.ready.wait()
                inter = await fake_discord.send_slash_command("left", {"org": "Apple"})
                await answer_of(inter)
                token = inter.token
    finally:
        discord_logger.setLevel(old)
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert f"/interactions/{inter.id}/" in text or f"/webhooks/{fake_discord.app_id}/" in text  # it was logged...
    assert token not in text  # ...without the token
    assert REDACTED in text


def test_redact_covers_urls_and_payloads() -> None:
    assert redact("POST https://d.example/api/v10/interactions/123/aW50ZXJh_-x.y/callback with") == \
        f"POST https://d.example/api/v10/interactions/123/{REDACTED}/callback with"
    assert redact("/webhooks/99/tok-en?wait=true") == f"/webhooks/99/{REDACTED}?wait=true"
    assert redact("{'type': 2, 'token': 'aW50ZX', \"token\": \"abc\"}") == \
        f"{{'type': 2, 'token': '{REDACTED}', \"token\": \"{REDACTED}\"}}"


async def test_movesbot_run_with_a_damaged_database_exits(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    db.write_bytes(b"not a database" * 5000)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MOVESBOT_")}, "DISCORD_TOKEN": "fake-token",
           "MOVESBOT_DB": str(db), "MOVESBOT_DATA": str(ROOT / "data"), "MOVESBOT_DATA_POLL_SECONDS": "0",
           "MOVESBOT_DISCORD_API_BASE": fake_discord.api_base, "MOVESBOT_DISCORD_GATEWAY": fake_discord.gateway_url}
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "movesbot"), "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 60)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        pytest.fail("movesbot run did not exit")
    text = out.decode(errors="replace")
    assert proc.returncode == 1, text
    assert "ERROR" in text and "damaged" in text and "Traceback" not in text, text
