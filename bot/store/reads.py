"""Reading the record: moves, names, flows, roles, metadata and the event log (mixed into `Store`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.records import Flow, MoveRecord, NameEntry, RoleRecord, SourceRecord
from bot.store.columns import MOVE_SELECT, NAME_ENTRIES, chunks, dates, marks
from bot.store.export import dataset_rows as export_rows


class MoveReads:
    """Queries over the record; `Store` provides `_db` and `_transaction`."""

    _db: Any
    _transaction: Callable[..., AbstractAsyncContextManager[Any]]

    async def name_entries_for(self, move_ids: Sequence[str]) -> list[NameEntry]:
        """The spellings behind some moves (to add the names of new moves to a running index)."""
        out: list[NameEntry] = []
        for chunk in chunks(list(move_ids)):
            ids = marks(chunk)
            sql = f"""
            SELECT 'person', p.id, p.name, p.name, NULL FROM moves m JOIN people p ON p.id = m.person_id
             WHERE m.id IN ({ids})
            UNION SELECT 'org', o.id, o.name, o.name, NULL FROM moves m JOIN orgs o
             ON o.id IN (m.from_org_id, m.to_org_id) WHERE m.id IN ({ids})
            UNION SELECT 'team', t.id, t.name, t.name, o.name FROM moves m JOIN teams t
             ON t.id IN (m.from_team_id, m.to_team_id) JOIN orgs o ON o.id = t.org_id WHERE m.id IN ({ids})
            """
            out.extend(NameEntry(*row) for row in await self._db.execute_fetchall(sql, chunk * 3))
        return out

    # -- reading ------------------------------------------------------------------------------------------

    async def info(self) -> dict[str, Any]:
        """Counts and dates for `/about` and the console banner."""
        one = "SELECT (SELECT count(*) FROM moves WHERE retracted_at IS NULL), (SELECT count(*) FROM people)," \
              " (SELECT count(*) FROM orgs), (SELECT count(*) FROM sources), (SELECT max(date) FROM moves" \
              " WHERE retracted_at IS NULL)"
        moves, people, orgs, sources, latest = (await self._db.execute_fetchall(one))[0]
        meta = dict(await self._db.execute_fetchall("SELECT key, value FROM meta"))
        return {"moves": moves, "people": people, "orgs": orgs, "sources": sources, "latest_move": latest,
                "loaded_at": meta.get("dataset_loaded_at")}

    async def is_loaded(self) -> bool:
        rows = await self._db.execute_fetchall("SELECT 1 FROM meta WHERE key = 'dataset_loaded_at'")
        return bool(rows)

    async def name_entries(self) -> list[NameEntry]:
        """Every searchable spelling of every person, org and team (for the one search index)."""
        return [NameEntry(*row) for row in await self._db.execute_fetchall(NAME_ENTRIES)]

    async def name_entry_rows(self, batch: int = 20_000) -> AsyncIterator[list[tuple[str, int, str, str, str | None]]]:
        """The same as `name_entries`, as (kind, id, name, spelling, org) tuples a batch at a time: a million
        people go into the search index without a million objects in between."""
        async with self._db.execute(NAME_ENTRIES) as cursor:
            while rows := await cursor.fetchmany(batch):
                yield rows

    async def moves(self, *, person_id: int | None = None, from_org_id: int | None = None,
                    from_team_id: int | None = None, to_org_id: int | None = None, to_team_id: int | None = None,
                    date_from: str | None = None, date_before: str | None = None, newest_first: bool = False,
                    limit: int = 50, offset: int = 0, status: str | None = None, not_to_org_id: int | None = None,
                    returns: bool = False, no_destination: bool = False) -> tuple[list[MoveRecord], int]:
        """Moves matching every filter given, in date order, and how many match in all. `not_to_org_id`: a known
        destination other than that org; `returns`: moves back to an org the person had left before."""
        where, params = ["m.retracted_at IS NULL"], []
        for column, value in (("m.person_id", person_id), ("m.from_org_id", from_org_id),
                              ("m.from_team_id", from_team_id), ("m.to_org_id", to_org_id),
                              ("m.to_team_id", to_team_id), ("m.status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if no_destination:  # departures whose destination is not reported (the to_org index's NULL range)
            where.append("m.to_org_id IS NULL")
        if not_to_org_id is not None:
            where.append("m.to_org_id IS NOT NULL AND m.to_org_id != ?")
            params.append(not_to_org_id)
        if returns:  # through the person's own moves (their index): an earlier departure from the destination
            where.append("EXISTS (SELECT 1 FROM moves e WHERE e.person_id = m.person_id AND e.from_org_id = m.to_org_id"
                         " AND e.date < m.date AND e.retracted_at IS NULL)")
        span, date_params = dates("m.date", date_from, date_before)
        params.extend(date_params)
        clause = " AND ".join(where) + span
        order = "DESC" if newest_first else "ASC"
        # LIMIT and OFFSET written in, not parameters: PostgreSQL can then plan the statement once (a generic plan
        # cannot be costed without the limit, and planning this join was most of an answer's time there)
        rows = await self._db.execute_fetchall(
            f"{MOVE_SELECT} WHERE {clause} ORDER BY m.date {order}, m.id {order}"
            f" LIMIT {int(limit)} OFFSET {int(offset)}", params)
        if len(rows) < limit and offset == 0:
            total = len(rows)
        else:
            total = (await self._db.execute_fetchall(f"SELECT count(*) FROM moves m WHERE {clause}", params))[0][0]
        return await self._with_sources(rows), total

    async def move(self, move_id: str) -> MoveRecord | None:
        rows = await self._db.execute_fetchall(f"{MOVE_SELECT} WHERE m.id = ?", (move_id,))
        found = await self._with_sources(rows)
        return found[0] if found else None

    async def _with_sources(self, rows: Sequence[Sequence[Any]]) -> list[MoveRecord]:
        ids = [row[0] for row in rows]
        by_move: dict[str, list[SourceRecord]] = {}
        for chunk in chunks(ids):
            for mid, url, title, publisher, published, language in await self._db.execute_fetchall(
                    "SELECT move_id, url, title, publisher, published, language FROM sources"
                    f" WHERE move_id IN ({marks(chunk)}) ORDER BY move_id, position", chunk):
                by_move.setdefault(mid, []).append(SourceRecord(url, title, publisher, published, language))
        return [MoveRecord(*row, sources=tuple(by_move.get(row[0], ()))) for row in rows]

    async def org_flows(self, org_id: int, *, date_from: str | None = None,
                        date_before: str | None = None) -> list[Flow]:
        """People in and out of an org, by counterpart org (most active first); departures whose destination is
        not reported count as outflows to the counterpart None ("unknown")."""
        span, params = dates("date", date_from, date_before)
        sql = f"""
        SELECT o.name, sum(joined), sum(left_) FROM (
            SELECT from_org_id AS other, 1 AS joined, 0 AS left_ FROM moves
             WHERE to_org_id = ? AND retracted_at IS NULL{span}
            UNION ALL
            SELECT to_org_id, 0, 1 FROM moves WHERE from_org_id = ? AND retracted_at IS NULL{span}
        ) AS flows LEFT JOIN orgs o ON o.id = other GROUP BY o.name ORDER BY sum(joined) + sum(left_) DESC, o.name
        """
        rows = await self._db.execute_fetchall(sql, (org_id, *params, org_id, *params))
        return [Flow(name, joined, left) for name, joined, left in rows]

    async def org_totals(self, *, date_from: str | None = None, date_before: str | None = None) -> list[Flow]:
        """Every org's arrivals and departures (the talent war's table; `counterpart` is the org itself), counted
        from the org indexes alone (covering: no row is read) less the few retracted moves (their own index)."""
        span, params = dates("date", date_from, date_before)
        sql = f"""
        WITH gone AS MATERIALIZED (SELECT to_org_id, from_org_id FROM moves WHERE retracted_at IS NOT NULL{span}),
             came AS (SELECT to_org_id AS org, count(*) AS n FROM moves WHERE TRUE{span} GROUP BY to_org_id),
             went AS (SELECT from_org_id AS org, count(*) AS n FROM moves WHERE TRUE{span} GROUP BY from_org_id),
             came_back AS (SELECT to_org_id AS org, count(*) AS n FROM gone GROUP BY to_org_id),
             went_back AS (SELECT from_org_id AS org, count(*) AS n FROM gone GROUP BY from_org_id)
        SELECT o.name, coalesce(came.n, 0) - coalesce(came_back.n, 0), coalesce(went.n, 0) - coalesce(went_back.n, 0)
          FROM orgs o LEFT JOIN came ON came.org = o.id LEFT JOIN went ON went.org = o.id
          LEFT JOIN came_back ON came_back.org = o.id LEFT JOIN went_back ON went_back.org = o.id
         WHERE coalesce(came.n, 0) - coalesce(came_back.n, 0) > 0 OR coalesce(went.n, 0) - coalesce(went_back.n, 0) > 0
        """
        rows = await self._db.execute_fetchall(sql, params * 3)
        return [Flow(name, joined, left) for name, joined, left in rows]

    async def team_short_names(self) -> dict[tuple[str, str], str]:
        """(org, team) -> its short form, for compact lines ("AFM", "MSL"): the shortest alias written as an
        acronym (capitals, at most six characters)."""
        rows = await self._db.execute_fetchall(
            "SELECT o.name, t.name, a.alias FROM team_aliases a JOIN teams t ON t.id = a.team_id"
            " JOIN orgs o ON o.id = t.org_id")
        out: dict[tuple[str, str], str] = {}
        for org, team, alias in rows:
            if len(alias) <= 6 and alias.isupper() and len(alias) < len(team) and (
                    (org, team) not in out or len(alias) < len(out[org, team])):
                out[org, team] = alias
        return out

    async def names_of(self, kind: str, id_: int) -> list[str]:
        """An org's or a team's name and its aliases (through the aliases' keys: no scan)."""
        if kind == "org":
            sql = "SELECT name FROM orgs WHERE id = ?1 UNION ALL SELECT alias FROM org_aliases WHERE org_id = ?1"
        elif kind == "team":
            sql = "SELECT name FROM teams WHERE id = ?1 UNION ALL SELECT alias FROM team_aliases WHERE team_id = ?1"
        else:
            raise ValueError(f"no aliases for a {kind}")
        return [row[0] for row in await self._db.execute_fetchall(sql, (id_,))]

    async def roles(self, *, org_id: int | None = None, team_id: int | None = None,
                    person_id: int | None = None) -> list[RoleRecord]:
        """Role holdings matching the filters, latest first."""
        where, params = [], []
        for column, value in (("r.org_id", org_id), ("r.team_id", team_id), ("r.person_id", person_id)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        clause = " AND ".join(where) or "TRUE"
        rows = await self._db.execute_fetchall(
            "SELECT p.name, o.name, t.name, r.role, r.as_of, r.as_of_precision, r.url FROM roles r"
            " JOIN people p ON p.id = r.person_id JOIN orgs o ON o.id = r.org_id"
            f" LEFT JOIN teams t ON t.id = r.team_id WHERE {clause}"
            " ORDER BY coalesce(r.as_of, '') DESC, p.name", params)
        return [RoleRecord(*row) for row in rows]

    async def dataset_rows(self, file: str) -> AsyncIterator[list[tuple]]:
        """The record as rows of the dataset file `file` (`bot.dataset.COLUMNS` order), a batch at a time."""
        async for rows in export_rows(self._db, file):
            yield rows

    async def get_meta(self, key: str) -> str | None:
        rows = await self._db.execute_fetchall("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_meta(self, key: str, value: str) -> None:
        async with self._transaction() as db:
            await db.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value=excluded.value",
                             (key, value))

    async def last_event_seq(self) -> int:
        rows = await self._db.execute_fetchall("SELECT coalesce(max(seq), 0) FROM move_events")
        return rows[0][0]

    async def events_since(self, seq: int, limit: int = 1000) -> list[tuple[int, str, str, str, bool]]:
        """Logged changes after `seq`: (seq, move_id, kind, origin, news)."""
        rows = await self._db.execute_fetchall(
            "SELECT seq, move_id, kind, origin, news FROM move_events WHERE seq > ? ORDER BY seq LIMIT ?",
            (seq, limit))
        return [(s, m, k, o, bool(n)) for s, m, k, o, n in rows]

