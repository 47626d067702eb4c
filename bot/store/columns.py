"""The moves' columns and the statements built from them, defined once for both backends, and small SQL helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

# What a move says (everything but its id and its bookkeeping), in the order of `Move`'s fields.
MOVE_CONTENT = ("person_id", "from_org_id", "from_team_id", "from_role", "to_org_id", "to_team_id", "to_role",
                "date", "date_precision", "date_basis", "status", "notes")
# A move row as the load and the recording paths write it: (id, content..., recorded_at, updated_at).
MOVE_ROW = ("id", *MOVE_CONTENT, "recorded_at", "updated_at")
SOURCE_COLUMNS = ("move_id", "position", "url", "title", "publisher", "published", "language", "supports")

MOVE_SELECT = """
SELECT m.id, p.name, fo.name, ft.name, m.from_role, tor.name, tt.name, m.to_role,
       m.date, m.date_precision, m.date_basis, m.status, m.notes
FROM moves m
JOIN people p ON p.id = m.person_id
JOIN orgs fo ON fo.id = m.from_org_id
LEFT JOIN teams ft ON ft.id = m.from_team_id
LEFT JOIN orgs tor ON tor.id = m.to_org_id
LEFT JOIN teams tt ON tt.id = m.to_team_id
"""
NAME_ENTRIES = """
SELECT 'person', id, name, name, NULL FROM people
UNION ALL SELECT 'person', p.id, p.name, a.alias, NULL FROM person_aliases a JOIN people p ON p.id = a.person_id
UNION ALL SELECT 'org', id, name, name, NULL FROM orgs
UNION ALL SELECT 'org', o.id, o.name, a.alias, NULL FROM org_aliases a JOIN orgs o ON o.id = a.org_id
UNION ALL SELECT 'team', t.id, t.name, t.name, o.name FROM teams t JOIN orgs o ON o.id = t.org_id
UNION ALL SELECT 'team', t.id, t.name, a.alias, o.name FROM team_aliases a
    JOIN teams t ON t.id = a.team_id JOIN orgs o ON o.id = t.org_id
"""
CHUNK = 500  # ids per IN (...) list, well under either backend's parameter limit


def insert_sql(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks(columns)})"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def dates(column: str, date_from: str | None, date_before: str | None) -> tuple[str, list[str]]:
    """" AND column >= ? AND column < ?" for the bounds given (partial ISO dates compare as text), and their values."""
    sql, params = "", []
    if date_from:
        sql += f" AND {column} >= ?"
        params.append(date_from)
    if date_before:  # the whole of a partial date must come before: "2025" is not before July 2025 ("2025~" sorts
        sql += f" AND {column} < ? AND {column} || '~' < ?"  # after "2025-07"); the first test keeps the index
        params.extend((date_before, date_before))
    return sql, params


def chunks(items: Sequence[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(items), CHUNK):
        yield list(items[i:i + CHUNK])


def marks(chunk: Sequence[Any]) -> str:
    return ",".join("?" * len(chunk))


INSERT_MOVE = insert_sql("moves", (*MOVE_ROW, "origin"))
INSERT_SOURCE = insert_sql("sources", SOURCE_COLUMNS)
UPDATE_MOVE = f"UPDATE moves SET {', '.join(f'{c}=?' for c in MOVE_CONTENT)}, updated_at=? WHERE id = ?"
