"""A first end-to-end check: the real bot logs in to the fake Discord, syncs, and answers /person."""

from __future__ import annotations


async def test_person_command_answers_with_sources(fake_discord, movesbot):
    commands = {c["name"] for c in fake_discord.commands()}
    assert {"person", "left", "joined", "moves", "recent", "org", "ask", "about", "help", "subscribe"} <= commands
    inter = await fake_discord.send_slash_command("person", {"name": "ruoming pnag"})
    body = await inter.wait_response()
    embed = body["data"]["embeds"][0]
    assert embed["title"] == "Ruoming Pang"
    assert any("gadgets360.com" in f["value"] for f in embed["fields"])
    assert body["data"]["allowed_mentions"] == {"parse": []}
