"""Subscriptions as JSON (`movesbot subscriptions export|import`): every entry of an import is checked as the
slash commands check theirs (Discord ids, kinds, directions, true/false, no mention role that pings everyone)
before any is written, so an import applies whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.config import is_snowflake
from bot.digests import BadCadence, parse_cadence
from bot.records import Cadence

KINDS = ("all", "org", "team", "person")
DIRECTIONS = ("left", "joined", "both")
LOCALES = ("en", "fr")
STATES = ("active", "paused")
FIELDS = ("guild_id", "channel_id", "target_kind", "target_name", "target_org", "direction", "mention_role_id",
          "corrections", "locale", "state", "paused_reason", "cadence", "hour", "weekday", "timezone")
CADENCE_FIELDS = ("cadence", "hour", "weekday", "timezone")


@dataclass(frozen=True)
class SubscriptionEntry:
    """One checked entry of an import; targets are by name (ids differ between databases)."""

    guild_id: int
    channel_id: int
    target_kind: str
    target_name: str
    target_org: str | None
    direction: str
    mention_role_id: int | None
    corrections: bool
    locale: str
    state: str
    paused_reason: str | None
    cadence: Cadence | None = None  # None: the file says nothing of it (an older export): left as it is


def everyone_refusal(role_id: int, guild_id: int) -> str | None:
    """Why a role cannot be a mention role, or None: a guild's @everyone role has the guild's id, and mentioning
    it pings the whole server."""
    if role_id == guild_id:
        return "is the @everyone role: mentioning it would ping the whole server"
    return None


def _snowflake(value: Any) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    return value if is_snowflake(value) else None


def _one(item: Any) -> tuple[SubscriptionEntry | None, list[str]]:
    if not isinstance(item, dict):
        return None, ["must be a JSON object"]
    problems = []
    unknown = [k for k in item if k not in FIELDS]
    if unknown:
        problems.append(f"unknown field(s) {', '.join(map(str, unknown))}")
    ids = {name: _snowflake(item.get(name)) for name in ("guild_id", "channel_id")}
    problems += [f"{name}: must be a Discord id (a positive integer), not {item.get(name)!r}"
                 for name, value in ids.items() if value is None]
    role = item.get("mention_role_id")
    role_id = None if role is None else _snowflake(role)
    if role is not None and role_id is None:
        problems.append(f"mention_role_id: must be a Discord id (a positive integer) or null, not {role!r}")
    elif role_id is not None and ids["guild_id"] is not None and (why := everyone_refusal(role_id, ids["guild_id"])):
        problems.append(f"mention_role_id: {why}")
    kind = item.get("target_kind")
    choices = {"target_kind": (kind, KINDS), "direction": (item.get("direction", "both"), DIRECTIONS),
               "locale": (item.get("locale", "en"), LOCALES), "state": (item.get("state", "active"), STATES)}
    problems += [f"{name}: must be one of {', '.join(allowed)}, not {value!r}"
                 for name, (value, allowed) in choices.items() if value not in allowed]
    if kind in ("all", "person") and item.get("direction", "both") != "both":
        problems.append(f"direction: a {kind} subscription is always 'both'")
    name, org = item.get("target_name"), item.get("target_org")
    if kind != "all" and (not isinstance(name, str) or not name.strip()):
        problems.append("target_name: must be the target's name")
    if (org is not None and not isinstance(org, str)) or (kind == "team" and not org):
        problems.append("target_org: must be the team's org" if kind == "team" else "target_org: must be text")
    corrections = item.get("corrections", False)
    if not isinstance(corrections, bool):
        problems.append(f"corrections: must be true or false, not {corrections!r}")
    reason = item.get("paused_reason")
    if reason is not None and not isinstance(reason, str):
        problems.append("paused_reason: must be text or null")
    cadence, why = _cadence(item)
    problems += why
    if problems:
        return None, problems
    return SubscriptionEntry(ids["guild_id"], ids["channel_id"], kind, name.strip() if kind != "all" else "everything",
                             org, choices["direction"][0], role_id, corrections, choices["locale"][0],
                             choices["state"][0], reason, cadence), []


def _cadence(item: dict) -> tuple[Cadence | None, list[str]]:
    """The entry's cadence, checked as /subscribe checks it (an hour 0-23, an IANA time zone, a weekday)."""
    if not any(k in item for k in CADENCE_FIELDS):
        return None, []
    hour, weekday, zone = item.get("hour"), item.get("weekday"), item.get("timezone")
    if hour is not None and (isinstance(hour, bool) or not isinstance(hour, int)):
        return None, [f"hour: must be a whole number from 0 to 23, not {hour!r}"]
    if zone is not None and not isinstance(zone, str):
        return None, [f"timezone: must be an IANA time zone name, not {zone!r}"]
    if item.get("cadence") is not None and not isinstance(item["cadence"], str):
        return None, [f"cadence: must be instant, daily or weekly, not {item['cadence']!r}"]
    try:
        return parse_cadence(item.get("cadence"), hour, zone, weekday), []
    except BadCadence as exc:
        return None, [f"{exc.key.removeprefix('cadence_bad_').replace('kind', 'cadence')}: {exc}"]


def parse_entries(items: Any) -> tuple[list[SubscriptionEntry], list[str]]:
    """The checked entries of an export, and a line per problem ("entry 3: corrections: must be true or false")."""
    if not isinstance(items, list):
        return [], ["the file must hold a JSON list of subscriptions"]
    entries, errors = [], []
    for n, item in enumerate(items, 1):
        entry, problems = _one(item)
        errors += [f"entry {n}: {p}" for p in problems]
        if entry is not None:
            entries.append(entry)
    return entries, errors
