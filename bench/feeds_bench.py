"""Feed polling: one round over 100 feeds of 50 items each with nothing new, against the same 100 conditional
GETs made with aiohttp alone (no address checks, no store, no parsing), in the same run, under the same
connection limits (16 at once, 8 to one host: here every feed is on one host).

The feeds are served by tests/feed_server.py in a child process on 127.0.0.1 (so the server's work is not
counted in either figure). Rounds of the poller and of the reference alternate; the medians are compared.
Two cases: a server that honours conditional GETs (304s: the issue's goal), and one that ignores them and
sends the same 50 items again (200s: the poller sees the same bytes and does not parse them again).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import shutil
import statistics
import time
from datetime import UTC, datetime, timedelta

import aiohttp

from bench.common import OUT, Figure, Scale
from bot.news.fetch import PER_HOST

FEEDS = 100
ITEMS = 50
CONCURRENCY = 16


def _items(feed: int) -> list[dict[str, str]]:
    return [{"title": f"Feed {feed} story {i}: a researcher leaves one lab for another",
             "link": f"https://news{feed}.example/2025/07/story-{i}?utm_source=rss", "guid": f"f{feed}-{i}",
             "pubDate": f"2025-07-{1 + i % 28:02d}"} for i in range(ITEMS)]


def _serve(port_out: multiprocessing.SimpleQueue) -> None:  # type: ignore[type-arg]
    from tests.feed_server import FeedServer, rss

    async def main() -> None:
        server = FeedServer()
        for n in range(FEEDS):
            server.set(f"/c/{n}", rss(_items(n), title=f"Feed {n}"))                      # honours validators
            server.set(f"/u/{n}", rss(_items(n), title=f"Feed {n}"), conditional=False)   # ignores them
        await server.start()
        port_out.put(server.port)
        await asyncio.Event().wait()

    asyncio.run(main())


async def _reference_round(session: aiohttp.ClientSession, urls: list[str], etags: dict[str, str | None]) -> float:
    """The same GETs with aiohttp alone, the same validators and concurrency; bodies read in full."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(url: str) -> None:
        async with gate:
            headers = {"If-None-Match": etags[url]} if etags.get(url) else {}
            async with session.get(url, headers=headers) as resp:
                await resp.read()

    started = time.perf_counter()
    await asyncio.gather(*(one(u) for u in urls))
    return time.perf_counter() - started


async def _case(prefix: str, port: int, rounds: int) -> tuple[float, float]:
    from bot.news.feeds import FeedPoller
    from bot.news.fetch import Fetcher
    from bot.store import Store

    folder = OUT / "tmp" / f"feeds-{prefix}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    urls = [f"http://127.0.0.1:{port}/{prefix}/{n}" for n in range(FEEDS)]
    handed: list[str] = []

    async def on_item(feed, link, title, guid, published) -> None:
        handed.append(link)

    later = datetime.now(UTC) + timedelta(days=1)
    ours, reference = [], []
    async with await Store.open(folder / "feeds.sqlite") as store, \
            Fetcher(allow_private=True, concurrency=CONCURRENCY) as fetcher, \
            aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY, limit_per_host=PER_HOST)) \
            as session:
        poller = FeedPoller(store, fetcher, on_item, poll_seconds=900.0, concurrency=CONCURRENCY)
        for url in urls:
            await poller.add(url)
        etags = {f.url: f.etag for f in await store.feeds()}
        await _reference_round(session, urls, etags)  # warm both connection pools
        await poller.poll_due(later)
        for _ in range(rounds):
            reference.append(await _reference_round(session, urls, etags))
            started = time.perf_counter()
            report = await poller.poll_due(later)
            ours.append(time.perf_counter() - started)
            assert report.polled == FEEDS and not report.failed and report.new_items == 0, report
    assert not handed
    return statistics.median(ours), statistics.median(reference)


async def feeds(scale: Scale) -> list[Figure]:
    rounds = 40 if scale.name == "full" else 15
    queue = multiprocessing.get_context("fork").SimpleQueue()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(queue,), daemon=True)
    server.start()
    try:
        port = queue.get()
        cond, cond_ref = await _case("c", port, rounds)
        same, same_ref = await _case("u", port, rounds)
    finally:
        server.terminate()
        server.join()
    return [
        Figure(f"feeds_poll_{FEEDS}x{ITEMS}_304", cond, "s", cond_ref, goal="ratio <= 1.5 (the same GETs alone)",
               met=cond / cond_ref <= 1.5, note=f"median of {rounds} rounds"),
        Figure(f"feeds_poll_{FEEDS}x{ITEMS}_same_200", same, "s", same_ref,
               note=f"server ignoring validators: median of {rounds} rounds"),
    ]
