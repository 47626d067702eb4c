"""The floor of a load: the `sqlite3` command-line tool building movesbot's tables and indexes from the same CSV
files with SQL alone (`.import` into staging tables, `INSERT ... SELECT` resolving names to ids, then the moves'
indexes), in one transaction, from an empty database movesbot migrated (made before the clock starts). No check of
any value: what the same tables cost when nothing is validated, and no Python runs.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

# Names are given ids in the order a load meets them (orgs.csv, teams.csv, people.csv, then the moves).
_SCRIPT = """
.bail on
PRAGMA cache_size = -262144;
PRAGMA journal_mode = DELETE;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
.import --csv --schema temp '{data}/orgs.csv' s_orgs
.import --csv --schema temp '{data}/teams.csv' s_teams
.import --csv --schema temp '{data}/people.csv' s_people
.import --csv --schema temp '{data}/moves.csv' s_moves
.import --csv --schema temp '{data}/sources.csv' s_sources
{drop_indexes}
INSERT OR IGNORE INTO orgs (name) SELECT name FROM s_orgs;
INSERT OR IGNORE INTO orgs (name) SELECT org FROM s_teams;
INSERT OR IGNORE INTO teams (org_id, name) SELECT o.id, t.name FROM s_teams t JOIN orgs o ON o.name = t.org;
INSERT OR IGNORE INTO people (name) SELECT name FROM s_people;
INSERT OR IGNORE INTO orgs (name) SELECT from_org FROM s_moves;
INSERT OR IGNORE INTO orgs (name) SELECT to_org FROM s_moves WHERE to_org <> '';
INSERT OR IGNORE INTO teams (org_id, name)
  SELECT o.id, m.from_team FROM s_moves m JOIN orgs o ON o.name = m.from_org WHERE m.from_team <> '';
INSERT OR IGNORE INTO teams (org_id, name)
  SELECT o.id, m.to_team FROM s_moves m JOIN orgs o ON o.name = m.to_org WHERE m.to_team <> '';
INSERT OR IGNORE INTO people (name) SELECT person FROM s_moves;
WITH RECURSIVE split(name, alias, rest) AS (
    SELECT name, '', aliases || ';' FROM s_people
    UNION ALL
    SELECT name, trim(substr(rest, 1, instr(rest, ';') - 1)), substr(rest, instr(rest, ';') + 1)
      FROM split WHERE rest <> '')
INSERT OR IGNORE INTO person_aliases SELECT p.id, s.alias FROM split s JOIN people p ON p.name = s.name
 WHERE s.alias <> '';
INSERT INTO moves (id, person_id, from_org_id, from_team_id, from_role, to_org_id, to_team_id, to_role, date,
                   date_precision, date_basis, status, notes, origin, recorded_at, updated_at)
SELECT m.id, p.id, fo.id, ft.id, nullif(m.from_role, ''), tor.id, tt.id, nullif(m.to_role, ''), m.date,
       CASE length(m.date) WHEN 4 THEN 'year' WHEN 7 THEN 'month' ELSE 'day' END, nullif(m.date_basis, ''),
       coalesce(nullif(m.status, ''), 'reported'), nullif(m.notes, ''), 'dataset', '{at}', '{at}'
  FROM s_moves m
  JOIN people p ON p.name = m.person
  JOIN orgs fo ON fo.name = m.from_org
  LEFT JOIN teams ft ON ft.org_id = fo.id AND ft.name = m.from_team
  LEFT JOIN orgs tor ON tor.name = m.to_org
  LEFT JOIN teams tt ON tt.org_id = tor.id AND tt.name = m.to_team
 ORDER BY m.rowid;
INSERT INTO sources (move_id, position, url, title, publisher, published, language, supports)
SELECT move_id, row_number() OVER (PARTITION BY move_id ORDER BY rowid) - 1, url, nullif(title, ''),
       nullif(publisher, ''), nullif(published, ''), nullif(language, ''), nullif(supports, '')
  FROM s_sources;
{create_indexes}
INSERT INTO move_events (move_id, kind, origin, news, at) SELECT id, 'added', 'dataset', 0, '{at}' FROM moves
 ORDER BY rowid;
INSERT INTO meta VALUES ('dataset_loaded_at', '{at}');
COMMIT;
"""


def empty_database(target: Path, template: Path) -> Path:
    """A copy of `template`: an empty database with movesbot's schema (made once by `movesbot`, untimed)."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def floor_script(data: Path, template: Path) -> str:
    """The floor's script for the dataset folder `data`, over a database shaped like `template`."""
    with sqlite3.connect(template) as con:
        indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'moves'"
                              " AND sql IS NOT NULL ORDER BY name").fetchall()
    return _SCRIPT.format(data=data, at="2026-01-01T00:00:00+00:00",
                          drop_indexes="\n".join(f'DROP INDEX "{name}";' for name, _ in indexes),
                          create_indexes="\n".join(f"{sql};" for _, sql in indexes))
