"""The bot over PostgreSQL when the database goes away mid-run (a restart, a failover): it keeps answering what its
in-memory name index can (autocomplete), tells users the record is unreachable for the rest instead of apologizing
for a bug, and answers again once the server is back, without a restart: the pool reconnects."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest_asyncio

from bot.discord_bot.replies import UNAVAILABLE
from tests.bot_fixtures import make_bot
from tests.discord_helpers import assert_bodies_safe
from tests.fake_discord import FakeDiscord, running_bot


@pytest_asyncio.fixture
async def pg_bot_db(pg_server, loaded_pg_template) -> AsyncIterator[tuple[str, str]]:
    """(URL, database name) of a loaded PostgreSQL database for the bot."""
    name = pg_server.create_database(loaded_pg_template)
    try:
        yield pg_server.url(name), name
    finally:
        pg_server.drop_database(name)


async def _cut(pg_server, name: str, allow: bool) -> None:
    async with pg_server.admin() as admin:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
        if not allow:
            await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)


async def test_the_database_goes_away_and_comes_back(fake_discord: FakeDiscord, pg_server, pg_bot_db,
                                                     caplog) -> None:
    fake = fake_discord
    url, name = pg_bot_db
    bot = make_bot(url, MOVESBOT_ALERT_POLL_SECONDS=0.2)
    async with running_bot(bot, fake) as running:
        await running.ready.wait()
        answered = await (await fake.send_slash_command("person", {"name": "ruoming pnag"})).wait_response()
        assert "Ruoming Pang" in str(answered["data"])

        caplog.set_level(logging.WARNING)
        await _cut(pg_server, name, allow=False)
        down = await (await fake.send_slash_command("person", {"name": "Ruoming Pang"})).wait_response()
        assert down["data"]["content"] == UNAVAILABLE["en"]
        french = await (await fake.send_slash_command("person", {"name": "Ruoming Pang"}, locale="fr"))\
            .wait_response()
        assert french["data"]["content"] == UNAVAILABLE["fr"]
        typed = await fake.send_autocomplete("person", {"name": "giannaandrea"}, focused="name")
        assert "John Giannandrea" in [c["value"] for c in (await typed.wait_response())["data"]["choices"]]
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
        assert any("database is unavailable" in r.getMessage() for r in caplog.records)

        await _cut(pg_server, name, allow=True)
        for _ in range(30):  # the pool replaces its dead connections as they are used
            back = await (await fake.send_slash_command("person", {"name": "Tom Gunter"})).wait_response()
            if "Tom Gunter" in str(back["data"]):
                break
            await asyncio.sleep(0.1)
        assert "Tom Gunter" in str(back["data"])
    assert_bodies_safe(fake)
