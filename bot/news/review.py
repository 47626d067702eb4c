"""Review of candidate moves, without Discord: an article in, proposals for moderators out; accept and reject.

`Review.propose` runs the extractor over an article and offers each move to the ledger, which says what is new:
a move already proposed, accepted or rejected in the scope is not offered twice (a second story becomes one more
source of it), and an article that already is a source of the move on record gives nothing. `Review.accept`
records a candidate through `record`, the one door every move goes through (so alerts follow exactly as for
`/move add`), with the candidate's articles as its sources; accepting again a candidate whose move is on record
adds the sources it lacks. The Discord cog and `movesbot candidates` are thin faces over this.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from bot.answers import Engine
from bot.news.article import Article, article_from_html, article_from_text
from bot.news.extract import Candidate, extract_with_store
from bot.news.fetch import ARTICLE_TYPES, Fetcher, FetchResult
from bot.news.records import ArticleRef, CandidateRecord
from bot.recording import MoveInput, MoveInputError, Recorded, record
from bot.store import Store
from bot.store.news import UnknownCandidate

__all__ = ["Decision", "Proposal", "Review", "UnknownCandidate", "fetch_article"]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A candidate as the ledger took it: `outcome` is that of `Store.add_candidate` ('new', 'source': a second
    story of a move already proposed or accepted, 'seen', 'rejected')."""

    candidate: CandidateRecord
    outcome: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What a moderator's accept or reject did: `changed` is False when the candidate was decided already (by
    someone else first); `recorded` is the move recorded, completed or given new sources on acceptance."""

    candidate: CandidateRecord
    changed: bool
    recorded: Recorded | None = None


async def fetch_article(fetcher: Fetcher, url: str, *, published: str | None = None,
                        title: str | None = None) -> Article:
    """The article at `url` (a safe fetch)."""
    return await read_page(await fetcher.get(url, accept=ARTICLE_TYPES), title, published)


async def read_page(page: FetchResult, title: str | None = None, published: str | None = None) -> Article:
    """A fetched page as an article: its main text and metadata, read off the event loop."""
    if page.content_type == "text/plain":
        text = page.body.decode(page.charset or "utf-8", errors="replace")
        return article_from_text(text, url=page.url, published=published, title=title)
    return await asyncio.to_thread(article_from_html, page.body, url=page.url, published=published)


class Review:
    """Proposals and decisions over one engine (its index names people and orgs; its store holds the ledger)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def store(self) -> Store:
        return self.engine.store

    async def propose(self, article: Article, *, guild_id: int | None = None,
                      feed_id: int | None = None) -> list[Proposal]:
        """Each move `article` reports, offered to the ledger of `guild_id`'s scope (every server's: None)."""
        ref, found = await self.candidates_of(article)
        out = []
        for move in found:
            added = await self.store.add_candidate(move, ref, guild_id=guild_id, feed_id=feed_id)
            out.append(Proposal(added.candidate, added.outcome))
        return out

    async def candidates_of(self, article: Article) -> tuple[ArticleRef, list[Candidate]]:
        """The article as a source, and the moves it reports but those on record that already cite it."""
        if not article.url:
            raise ValueError("a proposal needs the article's URL: it becomes the move's source")
        found = await extract_with_store(article, self.engine.index, self.store)
        return (ArticleRef(article.url, article.title, article.site, article.published),
                [c for c in found if not await self._already_cited(c, article.url)])

    async def _already_cited(self, found: Candidate, url: str) -> bool:
        if found.known_move_id is None:
            return False
        move = await self.store.move(found.known_move_id)
        return move is not None and any(s.url == url for s in move.sources)

    async def person_is_new(self, candidate: CandidateRecord) -> bool:
        """Whether the record held no move of the candidate's person (other than the one it made accepted)."""
        moves = await self.store.moves_of_person(candidate.person)
        return not any(m.id != candidate.move_id for m in moves)

    def move_input(self, candidate: CandidateRecord) -> MoveInput:
        """The typed move a candidate stands for, its articles as sources (with what is known of them); the
        article's publication date stands in for a date the story does not give."""
        date = candidate.date or candidate.article.published
        missing = [*([] if candidate.from_org else ["from: the story does not say which org they left"]),
                   *([] if date else ["date: the article gives no date"])]
        if missing:
            raise MoveInputError([f"{m}; use Edit to type it" for m in missing])
        sources = [s.url for s in candidate.sources] or [candidate.article.url]
        details = {s.url: {"title": s.title, "publisher": s.publisher, "published": s.published}
                   for s in candidate.sources}
        return MoveInput(person=candidate.person, from_org=candidate.from_org or "", from_team=candidate.from_team,
                         from_role=candidate.from_role, to_org=candidate.to_org, to_team=candidate.to_team,
                         to_role=candidate.to_role, date=date, sources=sources, status=candidate.status,
                         date_basis=None if candidate.date else "reported", source_details=details)

    async def _on_record_input(self, candidate: CandidateRecord) -> MoveInput:
        """For a candidate whose move is on record: that move's own fields, so `record` finds it and adds only
        the candidate's sources it lacks."""
        entry = self.move_input(candidate)
        move_id = candidate.move_id or candidate.known_move_id
        move = next((m for m in await self.store.moves_of_person(candidate.person) if m.id == move_id), None)
        if move is None:  # retracted, or its person renamed: the candidate as it reads
            return entry
        entry.person, entry.from_org, entry.to_org, entry.date = move.person, move.from_org, move.to_org, move.date
        entry.from_team, entry.to_team = move.from_team, move.to_team
        return entry

    async def accept(self, candidate_id: int, actor: str, entry: MoveInput | None = None) -> Decision:
        """Record a candidate (or `entry`, the moderator's edit of it) and mark it accepted by `actor`.

        Raises `UnknownCandidate`, and `MoveInputError` when the move does not pass the checks (nothing is then
        recorded and the candidate stays pending). A rejected candidate, or an edit of one decided meanwhile, is
        not recorded (changed False)."""
        candidate = await self.store.candidate(candidate_id)
        if candidate is None:
            raise UnknownCandidate(f"no candidate #{candidate_id}")
        if candidate.state == "rejected" or (entry is not None and candidate.state != "pending"):
            return Decision(candidate, False)  # decided meanwhile: a moderator's edit of it is not recorded
        if entry is None:
            on_record = candidate.state == "accepted" or candidate.known_move_id is not None
            entry = await self._on_record_input(candidate) if on_record else self.move_input(candidate)
        done = await record(self.store, self.engine.index, entry, origin="review", actor=actor)
        self.engine.add_names(await self.store.name_entries_for([done.move.id]))
        if candidate.state == "accepted":
            return Decision(candidate, done.outcome == "source_added", done)
        decided, changed = await self.store.decide_candidate(candidate_id, "accepted", actor, move_id=done.move.id)
        return Decision(decided, changed, done)

    async def reject(self, candidate_id: int, actor: str) -> Decision:
        """Reject a pending candidate: the same move is never proposed again in its scope."""
        decided, changed = await self.store.decide_candidate(candidate_id, "rejected", actor)
        return Decision(decided, changed)


def text_article(text: str, url: str | None, published: str | None = None) -> Article:
    """A pasted story; its first link stands for its address when none is given."""
    if url is None:
        url = next((w.strip("<>()[],.") for w in text.split() if w.startswith(("http://", "https://"))), None)
    return article_from_text(text, url=url, published=published)
