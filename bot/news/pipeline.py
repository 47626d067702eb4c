"""From a feed item to candidates waiting for a moderator: the poller's `on_item`.

The page is fetched with the same limits as feeds; the extraction is injected (it knows the name index and
runs its CPU-bound work off the event loop); each candidate goes through the store's ledger, which says whether
it is new, a second source of a move already proposed, or known and rejected. Only what needs a moderator is
passed on. Any exception leaves the item pending: the poller tries it again at its next rounds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.news.fetch import ARTICLE_TYPES, Fetcher, FetchResult
from bot.news.records import ArticleRef, CandidateAdded, CandidateMove, Feed
from bot.store import Store

# (the fetched page, the item's title and date from the feed) -> (the article as a source, its candidates)
Extract = Callable[[FetchResult, str | None, str | None], Awaitable[tuple[ArticleRef, Sequence[CandidateMove]]]]
OnCandidate = Callable[[Feed, CandidateAdded], Awaitable[None]]


class StoryReader:
    """Reads one story for `FeedPoller`: `on_candidate` gets each candidate to show (`outcome` 'new'), each
    second story of a move already proposed or accepted ('source': offer "add as a source"), and a candidate
    that was stored but never shown (a crash between the two: 'seen' with no review message yet)."""

    def __init__(self, store: Store, fetcher: Fetcher, extract: Extract, on_candidate: OnCandidate):
        self.store = store
        self.fetcher = fetcher
        self.extract = extract
        self.on_candidate = on_candidate

    async def __call__(self, feed: Feed, link: str, title: str | None, guid: str | None,
                       published: str | None) -> None:
        page = await self.fetcher.get(link, accept=ARTICLE_TYPES)
        article, found = await self.extract(page, title, published)
        for move in found:
            added = await self.store.add_candidate(move, article, guild_id=feed.guild_id, feed_id=feed.id)
            unseen = (added.outcome == "seen" and added.candidate.state == "pending"
                      and added.candidate.review_message_id is None)
            if added.outcome in ("new", "source") or unseen:
                await self.on_candidate(feed, added)
