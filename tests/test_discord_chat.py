"""End to end through the fake Discord: answers in ordinary messages (mentions, inline `[[name]]`, Q&A
channels), what is ignored (code, spoilers, quotes, bots, itself), the per-user cooldown, and no pings."""

from __future__ import annotations

import logging

from tests.discord_helpers import (
    EPHEMERAL,
    assert_bodies_safe,
    embed_length,
    eventually,
    names_in,
    replies_to,
    reply_to,
    text_of,
)
from tests.fake_discord import FakeDiscord, running_bot

AFM_TO_META = {"Ruoming Pang", "Tom Gunter", "Mark Lee", "Bowen Zhang"}


async def barrier(fake: FakeDiscord) -> None:
    """Send a message the bot answers and wait for the answer: every message sent before it has been handled
    (the bot handles messages in order, and an ignored one returns before any await)."""
    marker = await fake.send_user_message("[[Tom Gunter]]", user=fake.add_user("barrier"))
    assert (await reply_to(fake, marker))["embeds"][0]["title"] == "Tom Gunter"


async def test_mentions_and_inline_names_are_answered(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    # A mention with a question: a reply (not a ping) with the answer.
    question = await fake.send_user_message("who left Apple's AFM team?", mention_bot=True)
    reply = await reply_to(fake, question)
    assert reply["type"] == 19 and reply["channel_id"] == question["channel_id"]
    (emb,) = reply["embeds"]
    assert emb["title"] == "Who left Foundation Models (Apple)"
    assert set(names_in(emb)) >= AFM_TO_META
    assert "](https://" in emb["description"]
    (sent,) = [r.json for r in fake.requests_matching("POST", r"/channels/\d+/messages")]
    assert sent["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert str(sent["message_reference"]["message_id"]) == question["id"]
    alone = await fake.send_user_message("", mention_bot=True)  # just "@movesbot": the help
    assert (await reply_to(fake, alone))["embeds"][0]["title"] == "What you can ask"
    french = await fake.send_user_message("qui a quitté Apple ?", mention_bot=True)
    assert (await reply_to(fake, french))["embeds"][0]["title"] == "Qui a quitté Apple"

    # Inline names, misspelled, of a person or a team.
    bob = fake.add_user("bob")
    inline = await fake.send_user_message("did you see what [[ruoming pnag]] did?", user=bob)
    (emb,) = (await reply_to(fake, inline))["embeds"]
    assert emb["title"] == "Ruoming Pang"
    assert "Meta (Superintelligence Labs)" in text_of(emb) and "gadgets360.com" in text_of(emb)
    team = await fake.send_user_message("and [[AFM]]", user=bob)
    assert (await reply_to(fake, team))["embeds"][0]["title"] == "Foundation Models (Apple)"

    # At most three names, duplicates dropped, within Discord's 6,000 characters for all the embeds.
    several = await fake.send_user_message(
        "[[ruoming pang]] and [[Ruoming  Pang]] then [[tom gunter]], [[Mark Lee]], [[Bowen Zhang]]", user=bob)
    reply = await reply_to(fake, several)
    assert [e["title"] for e in reply["embeds"]] == ["Ruoming Pang", "Tom Gunter", "Mark Lee"]
    assert sum(embed_length(e) for e in reply["embeds"]) <= 6000
    assert not reply["components"]  # no menu or pages under several answers

    # An unsure name: a menu only the asker may use; choosing edits the reply in place.
    carol = fake.add_user("carol")
    unsure = await fake.send_user_message("where did bowen go?", user=carol, mention_bot=True)
    reply = await reply_to(fake, unsure)
    assert reply["embeds"][0]["title"] == "Which one did you mean?"
    menu = reply["components"][0]["components"][0]
    value = next(o["value"] for o in menu["options"] if o["label"] == "Bowen Zhang")
    other = await fake.click_component(reply, menu["custom_id"], values=[value], user=bob)
    assert (await other.wait_response())["data"]["flags"] == EPHEMERAL
    chosen = await fake.click_component(reply, menu["custom_id"], values=[value], user=carol)
    assert (await chosen.wait_response())["type"] == 7
    assert reply["embeds"][0]["title"] == "Bowen Zhang" and reply["components"] == []
    assert_bodies_safe(fake)


async def test_what_is_not_answered(fake_discord: FakeDiscord, movesbot, caplog) -> None:
    fake = fake_discord
    # [[names]] in code, spoilers and quotes; empty brackets; ordinary chat.
    ignored = [
        "```\n[[Ruoming Pang]]\n```",
        "```py\nx = [[1]]\n[[Ruoming Pang]]",  # a code block left open runs to the end
        "look: `[[Ruoming Pang]]`",
        "look: ``[[Ruoming Pang]]``",
        "look: ``a ` [[Ruoming Pang]]``",
        "||[[Ruoming Pang]]||",
        "> [[Ruoming Pang]]\nsaid someone",
        ">>> quoted from here\n[[Ruoming Pang]] to the end",
        "no names here, [[ ]] nor [[]]",
        "just chatting",
    ]
    sent = [await fake.send_user_message(content) for content in ignored]
    # Other bots, and the bot itself.
    other_bot = fake.add_user("otherbot", bot=True)
    sent.append(await fake.send_user_message("who left Apple? [[Ruoming Pang]]", user=other_bot, mention_bot=True))
    sent.append(await fake.send_user_message("[[Ruoming Pang]]", user=fake.bot_user, mention_bot=True))
    await barrier(fake)
    assert [m["content"] for m in sent if replies_to(fake, m)] == []
    assert len(fake.requests_matching("POST", r"/channels/\d+/messages")) == 1  # the barrier's answer only

    # A sixth question within 30 s from one user.
    caplog.set_level(logging.INFO, logger="bot.discord_bot.cogs.chat")
    dave = fake.add_user("dave")
    sent = [await fake.send_user_message(f"[[Ruoming Pang]] #{i}", user=dave) for i in range(6)]
    await eventually(lambda: any("chat cooldown" in m for m in caplog.messages), what="the cooldown log")
    await fake.wait_until(lambda: all(replies_to(fake, m) for m in sent[:5]), what="five replies")
    assert not replies_to(fake, sent[5])
    other = await fake.send_user_message("[[Ruoming Pang]]", user=fake.add_user("erin"))  # another user: answered
    await reply_to(fake, other)


async def test_qa_channel_answers_plain_messages(fake_discord: FakeDiscord, bot_factory) -> None:
    fake = fake_discord
    qa = fake.add_channel("ask-movesbot")
    async with running_bot(bot_factory(MOVESBOT_QA_CHANNELS=[int(qa.id)]), fake) as bot:
        await bot.ready.wait()
        question = await fake.send_user_message("who joined Meta from OpenAI?", channel_id=qa.id)
        emb = (await reply_to(fake, question))["embeds"][0]
        assert emb["title"] == "Who joined Meta" and "from OpenAI" in emb["description"]
        elsewhere = await fake.send_user_message("who joined Meta from OpenAI?")  # #general is no Q&A channel
        await barrier(fake)
        assert not replies_to(fake, elsewhere)


async def test_mentions_in_messages_never_ping(fake_discord: FakeDiscord, movesbot) -> None:
    fake = fake_discord
    role, user = "<@&123456789012345678>", "<@123456789012345678>"
    messages = [
        await fake.send_user_message(f"@everyone who left Apple? {role} {user} @here", mention_bot=True),
        await fake.send_user_message(f"@everyone {role}", mention_bot=True),
        await fake.send_user_message(f"[[@everyone]] [[{role}]] [[{user} @here]]"),
        await fake.send_user_message("[[@here]]"),
    ]
    for message in messages:
        reply = await reply_to(fake, message)
        assert "@everyone" not in reply["content"] and not reply["mention_everyone"]
    assert assert_bodies_safe(fake) == len(messages)


async def test_an_exception_while_answering_in_chat_is_logged_and_apologised(fake_discord: FakeDiscord, movesbot,
                                                                            monkeypatch, caplog) -> None:
    """A failing chat answer used to vanish into discord.py's default handler: the asker heard nothing."""
    from bot.discord_bot.replies import APOLOGY

    async def broken(*args, **kwargs):
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(movesbot.engine, "lookup", broken)
    caplog.set_level(logging.ERROR)
    asked = await fake_discord.send_user_message("who is [[Ruoming Pang]]?")
    channel = asked["channel_id"]
    apology = await fake_discord.wait_until(
        lambda: [m for m in fake_discord.messages_in(channel) if m.get("content") == APOLOGY["en"]], 5.0, "apology")
    assert apology[0]["embeds"] == []
    record = await eventually(lambda: [r for r in caplog.records if r.name == "bot.discord_bot.cogs.chat"])
    assert record[0].getMessage().startswith("chat answer failed") and record[0].exc_info is not None
    assert_bodies_safe(fake_discord)
