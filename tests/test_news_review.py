"""Review without Discord: an article's moves proposed once, accepted through `record` (the article as the
move's source, alerts queued like any new move), rejected for good; and `movesbot candidates accept`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.answers import Engine
from bot.cli import app
from bot.news import article_from_text
from bot.news.review import Review, text_article
from bot.recording import MoveInputError
from bot.store.news import UnknownCandidate

URL = "https://news.example/raman-meta"
STORY = ("Meta hires Apple researcher\n"
         "Priya Raman has left Apple's Foundation Models team for Meta Superintelligence Labs, the company "
         "confirmed on Monday.")
runner = CliRunner()


def story(url: str = URL, text: str = STORY, published: str | None = "2025-08-04"):
    return article_from_text(text, url=url, published=published, title="Meta hires Apple researcher")


async def test_a_story_is_proposed_once_and_a_second_story_becomes_a_source(engine: Engine) -> None:
    review = Review(engine)
    first = await review.propose(story(), guild_id=7)
    assert [(p.outcome, p.candidate.person, p.candidate.from_org, p.candidate.to_org) for p in first] == [
        ("new", "Priya Raman", "Apple", "Meta")]
    assert await review.person_is_new(first[0].candidate)
    again = await review.propose(story(), guild_id=7)
    assert [p.outcome for p in again] == ["seen"]
    other = await review.propose(story("https://other.example/raman"), guild_id=7)
    assert [p.outcome for p in other] == ["source"] and other[0].candidate.state == "pending"  # one decision
    assert [s.url for s in other[0].candidate.sources] == [URL, "https://other.example/raman"]


async def test_accept_records_the_move_with_its_articles_and_queues_its_alerts(engine: Engine) -> None:
    store = engine.store
    sub, _ = await store.add_subscription(guild_id=1, channel_id=2, target_kind="all", target_id=None,
                                          target_name="everything", target_org=None, direction="both",
                                          mention_role_id=None, corrections=False, locale="en", created_by=3)
    review = Review(engine)
    [proposal] = await review.propose(story(), guild_id=7)
    decision = await review.accept(proposal.candidate.id, "discord:42")
    assert decision.changed and decision.recorded is not None and decision.recorded.outcome == "recorded"
    move = decision.recorded.move
    assert (move.person, move.from_org, move.to_org, move.to_team, move.date) == (
        "Priya Raman", "Apple", "Meta", "Superintelligence Labs", "2025-08-04")
    assert [(s.url, s.title, s.published) for s in move.sources] == [(URL, "Meta hires Apple researcher",
                                                                      "2025-08-04")]
    assert (decision.candidate.state, decision.candidate.decided_by, decision.candidate.move_id) == (
        "accepted", "discord:42", move.id)
    assert engine.index.exact("Priya Raman", ["person"])  # the new name answers at once
    rows = await store._db.execute_fetchall("SELECT move_id, kind FROM outbox WHERE subscription_id = ?", (sub.id,))
    assert [tuple(r) for r in rows] == [(move.id, "new")]
    assert not (await review.accept(proposal.candidate.id, "discord:43")).changed  # nothing new: no second move
    assert await store.moves_of_person("Priya Raman") == [move]
    assert await review.person_is_new(decision.candidate)  # she was new: the message keeps saying so
    # The same move in a later story: offered as a source; accepting adds it to the move, and nothing more.
    [later] = await review.propose(story("https://later.example/raman"), guild_id=7)
    assert (later.outcome, later.candidate.state) == ("source", "accepted")
    added = await review.accept(later.candidate.id, "discord:42")
    assert added.changed and added.recorded is not None and added.recorded.outcome == "source_added"
    assert [s.url for s in added.recorded.move.sources] == [URL, "https://later.example/raman"]
    assert len(await store.moves_of_person("Priya Raman")) == 1


async def test_a_rejection_is_remembered_and_never_recorded(engine: Engine) -> None:
    review = Review(engine)
    [proposal] = await review.propose(story(), guild_id=7)
    decision = await review.reject(proposal.candidate.id, "discord:42")
    assert decision.changed and decision.candidate.state == "rejected"
    assert [p.outcome for p in await review.propose(story("https://b.example/x"), guild_id=7)] == ["rejected"]
    assert not (await review.accept(proposal.candidate.id, "discord:42")).changed
    assert await engine.store.moves_of_person("Priya Raman") == []
    with pytest.raises(UnknownCandidate):
        await review.accept(9999, "cli")


async def test_a_move_on_record_already_citing_the_article_is_not_proposed(engine: Engine) -> None:
    pang = next(m for m in await engine.store.moves_of_person("Ruoming Pang") if m.to_org == "Meta")
    cited = article_from_text("Ruoming Pang has left Apple for Meta.", url=pang.sources[0].url,
                              published="2025-07-08")
    assert await Review(engine).propose(cited) == []
    fresh = article_from_text("Ruoming Pang has left Apple for Meta.", url="https://n.example/p",
                              published="2025-07-08")
    [proposal] = await Review(engine).propose(fresh)
    assert proposal.candidate.known_move_id == pang.id


async def test_a_candidate_without_a_date_is_not_accepted_blindly(engine: Engine) -> None:
    review = Review(engine)
    [proposal] = await review.propose(story(published=None))
    assert proposal.candidate.date is None
    with pytest.raises(MoveInputError, match="no date"):
        await review.accept(proposal.candidate.id, "cli")
    assert (await engine.store.candidate(proposal.candidate.id)).state == "pending"


def test_pasted_text_takes_its_first_link_as_its_address() -> None:
    assert text_article("Read https://a.example/x. Then more.", None).url == "https://a.example/x"
    assert text_article("No link here.", None).url is None


def test_cli_accept_records_and_reject_refuses_twice(db_path: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MOVESBOT_DB", str(db_path))
    (tmp_path / "story.txt").write_text(STORY, encoding="utf-8")

    async def propose() -> int:
        from bot.service import open_engine
        from tests.conftest import DATA_DIR

        engine = await open_engine(db_path, DATA_DIR)
        try:
            [p] = await Review(engine).propose(story())
            return p.candidate.id
        finally:
            await engine.store.close()

    import asyncio

    cid = asyncio.run(propose())
    result = runner.invoke(app, ["candidates", "accept", str(cid), "--db", str(db_path), "--by", "ann"])
    assert result.exit_code == 0, result.output
    assert "Accepted #" in result.output and "priya-raman-meta-2025" in result.output
    again = runner.invoke(app, ["candidates", "accept", str(cid), "--db", str(db_path)])
    assert again.exit_code == 1 and "already accepted by ann" in again.output
    missing = runner.invoke(app, ["candidates", "accept", "999", "--db", str(db_path)])
    assert missing.exit_code == 1 and "No candidate #999" in missing.output


async def test_an_edit_of_a_candidate_decided_meanwhile_is_not_recorded(engine: Engine) -> None:
    review = Review(engine)
    [proposal] = await review.propose(story(), guild_id=7)
    edited = review.move_input(proposal.candidate)
    edited.to_org, edited.to_team = "OpenAI", None
    await review.accept(proposal.candidate.id, "discord:1")
    late = await review.accept(proposal.candidate.id, "discord:2", edited)
    assert not late.changed and late.recorded is None and late.candidate.decided_by == "discord:1"
    assert [m.to_org for m in await engine.store.moves_of_person("Priya Raman")] == ["Meta"]


async def test_a_candidate_without_its_origin_asks_for_an_edit(engine: Engine) -> None:
    review = Review(engine)
    text = "Priya Raman has joined Meta Superintelligence Labs, the company confirmed on Monday."
    [proposal] = await review.propose(story(text=text), guild_id=7)
    assert proposal.candidate.from_org is None
    with pytest.raises(MoveInputError, match="does not say which org they left; use Edit"):
        await review.accept(proposal.candidate.id, "cli")
    assert (await engine.store.candidate(proposal.candidate.id)).state == "pending"
