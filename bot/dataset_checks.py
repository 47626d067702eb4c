"""Checks across the names of `people.csv`, `orgs.csv` and `teams.csv`: every spelling means one thing.

A spelling (a name or an alias, compared folded: case, accents and punctuation aside) that two people, two orgs
or two teams of one org share would have the loader store one's moves under the other, silently; an alias that
is another kind's spelling (a person aliased "Meta") would answer "who joined Meta?" with that person. Both are
refused, each error naming the two rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.models import Org, Person, Team
from bot.text import fold

Problem = tuple[str, int, str, str]
"""(file, line, message, field) of one problem; the reader makes a DatasetError of it."""
Owner = tuple[str, int, str]
"""(field, line, owner's name) of the first entity holding a spelling."""
_WHAT = {"people.csv": "person", "orgs.csv": "org", "teams.csv": "team"}


def _spellings(rows: Sequence[tuple[int, Person | Org | Team]]) -> Iterator[tuple[str, str, str, int, str, str]]:
    """(key, plain key, spelling, field, line, owner) of each name and alias; a team's key holds its org (two
    orgs may each have a "Research" team)."""
    for line, entity in rows:
        scope = f"{fold(entity.org)}\0" if isinstance(entity, Team) else ""
        for spelling, fld in ((entity.name, "name"), *((a, "aliases") for a in entity.aliases)):
            plain = fold(spelling)
            yield scope + plain, plain, spelling, fld, line, entity.name


def name_collisions(people: Sequence[tuple[int, Person]], orgs: Sequence[tuple[int, Org]],
                    teams: Sequence[tuple[int, Team]]) -> list[Problem]:
    """Every spelling shared by two entities of a kind (teams: of one org), and every alias that is a spelling of
    an entity of another kind, as problems on the later row. One dict per kind, keyed by folded spelling (a
    million people are checked in one pass)."""
    problems: list[Problem] = []
    kinds = {"people.csv": people, "orgs.csv": orgs, "teams.csv": teams}
    by_kind: dict[str, dict[str, Owner]] = {}
    for file, rows in kinds.items():
        seen: dict[str, Owner] = {}
        plain_seen: dict[str, Owner] = {}
        for key, plain, spelling, fld, line, owner in _spellings(rows):
            first = seen.setdefault(key, (fld, line, owner))
            if first[1] != line and key:
                what = "the name" if first[0] == "name" else "an alias"
                problems.append((file, line, f"'{spelling}' is already {what} of {_WHAT[file]} '{first[2]}' "
                                             f"({file} row {first[1]}): a spelling must belong to one "
                                             f"{_WHAT[file]}", fld))
            if file == "teams.csv":
                plain_seen.setdefault(plain, (fld, line, owner))
        by_kind[file] = plain_seen if file == "teams.csv" else seen
    for file, rows in kinds.items():
        others = [(other, by_kind[other]) for other in kinds if other != file]
        for _, plain, spelling, fld, line, _ in _spellings(rows):
            if fld != "aliases":
                continue
            for other, owners in others:
                found = owners.get(plain)
                if found is not None:
                    problems.append((file, line, f"'{spelling}' is also a spelling of {_WHAT[other]} '{found[2]}' "
                                                 f"({other} row {found[1]}): a question naming it could not tell "
                                                 "them apart", fld))
                    break
    return problems
