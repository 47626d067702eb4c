"""The candidates ledger: a move is proposed once per scope, a second story becomes a source, a rejection is
remembered (across a restart too), a decision is taken once, and a departure has no destination."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from bot.news.records import ArticleRef, dedup_key, normalize_url
from bot.store import Store
from bot.store.news import UnknownCandidate


@dataclass(frozen=True)
class Found:
    """The extractor's output shape (bot.news.extract.Candidate has these fields)."""

    person: str = "Ruoming Pang"
    from_org: str | None = "Apple"
    from_team: str | None = "Foundation Models"
    from_role: str | None = "head of the team"
    to_org: str | None = "Meta"
    to_team: str | None = "Superintelligence Labs"
    to_role: str | None = None
    date: str | None = "2025-07-07"
    status: str = "reported"
    evidence: str | None = "Ruoming Pang is leaving Apple for Meta, according to Bloomberg."
    known_move_id: str | None = None


BLOOMBERG = ArticleRef("https://www.bloomberg.com/news/pang", "Apple's top AI models executive leaves", "Bloomberg",
                       "2025-07-07")
OTHER = ArticleRef("https://www.theinformation.com/pang", "Meta hires Apple's Pang", "The Information", "2025-07-08")


@pytest_asyncio.fixture
async def store(store_target: str) -> AsyncIterator[Store]:
    async with await Store.open(store_target) as s:
        yield s


async def test_a_candidate_is_stored_with_its_article(store: Store) -> None:
    added = await store.add_candidate(Found(), BLOOMBERG, guild_id=1)
    c = added.candidate
    assert added.outcome == "new" and c.state == "pending" and c.guild_id == 1
    assert (c.person, c.from_org, c.from_team, c.to_org, c.to_team, c.date, c.status) == (
        "Ruoming Pang", "Apple", "Foundation Models", "Meta", "Superintelligence Labs", "2025-07-07", "reported")
    assert c.article == BLOOMBERG and c.sources == (BLOOMBERG,) and c.evidence.startswith("Ruoming Pang")
    assert c.describe() == ("Ruoming Pang: Apple (Foundation Models) → Meta (Superintelligence Labs) "
                            "(2025-07-07, reported)")
    assert await store.candidate(c.id) == c


async def test_the_same_move_in_a_second_story_becomes_a_source(store: Store) -> None:
    first = (await store.add_candidate(Found(), BLOOMBERG)).candidate
    spelled = Found(person="ruoming PANG", from_team=None, status="confirmed", evidence="Pang joined Meta.")
    second = await store.add_candidate(spelled, OTHER)
    assert second.outcome == "source" and second.candidate.id == first.id
    assert second.candidate.sources == (BLOOMBERG, OTHER) and second.candidate.from_team == "Foundation Models"
    again = await store.add_candidate(Found(), BLOOMBERG)
    assert again.outcome == "seen" and len(await store.candidates()) == 1
    await store.decide_candidate(first.id, "accepted", "mod#1", move_id="ruoming-pang-meta-2025")
    third = await store.add_candidate(Found(), ArticleRef("https://lemonde.fr/pang"))
    assert third.outcome == "source" and third.candidate.move_id == "ruoming-pang-meta-2025"


async def test_a_rejected_move_is_never_proposed_again(store: Store, store_target: str) -> None:
    c = (await store.add_candidate(Found(), BLOOMBERG)).candidate
    decided, changed = await store.decide_candidate(c.id, "rejected", "mod#1")
    assert changed and decided.state == "rejected" and decided.decided_by == "mod#1" and decided.decided_at
    async with await Store.open(store_target) as reopened:
        later = await reopened.add_candidate(Found(), OTHER)
        assert later.outcome == "rejected" and later.candidate.sources == (BLOOMBERG,)
        assert await reopened.candidates(state="pending") == []


async def test_a_departure_without_destination_is_its_own_candidate(store: Store) -> None:
    left = await store.add_candidate(Found(to_org=None, to_team=None), BLOOMBERG)
    assert left.outcome == "new" and left.candidate.to_org is None
    assert "left (destination not reported)" in left.candidate.describe()
    joined = await store.add_candidate(Found(), OTHER)  # the destination, reported later: news
    assert joined.outcome == "new" and joined.candidate.id != left.candidate.id


async def test_scopes_are_separate(store: Store) -> None:
    a = await store.add_candidate(Found(), BLOOMBERG, guild_id=1)
    await store.decide_candidate(a.candidate.id, "rejected", "mod")
    b = await store.add_candidate(Found(), BLOOMBERG, guild_id=2)
    assert b.outcome == "new"
    assert [c.id for c in await store.candidates(guild_id=2)] == [b.candidate.id]
    assert [c.id for c in await store.candidates(state="rejected")] == [a.candidate.id]


async def test_a_decision_is_taken_once(store: Store) -> None:
    c = (await store.add_candidate(Found(), BLOOMBERG)).candidate
    await store.set_candidate_message(c.id, 111, 222)
    first, changed = await store.decide_candidate(c.id, "accepted", "alice", move_id="m1")
    late, changed_again = await store.decide_candidate(c.id, "rejected", "bob")
    assert changed and not changed_again and late == first
    assert (late.state, late.decided_by, late.move_id, late.review_channel_id, late.review_message_id) == (
        "accepted", "alice", "m1", 111, 222)
    with pytest.raises(UnknownCandidate):
        await store.decide_candidate(999, "rejected", "bob")
    with pytest.raises(ValueError, match="decision"):
        await store.decide_candidate(c.id, "maybe", "bob")


def test_keys() -> None:
    assert dedup_key("Ruoming Pang", "Apple", None) == "ruoming pang|apple|departure"
    assert dedup_key("Rúoming  Pang", "apple", "Meta") == dedup_key("ruoming pang", "Apple", "META")
    same = {normalize_url(u) for u in ("https://www.example.com/a/b/?utm_source=x&id=3#frag",
                                       "http://example.com/a/b?id=3", "HTTPS://EXAMPLE.com:443/a/b?id=3&utm_medium=y")}
    assert same == {"example.com/a/b?id=3"}
    assert normalize_url("https://example.com/a?id=4") != normalize_url("https://example.com/a?id=3")



async def test_an_acceptance_whose_recording_fails_leaves_the_candidate_pending(store: Store) -> None:
    c = (await store.add_candidate(Found(), BLOOMBERG)).candidate
    with pytest.raises(RuntimeError, match="recording failed"):
        async with store._transaction() as db:
            assert await store.decide_candidate_in(db, c.id, "accepted", "alice", "m1")
            raise RuntimeError("recording failed")
    again = await store.candidate(c.id)
    assert again is not None and again.state == "pending" and again.move_id is None
