"""`movesbot migrate-db`: a real SQLite file copied into a real PostgreSQL server, then the same answers from both.

Until the shared `pg_url` fixture (tests/conftest.py, branch pg) is on main, this file starts a server of its own in
the same way (Debian's binaries, as the `postgres` user when run as root, 127.0.0.1 on a free port, fsync off): the
`pg_url` fixture below can then simply be removed.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from typer.testing import CliRunner

from bot.alerts import AlertWorker
from bot.cli import app
from bot.config import get_settings
from bot.news.records import ArticleRef, FeedItem
from bot.records import Cadence
from bot.store import Store
from tests.test_alerts_core import FakeSender, make_move, subscribe

runner = CliRunner()
GUILD = 1000


# -- a record with something in every table ------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No database or token from the developer's shell or .env may leak into a test."""
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class Candidate:
    """What the extractor hands the store (`bot.news.records.CandidateMove`)."""

    def __init__(self, person: str, from_org: str, to_org: str | None) -> None:
        self.person, self.from_org, self.to_org = person, from_org, to_org
        self.from_team = self.from_role = self.to_team = self.to_role = self.known_move_id = None
        self.date, self.status, self.evidence = "2026-04", "reported", f"{person} is said to leave {from_org}."


SENT = "zoe-testperson-meta-2026-02"
PENDING = "yann-testperson-anthropic-2026-03"
RETRACTED = "xavier-testperson-openai-2026-01"
AT = "2026-05-01T10:00:00+00:00"


async def populate(path: Path) -> None:
    """Subscriptions (one with a daily cadence), an alert sent and one pending, a move edited then retracted, a
    candidate with two articles, a feed with items, a review channel and post, a test digest."""
    async with await Store.open(path) as store:
        channel = await subscribe(store, 1)
        daily = await subscribe(store, 2, "org", "Meta", direction="joined")
        await store.set_cadence(daily, Cadence("daily", hour=8, timezone="Europe/Paris"), AT)
        await store.record_move(make_move("Zoe Testperson", "Apple", "Meta", "2026-02"), origin="cli", actor="cli")
        assert await AlertWorker(store, FakeSender()).run_once() == 1
        await store.record_move(make_move("Xavier Testperson", "Meta", "OpenAI", "2026-01"), origin="cli",
                                actor="cli")
        await store.edit_move(make_move("Xavier Testperson", "Meta", "OpenAI", "2026-01", notes="edited"),
                              actor="discord:42")
        await store.retract_move(RETRACTED, actor="discord:42", reason="not him")
        await store.record_move(make_move("Yann Testperson", "OpenAI", "Anthropic", "2026-03"), origin="cli",
                                actor="cli")
        feed, _ = await store.add_feed("https://example.com/feed.xml", guild_id=GUILD, added_by="discord:42")
        await store.record_feed_items(feed, [FeedItem("https://example.com/a", "A", "g-a", "2026-04-01")],
                                      etag='"e1"', last_modified=None, body_digest="d1", title="Example",
                                      next_poll_at=AT)
        added = await store.add_candidate(Candidate("Wanda Testperson", "OpenAI", "Meta"),
                                          ArticleRef("https://example.com/a", "A"), guild_id=GUILD, feed_id=feed.id)
        await store.add_candidate(Candidate("Wanda Testperson", "OpenAI", "Meta"), ArticleRef("https://example.com/b"),
                                  guild_id=GUILD)
        await store.set_review_channel(GUILD, 77, "discord:42")
        await store.add_review_post(added.candidate.id, GUILD, 77, 5550)
        assert await store.queue_digest_test(daily, AT)
        assert channel < daily


async def answers(target: str | Path) -> dict[str, object]:
    """What the store says about everything `populate` wrote (and the dataset), read through `Store` alone."""
    async with await Store.open(target) as store:
        candidates = await store.candidates()
        return {
            "moves": await store.moves(limit=10_000), "retracted": await store.move(RETRACTED),
            "history": await store.move_history(RETRACTED), "subscriptions": await store.subscriptions(),
            "log": await store.delivery_log(limit=100), "due": await store.due_deliveries(),
            "events": await store.events_since(0, limit=100_000), "candidates": candidates,
            "review": (await store.review_channels(), [await store.review_posts(c.id) for c in candidates]),
            "feeds": await store.feeds(), "items": await store.feed_item_states(GUILD),
            "digests": await store.due_digests("2100-01-01T00:00:00+00:00"),
            "names": sorted(await store.name_entries(), key=repr), "roles": await store.roles(),
            "meta": await store.get_meta("dataset_digest"), "info": await store.info(),
        }


def migrate(source: Path, target: str):
    return runner.invoke(app, ["migrate-db", "--from", str(source), "--to", target])


@pytest.fixture
def populated(db_path: Path) -> Path:
    """The default dataset loaded, then something in every table."""
    asyncio.run(populate(db_path))
    return db_path


# -- the copy -------------------------------------------------------------------------------------------------------

async def schema(url: str) -> list[str]:
    """Every index and constraint of the database movesbot made at `url`, as PostgreSQL writes them."""
    await (await Store.open(url)).close()
    conn = await asyncpg.connect(url)
    try:
        return [r[0] for r in await conn.fetch(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' UNION ALL SELECT conrelid::regclass::text"
            " || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace ="
            " 'public'::regnamespace ORDER BY 1")]
    finally:
        await conn.close()


def test_migrate_db_keeps_every_answer(populated: Path, pg_url: str) -> None:
    before = asyncio.run(answers(populated))
    fresh = asyncio.run(schema(pg_url))
    done = migrate(populated, pg_url)
    assert done.exit_code == 0, done.output
    assert "Copied" in done.output and "moves" in done.output
    after = asyncio.run(answers(pg_url))
    assert after.keys() == before.keys()
    for key in before:
        assert after[key] == before[key], key
    assert [m.id for m in before["due"]] and before["log"] and before["history"][-1][2] == "retracted"
    assert asyncio.run(answers(populated)) == before  # the source is untouched
    assert asyncio.run(schema(pg_url)) == fresh  # the keys and indexes set aside for the copy are all back
    for name, db in (("from-sqlite", str(populated)), ("from-postgres", pg_url)):  # rows in the same order too
        assert runner.invoke(app, ["export", "--data", name, "--db", db]).exit_code == 0
    for file in Path("from-sqlite").iterdir():
        assert (Path("from-postgres") / file.name).read_bytes() == file.read_bytes(), file.name


def test_sent_stays_sent_and_new_ids_follow_the_copied_ones(populated: Path, pg_url: str) -> None:
    assert migrate(populated, pg_url).exit_code == 0

    async def go() -> None:
        async with await Store.open(populated) as old:
            subs, feeds = await old.subscriptions(), await old.feeds()
            last_seq, cand = await old.last_event_seq(), (await old.candidates())[0]
            last_rowid = (await old._db.execute_fetchall("SELECT max(rowid) FROM moves"))[0][0]
        async with await Store.open(pg_url) as store:
            sender = FakeSender()
            assert await AlertWorker(store, sender).run_once() == 1
            assert sender.moves_in(1) == [[PENDING]]  # the alert sent before the move is not sent again
            sub, _ = await store.add_subscription(guild_id=GUILD, channel_id=3, target_kind="all", target_id=None,
                                                  target_name="everything", target_org=None)
            assert sub.id == max(s.id for s in subs) + 1
            feed, _ = await store.add_feed("https://example.com/other.xml")
            assert feed.id == max(f.id for f in feeds) + 1
            added = await store.add_candidate(Candidate("Vera Testperson", "Meta", None), ArticleRef("https://x.org"))
            assert added.candidate.id == cand.id + 1
            await store.record_move(make_move("Uma Testperson", "Apple", "OpenAI", "2026-05"), origin="cli",
                                    actor="cli")
            assert [e[1] for e in await store.events_since(last_seq)] == ["uma-testperson-openai-2026-05"]
            new_rowid = "SELECT rowid FROM moves WHERE id = 'uma-testperson-openai-2026-05'"  # insertion order
            assert (await store._db.execute_fetchall(new_rowid))[0][0] == last_rowid + 1

    asyncio.run(go())


def test_a_second_migrate_into_the_same_database_is_refused(populated: Path, pg_url: str) -> None:
    assert migrate(populated, pg_url).exit_code == 0
    before = asyncio.run(answers(pg_url))
    again = migrate(populated, pg_url)
    assert again.exit_code == 1
    assert "already holds" in again.output and "moves" in again.output and "Traceback" not in again.output
    assert asyncio.run(answers(pg_url)) == before


@pytest.mark.parametrize(("damage", "words"), [
    ("UPDATE outbox SET attempts = 'many' WHERE move_id = ?", "column attempts holds 'many'"),  # SQLite takes any type
    ("UPDATE outbox SET subscription_id = 999 WHERE move_id = ?", "foreign key"),  # written with SQLite's checks off
])
def test_a_failure_mid_copy_leaves_the_target_empty(populated: Path, pg_url: str, damage: str, words: str) -> None:
    con = sqlite3.connect(populated)  # in a table copied after the moves
    con.execute(damage, (SENT,))
    con.commit()
    con.close()
    done = migrate(populated, pg_url)
    assert done.exit_code == 1
    assert "outbox" in done.output and words in done.output and "Traceback" not in done.output
    assert "nothing was written" in done.output.lower()

    async def rows() -> dict[str, int]:
        conn = await asyncpg.connect(pg_url)
        try:
            tables = [r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                                                     " AND tablename != 'schema_migrations'")]
            return {t: await conn.fetchval(f"SELECT count(*) FROM {t}") for t in tables}
        finally:
            await conn.close()

    counts = asyncio.run(rows())
    assert "moves" in counts and set(counts.values()) == {0}


@pytest.mark.parametrize(("target", "words"), [
    ("postgresql://nobody:s3cret-pw@127.0.0.1:{port}/postgres", "refused the login"),
    ("postgresql://movesbot:s3cret-pw@127.0.0.1:{closed}/x", "cannot reach PostgreSQL"),
    ("postgresql://movesbot:s3cret-pw@127.0.0.1:{port}/no_such_db", "no such database"),
    ("var/other.db", "--to a postgresql://"),
])
def test_a_wrong_url_is_one_sentence_without_the_password(populated: Path, pg_url: str, target: str,
                                                          words: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    done = migrate(populated, target.format(port=urlsplit(pg_url).port, closed=closed))
    assert done.exit_code == 1
    assert words in done.output and "s3cret-pw" not in done.output and "Traceback" not in done.output
    assert len(done.output.strip().splitlines()) == 1


def test_an_event_number_is_never_given_twice(populated: Path, pg_url: str) -> None:
    """SQLite's AUTOINCREMENT never gives an event's number again, even once its row is gone: nor does PostgreSQL's
    sequence after the copy."""
    con = sqlite3.connect(populated)
    given = con.execute("SELECT max(seq) FROM move_events").fetchone()[0]
    con.execute("DELETE FROM move_events WHERE seq = ?", (given,))
    con.commit()
    con.close()
    assert migrate(populated, pg_url).exit_code == 0

    async def record() -> int:
        async with await Store.open(pg_url) as store:
            await store.record_move(make_move("Uma Testperson", "Apple", "OpenAI", "2026-05"), origin="cli",
                                    actor="cli")
            return await store.last_event_seq()

    assert asyncio.run(record()) == given + 1


def test_a_missing_source_is_not_created(tmp_path: Path, pg_url: str) -> None:
    done = migrate(tmp_path / "typo.db", pg_url)
    assert done.exit_code == 1 and "no SQLite database at" in done.output
    assert not (tmp_path / "typo.db").exists()
