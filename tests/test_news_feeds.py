"""The feed poller over real HTTP (a server on 127.0.0.1) and a real SQLite file: baseline, conditional GET, the
ledger of seen items (across a restart, two feeds, an edited item), retries, backoff and disabling."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.news.feeds import FeedPoller, NotAFeed, disabled_notice, parse_feed
from bot.news.fetch import BlockedAddress, Fetcher, FetchResult
from bot.news.records import Feed, FeedItem
from bot.store import Store
from tests.feed_server import FeedServer, atom, rss

LATER = datetime.now(UTC) + timedelta(days=30)  # a moment when every feed is due


def story(n: int, **extra: str) -> dict[str, str]:
    return {"title": f"Story {n}", "link": f"https://news.example/{n}", "guid": f"g{n}",
            "pubDate": f"2025-07-{n:02d}", **extra}


class Recorder:
    """The `on_item` and `on_disabled` callbacks: what the poller handed on, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[int, str, str | None, str | None, str | None]] = []
        self.disabled: list[Feed] = []
        self.fail_next = 0

    async def on_item(self, feed: Feed, link: str, title: str | None, guid: str | None,
                      published: str | None) -> None:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("article site down")
        self.items.append((feed.id, link, title, guid, published))

    async def on_disabled(self, feed: Feed) -> None:
        self.disabled.append(feed)

    @property
    def links(self) -> list[str]:
        return [item[1] for item in self.items]


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    srv = FeedServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest_asyncio.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    async with Fetcher(allow_private=True, timeout=2.0) as f:
        yield f


@pytest_asyncio.fixture
async def store(store_target: str) -> AsyncIterator[Store]:
    async with await Store.open(store_target) as s:
        yield s


def poller(store: Store, fetcher: Fetcher, rec: Recorder, **kwargs: object) -> FeedPoller:
    return FeedPoller(store, fetcher, rec.on_item, on_disabled=rec.on_disabled, poll_seconds=60.0,
                      **kwargs)  # type: ignore[arg-type]


async def test_first_poll_is_a_baseline_then_only_new_items_come(server: FeedServer, fetcher: Fetcher,
                                                                  store: Store) -> None:
    url = server.set("/feed", rss([story(1), story(2)], title="AI moves"))
    rec = Recorder()
    feed, created = await poller(store, fetcher, rec).add(url, guild_id=42, added_by="mod")
    assert created and feed.baseline_done and feed.title == "AI moves" and rec.items == []
    assert await store.feed_item_states(42) == {"seen": 2}
    server.set("/feed", rss([story(3), story(1), story(2)]))
    report = await poller(store, fetcher, rec).poll_due(LATER)
    assert report.new_items == 1
    assert rec.items == [(feed.id, "https://news.example/3", "Story 3", "g3", "2025-07-03")]
    report = await poller(store, fetcher, rec).poll_due(LATER)
    assert report.not_modified == 1 and server.not_modified["/feed"] == 1 and len(rec.items) == 1


async def test_a_feed_is_polled_only_when_due(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    rec = Recorder()
    await poller(store, fetcher, rec).add(url)
    report = await poller(store, fetcher, rec).poll_due()
    assert report.polled == 0 and server.hits["/feed"] == 1
    assert (await poller(store, fetcher, rec).poll_due(LATER)).polled == 1


async def test_seen_items_survive_a_restart(server: FeedServer, fetcher: Fetcher, tmp_path: Path) -> None:
    url = server.set("/feed", rss([story(1)]), conditional=False)  # a server that ignores conditional GETs
    rec = Recorder()
    async with await Store.open(tmp_path / "news.db") as first:
        await poller(first, fetcher, rec).add(url)
        server.set("/feed", rss([story(1), story(2)]), conditional=False)
        await poller(first, fetcher, rec).poll_due(LATER)
    assert rec.links == ["https://news.example/2"]
    server.set("/feed", rss([story(1), story(2), story(3)], title="changed"), conditional=False)
    async with await Store.open(tmp_path / "news.db") as second:
        await poller(second, fetcher, rec).poll_due(LATER)
        await poller(second, fetcher, rec).poll_due(LATER)
    assert rec.links == ["https://news.example/2", "https://news.example/3"]


async def test_an_edited_item_is_not_news_again(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    rec = Recorder()
    await poller(store, fetcher, rec).add(url)
    server.set("/feed", rss([story(2)]))
    await poller(store, fetcher, rec).poll_due(LATER)
    edited = story(2, title="Story 2 (updated)", link="https://news.example/2-updated")
    server.set("/feed", rss([edited]))
    await poller(store, fetcher, rec).poll_due(LATER)
    assert rec.links == ["https://news.example/2"]


async def test_the_same_story_in_two_feeds_comes_once(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    rss_url = server.set("/rss", rss([story(1)]))
    atom_url = server.set("/atom", atom([{"title": "old", "link": "https://news.example/old", "id": "a0"}]),
                          content_type="application/atom+xml")
    rec = Recorder()
    p = poller(store, fetcher, rec)
    await p.add(rss_url, guild_id=7)
    await p.add(atom_url, guild_id=7)
    # The Atom feed carries story 5 under its own id, over https with tracking parameters and a fragment.
    server.set("/rss", rss([story(5), story(1)]))
    server.set("/atom", atom([{"title": "Story 5", "id": "urn:other:5", "updated": "2025-07-05",
                               "link": "http://www.news.example/5/?utm_source=rss&utm_medium=feed#top"}]),
               content_type="application/atom+xml")
    report = await p.poll_due(LATER)
    assert report.polled == 2 and report.new_items == 1 and len(rec.items) == 1
    # Another server reading the same feed gets its own copy of the story.
    await p.add(rss_url, guild_id=8)
    server.set("/rss", rss([story(6), story(5), story(1)]))
    await p.poll_due(LATER)
    assert sorted(link for _, link, *_ in rec.items) == ["https://news.example/5", "https://news.example/6",
                                                         "https://news.example/6"]


async def test_a_failed_item_is_retried_then_given_up(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    rec = Recorder()
    await poller(store, fetcher, rec).add(url)
    server.set("/feed", rss([story(2), story(3)]))
    rec.fail_next = 1  # story 2 (the older) fails once, story 3 goes through
    await poller(store, fetcher, rec).poll_due(LATER)
    assert rec.links == ["https://news.example/3"]
    await poller(store, fetcher, rec).poll_due(LATER)  # 304 for the feed, but story 2 is tried again
    assert rec.links == ["https://news.example/3", "https://news.example/2"]
    server.set("/feed", rss([story(4)]))
    rec.fail_next = 5
    for _ in range(4):
        await poller(store, fetcher, rec).poll_due(LATER)
    assert (await store.feed_item_states(0))["failed"] == 1 and "https://news.example/4" not in rec.links


async def test_a_failing_feed_backs_off_then_is_disabled_and_can_be_enabled(server: FeedServer, fetcher: Fetcher,
                                                                           store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    rec = Recorder()
    p = poller(store, fetcher, rec, max_failures=4, max_backoff=300.0)
    feed, _ = await p.add(url, guild_id=5)
    server.set("/feed", b"down", status=503, content_type="text/plain")
    waits = []
    for n in range(1, 5):
        report = await p.poll_due(LATER)
        assert "HTTP 503" in report.failed[feed.id]
        current = await store.feed(feed.id)
        assert current is not None and current.failures == n
        waits.append((datetime.fromisoformat(current.next_poll_at)
                      - datetime.fromisoformat(current.last_polled_at or "")).total_seconds())
    assert waits == [60.0, 120.0, 240.0, 300.0]
    assert current.disabled and "4 failed polls" in (current.disabled_reason or "")
    assert [f.id for f in rec.disabled] == [feed.id] and report.disabled == [feed.id]
    notice = disabled_notice(rec.disabled[0], "`movesbot feeds enable 1`")
    assert "after 4 failed polls" in notice and "HTTP 503" in notice and "movesbot feeds enable 1" in notice
    assert (await p.poll_due(LATER)).polled == 0  # disabled: left alone
    server.set("/feed", rss([story(2), story(1)]))
    enabled = await store.enable_feed(feed.id)
    assert enabled is not None and not enabled.disabled and enabled.failures == 0
    await p.poll_due(LATER)
    assert rec.links == ["https://news.example/2"]
    # Re-adding a disabled feed re-enables it too, keeping its ledger.
    await store.feed_failed(feed.id, "x", datetime.now(UTC).isoformat(), "manual")
    again, created = await p.add(url, guild_id=5)
    assert not created and not again.disabled


async def test_bad_feeds_never_stop_a_round(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    rec = Recorder()
    p = poller(store, fetcher, rec)
    good, _ = await p.add(server.set("/good", rss([story(1)])))
    for path in ("/garbage", "/slow", "/huge"):
        await store.add_feed(server.url(path))
    server.set("/garbage", b"\x00\xff not xml at all <<<", content_type="application/rss+xml")
    server.set("/huge", stream_bytes=5_000_000)
    server.set("/slow", rss([story(9)]), delay=1.5)
    server.set("/good", rss([story(2), story(1)]))
    async with Fetcher(allow_private=True, timeout=0.5) as quick:
        report = await FeedPoller(store, quick, rec.on_item, poll_seconds=60.0).poll_due(LATER)
    assert report.polled == 4 and len(report.failed) == 3 and rec.links == ["https://news.example/2"]
    reasons = sorted(report.failed.values())
    assert any("not an RSS or Atom feed" in r for r in reasons)
    assert any("more than 2 MB" in r for r in reasons) and any("within 0.5 s" in r for r in reasons)
    assert good.id not in report.failed


async def test_adding_something_that_is_not_a_feed_adds_nothing(server: FeedServer, fetcher: Fetcher,
                                                                 store: Store) -> None:
    rec = Recorder()
    url = server.set("/page.xml", b"<html><body>hello</body></html>", content_type="text/xml")
    with pytest.raises(NotAFeed, match="not an RSS or Atom feed"):
        await poller(store, fetcher, rec).add(url)
    assert await store.feeds() == []


async def test_a_private_feed_is_refused_without_the_setting(server: FeedServer, store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    async with Fetcher(allow_private=False, timeout=2.0) as strict:
        with pytest.raises(BlockedAddress):
            await poller(store, strict, Recorder()).add(url)
    assert await store.feeds() == [] and server.hits == {}


async def test_run_polls_until_stopped(server: FeedServer, fetcher: Fetcher, store: Store) -> None:
    url = server.set("/feed", rss([story(1)]))
    rec = Recorder()
    p = FeedPoller(store, fetcher, rec.on_item, poll_seconds=0.05)
    await p.add(url)
    server.set("/feed", rss([story(2), story(1)]))
    stop = asyncio.Event()

    async def stop_when_seen(*args: object) -> None:
        await rec.on_item(*args)  # type: ignore[arg-type]
        stop.set()

    p.on_item = stop_when_seen
    await asyncio.wait_for(p.run(stop, idle_seconds=0.05), timeout=5)
    assert rec.links == ["https://news.example/2"]


def test_parse_feed_resolves_relative_links_and_drops_unfetchable_ones() -> None:
    body = rss([{"title": "Relative", "link": "/story/1", "pubDate": "2025-07-09"},
                {"title": "Script", "link": "javascript:alert(1)", "guid": "s"}])
    parsed = parse_feed(FetchResult("https://news.example/feeds/ai.xml", 200, body, "application/rss+xml", None,
                                    None, None))
    assert parsed.title == "Test feed"
    assert parsed.items == [FeedItem("https://news.example/story/1", "Relative", None, "2025-07-09"),
                            FeedItem(None, "Script", "s", None)]


def test_a_body_naming_a_local_file_is_not_read_as_that_file(tmp_path: Path) -> None:
    """feedparser opens a string it is given as a path when it can: a feed's body must only ever be data."""
    local = tmp_path / "local.xml"
    local.write_bytes(rss([story(1)], title="A file on the bot's host"))
    body = str(local).encode()
    with pytest.raises(NotAFeed):
        parse_feed(FetchResult("https://news.example/feed", 200, body, "application/rss+xml", None, None, None))
