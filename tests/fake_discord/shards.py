"""Discord's sharding rule, as the fake applies it: which gateway session gets which event.

A session that IDENTIFIES with ``shard: [shard_id, shard_count]`` gets the guilds with
``(guild_id >> 22) % shard_count == shard_id``, and every event of those guilds only; events outside any guild
(DMs, interactions in DMs) go to shard 0. A session without ``shard`` gets everything.
"""

from __future__ import annotations

from typing import Any

from . import payloads as P


def shard_of(guild_id: int | str, shard_count: int) -> int:
    """The shard that owns a guild (Discord's formula)."""
    return (int(guild_id) >> 22) % shard_count


def event_guild(event: str, data: Any) -> str | None:
    """The guild a DISPATCH event belongs to; None for events outside any guild (such as a DM)."""
    if not isinstance(data, dict):
        return None
    if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"):
        return data.get("id")
    guild_id = data.get("guild_id")
    return None if guild_id is None else str(guild_id)


def receives(shard: list[int] | None, guild_id: str | None) -> bool:
    """Whether a session identified with ``shard`` (None: unsharded) gets an event of ``guild_id``."""
    if shard is None:
        return True
    shard_id, shard_count = shard
    return shard_id == 0 if guild_id is None else shard_of(guild_id, shard_count) == shard_id


def shard_problem(shard: Any) -> str | None:
    """Why an IDENTIFY's ``shard`` field is invalid (Discord closes with 4010), or None when it is fine."""
    if shard is None:
        return None
    if (not isinstance(shard, list) or len(shard) != 2 or not all(type(n) is int for n in shard)
            or not 0 <= shard[0] < shard[1]):
        return f"Invalid shard {shard!r}: expected [shard_id, shard_count] with 0 <= shard_id < shard_count"
    return None


def snowflake_in_shard(shard_id: int, shard_count: int) -> str:
    """A new unique snowflake whose guild would belong to ``shard_id`` of ``shard_count`` (a few ms ahead of now)."""
    value = int(P.snowflake())
    ms = value >> 22
    ms += (shard_id - ms) % shard_count
    return str((ms << 22) | (value & 0x3FFFFF))
