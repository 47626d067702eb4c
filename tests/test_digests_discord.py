"""Digests end to end: the real bot on the fake Discord. A digest subscription made with /subscribe gets no
alert per move; `/subscribe test` posts the window so far at once, the scheduled digest comes at the local hour
(the digest cog's clock moved, not waited for), once, with the flows chart attached past five moves (the PNG
and its alt text checked by the fake), in French for a French subscription; /subscribe cadence and its time-zone
autocomplete; a bad time zone is refused."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.digest_content import DigestMessage
from bot.digests import next_slot, parse_cadence
from bot.discord_bot.digest_embed import digest_embed
from bot.records import MoveRecord, SourceRecord
from tests.discord_helpers import assert_bodies_safe
from tests.test_alerts_core import make_move
from tests.test_alerts_discord import MOD, World, world  # noqa: F401
from tests.test_charts import assert_png


def digests_in(w: World, channel: str) -> list[dict]:
    return [m for m in w.alerts_in(w.ch[channel]) if m["embeds"] and "dg" in m["embeds"][0]["footer"]["text"]]


async def test_a_weekly_digest_is_posted_once_at_its_hour_with_its_chart_and_no_alert_per_move(world):  # noqa: F811
    async with world.running() as bot:
        body = await world.slash("subscribe org", {"name": "Meta", "direction": "joined", "cadence": "weekly",
                                                   "hour": 9, "timezone": "europe/paris"},
                                 channel=world.ch["meta-joined"])
        assert body["data"]["content"].startswith("Subscribed #1: this channel gets a digest every Monday at 09:00 "
                                                  "(Europe/Paris) of the new moves about Meta (joined).")
        french = await world.fake.send_slash_command("subscribe everything", {"cadence": "daily", "hour": 8},
                                                     channel_id=world.ch["everything"].id, locale="fr",
                                                     permissions=MOD)
        await french.wait_response()
        ids = []
        for i in range(6):
            move = make_move(f"Digest Mover {i}", "OpenAI" if i < 4 else "Apple", "Meta", f"2026-0{i + 1}")
            ids.append((await bot.store.record_move(move, origin="cli", actor="cli")).id)
        await world.settled()
        assert digests_in(world, "meta-joined") == [] and world.posts(world.ch["meta-joined"]) == []

        await world.slash("subscribe test", {"subscription": 1})
        (test,) = await world.fake.wait_until(lambda: digests_in(world, "meta-joined") or None, 5, "a test digest")
        assert test["embeds"][0]["title"] == "Test digest: Meta (arrivals)"

        cog = bot.get_cog("Digests")
        due = next_slot(datetime.now().astimezone(), parse_cadence("weekly", 9, "Europe/Paris"))
        cog.clock = lambda: due + timedelta(seconds=1)
        await world.fake.wait_until(lambda: len(digests_in(world, "meta-joined")) == 2 or None, 5, "the digest")
        await world.fake.wait_until(lambda: digests_in(world, "everything") or None, 5, "the French digest")
        await world.settled()
        test, weekly = digests_in(world, "meta-joined")
        assert len(world.posts(world.ch["meta-joined"])) == 2  # the test and the digest: nothing per move
        embed = weekly["embeds"][0]
        assert embed["title"] == "Weekly digest: Meta (arrivals)"
        assert embed["description"].startswith("6 moves recorded from ")
        assert [line.split(" · ")[0] for line in embed["description"].split("\n\n")[1].split("\n")] == \
            [f"**Digest Mover {i}**" for i in reversed(range(6))]  # newest first
        (attachment,) = weekly["attachments"]
        assert embed["image"]["url"] == attachment["url"]
        assert_png(world.fake.uploads[attachment["id"]])
        assert attachment["description"].startswith("Bar chart of the moves of Meta (arrivals) recorded from ")
        assert "OpenAI, 4 in and 0 out; Apple, 2 in and 0 out" in attachment["description"]
        (french_digest,) = digests_in(world, "everything")
        assert french_digest["embeds"][0]["title"] == "Résumé du jour : tous les mouvements"
        assert french_digest["embeds"][0]["description"].startswith("6 mouvements enregistrés du ")
        assert assert_bodies_safe(world.fake) >= 1

        cog.clock = lambda: due + timedelta(hours=2)  # a later pass: the window is not posted again
        await world.settled()
        assert len(digests_in(world, "meta-joined")) == 2


async def test_cadence_command_autocomplete_and_a_bad_time_zone(world):  # noqa: F811
    async with world.running() as bot:
        sub = await world.subscribe("pang", "person", name="Ruoming Pang")
        bad = await world.slash("subscribe cadence", {"subscription": sub, "cadence": "daily",
                                                      "timezone": "Mars/Olympus"})
        assert bad["data"]["content"] == ("“Mars/Olympus” is not an IANA time zone (like Europe/Paris, "
                                          "America/New_York or UTC).")
        assert (await bot.store.subscription(sub)).cadence == "instant"
        done = await world.slash("subscribe cadence", {"subscription": sub, "cadence": "weekly", "hour": 18,
                                                       "timezone": "Asia/Tokyo", "weekday": "friday"})
        assert done["data"]["content"] == (f"Subscription #{sub} (Ruoming Pang) now gets a digest every Friday at "
                                           "18:00 (Asia/Tokyo).")
        listed = await world.slash("subscriptions")
        assert "Ruoming Pang · weekly, Friday 18:00 Asia/Tokyo · active" in listed["data"]["embeds"][0]["description"]
        inter = await world.fake.send_autocomplete("subscribe cadence", {"subscription": sub, "cadence": "daily",
                                                                         "timezone": "paris"}, focused="timezone")
        choices = (await inter.wait_response())["data"]["choices"]
        assert [c["value"] for c in choices] == ["Europe/Paris"]


def test_a_long_digest_keeps_within_the_description_and_says_how_many_more():
    moves = tuple(MoveRecord(f"m-{i}", f"Person Number {i}", "Google DeepMind", "Gemini", None, "Meta",
                             "Superintelligence Labs", None, "2026-05-01", "day", None, "confirmed", None,
                             (SourceRecord(f"https://example.com/a-rather-long-path/{i}", publisher="Example News"),))
                  for i in range(200))
    message = DigestMessage(1, 2, "dg7", "digest", "en", "Weekly digest: every move", "200 moves recorded …",
                            moves, {}, None)
    embed = digest_embed(message)
    lines = embed.description.split("\n\n", 1)[1].split("\n")
    assert len(embed.description) <= 4096 and len(embed) <= 6000
    shown = len(lines) - 1
    assert 20 < shown < 200 and lines[-1] == f"… and {200 - shown} more (/recent lists them)."
    assert lines[0].startswith("**Person Number 0** · Google DeepMind (Gemini) → Meta (Superintelligence Labs) · "
                               "1 May 2026 · [Example News](https://example.com/a-rather-long-path/0)")
    assert embed.footer.text == "movesbot · dg7" and embed.image.url is None
