"""Builders for Discord API objects, shaped like Discord's responses (and checked against the spec's
response schemas by the fake itself). Ids are strings, as on the wire."""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
CREATE_INSTANT_INVITE = 1 << 0
ADMINISTRATOR = 1 << 3
MANAGE_CHANNELS = 1 << 4
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_EXTERNAL_EMOJIS = 1 << 18
CONNECT = 1 << 20
SPEAK = 1 << 21
CHANGE_NICKNAME = 1 << 26
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38

#: What a fresh server grants @everyone (roughly Discord's default).
DEFAULT_PERMISSIONS = (
    CREATE_INSTANT_INVITE | ADD_REACTIONS | VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES
    | READ_MESSAGE_HISTORY | MENTION_EVERYONE | USE_EXTERNAL_EMOJIS | CONNECT | SPEAK | CHANGE_NICKNAME
    | USE_APPLICATION_COMMANDS | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS
)

# Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents).
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

# Channel types.
GUILD_TEXT = 0
DM = 1
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

_counter = itertools.count()
_lock = threading.Lock()


def snowflake() -> str:
    """A new, unique, time-ordered snowflake id (as a string)."""
    with _lock:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def now_iso() -> str:
    """Current time in Discord's timestamp format."""
    return datetime.now(UTC).isoformat()


def user(user_id: str, username: str, *, bot: bool = False, global_name: str | None = None) -> dict[str, Any]:
    """A user object (UserResponse)."""
    data: dict[str, Any] = {
        "id": user_id,
        "username": username,
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "global_name": global_name,
        "primary_guild": None,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "collectibles": None,
    }
    if bot:
        data["bot"] = True
    return data


def role(role_id: str, name: str, *, permissions: int, position: int = 0) -> dict[str, Any]:
    """A role object (GuildRoleResponse)."""
    return {
        "id": role_id,
        "name": name,
        "description": None,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
    }


def member(user_data: dict[str, Any], *, roles: list[str] | None = None, permissions: int | None = None,
           joined_at: str | None = None) -> dict[str, Any]:
    """A guild member; ``permissions`` (total, as in interactions) is included when given."""
    data: dict[str, Any] = {
        "user": user_data,
        "roles": roles or [],
        "joined_at": joined_at or now_iso(),
        "nick": None,
        "avatar": None,
        "banner": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def message(
    *,
    message_id: str,
    channel_id: str,
    author: dict[str, Any],
    body: dict[str, Any],
    message_type: int = 0,
    flags: int = 0,
    webhook_id: str | None = None,
    application_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A message object (MessageResponse) built from a create-message request body."""
    data: dict[str, Any] = {
        "type": message_type,
        "content": body.get("content") or "",
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments or [],
        "embeds": [embed_response(e) for e in body.get("embeds") or []],
        "timestamp": now_iso(),
        "edited_timestamp": None,
        "flags": flags | (body.get("flags") or 0),
        "components": component_responses(body.get("components") or []),
        "id": message_id,
        "channel_id": channel_id,
        "author": author,
        "pinned": False,
        "mention_everyone": False,
        "tts": bool(body.get("tts")),
    }
    if webhook_id:
        data["webhook_id"] = webhook_id
    if application_id:
        data["application_id"] = application_id
    if body.get("nonce") is not None:
        data["nonce"] = body["nonce"]
    if body.get("message_reference"):
        ref = body["message_reference"]
        data["message_reference"] = {
            "type": ref.get("type") or 0,
            "channel_id": str(ref.get("channel_id") or channel_id),
            **({"message_id": str(ref["message_id"])} if ref.get("message_id") else {}),
            **({"guild_id": str(ref["guild_id"])} if ref.get("guild_id") else {}),
        }
    return data


def embed_response(embed: dict[str, Any]) -> dict[str, Any]:
    """An embed as Discord returns it (``type`` always present, no ``None`` values)."""
    out = {k: v for k, v in embed.items() if v is not None}
    out.setdefault("type", "rich")
    return out


def component_responses(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Components as Discord returns them: each gets a numeric ``id`` (in tree order) when it has none."""
    counter = itertools.count(1)

    def walk(comp: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in comp.items() if v is not None}
        out.setdefault("id", next(counter))
        for key in ("components",):
            if isinstance(out.get(key), list):
                out[key] = [walk(c) for c in out[key]]
        if isinstance(out.get("accessory"), dict):
            out["accessory"] = walk(out["accessory"])
        return out

    return [walk(c) for c in components]


def attachment(attachment_id: str, filename: str, size: int, content_type: str | None) -> dict[str, Any]:
    """An attachment object (MessageAttachmentResponse) for an uploaded file."""
    url = f"https://cdn.discordapp.com/attachments/0/{attachment_id}/{filename}"
    data: dict[str, Any] = {"id": attachment_id, "filename": filename, "size": size, "url": url, "proxy_url": url}
    if content_type:
        data["content_type"] = content_type
    return data
