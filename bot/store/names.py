"""The ids of names during a load: every org, team and person the load meets, the new ones given the next id and
their row before the first move that uses them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from bot.dataset import DatasetReader
from bot.rows import MoveRow
from bot.store import columns

if TYPE_CHECKING:
    from bot.store.loading import _Queue

class NameIds:
    """Name -> id of every org, team and person; a name the load meets for the first time gets the next id and
    its row before the first move that uses it (the load's transaction is the only writer)."""

    def __init__(self, orgs: dict[str, int], teams: dict[tuple[str, str], int], people: dict[str, int],
                 next_ids: dict[str, int], write: Callable[..., Any], lazy: bool = False):
        self.orgs, self.teams, self.people = orgs, teams, people
        self._next = next_ids
        self._write = write
        self._lazy = lazy

    @classmethod
    async def read(cls, db: Any, write: Callable[..., Any], *, lazy: bool = False) -> NameIds:
        """The names on record (`lazy`: none yet; each looked up when a row names it, for a load of a few rows);
        `write(db, table, columns, rows)` writes the new ones (the backend's bulk way)."""
        next_ids = {table: (await db.execute_fetchall(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))[0][0]
                    for table in ("orgs", "teams", "people")}
        if lazy:
            return cls({}, {}, {}, next_ids, write, lazy=True)
        orgs = {name: id_ for id_, name in await db.execute_fetchall("SELECT id, name FROM orgs")}
        teams = {(org, name): id_ for id_, org, name in await db.execute_fetchall(
            "SELECT t.id, o.name, t.name FROM teams t JOIN orgs o ON o.id = t.org_id")}
        people = {name: id_ for id_, name in await db.execute_fetchall("SELECT id, name FROM people")}
        return cls(orgs, teams, people, next_ids, write)

    async def _look_up(self, db: Any, orgs: list[str], teams: list[tuple[str, str]], people: list[str]) -> None:
        """The ids on record of these names (lazy mode)."""
        wanted = [o for o in dict.fromkeys([*orgs, *(org for org, _ in teams)]) if o not in self.orgs]
        for part in columns.chunks(wanted):
            self.orgs.update(await db.execute_fetchall(
                f"SELECT name, id FROM orgs WHERE name IN ({columns.marks(part)})", part))
        keys = {k for k in teams if k not in self.teams}
        for part in columns.chunks(list(dict.fromkeys(org for org, _ in keys))):
            for id_, org, name in await db.execute_fetchall(
                    "SELECT t.id, o.name, t.name FROM teams t JOIN orgs o ON o.id = t.org_id"
                    f" WHERE o.name IN ({columns.marks(part)})", part):
                if (org, name) in keys:
                    self.teams[org, name] = id_
        for part in columns.chunks([p for p in dict.fromkeys(people) if p not in self.people]):
            self.people.update(await db.execute_fetchall(
                f"SELECT name, id FROM people WHERE name IN ({columns.marks(part)})", part))

    async def add_dataset_names(self, db: Any, reader: DatasetReader) -> None:
        """The names of the small files (orgs, teams, people, roles), in their order."""
        orgs = [o.name for o in reader.orgs] + [t.org for t in reader.teams] + [r.org for r in reader.roles]
        teams = [(t.org, t.name) for t in reader.teams] + [(r.org, r.team) for r in reader.roles if r.team]
        people = [p.name for p in reader.people] + [r.person for r in reader.roles]
        await self._add(db, orgs, teams, people)

    async def add_role_names(self, db: Any, reader: DatasetReader) -> None:
        """The names of roles.csv (a lazy load's small files are on record already)."""
        await self._add(db, [r.org for r in reader.roles], [(r.org, r.team) for r in reader.roles if r.team],
                        [r.person for r in reader.roles])

    async def add_new(self, db: Any, chunk: Sequence[MoveRow], queue: _Queue | None = None) -> None:
        """The names of a chunk of moves that have no id yet."""
        orgs, teams, people = self.orgs, self.teams, self.people
        new_orgs = [o for m in chunk for o in (m.from_org, m.to_org) if o is not None and o not in orgs]
        new_teams = [k for m in chunk for k in ((m.from_org, m.from_team), (m.to_org, m.to_team))
                     if k[1] and k not in teams]
        new_people = [m.person for m in chunk if m.person not in people]
        if new_orgs or new_teams or new_people:
            await self._add(db, new_orgs, new_teams, new_people, queue)

    async def _add(self, db: Any, orgs: Iterable[str], teams: Iterable[tuple[str, str]], people: Iterable[str],
                   queue: _Queue | None = None) -> None:
        orgs, teams, people = list(orgs), list(teams), list(people)
        if self._lazy:
            await self._look_up(db, orgs, teams, people)
        rows: dict[str, list[tuple]] = {"orgs": [], "teams": [], "people": []}
        for name in dict.fromkeys(orgs):
            if name not in self.orgs:
                self.orgs[name] = self._take("orgs")
                rows["orgs"].append((self.orgs[name], name))
        for org, name in dict.fromkeys(teams):
            if (org, name) not in self.teams:
                self.teams[org, name] = self._take("teams")
                rows["teams"].append((self.teams[org, name], self.orgs[org], name))
        for name in dict.fromkeys(people):
            if name not in self.people:
                self.people[name] = self._take("people")
                rows["people"].append((self.people[name], name))
        for table, names in (("orgs", ("id", "name")), ("teams", ("id", "org_id", "name")),
                             ("people", ("id", "name"))):
            if rows[table]:
                write = self._write(db, table, names, rows[table])
                await (queue.put(write) if queue is not None else write)

    def _take(self, table: str) -> int:
        id_ = self._next[table]
        self._next[table] = id_ + 1
        return id_

    def move_rows(self, chunk: Sequence[MoveRow], at: str) -> list[tuple]:
        """The moves table's values for a chunk of rows (every name already has its id)."""
        orgs, teams, people = self.orgs, self.teams, self.people
        return [(move_id, people[person], orgs[from_org], teams[from_org, from_team] if from_team else None, from_role,
                 orgs[to_org] if to_org else None, teams[to_org, to_team] if to_team else None, to_role, date,
                 precision, basis, status, notes, at, at)
                for (move_id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, precision, basis,
                     status, notes, _) in chunk]
