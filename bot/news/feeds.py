"""Polling RSS and Atom feeds: conditional GETs, a baseline on the first poll, each new story handed on once.

`FeedPoller.poll_due()` is one round over the feeds that are due; `run()` repeats it. Each new item goes to the
injected `on_item` coroutine (fetch the article, extract candidates, post them for review); an item is marked
done only when it returns, so a crash in between means a retry at the next round, not a lost story. A failing
feed waits longer after each failure (doubling from the poll interval up to a day) and is disabled past
`max_failures`, with the reason stored and `on_disabled` told. Nothing a feed sends can stop the poller.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import feedparser

from bot.news.fetch import FEED_TYPES, Fetcher, FetchError, FetchResult
from bot.news.records import Feed, FeedItem
from bot.store import Store

log = logging.getLogger(__name__)

OnItem = Callable[[Feed, str, str | None, str | None, str | None], Awaitable[None]]
OnDisabled = Callable[[Feed], Awaitable[None]]
MAX_BACKOFF_SECONDS = 24 * 3600.0
MAX_FAILURES = 8


class NotAFeed(FetchError):
    kind = "not_a_feed"


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    items: list[FeedItem]


def parse_feed(result: FetchResult) -> ParsedFeed:
    """The items of an RSS or Atom document (links made absolute); `NotAFeed` when it is neither."""
    headers = {"content-location": result.url}
    if result.content_type:
        headers["content-type"] = result.content_type + (f"; charset={result.charset}" if result.charset else "")
    # A stream, never bytes: feedparser opens bytes naming a local file as that file.
    parsed = feedparser.parse(io.BytesIO(result.body), response_headers=headers, sanitize_html=False,
                              resolve_relative_uris=False)
    if not parsed.get("version"):
        reason = parsed.get("bozo_exception")
        raise NotAFeed(result.url, f"{result.url} is not an RSS or Atom feed" + (f" ({reason})" if reason else ""))
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or None
        if link and not link.startswith(("http://", "https://")):
            link = None  # a relative or javascript: link has nothing to fetch
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        items.append(FeedItem(link=link, title=(entry.get("title") or "").strip() or None,
                              guid=entry.get("id") or None,
                              published=time.strftime("%Y-%m-%d", when) if when else None))
    return ParsedFeed((parsed.feed.get("title") or "").strip() or None, items)


def _at(seconds_from_now: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds_from_now)).isoformat(timespec="seconds")


@dataclass
class PollReport:
    """What one round did, for logs, the CLI and the tests."""

    polled: int = 0
    not_modified: int = 0
    new_items: int = 0
    failed: dict[int, str] = field(default_factory=dict)
    disabled: list[int] = field(default_factory=list)


class FeedPoller:
    """Polls the store's feeds through a `Fetcher` (opened by the caller) and hands each new item to `on_item`."""

    def __init__(self, store: Store, fetcher: Fetcher, on_item: OnItem, *, poll_seconds: float = 900.0,
                 on_disabled: OnDisabled | None = None, max_failures: int = MAX_FAILURES,
                 max_backoff: float = MAX_BACKOFF_SECONDS, concurrency: int = 16):
        self.store = store
        self.fetcher = fetcher
        self.on_item = on_item
        self.on_disabled = on_disabled
        self.poll_seconds = poll_seconds
        self.max_failures = max_failures
        self.max_backoff = max_backoff
        self._gate = asyncio.Semaphore(concurrency)

    def backoff(self, failures: int) -> float:
        """Seconds to wait after the `failures`-th failure in a row: the poll interval, doubled each time."""
        return min(self.poll_seconds * 2 ** max(failures - 1, 0), self.max_backoff)

    async def add(self, url: str, *, guild_id: int | None = None, added_by: str | None = None) -> tuple[Feed, bool]:
        """Add a feed and take its baseline at once, so a URL that is not a feed is refused with the reason
        (`FetchError`) and nothing is added. Re-adding a disabled feed re-enables it."""
        url = url.strip()
        known = {f.url: f for f in await self.store.feeds(guild_id=guild_id) if f.scope == (guild_id or 0)}
        if url in known and known[url].baseline_done:
            feed, _ = await self.store.add_feed(url, guild_id=guild_id, added_by=added_by)
            return feed, False
        result = await self.fetcher.get(url, accept=FEED_TYPES)
        parsed = parse_feed(result)
        feed, created = await self.store.add_feed(url, guild_id=guild_id, added_by=added_by)
        await self._record(feed, result, parsed)
        fresh = await self.store.feed(feed.id)
        assert fresh is not None
        return fresh, created

    async def poll_due(self, now: datetime | None = None) -> PollReport:
        """One round: every feed due at `now` (default: now), a few at a time; the feeds with nothing new are
        recorded together at the end."""
        report = PollReport()
        unchanged: list[int] = []
        feeds = await self.store.due_feeds((now or datetime.now(UTC)).isoformat(timespec="seconds"))
        pending = await self.store.pending_feed_items()
        await asyncio.gather(*(self._poll_guarded(feed, report, unchanged, pending.get(feed.id, []))
                               for feed in feeds))
        if unchanged:
            await self.store.feeds_not_modified(unchanged, _at(self.poll_seconds))
        report.polled, report.not_modified = len(feeds), len(unchanged)
        return report

    async def _poll_guarded(self, feed: Feed, report: PollReport, unchanged: list[int],
                            retries: list[tuple[int, FeedItem]]) -> None:
        async with self._gate:
            try:
                found = await self.poll_feed(feed, unchanged, retries)
                report.new_items += found  # (not `+= await`: the count would be read before the await, stale)
            except FetchError as exc:
                await self._failed(feed, str(exc), report)
            except Exception as exc:  # a feed must never stop the poller: log it, count it as a failure
                log.exception("polling feed %s failed unexpectedly", feed.url)
                await self._failed(feed, f"unexpected error: {type(exc).__name__}: {exc}", report)

    async def poll_feed(self, feed: Feed, unchanged: list[int], retries: Sequence[tuple[int, FeedItem]] = ()) -> int:
        """Poll one feed: a conditional GET, then its new items, and `retries` (items a previous round left
        unfinished), to `on_item`. Returns how many were new. A feed with nothing new is appended to
        `unchanged` (recorded by the caller, with the others, in one transaction)."""
        result = await self.fetcher.get(feed.url, accept=FEED_TYPES, etag=feed.etag,
                                        last_modified=feed.last_modified)
        if result.not_modified or (feed.baseline_done and _digest(result.body) == feed.body_digest):
            unchanged.append(feed.id)
            return await self._process(feed, [], retries)
        fresh = await self._record(feed, result, parse_feed(result))
        return await self._process(feed, fresh, retries)

    async def _record(self, feed: Feed, result: FetchResult, parsed: ParsedFeed) -> list[tuple[int, FeedItem]]:
        return await self.store.record_feed_items(
            feed, parsed.items, etag=result.etag, last_modified=result.last_modified, body_digest=_digest(result.body),
            title=parsed.title, next_poll_at=_at(self.poll_seconds))

    async def _process(self, feed: Feed, fresh: Sequence[tuple[int, FeedItem]],
                       retries: Sequence[tuple[int, FeedItem]]) -> int:
        """Hand the new items, and those a previous round left unfinished, to `on_item`, oldest first."""
        todo = sorted([*retries, *fresh], key=lambda pair: (pair[1].published or "", pair[0]))
        for item_id, item in todo:
            assert item.link is not None
            try:
                await self.on_item(feed, item.link, item.title, item.guid, item.published)
            except Exception as exc:  # the story is tried again next round, a few times
                log.warning("feed %s: item %s failed: %s", feed.url, item.link, exc, exc_info=True)
                await self.store.feed_item_done(item_id, f"{type(exc).__name__}: {exc}")
            else:
                await self.store.feed_item_done(item_id)
        return len(fresh)

    async def _failed(self, feed: Feed, error: str, report: PollReport) -> None:
        failures = feed.failures + 1
        reason = None
        if failures >= self.max_failures:
            reason = f"{failures} failed polls in a row; last: {error}"
        updated = await self.store.feed_failed(feed.id, error, _at(self.backoff(failures)), reason)
        report.failed[feed.id] = error
        if reason is not None and updated is not None:
            report.disabled.append(feed.id)
            log.warning("feed %s disabled: %s", feed.url, reason)
            if self.on_disabled is not None:
                try:
                    await self.on_disabled(updated)
                except Exception:
                    log.exception("telling that feed %s was disabled failed", feed.url)

    async def run(self, stop: asyncio.Event, *, idle_seconds: float | None = None) -> None:
        """Poll rounds until `stop` is set, sleeping until the next feed is due (at most `idle_seconds`,
        default the poll interval, so a feed added meanwhile is picked up)."""
        idle = idle_seconds if idle_seconds is not None else self.poll_seconds
        while not stop.is_set():
            try:
                if await self.store.try_lead("feeds"):  # one process polls, whichever holds the lead
                    await self.poll_due()
            except Exception:  # the store or the network as a whole: keep going at the next round
                log.exception("a feed poll round failed")
            wait = idle
            next_at = await self.store.next_feed_poll()
            if next_at is not None:
                due_in = (datetime.fromisoformat(next_at) - datetime.now(UTC)).total_seconds()
                wait = min(idle, max(due_in, 1.0))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)


def disabled_notice(feed: Feed, how_to_enable: str) -> str:
    """The sentence that tells a server why a feed stopped and how to start it again."""
    return (f"Feed {feed.label()} was disabled after {feed.failures} failed polls in a row "
            f"({feed.last_error or feed.disabled_reason}). Re-enable it with {how_to_enable}.")


def _digest(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()
