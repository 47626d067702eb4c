"""Run the fake Discord standalone: ``python -m tests.fake_discord --port 8080``.

It serves one guild "Test Guild" with #general and user "alice", logs every request, and reads commands from
stdin to drive the bot:

    /person query=Ada Lovelace      send a slash command (``name [sub] key=value ...``; values are strings)
    say hello [[Ada]]                post a message as alice in #general
    #CHANNEL_ID /person name=Ada     the same in another channel (``--shards N``: one guild per shard)
    drop                             drop the gateway connection (the bot should RESUME)
    problems                         list spec violations and unknown routes so far
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import re
import shlex
import sys

from .server import FakeDiscord
from .shards import snowflake_in_shard


async def _handle_line(fake: FakeDiscord, line: str) -> None:
    line = line.strip()
    channel_id = None
    if target := re.match(r"#(\d+)\s+", line):
        channel_id, line = target[1], line[target.end():]
    if line.startswith("/"):
        words = shlex.split(line[1:])
        name = " ".join(w for w in words if "=" not in w)
        options = dict(w.split("=", 1) for w in words if "=" in w)
        inter = await fake.send_slash_command(name, options, channel_id=channel_id)
        try:
            print(json.dumps(await inter.wait_response(), indent=2, ensure_ascii=False), flush=True)
        except TimeoutError:
            print("no callback within 5 s (is the bot connected?)", flush=True)
    elif line.startswith("say "):
        await fake.send_user_message(line[4:], channel_id=channel_id)
    elif line == "drop":
        await fake.drop_gateway()
    elif line == "problems":
        print("\n".join(fake.problems()) or "no problems", flush=True)
    elif line:
        print(__doc__, flush=True)


async def _main(port: int, token: str | None, shards: int) -> None:
    fake = FakeDiscord(port=port, token=token).populate_defaults()
    fake.shard_count = shards
    for shard in range(shards if shards > 1 else 0):
        guild = fake.add_guild(f"Shard {shard} Guild", guild_id=snowflake_in_shard(shard, shards))
        print(f"shard {shard}: guild {guild.id}, #general {fake.add_channel(guild_id=guild.id).id}")
    await fake.start()
    print(f"MOVESBOT_DISCORD_API_BASE={fake.api_base}")
    print(f"MOVESBOT_DISCORD_GATEWAY={fake.gateway_url}")
    print(f"DISCORD_TOKEN={token or 'anything-works'}")
    if fake.guild is not None and fake.channel is not None:
        print(f"MOVESBOT_DEV_GUILD={fake.guild.id}   (#{fake.channel.name} is {fake.channel.id})")
    print("type a command, or 'help'", flush=True)
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:  # stdin closed: keep serving
                await asyncio.Event().wait()
            try:
                await _handle_line(fake, re.sub(r"\s+$", "", line))
            except Exception as exc:  # a typo must not stop the server
                print(f"error: {exc}", file=sys.stderr)
    finally:
        await fake.stop()


def main() -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m tests.fake_discord", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--token", default=None, help="require this bot token (default: accept any)")
    parser.add_argument("--shards", type=int, default=1, help="shards GET /gateway/bot recommends; above 1, a "
                        "guild in each shard is added")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(args.port, args.token, args.shards))


if __name__ == "__main__":
    main()
