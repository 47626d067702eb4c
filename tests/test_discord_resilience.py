"""End to end through the fake Discord when things go wrong: rate limits and server errors, a dropped gateway,
a refused privileged intent, an exception in a command, interactions before the dataset is ready, and
`movesbot run` as a real process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import signal
import sys
from pathlib import Path

import pytest

from bot.discord_bot import bot as bot_module
from bot.discord_bot import runner
from bot.discord_bot.bot import MovesBot
from bot.discord_bot.replies import APOLOGY
from bot.discord_bot.runner import INTENT_HELP
from tests.bot_fixtures import ROOT, bot_settings
from tests.discord_helpers import EPHEMERAL, answer_of, assert_bodies_safe, replies_to, reply_to
from tests.fake_discord import FakeDiscord, running_bot

CALLBACK = r"/interactions/\d+/[^/]+/callback"
CHANNEL_MESSAGES = r"/channels/\d+/messages"
MESSAGE_CONTENT = 1 << 15


def statuses(fake: FakeDiscord, method: str, path: str) -> list[int | None]:
    return [r.status for r in fake.requests_matching(method, path)]


# -- rate limits and server errors -----------------------------------------------------------------------------

async def test_429_and_500_on_the_callback_and_on_a_reply_are_retried(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    fake.fail_next("POST", CALLBACK, status=429, retry_after=0.05)
    fake.fail_next("POST", CHANNEL_MESSAGES, status=429, retry_after=0.05)
    inter = await fake.send_slash_command("person", {"name": "Ruoming Pang"})
    message = await fake.send_user_message("[[Tom Gunter]]")
    assert (await answer_of(inter))["embeds"][0]["title"] == "Ruoming Pang"
    assert (await reply_to(fake, message))["embeds"][0]["title"] == "Tom Gunter"
    assert statuses(fake, "POST", CALLBACK) == [429, 200]
    assert statuses(fake, "POST", CHANNEL_MESSAGES) == [429, 200]

    fake.fail_next("POST", CALLBACK, status=500)
    fake.fail_next("POST", CHANNEL_MESSAGES, status=500)
    inter = await fake.send_slash_command("person", {"name": "Mark Lee"})
    message = await fake.send_user_message("who left Apple's AFM team?", mention_bot=True)
    # discord.py waits 1 s before retrying a 5xx; both wait at once (within Discord's 3 s for the callback).
    assert (await answer_of(inter))["embeds"][0]["title"] == "Mark Lee"
    assert (await reply_to(fake, message))["embeds"][0]["title"] == "Who left Foundation Models (Apple)"
    assert statuses(fake, "POST", CALLBACK) == [429, 200, 500, 200]
    assert statuses(fake, "POST", CHANNEL_MESSAGES) == [429, 200, 500, 200]
    assert_bodies_safe(fake)


# -- the gateway -----------------------------------------------------------------------------------------------

async def test_dropped_gateway_resumes_and_the_bot_still_answers(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    await fake.drop_gateway(4000)
    missed = await fake.send_user_message("[[Ruoming Pang]]")  # while the bot is away: replayed on RESUME
    resume = await fake.wait_for_gateway(6)
    assert resume.d["session_id"] and resume.d["seq"] >= 1
    await fake.wait_until(lambda: fake.connected, what="the resumed session")
    assert len(fake.identifies) == 1 and len(fake.resumes) == 1
    assert (await reply_to(fake, missed))["embeds"][0]["title"] == "Ruoming Pang"
    inter = await fake.send_slash_command("left", {"org": "Apple", "team": "AFM"})
    assert (await answer_of(inter))["embeds"][0]["title"] == "Who left Foundation Models (Apple)"


async def test_refused_message_content_intent(fake_discord: FakeDiscord, db_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    fake = fake_discord
    fake.refuse_privileged_intents = True
    qa = fake.add_channel("ask-movesbot")
    bots: list[MovesBot] = []

    class Recorded(MovesBot):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            bots.append(self)

    monkeypatch.setattr(runner, "MovesBot", Recorded)
    caplog.set_level(logging.INFO)
    settings = bot_settings(MOVESBOT_DISCORD_API_BASE=fake.api_base, MOVESBOT_DISCORD_GATEWAY=fake.gateway_url,
                            MOVESBOT_QA_CHANNELS=[int(qa.id)])
    runner.configure_endpoints(settings)
    task = asyncio.create_task(runner.serve(settings, db_path, ROOT / "data", guild_ready_timeout=0.05))
    try:
        await fake.wait_until(lambda: len(fake.identifies) == 2 and fake.connected, what="a second IDENTIFY")
        first, second = fake.identifies
        assert first["intents"] & MESSAGE_CONTENT and not second["intents"] & MESSAGE_CONTENT
        bot = bots[-1]
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        await asyncio.wait_for(bot.ready.wait(), 5)

        warnings = [r for r in caplog.records if r.levelno == logging.WARNING and r.name == runner.__name__]
        assert [r.getMessage() for r in warnings] == [INTENT_HELP]
        assert "Message Content Intent" in INTENT_HELP and "Developer Portal" in INTENT_HELP

        inter = await fake.send_slash_command("person", {"name": "ruoming pnag"})
        assert (await answer_of(inter))["embeds"][0]["title"] == "Ruoming Pang"
        inline = await fake.send_user_message("[[Ruoming Pang]]")  # content withheld by Discord: not seen
        plain = await fake.send_user_message("who left Apple?", channel_id=qa.id)  # idem, in the Q&A channel
        mention = await fake.send_user_message("who left Apple's AFM team?", mention_bot=True)
        assert (await reply_to(fake, mention))["embeds"][0]["title"] == "Who left Foundation Models (Apple)"
        assert not replies_to(fake, inline) and not replies_to(fake, plain)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert len(bots) == 2 and bots[-1].is_closed()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# -- errors ----------------------------------------------------------------------------------------------------

async def test_exception_in_a_command_gets_the_apology(fake_discord: FakeDiscord, movesbot,
                                                     monkeypatch: pytest.MonkeyPatch, caplog) -> None:
    fake = fake_discord

    async def broken(*args, **kwargs):
        raise RuntimeError("the database is on fire")

    monkeypatch.setattr(movesbot.engine, "left", broken)
    monkeypatch.setattr(movesbot.engine, "page", broken)
    caplog.set_level(logging.ERROR)
    body = await (await fake.send_slash_command("left", {"org": "Apple", "team": "AFM"})).wait_response()
    assert body["type"] == 4 and body["data"]["flags"] == EPHEMERAL
    assert body["data"]["content"] == APOLOGY["en"]
    (record,) = [r for r in caplog.records if r.name == "bot.discord_bot.cogs.errors"]
    assert record.getMessage().startswith("command /left failed")
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)

    french = await (await fake.send_slash_command("left", {"org": "Apple"}, locale="fr")).wait_response()
    assert french["data"]["content"] == APOLOGY["fr"] and french["data"]["flags"] == EPHEMERAL

    pages = await fake.send_slash_command("recent")  # a button whose callback fails: the same apology
    await pages.wait_response()
    assert pages.original is not None
    button = next(c for row in pages.original["components"] for c in row["components"] if c.get("label") == "▶")
    click = await fake.click_component(pages.original, button["custom_id"])
    clicked = await click.wait_response()
    assert clicked["data"]["content"] == APOLOGY["en"] and clicked["data"]["flags"] == EPHEMERAL
    assert any("view PagerView failed" in r.getMessage() for r in caplog.records)

    assert_bodies_safe(fake)
    assert not any("on fire" in str(r.json) or "RuntimeError" in str(r.json) for r in fake.requests)


async def test_interaction_before_the_dataset_is_ready_is_deferred(fake_discord: FakeDiscord, bot_factory,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    fake = fake_discord
    gate = asyncio.Event()
    real_load = bot_module.load_dataset

    async def slow_load(*args, **kwargs):
        await gate.wait()
        return await real_load(*args, **kwargs)

    monkeypatch.setattr(bot_module, "load_dataset", slow_load)
    async with running_bot(bot_factory(), fake) as bot:
        assert not bot.ready.is_set()
        inter = await fake.send_slash_command("left", {"org": "Apple", "team": "AFM"})
        body = await inter.wait_response()
        assert body["type"] == 5  # "thinking…", within Discord's 3 s (the fake answers 10062 after that)
        (callback,) = fake.requests_matching("POST", CALLBACK)
        assert callback.status == 200

        helped = await (await fake.send_slash_command("help")).wait_response()  # needs no dataset
        assert helped["type"] == 4 and helped["data"]["embeds"][0]["title"] == "What you can ask"
        completed = await (await fake.send_autocomplete("person", {"name": "ruo"}, focused="name")).wait_response()
        assert completed == {"type": 8, "data": {"choices": []}}
        mention = await fake.send_user_message("who left Apple's AFM team?", mention_bot=True)

        gate.set()
        data = await answer_of(inter)
        assert data["embeds"][0]["title"] == "Who left Foundation Models (Apple)"
        assert fake.requests_matching("POST", rf"/webhooks/{fake.app_id}/[^/]+")  # a follow-up...
        assert not inter.followup_ids  # ...which completed the deferred message
        assert (await reply_to(fake, mention))["embeds"][0]["title"] == "Who left Foundation Models (Apple)"
    assert_bodies_safe(fake)


# -- `movesbot run` --------------------------------------------------------------------------------------------

async def test_movesbot_run_as_a_process(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake = fake_discord
    token = f"MTk4NjIy.{secrets.token_urlsafe(12)}.secret"
    fake.token = token
    env = {**os.environ, "DISCORD_TOKEN": token, "MOVESBOT_DB": str(tmp_path / "movesbot.db"),
           "MOVESBOT_DATA": str(ROOT / "data"), "MOVESBOT_DATA_POLL_SECONDS": "0"}
    proc = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "movesbot"), "run", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert proc.stdout is not None
    reading = asyncio.create_task(proc.stdout.read())  # all of it, whatever happens below
    try:
        await fake.wait_for_request("PUT", r"/applications/\d+/commands", timeout=20)
        await fake.wait_until(lambda: fake.connected, 10, "the process's gateway session")
        inter = await fake.send_slash_command("person", {"name": "ruoming pnag"})
        data = await asyncio.wait_for(answer_of(inter), 20)
        assert data["embeds"][0]["title"] == "Ruoming Pang"
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)  # as `docker stop` and systemd do
        try:
            await asyncio.wait_for(proc.wait(), 30)
        except TimeoutError:
            proc.kill()
            await proc.wait()
    text = (await reading).decode(errors="replace")
    assert proc.returncode == 0, text  # SIGTERM stops it cleanly
    assert "stopped" in text
    assert token not in text and token.split(".")[1] not in text
    assert "synced" in text and "ready" in text, text
