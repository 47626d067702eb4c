"""Checks across the names of `people.csv`, `orgs.csv` and `teams.csv`: every spelling means one thing.

A spelling (a name or an alias, compared folded: case, accents and punctuation aside) that two people, two orgs
or two teams of one org share would have the loader store one's moves under the other, silently; an alias that
is another kind's spelling (a person aliased "Meta") would answer "who joined Meta?" with that person. Both are
refused, each error naming the two rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.models import Org, Person, Team
from bot.text import fold

# (file, line, message, field) of one problem; the reader turns it into a DatasetError
Problem = tuple[str, int, str, str]
_WHAT = {"people.csv": "person", "orgs.csv": "org", "teams.csv": "team"}


def _spellings(file: str, line: int, name: str, aliases: Iterable[str]) -> Iterable[tuple[str, str, str, int, str]]:
    """(key, spelling, field, line, owner) of an entity's name and aliases."""
    yield fold(name), name, "name", line, name
    for alias in aliases:
        yield fold(alias), alias, "aliases", line, name


def name_collisions(people: Sequence[tuple[int, Person]], orgs: Sequence[tuple[int, Org]],
                    teams: Sequence[tuple[int, Team]]) -> list[Problem]:
    """Every spelling shared by two entities of a kind (teams: of one org), and every alias that is a spelling of
    an entity of another kind, as problems on the later row."""
    problems: list[Problem] = []
    kinds: dict[str, list[tuple[str, str, str, int, str]]] = {
        "people.csv": [s for line, p in people for s in _spellings("people.csv", line, p.name, p.aliases)],
        "orgs.csv": [s for line, o in orgs for s in _spellings("orgs.csv", line, o.name, o.aliases)],
        "teams.csv": [(f"{fold(t.org)}\0{key}", sp, fld, line, owner) for line, t in teams
                      for key, sp, fld, line, owner in _spellings("teams.csv", line, t.name, t.aliases)],
    }
    for file, spellings in kinds.items():
        seen: dict[str, tuple[str, str, int, str]] = {}
        for key, spelling, fld, line, owner in spellings:
            first = seen.setdefault(key, (spelling, fld, line, owner))
            if first[2] != line and key:
                what = "the name" if first[1] == "name" else "an alias"
                problems.append((file, line, f"'{spelling}' is already {what} of {_WHAT[file]} '{first[3]}' "
                                             f"({file} row {first[2]}): a spelling must belong to one "
                                             f"{_WHAT[file]}", fld))
    problems.extend(_across_kinds(kinds))
    return problems


def _across_kinds(kinds: dict[str, list[tuple[str, str, str, int, str]]]) -> list[Problem]:
    """Aliases equal to a spelling of another kind of entity (a person aliased like an org, a team like a person)."""
    problems: list[Problem] = []
    owners: dict[str, tuple[str, str, int, str]] = {}
    for file, spellings in kinds.items():
        for key, _, fld, line, owner in spellings:
            owners.setdefault(key.rsplit("\0", 1)[-1], (file, fld, line, owner))
    for file, spellings in kinds.items():
        for key, spelling, fld, line, _ in spellings:
            other = owners.get(key.rsplit("\0", 1)[-1])
            if other is None or other[0] == file or (fld == "name" and other[1] == "name"):
                continue
            problems.append((file, line, f"'{spelling}' is also a spelling of {_WHAT[other[0]]} '{other[3]}' "
                                         f"({other[0]} row {other[2]}): a question naming it could not tell them "
                                         "apart", fld))
    return problems
