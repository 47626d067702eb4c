"""`/chart` end to end through the fake Discord: the deferred answer is an embed showing the PNG uploaded with it
(multipart, its JSON part checked against Discord's spec), the alt text states the store's own numbers, French
for a French user, autocomplete, and a sentence instead of an empty chart. Also the fake's own upload rules."""

from __future__ import annotations

import io

import discord

from bot.discord_bot.bot import MovesBot
from tests.discord_helpers import EPHEMERAL, answer_of, assert_bodies_safe, embed, text_of
from tests.fake_discord import FakeDiscord, running_bot
from tests.fake_discord.server import ATTACHMENT_SIZE_LIMIT
from tests.test_charts import assert_png
from tests.test_fake_discord import make_bot

COMMANDS_PUT = r"/applications/\d+/commands"


def upload_of(fake: FakeDiscord, message: dict) -> tuple[dict, bytes]:
    (attachment,) = message["attachments"]
    return attachment, fake.uploads[attachment["id"]]


async def test_flows_chart_is_an_embed_showing_its_attached_png(fake_discord: FakeDiscord, movesbot: MovesBot) -> None:
    fake = fake_discord
    inter = await fake.send_slash_command("chart flows", {"org": "apple", "team": "AFM"})
    assert (await inter.wait_response())["type"] == 5  # deferred: drawing may take longer than 3 seconds
    message = await answer_of(inter)
    attachment, png = upload_of(fake, message)
    assert attachment["filename"] == "chart-flows-foundation-models-apple.png"
    assert attachment["size"] == len(png) < ATTACHMENT_SIZE_LIMIT
    assert_png(png)
    emb = embed(message)
    assert emb["image"]["url"] == attachment["url"]  # the embed's attachment:// named this very file
    assert emb["title"] == "Who came and went: Foundation Models (Apple)"
    assert movesbot.engine is not None
    team = movesbot.engine.index.lookup("AFM", ["team"]).best
    assert team is not None
    _, left = await movesbot.engine.store.moves(from_team_id=team.id, limit=1)
    assert attachment["description"].startswith(
        f"Bar chart of the moves of Foundation Models (Apple): 0 in, {left} out (net -{left}).")
    assert "Source: movesbot record, latest move" in emb["footer"]["text"]
    (upload,) = [r for r in fake.requests_matching("POST", r"/webhooks/\d+/[^/]+") if r.files]
    assert upload.files == [attachment["filename"]]
    assert upload.json["attachments"][0]["description"] == attachment["description"]
    assert upload.json["embeds"][0]["image"]["url"] == f"attachment://{attachment['filename']}"
    assert assert_bodies_safe(fake) >= 1


async def test_timeline_and_war_in_french(fake_discord: FakeDiscord, movesbot: MovesBot) -> None:
    fake = fake_discord
    timeline = await answer_of(await fake.send_slash_command("chart timeline", {"org": "Meta"}, locale="fr"))
    attachment, png = upload_of(fake, timeline)
    assert_png(png)
    assert embed(timeline)["title"] == "Mouvements par mois : Meta"
    assert attachment["description"].startswith("Diagramme mensuel des mouvements de Meta, ")
    assert "Dernier mouvement : " in attachment["description"]
    # "3" as the stdin driver types it: the fake sends an integer option as a number, as Discord does
    war = await answer_of(await fake.send_slash_command("chart war", {"since": "2025", "top": "3"}, locale="fr"))
    attachment, png = upload_of(fake, war)
    assert_png(png)
    assert embed(war)["title"] == "Guerre des talents : soldes entre les 3 organisations les plus actives"
    assert attachment["filename"] == "chart-war.png"
    assert attachment["description"].startswith("Matrice des soldes entre les 3 organisations les plus actives "
                                                "depuis 2025 (")
    assert embed(war)["footer"]["text"].endswith("Période : depuis 2025")


async def test_nothing_to_chart_unknown_org_and_bad_date(fake_discord: FakeDiscord, movesbot: MovesBot) -> None:
    fake = fake_discord
    empty = await answer_of(await fake.send_slash_command("chart flows", {"org": "Apple", "since": "2099"}))
    assert not empty["attachments"]
    assert embed(empty)["description"] == "No move of Apple is on record since 2099: there is nothing to chart."
    unknown = await answer_of(await fake.send_slash_command("chart timeline", {"org": "Zzyzx Qwv Labs"}))
    assert not unknown["attachments"] and "Zzyzx Qwv Labs" in text_of(embed(unknown))
    assert not unknown["components"]  # no menu: a choice would answer about the org, not chart it
    bad = await fake.send_slash_command("chart war", {"since": "demain"}, locale="fr")
    reply = await bad.wait_response()
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    assert reply["data"]["content"] == "« demain » n'est pas une date : utilisez AAAA, AAAA-MM ou AAAA-MM-JJ."


async def test_chart_commands_sync_in_french_and_complete_names(fake_discord: FakeDiscord, movesbot: MovesBot) -> None:
    fake = fake_discord
    (put,) = fake.requests_matching("PUT", COMMANDS_PUT)
    chart = next(c for c in put.json if c["name"] == "chart")
    assert chart["name_localizations"]["fr"] == "graphique"
    subs = {o["name"]: o for o in chart["options"]}
    assert set(subs) == {"flows", "timeline", "war"}
    assert subs["flows"]["name_localizations"]["fr"] == "flux"
    assert [o["name"] for o in subs["war"]["options"]] == ["since", "top"]
    top = subs["war"]["options"][1]
    assert (top["type"], top["min_value"], top["max_value"]) == (4, 2, 12)
    inter = await fake.send_autocomplete("chart flows", {"org": "opena"}, focused="org")
    choices = (await inter.wait_response())["data"]["choices"]
    assert choices[0]["value"] == "OpenAI"
    inter = await fake.send_autocomplete("chart timeline", {"org": "Apple", "team": "f"}, focused="team")
    assert "Foundation Models" in [c["value"] for c in (await inter.wait_response())["data"]["choices"]]


# -- the fake's upload rules ---------------------------------------------------------------------------------------

async def test_fake_keeps_alt_text_and_refuses_oversized_or_unattached_images(fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    bot = make_bot()
    sizes = {"small": 10, "huge": ATTACHMENT_SIZE_LIMIT + 1}

    @bot.tree.command(name="upload", description="Upload a file")
    async def upload(interaction: discord.Interaction, size: str, image: str, alt: str = "three bars: 1, 2, 3") -> None:
        file = discord.File(io.BytesIO(b"x" * sizes[size]), filename="a.png", description=alt)
        picture = discord.Embed(title="chart").set_image(url=f"attachment://{image}")
        await interaction.response.send_message(embed=picture, file=file)

    async with running_bot(bot, fake):
        await bot.tree.sync()
        small = await fake.send_slash_command("upload", {"size": "small", "image": "a.png"})
        await small.wait_response()
        sent = small.original  # the message as stored (and answered) by the fake
        assert sent is not None and sent["attachments"][0]["description"] == "three bars: 1, 2, 3"
        assert fake.uploads[sent["attachments"][0]["id"]] == b"x" * 10
        assert sent["embeds"][0]["image"]["url"] == sent["attachments"][0]["url"]
        huge = await fake.send_slash_command("upload", {"size": "huge", "image": "a.png"})
        refused = await fake.wait_for_request("POST", rf"/interactions/{huge.id}/.+/callback")
        assert refused.status == 413 and refused.response["code"] == 40005
        assert not fake.problems()
        await answer_of(await fake.send_slash_command("upload", {"size": "small", "image": "b.png"}))
        assert fake.problems() == ["[unexpected] embed image attachment://b.png names no file attached to the message"]
        fake.clear_problems()
        long_alt = await fake.send_slash_command("upload", {"size": "small", "image": "a.png", "alt": "x" * 1025})
        # the multipart's JSON part is held to the spec (1,024 characters of alt text at most), and refused
        refused = await fake.wait_for_request("POST", rf"/interactions/{long_alt.id}/.+/callback")
        assert refused.status == 400 and refused.response["code"] == 50035
        (problem,) = fake.problems()
        assert problem.endswith("$.data.attachments[0].description: 1025 characters (maxLength 1024)")
        fake.clear_problems()
