"""The store's queries for the charts (mixed into `Store`): counts by counterpart, by month and between orgs.

Every count is of live moves (not retracted) in a window of partial ISO dates, like the answers' queries. A move
whose destination was not reported (`to_org_id` NULL) is a departure to an unknown counterpart (None).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

_SIDES = {"org": ("from_org_id", "to_org_id"), "team": ("from_team_id", "to_team_id")}


def _window(column: str, date_from: str | None, date_before: str | None) -> tuple[str, list[str]]:
    """" AND column >= ? AND column < ?" for the bounds given (partial ISO dates compare as text)."""
    sql, params = "", []
    if date_from:
        sql += f" AND {column} >= ?"
        params.append(date_from)
    if date_before:
        sql += f" AND {column} < ?"
        params.append(date_before)
    return sql, params


def _sides(kind: str) -> tuple[str, str]:
    if kind not in _SIDES:
        raise ValueError(f"charts count moves of an org or a team, not of a {kind}")
    return _SIDES[kind]


class ChartQueries:
    """Methods for `bot.charts`; `Store` provides `_db`."""

    _db: Any

    async def chart_flows(self, kind: str, id_: int, *, date_from: str | None = None,
                          date_before: str | None = None) -> list[tuple[str | None, int, int]]:
        """(counterpart org, arrivals from it, departures to it) of an org or team, most active first; the
        counterpart is None for departures whose destination was not reported."""
        out_col, in_col = _sides(kind)
        dates, params = _window("date", date_from, date_before)
        sql = f"""
        SELECT o.name, sum(joined), sum(left_) FROM (
            SELECT from_org_id AS other, 1 AS joined, 0 AS left_ FROM moves
             WHERE {in_col} = ? AND retracted_at IS NULL{dates}
            UNION ALL
            SELECT to_org_id, 0, 1 FROM moves WHERE {out_col} = ? AND retracted_at IS NULL{dates}
        ) AS flows LEFT JOIN orgs o ON o.id = other
        GROUP BY other, o.name ORDER BY sum(joined) + sum(left_) DESC, o.name IS NULL, o.name
        """
        rows = await self._db.execute_fetchall(sql, (id_, *params, id_, *params))
        return [(name, joined, left) for name, joined, left in rows]

    async def chart_months(self, kind: str, id_: int, *, date_from: str | None = None,
                           date_before: str | None = None) -> list[tuple[str, int, int]]:
        """(month "YYYY-MM", arrivals, departures) of an org or team in date order; moves dated only to the year
        come under their year ("YYYY"), for the caller to report rather than place in a month."""
        out_col, in_col = _sides(kind)
        dates, params = _window("date", date_from, date_before)
        sql = f"""
        SELECT substr(date, 1, 7) AS month, sum(joined), sum(left_) FROM (
            SELECT date, 1 AS joined, 0 AS left_ FROM moves WHERE {in_col} = ? AND retracted_at IS NULL{dates}
            UNION ALL
            SELECT date, 0, 1 FROM moves WHERE {out_col} = ? AND retracted_at IS NULL{dates}
        ) AS flows GROUP BY month ORDER BY month
        """
        rows = await self._db.execute_fetchall(sql, (id_, *params, id_, *params))
        return [(month, joined, left) for month, joined, left in rows]

    async def chart_pairs(self, orgs: Sequence[str], *, date_from: str | None = None,
                          date_before: str | None = None) -> list[tuple[str, str, int]]:
        """(from org, to org, moves) for every ordered pair of the named orgs with at least one move."""
        if not orgs:
            return []
        dates, params = _window("m.date", date_from, date_before)
        marks = ",".join("?" * len(orgs))
        sql = f"""
        SELECT fo.name, tor.name, count(*) FROM orgs fo
          JOIN moves m ON m.from_org_id = fo.id
          JOIN orgs tor ON tor.id = m.to_org_id
         WHERE fo.name IN ({marks}) AND tor.name IN ({marks}) AND m.retracted_at IS NULL{dates}
         GROUP BY fo.name, tor.name
        """
        rows = await self._db.execute_fetchall(sql, (*orgs, *orgs, *params))
        return [(src, dst, n) for src, dst, n in rows]

    async def latest_move_date(self) -> str | None:
        """The date of the latest live move: how current the record is (a chart's caption)."""
        rows = await self._db.execute_fetchall("SELECT max(date) FROM moves WHERE retracted_at IS NULL")
        return rows[0][0] if rows else None
