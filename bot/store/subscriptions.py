"""Writing one subscription row: its filter and options, and its cadence (instant alerts, or daily and weekly
digests whose windows `WINDOW_START` places). Shared by the alert and digest tables."""

from __future__ import annotations

from typing import Any

from bot.config import is_snowflake
from bot.records import Cadence

# Where a digest subscription's next window starts: where its last one ended, or when its digests began.
_LAST_END = ("coalesce((SELECT max(d.window_end) FROM digests d WHERE d.subscription_id = s.id"
             " AND d.kind = 'digest'), '')")
WINDOW_START = f"CASE WHEN {_LAST_END} > s.cadence_since THEN {_LAST_END} ELSE s.cadence_since END"


async def _upsert_subscription(db: Any, at: str, *, guild_id: int, channel_id: int,
                               target_kind: str, target_id: int | None, target_name: str, target_org: str | None,
                               direction: str, mention_role_id: int | None, corrections: bool, locale: str,
                               created_by: int | None = None, cadence: Cadence | None = None) -> tuple[int, bool]:
    """Insert a subscription or update the one with the same channel and filter; (id, created)."""
    for name, value in (("guild_id", guild_id), ("channel_id", channel_id), ("mention_role_id", mention_role_id)):
        if value is not None and not is_snowflake(value):
            raise ValueError(f"{name} {value!r} is not a Discord id")
    if mention_role_id is not None and mention_role_id == guild_id:
        raise ValueError("the @everyone role cannot be a mention role: it would ping the whole server")
    rows = await db.execute_fetchall(
        "SELECT id FROM subscriptions WHERE channel_id = ? AND target_kind = ? AND target_id IS ?"
        " AND direction = ?", (channel_id, target_kind, target_id, direction))
    if rows:
        await db.execute(
            "UPDATE subscriptions SET mention_role_id = ?, corrections = ?, locale = ?, state = 'active',"
            " paused_reason = NULL, paused_at = NULL WHERE id = ?",
            (mention_role_id, int(corrections), locale, rows[0][0]))
        if cadence is not None:
            await apply_cadence(db, rows[0][0], cadence, at)
        return rows[0][0], False
    rows = await db.execute_fetchall(
        "INSERT INTO subscriptions (guild_id, channel_id, target_kind, target_id, target_name, target_org,"
        " direction, mention_role_id, corrections, locale, created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
        " RETURNING id", (guild_id, channel_id, target_kind, target_id, target_name, target_org, direction,
                          mention_role_id, int(corrections), locale, created_by, at))
    if cadence is not None:
        await apply_cadence(db, rows[0][0], cadence, at)
    return rows[0][0], True


async def apply_cadence(db: Any, sub_id: int, cadence: Cadence, at: str) -> None:
    """Set a subscription's cadence (checked by `bot.digests.parse_cadence`). Digests begin now; one digest
    cadence for another keeps the open window's start; back to instant alerts, what the open window holds goes
    out as a last digest, so no move recorded meanwhile is lost (per-move alerts were not queued for it)."""
    if cadence.kind == "instant":
        await db.execute(
            "INSERT OR IGNORE INTO digests (subscription_id, channel_id, window_start, window_end, created_at)"
            f" SELECT s.id, s.channel_id, {WINDOW_START}, ?1, ?1 FROM subscriptions s"
            f" WHERE s.id = ?2 AND s.cadence != 'instant' AND {WINDOW_START} < ?1", (at, sub_id))
    await db.execute(
        "UPDATE subscriptions SET digest_hour = ?, digest_weekday = ?, timezone = ?,"
        " cadence_since = CASE WHEN ?4 = 'instant' THEN NULL WHEN cadence = 'instant' THEN ?5 ELSE cadence_since END,"
        " cadence = ?4 WHERE id = ?6", (cadence.hour, cadence.weekday, cadence.timezone, cadence.kind, at, sub_id))
