"""Helpers shared by the end-to-end Discord tests (test_discord_lookup/chat/resilience): reading answers back
from the fake, and the checks every body the bot sent must pass (no pings, Discord's embed limits, no
traceback text)."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from tests.fake_discord import FakeDiscord, FakeInteraction

T = TypeVar("T")
EPHEMERAL, LOADING = 1 << 6, 1 << 7
_RAW_PING = re.compile(r"@(everyone|here)")
_MESSAGE_ROUTES = re.compile(r"/interactions/\d+/[^/]+/callback|/webhooks/\d+/[^/]+(/messages/.+)?"
                             r"|/channels/\d+/messages(/\d+)?")


async def answer_of(inter: FakeInteraction) -> dict[str, Any]:
    """The answer message data of a slash command: the immediate response (type 4), or, after a deferral
    (type 5), the original message once its follow-up has completed it."""
    body = await inter.wait_response()
    if body["type"] == 4:
        return body["data"]
    assert body["type"] == 5, body
    return await inter.fake.wait_until(
        lambda: inter.original if inter.original and not inter.original["flags"] & LOADING else None,
        what="the deferred answer")


def embed(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return data["embeds"][index]


def names_in(emb: dict[str, Any]) -> list[str]:
    """The people of an answer: each compact line of a list is "**Person** · from → to · date · links"; each field
    of a person card is "Person · date"."""
    lines = re.findall(r"^\*\*(.+?)\*\* · ", emb.get("description") or "", re.M)
    return [n.replace("\\", "") for n in lines] or [f["name"].split(" · ")[0] for f in emb.get("fields", [])]


def summary_of(emb: dict[str, Any]) -> str:
    """The first paragraph of an embed's description: the answer's summary."""
    return (emb.get("description") or "").split("\n\n")[0]


def text_of(emb: dict[str, Any]) -> str:
    parts = [emb.get("title") or "", emb.get("description") or "", (emb.get("footer") or {}).get("text", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in emb.get("fields", [])]
    return "\n".join(parts)


def replies_to(fake: FakeDiscord, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The bot's replies (stored channel messages) to a user's message."""
    return [m for m in fake.messages.values()
            if (m.get("message_reference") or {}).get("message_id") == message["id"]]


async def reply_to(fake: FakeDiscord, message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Wait for the bot's reply to a user's message."""
    found = await fake.wait_until(lambda: replies_to(fake, message), timeout, f"a reply to {message['content']!r}")
    return found[0]


async def eventually(predicate: Callable[[], T | None], timeout: float = 5.0, what: str = "condition") -> T:
    """Poll `predicate` (for state the fake is not notified of, e.g. log records) until truthy."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (result := predicate()):
        if loop.time() > deadline:
            raise TimeoutError(f"no {what} within {timeout}s")
        await asyncio.sleep(0.01)
    return result


def message_bodies(fake: FakeDiscord) -> list[dict[str, Any]]:
    """Every message body the bot sent: interaction callbacks' data, follow-ups/edits, channel messages."""
    out = []
    for r in fake.requests:
        if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict) or not _MESSAGE_ROUTES.fullmatch(r.path):
            continue
        if r.path.endswith("/callback"):
            if r.json.get("type") in (4, 7) and r.json.get("data"):
                out.append(r.json["data"])
        else:
            out.append(r.json)
    return out


def embed_length(emb: dict[str, Any]) -> int:
    """Characters that count towards Discord's 6,000 per message (title, description, fields, footer, author)."""
    total = len(emb.get("title") or "") + len(emb.get("description") or "")
    total += len((emb.get("footer") or {}).get("text") or "") + len((emb.get("author") or {}).get("name") or "")
    return total + sum(len(f.get("name") or "") + len(f.get("value") or "") for f in emb.get("fields") or [])


def assert_bodies_safe(fake: FakeDiscord) -> int:
    """Every message the bot sent: no ping possible, within the 6,000-character embed total, no traceback.
    Returns how many bodies were checked."""
    bodies = message_bodies(fake)
    for body in bodies:
        mentions = body.get("allowed_mentions")
        if mentions is not None:
            assert mentions.get("parse") == [], body
            assert not mentions.get("users") and not mentions.get("roles"), body
        content = body.get("content") or ""
        assert not _RAW_PING.search(content), content
        if mentions is None:  # without allowed_mentions, a user or role mention in content would ping
            assert not re.search(r"<@[!&]?\d+>", content), content
        assert sum(embed_length(e) for e in body.get("embeds") or []) <= 6000
        assert "Traceback" not in json.dumps(body)
    return len(bodies)
