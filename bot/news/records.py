"""What the store hands back about feeds and candidates, and the keys that deduplicate them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.text import fold


@dataclass(frozen=True, slots=True)
class Feed:
    """A polled feed. `scope` is its guild id, or 0 for a feed of every server (added from the shell)."""

    id: int
    url: str
    guild_id: int | None
    scope: int
    title: str | None
    etag: str | None
    last_modified: str | None
    body_digest: str | None
    baseline_done: bool
    failures: int
    last_error: str | None
    last_polled_at: str | None
    last_ok_at: str | None
    next_poll_at: str
    disabled_reason: str | None
    added_by: str | None
    added_at: str

    @property
    def disabled(self) -> bool:
        return self.disabled_reason is not None

    def label(self) -> str:
        return f"#{self.id} {self.title or self.url}"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed as parsed: `link` as published (fetch it), `key_link` without tracking parameters."""

    link: str | None
    title: str | None
    guid: str | None
    published: str | None  # YYYY-MM-DD when the feed gives a date

    def keys(self, feed_id: int) -> list[str]:
        """Every key this story is known by: its guid within its feed, and its link within the scope."""
        keys = []
        if self.guid:
            keys.append(f"guid:{feed_id}:{self.guid}")
        if self.link:
            keys.append("link:" + normalize_url(self.link))
        return keys


class CandidateMove(Protocol):
    """The extractor's candidate, as the store reads it (any object with these attributes)."""

    person: str
    from_org: str | None
    from_team: str | None
    from_role: str | None
    to_org: str | None
    to_team: str | None
    to_role: str | None
    date: str | None
    status: str
    evidence: str | None
    known_move_id: str | None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """The article a candidate was found in."""

    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class CandidateRecord:
    """A stored candidate with its articles (the first one first)."""

    id: int
    scope: int
    guild_id: int | None
    person: str
    from_org: str | None
    from_team: str | None
    from_role: str | None
    to_org: str | None
    to_team: str | None
    to_role: str | None
    date: str | None
    status: str
    evidence: str | None
    known_move_id: str | None
    article: ArticleRef
    feed_id: int | None
    review_channel_id: int | None
    review_message_id: int | None
    state: str
    decided_by: str | None
    decided_at: str | None
    move_id: str | None
    created_at: str
    sources: tuple[ArticleRef, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One line: "Ruoming Pang: Apple → Meta (2025-07-07, confirmed)"."""
        origin = self.from_org or "?"
        if self.from_team:
            origin += f" ({self.from_team})"
        destination = self.to_org or "left (destination not reported)"
        if self.to_org and self.to_team:
            destination += f" ({self.to_team})"
        return f"{self.person}: {origin} → {destination} ({self.date or 'no date'}, {self.status})"


@dataclass(frozen=True, slots=True)
class CandidateAdded:
    """What `add_candidate` did: `outcome` is 'new' (to review), 'source' (the same move is already proposed or
    accepted: this article was added to its sources, offer "add as a source"), 'seen' (this very article was
    already attached: nothing to do) or 'rejected' (a moderator rejected this move: never proposed again)."""

    candidate: CandidateRecord
    outcome: str


def normalize_url(url: str) -> str:
    """A link as a dedup key: no scheme, fragment, utm_* parameters, "www.", default port nor trailing slash, host
    in lower case, so that one story shared over http and https or with tracking parameters is one story."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    try:
        port = parts.port
    except ValueError:  # not a number: keep the link as it is
        return url.strip()
    netloc = f"{host}:{port}" if port and port not in (80, 443) else host
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith("utm_")])
    return urlunsplit(("", netloc, parts.path.rstrip("/") or "/", query, "")).removeprefix("//")


def dedup_key(person: str, from_org: str | None, to_org: str | None) -> str:
    """The same move in two stories: folded person, from org, and destination ('departure' when unknown)."""
    return "|".join((fold(person), fold(from_org or ""), fold(to_org) if to_org else "departure"))
