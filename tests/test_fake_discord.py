"""Self-tests of the fake Discord, driven by a tiny discord.py bot running its real HTTP and gateway code."""

from __future__ import annotations

import asyncio
import io
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import ExternalNetworkBlocked, FakeDiscord, NetworkGuard, running_bot
from tests.fake_discord.spec import validate_request

NAMES = ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
FRENCH = {"Look up a person": "Chercher une personne", "Name to look up": "Nom à chercher"}


class Translator(app_commands.Translator):
    """French localizations for the command's strings."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        return FRENCH.get(string.message) if locale is discord.Locale.french else None


class Feedback(discord.ui.Modal, title="Feedback"):
    """A modal with one text input."""

    note: discord.ui.TextInput[Feedback] = discord.ui.TextInput(label="Note", custom_id="note", max_length=100)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.note.value}", ephemeral=True)


class PersonView(discord.ui.View):
    """Buttons under the answer: one edits the message, one opens a modal."""

    @discord.ui.button(label="More", custom_id="more")
    async def more(self, interaction: discord.Interaction, button: discord.ui.Button[PersonView]) -> None:
        await interaction.response.edit_message(content="More details", view=None)

    @discord.ui.button(label="Feedback", custom_id="feedback")
    async def feedback(self, interaction: discord.Interaction, button: discord.ui.Button[PersonView]) -> None:
        await interaction.response.send_modal(Feedback())


def make_bot(intents: discord.Intents | None = None) -> commands.Bot:
    """A minimal bot: one slash command with autocomplete and a localized description."""
    bot = commands.Bot(
        command_prefix=commands.when_mentioned,
        intents=intents or discord.Intents.default(),
        guild_ready_timeout=0.05,
        allowed_mentions=discord.AllowedMentions.none(),
    )

    @bot.tree.command(name="person", description=app_commands.locale_str("Look up a person"))
    @app_commands.describe(query=app_commands.locale_str("Name to look up"))
    async def person(interaction: discord.Interaction, query: str, details: bool = False) -> None:
        embed = discord.Embed(title=query, description=f"Locale: {interaction.locale.value}")
        await interaction.response.send_message(embed=embed, view=PersonView(),
                                                allowed_mentions=discord.AllowedMentions.none())
        if details:
            await interaction.followup.send("Sources: none yet", ephemeral=True)

    @person.autocomplete("query")
    async def person_autocomplete(interaction: discord.Interaction,
                                  current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=n) for n in NAMES if current.lower() in n.lower()][:25]

    async def setup_hook() -> None:
        await bot.tree.set_translator(Translator())

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[commands.Bot]:
    """The minimal bot, logged in and connected to the fake."""
    client = make_bot()
    async with running_bot(client, fake_discord):
        yield client


def text_channel(bot: commands.Bot, fake: FakeDiscord) -> discord.TextChannel:
    assert fake.channel is not None
    channel = bot.get_channel(int(fake.channel.id))
    assert isinstance(channel, discord.TextChannel)
    return channel


async def test_login_sync_and_ready(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    assert fake.requests_matching("GET", "/users/@me") and fake.requests_matching("GET", "/oauth2/applications/@me")
    assert fake.identify_intents == discord.Intents.default().value
    assert bot.application_id == int(fake.app_id) and [g.name for g in bot.guilds] == ["Test Guild"]

    synced = await bot.tree.sync()
    put = await fake.wait_for_request("PUT", rf"/applications/{fake.app_id}/commands")
    (command,) = put.json
    assert command["description_localizations"] == {"fr": "Chercher une personne"}
    assert command["options"][0]["autocomplete"] is True
    assert [c.id for c in synced] == [int(c["id"]) for c in fake.commands()]

    assert fake.guild is not None
    guild = discord.Object(int(fake.guild.id))
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    assert [c["name"] for c in fake.commands(fake.guild.id)] == ["person"]
    assert await bot.tree.fetch_commands(guild=guild)


async def test_slash_command_reply_followup_and_components(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    await bot.tree.sync()
    inter = await fake.send_slash_command("person", {"query": "Ada Lovelace", "details": True}, locale="fr")
    response = await inter.wait_response()
    assert response["type"] == 4
    assert response["data"]["embeds"][0]["title"] == "Ada Lovelace"
    assert response["data"]["embeds"][0]["description"] == "Locale: fr"
    assert response["data"]["allowed_mentions"] == {"parse": []}
    callback = await fake.wait_for_request("POST", r"/interactions/\d+/.+/callback")
    assert callback.query["with_response"] == "1" and callback.status == 200

    followup = await inter.wait_followup()
    assert followup["content"] == "Sources: none yet" and followup["flags"] & 64
    assert (await fake.wait_for_request("POST", rf"/webhooks/{fake.app_id}/.+")).query["wait"] == "1"
    assert fake.channel is not None
    assert [m["id"] for m in fake.messages_in(fake.channel.id)] == [inter.original_id]  # ephemeral not stored

    original = inter.original
    assert original is not None
    click = await fake.click_component(original, "more")
    assert (await click.wait_response())["type"] == 7
    assert original["content"] == "More details" and original["components"] == []

    second = await fake.send_slash_command("person", {"query": "Grace"})
    await second.wait_response()
    assert second.original is not None
    opener = await fake.click_component(second.original, "feedback")
    assert (await opener.wait_response())["type"] == 9
    submitted = await fake.submit_modal(opener, {"note": "Great"})
    reply = await submitted.wait_response()
    assert reply["data"]["content"] == "Thanks: Great" and reply["data"]["flags"] == 64


async def test_deferred_response_file_followup_and_edits(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    group = app_commands.Group(name="alerts", description="Alerts")

    @group.command(name="add", description="Follow someone")
    async def add(interaction: discord.Interaction, who: discord.Member) -> None:
        await interaction.response.defer(thinking=True)
        file = discord.File(io.BytesIO(b"name,org\n"), filename="alerts.csv")
        await interaction.followup.send(f"Following {who.display_name}", file=file)
        await interaction.edit_original_response(content="Following for real")

    bot.tree.add_command(group)
    await bot.tree.sync()
    bob = fake.add_user("bob", global_name="Bob")
    inter = await fake.send_slash_command("alerts add", {"who": bob})
    assert (await inter.wait_response())["type"] == 5
    await fake.wait_until(lambda: inter.original and inter.original["content"] == "Following for real")
    original = inter.original
    assert original is not None and not original["flags"] & 128  # no longer "thinking"
    assert [a["filename"] for a in original["attachments"]] == ["alerts.csv"] and not inter.followup_ids
    upload = fake.requests_matching("POST", rf"/webhooks/{fake.app_id}/.+")[0]
    assert upload.files == ["alerts.csv"] and upload.json["content"] == "Following Bob"


async def test_autocomplete_answers_with_choices(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    await bot.tree.sync()
    inter = await fake_discord.send_autocomplete("person", {"query": "a"}, focused="query")
    response = await inter.wait_response()
    assert response == {"type": 8, "data": {"choices": [{"name": n, "value": n} for n in NAMES]}}


async def test_channel_messages_send_history_edit_delete(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    channel = text_channel(bot, fake_discord)
    first = await channel.send("hello", embed=discord.Embed(title="Hi"))
    second = await channel.send("world")
    assert [m.id async for m in channel.history(limit=1)] == [second.id]
    assert [m.content async for m in channel.history(limit=10)] == ["world", "hello"]
    edited = await first.edit(content="hello again")
    assert edited.content == "hello again" and edited.edited_at is not None
    await second.delete()
    assert [m["content"] for m in fake_discord.messages_in(str(channel.id))] == ["hello again"]
    fetched = await bot.fetch_channel(channel.id)
    assert fetched.id == channel.id


async def test_429_with_via_header_is_retried(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake_discord.fail_next("POST", r"/channels/\d+/messages", status=429, count=2, retry_after=0.05)
    await text_channel(bot, fake_discord).send("after a rate limit")
    assert [r.status for r in fake_discord.requests_matching("POST", r"/channels/\d+/messages")] == [429, 429, 200]


async def test_500_is_retried(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake_discord.fail_next("POST", r"/channels/\d+/messages", status=500)
    await text_channel(bot, fake_discord).send("after a server error")  # discord.py waits 1 s first
    assert [r.status for r in fake_discord.requests_matching("POST", r"/channels/\d+/messages")] == [500, 200]


async def test_rate_limit_paces_the_bot(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake_discord.rate_limit(r"/channels/\d+/messages", 2, method="POST", window=0.2)
    channel = text_channel(bot, fake_discord)
    started = time.monotonic()
    await asyncio.gather(*(channel.send(f"alert {i}") for i in range(5)))
    assert time.monotonic() - started >= 0.35  # 5 messages at 2 per 0.2 s
    assert len(fake_discord.messages_in(str(channel.id))) == 5


async def test_a_delayed_reply_comes_after_the_message_is_created(bot: commands.Bot,
                                                                  fake_discord: FakeDiscord) -> None:
    fake_discord.delay_replies(r"/channels/\d+/messages", 0.3, method="POST")
    channel = text_channel(bot, fake_discord)
    started = time.monotonic()
    sending = asyncio.create_task(channel.send("slow answer"))
    await fake_discord.wait_until(lambda: fake_discord.messages_in(str(channel.id)), 1, "the message")
    assert not sending.done()
    sent = await sending
    assert time.monotonic() - started >= 0.3
    assert [m["id"] for m in fake_discord.messages_in(str(channel.id))] == [str(sent.id)]


async def test_deleted_channel_and_missing_permissions(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    channel = text_channel(bot, fake_discord)
    await fake_discord.set_can_send(str(channel.id), False)
    with pytest.raises(discord.Forbidden) as forbidden:
        await channel.send("nope")
    assert forbidden.value.code == 50013
    await fake_discord.delete_channel(str(channel.id))
    with pytest.raises(discord.NotFound) as missing:
        await channel.send("gone")
    assert missing.value.code == 10003


@pytest.mark.parametrize("close_code", [4000, None], ids=["close-4000", "abrupt"])
async def test_dropped_gateway_resumes_and_replays(bot: commands.Bot, fake_discord: FakeDiscord,
                                                   close_code: int | None) -> None:
    fake = fake_discord
    seen: list[int] = []
    resumed = asyncio.Event()

    async def on_message(message: discord.Message) -> None:
        seen.append(message.id)

    async def on_resumed() -> None:
        resumed.set()

    bot.add_listener(on_message)
    bot.add_listener(on_resumed)

    await fake.drop_gateway(close_code)
    missed = await fake.send_user_message("sent while the bot was away")
    resume = await fake.wait_for_gateway(6)
    await asyncio.wait_for(resumed.wait(), 5)
    assert resume.d["seq"] >= 1 and len(fake.identifies) == 1
    await fake.wait_until(lambda: int(missed["id"]) in seen, what="the replayed message")
    assert [f["d"]["id"] for f in fake.replayed if f["t"] == "MESSAGE_CREATE"] == [missed["id"]]

    await bot.tree.sync()
    inter = await fake.send_slash_command("person", {"query": "Alan"})
    assert (await inter.wait_response())["type"] == 4


async def test_refused_privileged_intents_raise(fake_discord: FakeDiscord) -> None:
    fake_discord.refuse_privileged_intents = True
    intents = discord.Intents.default()
    intents.message_content = True
    client = make_bot(intents)
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running_bot(client, fake_discord):
            pass
    assert fake_discord.identify_intents is not None and fake_discord.identify_intents & (1 << 15)


async def test_late_interaction_response_is_unknown(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake_discord.interaction_timeout = 0.0  # Discord allows 3 s
    await fake_discord.send_slash_command("person", {"query": "Ada"})
    callback = await fake_discord.wait_for_request("POST", r"/interactions/\d+/.+/callback")
    assert callback.status == 404 and callback.response["code"] == 10062


async def test_spec_violations_are_caught(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    fake = fake_discord
    with pytest.raises(discord.HTTPException) as too_long:
        await text_channel(bot, fake).send("x" * 2001)
    assert too_long.value.status == 400 and too_long.value.code == 50035

    @bot.tree.command(name="pick", description="Too many choices")
    @app_commands.choices(n=[app_commands.Choice(name=str(i), value=i) for i in range(26)])
    async def pick(interaction: discord.Interaction, n: int) -> None:
        await interaction.response.send_message(str(n))

    with pytest.raises(discord.HTTPException):
        await bot.tree.sync()
    messages = [m for v in fake.violations for m in v.messages]
    assert any("2001 characters" in m for m in messages), messages
    assert any("choices" in m and "26 items (maxItems 25)" in m for m in messages), messages
    assert all(v.kind == "request" for v in fake.violations)
    fake.clear_problems()


def test_validation_reports_embed_title_and_accepts_valid_payloads() -> None:
    too_long = {"type": 4, "data": {"embeds": [{"title": "t" * 257}]}}
    errors = validate_request("POST", "/api/v10/interactions/1/tok/callback", too_long)
    assert errors == ["$.data.embeds[0].title: 257 characters (maxLength 256)"]
    assert validate_request("POST", "/api/v10/interactions/1/tok/callback", {"type": 8, "data": {"choices": []}}) == []
    assert validate_request("GET", "/api/v10/users/@me", None) is None


async def test_unknown_route_is_recorded(bot: commands.Bot, fake_discord: FakeDiscord) -> None:
    with pytest.raises(discord.NotFound):
        await text_channel(bot, fake_discord).create_invite()
    assert fake_discord.unexpected and "/invites" in fake_discord.unexpected[0]
    fake_discord.clear_problems()


async def test_network_guard_blocks_non_loopback(block_external_network: NetworkGuard,
                                                 fake_discord: FakeDiscord) -> None:
    started = time.monotonic()
    with pytest.raises(ExternalNetworkBlocked):
        socket.create_connection(("10.1.2.3", 80), timeout=5)
    with pytest.raises(ExternalNetworkBlocked):
        await asyncio.open_connection("10.1.2.3", 443)
    with pytest.raises(ExternalNetworkBlocked):
        socket.getaddrinfo("discord.com", 443)
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectorError):
            await session.get("https://discord.com/api/v10/gateway")
        async with session.get(fake_discord.api_base + "/gateway") as resp:  # loopback still works
            assert resp.status == 200
    assert time.monotonic() - started < 1
    assert len(block_external_network.attempts) == 4
    block_external_network.attempts.clear()


def test_validation_holds_a_messages_embeds_to_6000_characters_in_all() -> None:
    """Each part within its own limit, yet 6001 characters together: Discord refuses it, so does the fake."""
    embeds = [{"title": "t" * 256, "description": "d" * 4096},
              {"description": "d" * (6001 - 256 - 4096)}]
    for method, path, body in (
            ("POST", "/api/v10/channels/1/messages", {"embeds": embeds}),
            ("POST", "/api/v10/interactions/1/tok/callback", {"type": 4, "data": {"embeds": embeds}}),
            ("PATCH", "/api/v10/webhooks/1/tok/messages/@original", {"embeds": embeds})):
        errors = validate_request(method, path, body)
        assert errors and any("6001 characters in all" in e for e in errors), (path, errors)
    embeds[1]["description"] = embeds[1]["description"][:-1]
    assert validate_request("POST", "/api/v10/channels/1/messages", {"embeds": embeds}) == []
