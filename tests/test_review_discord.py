"""Feeds and review end to end: the real bot on the fake Discord, a feed and its articles served on 127.0.0.1,
candidates posted in the review channel with persistent buttons, decided by moderators only, recorded through
the same door as /move add (alerts once), never proposed again after a restart; /move suggest and the message
menu; a failing feed's notice."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.news.feeds import MAX_FAILURES
from tests.discord_helpers import EPHEMERAL, answer_of, assert_bodies_safe, eventually
from tests.fake_discord import payloads as P
from tests.feed_server import FeedServer, rss
from tests.test_alerts_discord import MOD, World, modal_inputs

ARTICLE = """<!doctype html><html lang="en"><head><title>Meta hires Apple researcher Priya Raman</title>
<meta property="og:site_name" content="Test AI News">
<meta property="article:published_time" content="2025-08-04T09:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/ai">AI</a></nav><article><h1>Meta hires Apple researcher Priya Raman</h1>
<p>Priya Raman has left Apple's Foundation Models team for Meta Superintelligence Labs, the company confirmed on
Monday.</p>
<p>Raman worked on the models that power Apple Intelligence features for three years before the move, and her
arrival adds to a summer of hiring at the lab.</p>
<p>Apple declined to comment on the departure when asked about it on Monday afternoon.</p></article>
<footer>Cookie settings · Privacy</footer></body></html>"""
SECOND = ARTICLE.replace("Priya Raman", "Omar Haddad").replace("Raman", "Haddad").replace(
    "Meta Superintelligence Labs", "OpenAI").replace("Meta hires", "OpenAI hires")
OLD = {"title": "Old story", "link": "http://127.0.0.1/old", "guid": "old", "pubDate": "2025-07-01"}
FAST = {"MOVESBOT_FEED_POLL_SECONDS": 0.2, "MOVESBOT_ALLOW_PRIVATE_URLS": True}


@pytest_asyncio.fixture
async def server() -> AsyncIterator[FeedServer]:
    srv = FeedServer()
    await srv.start()
    yield srv
    await srv.stop()


@pytest.fixture
def world(fake_discord, db_path, monkeypatch) -> World:
    w = World(fake_discord, db_path, monkeypatch)
    w.ch["review"] = fake_discord.add_channel("review")
    return w


def buttons(message: dict) -> dict[str, str]:
    """{label: custom_id} of a message's buttons."""
    return {c["label"]: c["custom_id"] for row in message.get("components", []) for c in row["components"]}


def inputs(modal: dict) -> list[dict]:
    """The text inputs of a modal, whether in action rows (type 1) or labels (type 18)."""
    out = []
    for comp in modal["data"]["components"]:
        out.extend(comp["components"] if comp["type"] == 1 else [comp["component"]])
    return out


def review_posts(world: World) -> list[dict]:
    return world.alerts_in(world.ch["review"])


async def click(world: World, message: dict, label: str, **who: object):
    inter = await world.fake.click_component(message, buttons(message)[label], **who)  # type: ignore[arg-type]
    await inter.wait_response()
    return inter


async def set_up_review(world: World, server: FeedServer) -> str:
    body = await world.slash("review channel", {}, channel=world.ch["review"])
    assert "go to <#" in body["data"]["content"] and not body["data"].get("flags", 0) & EPHEMERAL
    feed = server.set("/feed.xml", rss([OLD], title="Test AI News"))
    server.set("/raman.html", ARTICLE.encode(), content_type="text/html; charset=utf-8")
    server.set("/haddad.html", SECOND.encode(), content_type="text/html")
    added = await answer_of(await world.fake.send_slash_command("feeds add", {"url": feed},
                                                                channel_id=world.general.id, permissions=MOD))
    assert added["content"].startswith("Added feed `#1` Test AI News: what it holds now is history"), added
    return feed


def publish(server: FeedServer, *paths: str) -> None:
    items = [OLD] + [{"title": p, "link": server.url(p), "guid": p, "pubDate": "2025-08-04"} for p in paths]
    server.set("/feed.xml", rss(items, title="Test AI News"))


async def test_a_feed_story_is_reviewed_accepted_once_alerted_once_and_never_proposed_again(world, server):
    member = world.fake.add_user("bob")
    async with world.running(**FAST) as bot:
        await world.subscribe("everything", "everything")
        await set_up_review(world, server)
        assert review_posts(world) == []  # the baseline is history
        publish(server, "/raman.html")
        [post] = await world.fake.wait_until(lambda: review_posts(world) or None, 10, "a candidate post")
        embed = post["embeds"][0]
        assert embed["title"] == "Candidate move"
        assert embed["description"].startswith("**Priya Raman** (new to the record)")
        assert "Apple (Foundation Models) → Meta (Superintelligence Labs)" in embed["description"]
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["Date"] == "2025-08-04" and fields["Status"] == "confirmed"
        [candidate] = await bot.store.candidates()
        assert candidate.evidence and fields["Evidence"] == f"> {candidate.evidence}"
        assert "Priya Raman" in candidate.evidence and "Meta" in candidate.evidence
        assert server.url("/raman.html") in fields["Article"] and "Test AI News" in fields["Article"]
        assert list(buttons(post)) == ["Accept", "Edit", "Reject"]
        assert all(re.fullmatch(r"movesbot:cand:(accept|edit|reject):\d+", c) for c in buttons(post).values())

        refused = await click(world, post, "Accept", user=member, permissions=P.DEFAULT_PERMISSIONS)
        answer = refused.response
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL and "Only moderators" in \
            answer["data"]["content"]
        assert (await bot.store.candidates(state="pending"))[0].person == "Priya Raman"

        await click(world, post, "Accept", permissions=MOD)
        decided = await world.fake.wait_until(
            lambda: (m := world.fake.messages[post["id"]]) and not m.get("components") and m, 5, "the decision")
        decision = {f["name"]: f["value"] for f in decided["embeds"][0]["fields"]}["Decision"]
        assert re.fullmatch(rf"✅ Accepted by <@{world.fake.user['id']}> <t:\d+:f> → move `priya-raman-meta-2025`",
                            decision)
        [move] = await bot.store.moves_of_person("Priya Raman")
        assert (move.from_org, move.to_org, move.to_team, move.date, move.status) == (
            "Apple", "Meta", "Superintelligence Labs", "2025-08-04", "confirmed")
        assert [(s.url, s.title, s.publisher) for s in move.sources] == [
            (server.url("/raman.html"), "Meta hires Apple researcher Priya Raman", "Test AI News")]
        await world.wait_posts(world.ch["everything"], 1)
        await world.settled()
        assert len(world.posts(world.ch["everything"])) == 1
        with pytest.raises(LookupError):  # the buttons are gone
            await world.fake.click_component(post, buttons(post)["Accept"])
        hits, reads, nm = server.hits["/feed.xml"], server.hits["/raman.html"], server.not_modified.get("/feed.xml")

    # A restart, and a feed server that now ignores conditional GETs and sends other bytes (an edited title):
    # the feed is parsed again, and the ledger alone says its stories are not news.
    item = {"title": "Raman joins Meta (updated)", "link": server.url("/raman.html"), "guid": "/raman.html",
            "pubDate": "2025-08-04"}
    server.set("/feed.xml", rss([OLD, item], title="Test AI News"), conditional=False)
    async with world.running(**FAST) as bot:
        await eventually(lambda: server.hits["/feed.xml"] >= hits + 3 or None, 10, "three more polls")
        assert server.not_modified.get("/feed.xml") == nm and server.hits["/raman.html"] == reads  # no 304
        assert len(review_posts(world)) == 1 and len(await bot.store.candidates()) == 1
        await world.settled()
        assert len(world.posts(world.ch["everything"])) == 1
    assert assert_bodies_safe(world.fake) > 5


async def test_reject_is_remembered_and_buttons_work_after_a_restart(world, server):
    async with world.running(**FAST):
        await set_up_review(world, server)
        publish(server, "/raman.html", "/haddad.html")
        posts = await world.fake.wait_until(lambda: r if len(r := review_posts(world)) == 2 else None, 10,
                                            "two candidate posts")
    by_person = {p["embeds"][0]["description"].split("**")[1]: p for p in posts}
    async with world.running(**FAST) as bot:  # a new process: the old messages' buttons still answer
        await click(world, by_person["Omar Haddad"], "Reject", permissions=MOD)
        decided = await world.fake.wait_until(
            lambda: (m := world.fake.messages[by_person["Omar Haddad"]["id"]]) and not m.get("components") and m)
        assert "❌ Rejected by" in decided["embeds"][0]["fields"][-1]["value"]
        [rejected] = await bot.store.candidates(state="rejected")
        assert rejected.person == "Omar Haddad" and rejected.decided_by == f"discord:{world.fake.user['id']}"
        assert await bot.store.moves_of_person("Omar Haddad") == []
        # The same move in another story of the feed: never proposed again.
        server.set("/haddad-2.html", SECOND.replace("on Monday", "on Tuesday").encode(), content_type="text/html")
        publish(server, "/raman.html", "/haddad.html", "/haddad-2.html")
        await eventually(lambda: server.hits.get("/haddad-2.html") or None, 10, "the second story read")
        polls = server.hits["/feed.xml"]
        await eventually(lambda: server.hits["/feed.xml"] >= polls + 2 or None, 10, "two more polls")
        assert len(review_posts(world)) == 2, [p["embeds"][0] for p in review_posts(world)[2:]]
        assert [c.state for c in await bot.store.candidates(state="pending")] == ["pending"]


async def test_edit_opens_the_form_filled_in_and_its_submit_accepts(world, server):
    async with world.running(**FAST) as bot:
        await world.subscribe("meta-joined", "org", name="Meta", direction="joined")
        await set_up_review(world, server)
        publish(server, "/raman.html")
        [post] = await world.fake.wait_until(lambda: review_posts(world) or None, 10, "a candidate post")
        opened = await click(world, post, "Edit", permissions=MOD)
        modal = opened.response
        assert modal["type"] == 9 and modal["data"]["title"].startswith("Accept candidate #")
        ids = modal_inputs(modal)
        values = {c["custom_id"]: c.get("value") for c in inputs(modal)}
        assert values[ids["Person"]] == "Priya Raman"
        assert values[ids["From: org / team / role"]].startswith("Apple / Foundation Models")
        assert values[ids["To: org / team / role (empty: not reported)"]] == "Meta / Superintelligence Labs"
        assert values[ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]] == "2025-08-04"
        assert values[ids["Source URLs, one per line"]] == server.url("/raman.html")
        submitted = await world.fake.submit_modal(opened, {ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]: "2025-08"})
        assert (await submitted.wait_response())["type"] == 7  # the review message, edited in place
        [move] = await bot.store.moves_of_person("Priya Raman")
        assert move.date == "2025-08" and [s.url for s in move.sources] == [server.url("/raman.html")]
        [accepted] = await bot.store.candidates(state="accepted")
        assert accepted.move_id == move.id
        assert not world.fake.messages[post["id"]].get("components")
        await world.wait_posts(world.ch["meta-joined"], 1)
        await world.settled()
        assert len(world.posts(world.ch["meta-joined"])) == 1


async def test_move_suggest_and_the_message_menu_answer_privately_with_buttons(world, server):
    member = world.fake.add_user("bob")
    async with world.running(**FAST) as bot:
        url = server.set("/raman.html", ARTICLE.encode(), content_type="text/html")
        refused = await world.slash("move suggest", {"url": url}, permissions=P.DEFAULT_PERMISSIONS, user=member)
        assert "moderators" in refused["data"]["content"] and refused["data"]["flags"] & EPHEMERAL
        inter = await world.fake.send_slash_command("move suggest", {"url": url}, channel_id=world.general.id,
                                                    permissions=MOD)
        summary = await answer_of(inter)
        assert summary["content"].startswith("1 candidate move in Meta hires Apple researcher Priya Raman")
        card = await inter.wait_followup(1)
        assert card["flags"] & EPHEMERAL and list(buttons(card)) == ["Accept", "Edit", "Reject"]
        assert "Priya Raman" in card["embeds"][0]["description"]
        await click(world, card, "Accept", permissions=MOD)
        await world.fake.wait_until(lambda: not world.fake.messages[card["id"]].get("components") or None)
        assert [m.id for m in await bot.store.moves_of_person("Priya Raman")] == ["priya-raman-meta-2025"]

        second = server.set("/haddad.html", SECOND.encode(), content_type="text/html")
        shared = await world.fake.send_user_message(f"worth a look: {second}")
        menu = await world.fake.send_message_command("Extract moves", shared, permissions=MOD)
        assert (await answer_of(menu))["content"].startswith("1 candidate move in OpenAI hires")
        card = await menu.wait_followup(1)
        assert "Omar Haddad" in card["embeds"][0]["description"] and "Accept" in buttons(card)
        pasted = await world.fake.send_slash_command("move suggest", {"text": "Omar Haddad has joined OpenAI."},
                                                     channel_id=world.general.id, permissions=MOD)
        answer = await answer_of(pasted)
        assert "no link" in answer["content"] and "• Omar Haddad: ? → OpenAI" in answer["content"]
    assert_bodies_safe(world.fake)


async def test_a_failing_feed_is_disabled_with_a_notice_in_the_review_channel(world, server):
    async with world.running(MOVESBOT_FEED_POLL_SECONDS=0.05, MOVESBOT_ALLOW_PRIVATE_URLS=True) as bot:
        feed = await set_up_review(world, server)
        bot.get_cog("Review").desk.poller.max_backoff = 0.0  # fail fast: every round retries at once
        server.set("/feed.xml", b"gone", status=500)
        notice = await world.fake.wait_until(lambda: review_posts(world) or None, 15, "the notice")
        text = notice[0]["content"]
        assert f"Feed #1 Test AI News was disabled after {MAX_FAILURES} failed polls" in text
        assert f"Re-enable it with `/feeds add {feed}`" in text
        listed = await world.slash("feeds list")
        assert "**disabled**" in listed["data"]["embeds"][0]["description"]


async def test_a_second_story_of_an_accepted_move_is_offered_as_a_source(world, server):
    async with world.running(**FAST) as bot:
        await world.subscribe("everything", "everything")
        await set_up_review(world, server)
        publish(server, "/raman.html")
        [post] = await world.fake.wait_until(lambda: review_posts(world) or None, 10, "a candidate post")
        await click(world, post, "Accept", permissions=MOD)
        await world.wait_posts(world.ch["everything"], 1)
        server.set("/raman-2.html", ARTICLE.replace("on Monday", "last week").encode(), content_type="text/html")
        publish(server, "/raman.html", "/raman-2.html")
        offer = (await world.fake.wait_until(lambda: r[1:] if len(r := review_posts(world)) == 2 else None, 10,
                                             "the offer"))[0]
        assert offer["embeds"][0]["title"] == "New story about a move on record"
        assert list(buttons(offer)) == ["Add as a source", "Dismiss"]
        assert server.url("/raman-2.html") in {f["name"]: f["value"] for f in offer["embeds"][0]["fields"]}["Articles"]
        await click(world, offer, "Add as a source", permissions=MOD)
        done = await world.fake.wait_until(
            lambda: (m := world.fake.messages[offer["id"]]) and not m.get("components") and m, 5, "the offer taken")
        assert "Sources added to `priya-raman-meta-2025`" in done["embeds"][0]["fields"][-1]["value"]
        [move] = await bot.store.moves_of_person("Priya Raman")
        assert [s.url for s in move.sources] == [server.url("/raman.html"), server.url("/raman-2.html")]
        await world.settled()
        assert len(world.posts(world.ch["everything"])) == 1  # a new source is no new move: no second alert


async def test_a_second_story_of_a_waiting_candidate_joins_its_message(world, server):
    async with world.running(**FAST) as bot:
        await set_up_review(world, server)
        publish(server, "/raman.html")
        [post] = await world.fake.wait_until(lambda: review_posts(world) or None, 10, "a candidate post")
        server.set("/raman-2.html", ARTICLE.replace("on Monday", "last week").encode(), content_type="text/html")
        publish(server, "/raman.html", "/raman-2.html")
        edited = await world.fake.wait_until(
            lambda: (m := world.fake.messages[post["id"]]) and "Articles" in str(m["embeds"]) and m, 10, "the edit")
        articles = {f["name"]: f["value"] for f in edited["embeds"][0]["fields"]}["Articles"]
        assert server.url("/raman.html") in articles and server.url("/raman-2.html") in articles
        assert len(review_posts(world)) == 1 and list(buttons(edited)) == ["Accept", "Edit", "Reject"]
        await click(world, edited, "Accept", permissions=MOD)
        await world.fake.wait_until(lambda: not world.fake.messages[post["id"]].get("components") or None)
        [move] = await bot.store.moves_of_person("Priya Raman")
        assert [s.url for s in move.sources] == [server.url("/raman.html"), server.url("/raman-2.html")]


async def test_feeds_are_added_listed_and_removed_by_moderators_only(world, server):
    member = world.fake.add_user("bob")
    async with world.running(**FAST) as bot:
        for name, options in (("feeds add", {"url": server.url("/feed.xml")}), ("review channel", {}),
                              ("feeds remove", {"feed": 1})):
            refused = await world.slash(name, options, permissions=P.DEFAULT_PERMISSIONS, user=member)
            assert "manage_guild" in refused["data"]["content"] and refused["data"]["flags"] & EPHEMERAL, name
        page = server.set("/page.html", b"<html><body>not a feed</body></html>", content_type="text/html")
        bad = await answer_of(await world.fake.send_slash_command("feeds add", {"url": page},
                                                                  channel_id=world.general.id, permissions=MOD))
        assert bad["content"].startswith("Not added:") and await bot.store.feeds() == []
        server.set("/feed.xml", rss([OLD], title="Test AI News"))
        added = await answer_of(await world.fake.send_slash_command(
            "feeds add", {"url": server.url("/feed.xml")}, channel_id=world.general.id, permissions=MOD))
        assert "Candidates wait for a review channel: set one with `/review channel`." in added["content"]
        listed = (await world.slash("feeds list"))["data"]["embeds"][0]["description"]
        assert listed.startswith("`#1` Test AI News <" + server.url("/feed.xml") + "> · ok")
        assert "no feed #9" in (await world.slash("feeds remove", {"feed": 9}))["data"]["content"]
        removed = await world.slash("feeds remove", {"feed": 1})
        assert removed["data"]["content"] == "Removed feed `#1` Test AI News." and await bot.store.feeds() == []
