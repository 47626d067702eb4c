"""The record as the dataset's CSV rows (`movesbot export`): the SQL behind `Store.dataset_rows`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

_ALIASES = "(SELECT group_concat(alias, '; ') FROM (SELECT alias FROM {table} WHERE {key} = x.id ORDER BY alias) AS a)"
# One query per file, its columns in the file's order (bot.dataset.COLUMNS); live moves only, in recording order.
QUERIES = {
    "moves.csv": """
        SELECT m.id, p.name, fo.name, ft.name, m.from_role, tor.name, tt.name, m.to_role, m.date, m.date_basis,
               m.status, m.notes
          FROM moves m JOIN people p ON p.id = m.person_id JOIN orgs fo ON fo.id = m.from_org_id
          LEFT JOIN teams ft ON ft.id = m.from_team_id LEFT JOIN orgs tor ON tor.id = m.to_org_id
          LEFT JOIN teams tt ON tt.id = m.to_team_id
         WHERE m.retracted_at IS NULL ORDER BY m.rowid""",
    "sources.csv": """
        SELECT s.move_id, s.url, s.title, s.publisher, s.published, s.language, s.supports
          FROM moves m JOIN sources s ON s.move_id = m.id
         WHERE m.retracted_at IS NULL ORDER BY m.rowid, s.position""",
    "people.csv": f"SELECT x.name, {_ALIASES.format(table='person_aliases', key='person_id')} FROM people x"
                  " ORDER BY x.id",
    "orgs.csv": f"SELECT x.name, {_ALIASES.format(table='org_aliases', key='org_id')} FROM orgs x ORDER BY x.id",
    "teams.csv": f"SELECT o.name, x.name, {_ALIASES.format(table='team_aliases', key='team_id')}"
                 " FROM teams x JOIN orgs o ON o.id = x.org_id ORDER BY x.id",
    "roles.csv": """
        SELECT p.name, o.name, t.name, r.role, r.as_of, r.url, r.supports
          FROM roles r JOIN people p ON p.id = r.person_id JOIN orgs o ON o.id = r.org_id
          LEFT JOIN teams t ON t.id = r.team_id ORDER BY r.id""",
}


async def dataset_rows(db: Any, file: str, batch: int = 10_000) -> AsyncIterator[list[tuple]]:
    """The rows of one dataset file, `batch` at a time (a million moves are never all in memory); None for an
    empty cell (a departure without a destination has no `to_org`)."""
    async with db.execute(QUERIES[file]) as cursor:
        while rows := await cursor.fetchmany(batch):
            yield list(rows)
