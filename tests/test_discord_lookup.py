"""End to end through the fake Discord: command sync (schema, French localizations, when it is skipped or
redone), every lookup slash command's answer, autocomplete, "did you mean" menus, pages, French, and no pings."""

from __future__ import annotations

import logging
import re

import pytest

from tests.discord_helpers import EPHEMERAL, answer_of, assert_bodies_safe, embed, names_in, summary_of, text_of
from tests.fake_discord import FakeDiscord, running_bot

COMMANDS_PUT = r"/applications/\d+/commands"

# name -> [(option, type, required, autocomplete, min_length, max_length)]; type 3 is a string.
SCHEMA = {
    "person": [("name", 3, True, True, 1, 200)],
    "left": [("org", 3, True, True, 1, 200), ("team", 3, False, True, 1, 200), ("since", 3, False, False, 4, 10)],
    "joined": [("org", 3, True, True, 1, 200), ("team", 3, False, True, 1, 200), ("from_org", 3, False, True, 1, 200),
               ("since", 3, False, False, 4, 10)],
    "moves": [("from_org", 3, True, True, 1, 200), ("to_org", 3, True, True, 1, 200),
              ("since", 3, False, False, 4, 10)],
    "recent": [],
    "org": [("name", 3, True, True, 1, 200)],
    "ask": [("question", 3, True, False, 1, 300)],
    "about": [],
    "help": [],
    "sync": [],
}
FRENCH_NAMES = {"person": "personne", "left": "departs", "joined": "arrivees", "moves": "mouvements",
                "recent": "recents", "org": "org", "ask": "demander", "about": "a-propos", "help": "aide",
                "sync": "synchroniser"}
AFM_TO_META = {"Ruoming Pang", "Tom Gunter", "Mark Lee", "Bowen Zhang"}


def option_schema(command: dict) -> list[tuple]:
    return [(o["name"], o["type"], o.get("required", False), o.get("autocomplete", False), o.get("min_length"),
             o.get("max_length")) for o in command.get("options") or []]


def component(message: dict, label: str | None = None, kind: int = 2) -> dict:
    """A button (by label) or, with kind=3, the select menu of a message."""
    for row in message["components"]:
        for comp in row["components"]:
            if comp["type"] == kind and (label is None or comp.get("label") == label):
                return comp
    raise LookupError(f"no component {label!r} of type {kind}")


# -- login and command sync ------------------------------------------------------------------------------------

async def test_sync_sends_the_exact_schema_with_french_localizations(fake_discord: FakeDiscord, movesbot) -> None:
    (put,) = fake_discord.requests_matching("PUT", COMMANDS_PUT)
    sent = {c["name"]: c for c in put.json}
    assert set(SCHEMA) <= set(sent)
    for name, options in SCHEMA.items():
        command = sent[name]
        assert command["type"] == 1 and command["description"], name
        assert option_schema(command) == options, name
        assert command["name_localizations"] == {"fr": FRENCH_NAMES[name]}, name
        assert set(command["description_localizations"]) == {"fr"}, name
        for option in command.get("options") or []:
            assert option["name_localizations"]["fr"] and option["description_localizations"]["fr"], (name, option)
            assert re.fullmatch(r"[-_\w]{1,32}", option["name_localizations"]["fr"]), option
    assert sent["left"]["description_localizations"]["fr"] == "Qui a quitté une organisation ou une équipe"
    assert sent["sync"]["default_member_permissions"] == 8  # administrators only
    # What Discord stored is what the bot sent.
    assert {c["name"] for c in fake_discord.commands()} == set(sent)
    assert movesbot.application_id == int(fake_discord.app_id)


async def test_sync_only_when_the_tree_or_the_target_changes_or_when_forced(fake_discord: FakeDiscord, bot_factory,
                                                                          caplog) -> None:
    fake = fake_discord
    owner = fake.user
    assert owner is not None and fake.guild is not None
    guild_route = rf"/applications/\d+/guilds/{fake.guild.id}/commands"
    caplog.set_level(logging.INFO, logger="bot.discord_bot.bot")
    async with running_bot(bot_factory(), fake):
        pass
    assert len(fake.requests_matching("PUT", COMMANDS_PUT)) == 1

    # Restarted on the same database with the same commands: the digest kept there says no sync is needed.
    async with running_bot(bot_factory(), fake) as second:
        await second.ready.wait()
        inter = await fake.send_slash_command("person", {"name": "Ruoming Pang"})
        assert embed(await answer_of(inter))["title"] == "Ruoming Pang"
    assert len(fake.requests_matching("PUT", COMMANDS_PUT)) == 1
    assert "slash commands unchanged: not syncing" in caplog.messages

    # A dev guild set: synced to that guild. Then /sync forces a sync, for an owner only.
    settings = {"MOVESBOT_DEV_GUILD": int(fake.guild.id), "MOVESBOT_OWNER_IDS": [int(owner["id"])]}
    async with running_bot(bot_factory(**settings), fake):
        assert len(fake.requests_matching("PUT", guild_route)) == 1
        assert {c["name"] for c in fake.commands(fake.guild.id)} >= set(SCHEMA)

        refused = await fake.send_slash_command("sync", user=fake.add_user("mallory"))
        body = await refused.wait_response()
        assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
        assert body["data"]["content"] == "Only the bot's owner can do this."
        assert len(fake.requests_matching("PUT", guild_route)) == 1

        forced = await fake.send_slash_command("sync", user=owner)
        body = await forced.wait_response()
        assert body["type"] == 5 and body["data"]["flags"] & EPHEMERAL
        done = await answer_of(forced)
        assert re.fullmatch(r"Synced \d+ commands\.", done["content"]) and done["flags"] & EPHEMERAL
        assert len(fake.requests_matching("PUT", guild_route)) == 2
    assert len(fake.requests_matching("PUT", COMMANDS_PUT)) == 1  # never global again
    assert_bodies_safe(fake)


# -- each command's answer -------------------------------------------------------------------------------------

async def test_each_command_answers_with_people_and_sources(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    data = await answer_of(await fake.send_slash_command("person", {"name": "ruoming pnag"}))
    emb = embed(data)
    assert emb["title"] == "Ruoming Pang" and "now at" in emb["description"]
    first = emb["fields"][0]["value"]
    assert "Apple (Foundation Models)" in first and "Meta (Superintelligence Labs)" in first
    assert "(https://www.gadgets360.com/" in first
    assert not data.get("components") and not data.get("flags")
    assert data["allowed_mentions"] == {"parse": []}

    emb = embed(await answer_of(await fake.send_slash_command("left", {"org": "Apple", "team": "AFM"})))
    assert emb["title"] == "Who left Foundation Models (Apple)"
    assert re.fullmatch(r"\d+ people left Foundation Models \(Apple\)\.", summary_of(emb))
    assert set(names_in(emb)) >= AFM_TO_META and "fields" not in emb
    lines = emb["description"].split("\n\n")[1].splitlines()
    for line in lines:  # one line a move: who · from → to (short team names) · date · at most two masked links
        if line.split("**")[1] in AFM_TO_META:
            assert " · Apple (AFM) → Meta (MSL) · " in line
            assert 1 <= len(re.findall(r"\]\(https://[^)\s]+\)", line)) <= 2 and "](http" in line, line
    assert any(line.startswith("**Ruoming Pang** · Apple (AFM) → Meta (MSL) · 7 July 2025 · [") for line in lines)
    assert len(emb["description"]) < 2500

    options = {"org": "Apple", "team": "AFM", "since": "2025-07-10"}
    emb = embed(await answer_of(await fake.send_slash_command("left", options)))
    assert "Ruoming Pang" not in names_in(emb)  # left on 7 July 2025
    assert {"Tom Gunter", "Mark Lee", "Bowen Zhang"} <= set(names_in(emb))  # 17 and 25 July 2025
    assert summary_of(emb).endswith(" since 10 July 2025.")

    for since in ("2025-13", "soon", "2025-02-30"):
        body = await (await fake.send_slash_command("left", {"org": "Apple", "since": since})).wait_response()
        assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
        assert body["data"]["content"] == f"“{since}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."
        assert not body["data"].get("embeds")

    emb = embed(await answer_of(await fake.send_slash_command("joined", {"org": "Meta", "from_org": "OpenAI"})))
    assert emb["title"] == "Who joined Meta"
    assert re.fullmatch(r"\d+ people joined Meta from OpenAI\.", summary_of(emb))
    lines = emb["description"].split("\n\n")[1].splitlines()
    assert lines and all(" · OpenAI" in line and "→ Meta" in line for line in lines)

    emb = embed(await answer_of(await fake.send_slash_command("moves", {"from_org": "OpenAI", "to_org": "Facebook"})))
    assert emb["title"] == "OpenAI → Meta"  # Facebook is an alias of Meta
    assert re.fullmatch(r"\d+ people moved from OpenAI to Meta\.", summary_of(emb))
    assert len(names_in(emb)) == 10 and emb["footer"]["text"].startswith("Newest first · 1/")

    data = await answer_of(await fake.send_slash_command("recent"))
    emb = embed(data)
    assert emb["title"] == "Recent moves" and summary_of(emb) == "The 10 most recent moves on record."
    assert len(names_in(emb)) == 10
    assert component(data, "◀")["disabled"] and not component(data, "▶")["disabled"]

    emb = embed(await answer_of(await fake.send_slash_command("org", {"name": "facebook"})))
    assert emb["title"] == "Meta"
    assert re.fullmatch(r"Meta: \d+ joined, \d+ left \(net [+-]\d+\)\.", summary_of(emb))
    table = emb["description"].split("```")[1]  # an aligned table, then the latest moves under a heading
    assert re.search(r"^OpenAI +\d+ +\d+ +[+-]\d+$", table, re.M) and "in  out" in table
    assert "**Latest moves**" in emb["description"] and "fields" not in emb

    emb = embed(await answer_of(await fake.send_slash_command("ask", {"question": "who left Apple's AFM team?"})))
    assert emb["title"] == "Who left Foundation Models (Apple)" and set(names_in(emb)) >= AFM_TO_META

    info = await movesbot.store.info()
    emb = embed(await answer_of(await fake.send_slash_command("about")))
    assert emb["title"] == "movesbot"
    assert emb["description"].startswith(f"{info['moves']} moves, {info['people']} people, ")
    assert re.search(r"latest move \d+ \w+ \d{4}; loaded <t:\d+:f>", emb["description"])  # each reader's own time

    body = await (await fake.send_slash_command("help")).wait_response()
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert body["data"]["embeds"][0]["title"] == "What you can ask"
    described = body["data"]["embeds"][0]["description"]
    assert re.search(r"</left:\d+> · Who left an org or a team", described)  # clickable, as Discord shows it
    assert re.search(r"</subscribe org:\d+> · ", described) and "who left Apple's AFM team?" in described
    assert_bodies_safe(fake)


# -- autocomplete ----------------------------------------------------------------------------------------------

AUTOCOMPLETE = [
    ("person", {"name": "ruoming pn"}, "name", "Ruoming Pang"),
    ("left", {"org": "antrop"}, "org", "Anthropic"),
    ("joined", {"org": "Meta", "from_org": "opena"}, "from_org", "OpenAI"),
    ("moves", {"from_org": "Apple", "to_org": "facebok"}, "to_org", "Meta"),
    ("left", {"org": "Apple", "team": "found"}, "team", "Foundation Models"),
    ("org", {"name": "afm"}, "name", "Foundation Models"),
]


async def test_autocomplete_offers_the_right_name_first(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    for command, options, focused, expected in AUTOCOMPLETE:
        body = await (await fake.send_autocomplete(command, options, focused=focused)).wait_response()
        assert body["type"] == 8
        choices = body["data"]["choices"]
        assert 1 <= len(choices) <= 25 and choices[0]["value"] == expected, (command, options, choices)

    # The team of the org already chosen.
    body = await (await fake.send_autocomplete("left", {"org": "apple", "team": ""}, focused="team")).wait_response()
    choices = body["data"]["choices"]
    assert {"name": "Foundation Models (Apple)", "value": "Foundation Models"} in choices
    assert all(c["name"].endswith("(Apple)") for c in choices), choices
    # Never more than Discord's 25.
    body = await (await fake.send_autocomplete("person", {"name": "a"}, focused="name")).wait_response()
    assert len(body["data"]["choices"]) == 25


# -- "did you mean" and pages ----------------------------------------------------------------------------------

async def test_did_you_mean_menu_and_pages_only_for_the_asker(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    inter = await fake.send_slash_command("person", {"name": "bowen"})
    data = await answer_of(inter)
    assert embed(data)["title"] == "Which one did you mean?"
    menu = component(data, kind=3)
    labels = {o["label"]: o["value"] for o in menu["options"]}
    assert "Bowen Zhang" in labels and 2 <= len(labels) <= 25
    message = inter.original
    assert message is not None

    other = await fake.click_component(message, menu["custom_id"], values=[labels["Bowen Zhang"]],
                                       user=fake.add_user("bob"))
    refusal = await other.wait_response()
    assert refusal["type"] == 4 and refusal["data"]["flags"] == EPHEMERAL
    assert refusal["data"]["content"] == "Only the person who asked can use these buttons."
    assert message["embeds"][0]["title"] == "Which one did you mean?"  # unchanged

    chosen = await fake.click_component(message, menu["custom_id"], values=[labels["Bowen Zhang"]])
    update = await chosen.wait_response()
    assert update["type"] == 7
    assert message["embeds"][0]["title"] == "Bowen Zhang"
    assert "Meta (Superintelligence Labs)" in text_of(message["embeds"][0])
    assert message["components"] == []

    # A long list: ◀ ▶ pages.
    inter = await fake.send_slash_command("joined", {"org": "Meta"})
    data = await answer_of(inter)
    first = embed(data)
    total = int(first["description"].split()[0])
    pages = (total + 9) // 10
    assert total > 40 and first["footer"]["text"] == f"Newest first · 1/{pages}" and len(names_in(first)) == 10
    assert component(data, "◀")["disabled"] and not component(data, "▶")["disabled"]
    message = inter.original
    assert message is not None
    page1 = names_in(first)

    with pytest.raises(ValueError, match="disabled"):
        await fake.click_component(message, component(message, "◀")["custom_id"])
    stranger = await fake.click_component(message, component(message, "▶")["custom_id"], user=fake.add_user("eve"))
    assert (await stranger.wait_response())["data"]["flags"] == EPHEMERAL
    assert message["embeds"][0]["footer"]["text"] == f"Newest first · 1/{pages}"

    click = await fake.click_component(message, component(message, "▶")["custom_id"])
    assert (await click.wait_response())["type"] == 7
    second = message["embeds"][0]
    assert second["footer"]["text"] == f"Newest first · 2/{pages}" and second["title"] == first["title"]
    assert len(names_in(second)) == 10 and names_in(second) != page1
    assert not component(message, "◀")["disabled"] and not component(message, "▶")["disabled"]

    back = await fake.click_component(message, component(message, "◀")["custom_id"])
    await back.wait_response()
    assert message["embeds"][0]["footer"]["text"] == f"Newest first · 1/{pages}"
    assert names_in(message["embeds"][0]) == page1
    assert component(message, "◀")["disabled"]
    assert_bodies_safe(fake)


# -- French ----------------------------------------------------------------------------------------------------

async def test_french_locale_answers_in_french(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    emb = embed(await answer_of(await fake.send_slash_command("left", {"org": "Apple", "since": "2025-07"},
                                                              locale="fr")))
    assert emb["title"] == "Qui a quitté Apple"
    assert re.fullmatch(r"\d+ personnes ont quitté Apple depuis juillet 2025\.", summary_of(emb))
    assert emb["footer"]["text"].startswith("Du plus récent au plus ancien")
    text = text_of(emb)
    assert "non confirmé" in text and "juillet 2025" in text
    prose = re.sub(r"\(https?://[^)]*\)", "", text)  # link targets are the publishers' words, not ours
    assert "reportedly" not in prose and "July" not in prose

    inter = await fake.send_slash_command("left", {"org": "Apple", "since": "demain"}, locale="fr")
    bad = await inter.wait_response()
    assert bad["data"]["content"].startswith("« demain » n'est pas une date")
    helped = await (await fake.send_slash_command("help", locale="fr")).wait_response()
    assert helped["data"]["embeds"][0]["title"] == "Ce que vous pouvez demander"
    assert re.search(r"</departs:\d+> · Qui a quitté une organisation", helped["data"]["embeds"][0]["description"])
    menu = await answer_of(await fake.send_slash_command("person", {"name": "bowen"}, locale="fr"))
    assert embed(menu)["title"] == "Lequel vouliez-vous dire ?"
    assert component(menu, kind=3)["placeholder"] == "Vouliez-vous dire…"


# -- never a ping ----------------------------------------------------------------------------------------------

PINGS = [
    ("person", {"name": "@everyone"}),
    ("person", {"name": "<@&123456789012345678> @here"}),
    ("ask", {"question": "@everyone who left <@&123456789012345678> Apple? <@123456789012345678>"}),
    ("org", {"name": "@everyone"}),
    ("left", {"org": "@here", "team": "<@123456789012345678>"}),
    ("left", {"org": "Apple", "since": "@everyone"}),
    ("joined", {"org": "Meta", "since": "@here"}),
]


async def test_mentions_in_options_never_ping(fake_discord: FakeDiscord, movesbot) -> None:
    for command, options in PINGS:
        await answer_of(await fake_discord.send_slash_command(command, options))
    assert assert_bodies_safe(fake_discord) == len(PINGS)


async def test_nothing_found_is_said_privately_in_its_own_colour(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    found = await answer_of(await fake.send_slash_command("left", {"org": "Apple"}))
    missing = await answer_of(await fake.send_slash_command("left", {"org": "Qxqxqx Labs"}))
    assert not found.get("flags") and missing["flags"] & EPHEMERAL
    assert embed(missing)["color"] != embed(found)["color"]
    assert "org or a team" in text_of(embed(missing))  # advice that fits the command
    empty = await answer_of(await fake.send_slash_command("left", {"org": "Apple", "since": "2099"}))
    assert empty["flags"] & EPHEMERAL
    assert_bodies_safe(fake)
