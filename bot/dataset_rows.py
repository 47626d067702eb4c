"""One dataset row at a time, as the model takes it: names through the aliases (a likely typo of a known org or
team refused), a moves.csv or roles.csv row through the model, and every problem as a `DatasetError` that names
its file, row and field. `DatasetReader` (bot/dataset.py) streams the files through these."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.models import Move, Org, Person, RoleHolding, Source, Team, has_hidden
from bot.rows import MoveRow, place_values
from bot.text import fold

TYPO_CUTOFF = 88


@dataclass(frozen=True)
class DatasetError:
    """One problem in the dataset, worded for the person who will fix it."""

    file: str
    line: int | None
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} row {self.line}"
        what = f"{self.field}: " if self.field else ""
        return f"{where}: {what}{self.message}"


def plain_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """Turn pydantic's errors into (field, plain message) pairs. A list too short only because one of its items
    was refused (pydantic reports both) is the item's error alone."""
    out = []
    errors = exc.errors()
    for err in errors:
        if err["type"] == "too_short" and any(len(e["loc"]) > len(err["loc"]) and e["loc"][:len(err["loc"])]
                                              == err["loc"] for e in errors):
            continue
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        fld = "_".join(loc).replace("from__", "from_") if loc else None
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error":
            msg = f"'{err['input']}' is not one of {err['ctx']['expected']}"
        elif err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "too_short":
            msg = f"needs at least {err['ctx'].get('min_length', 1)}"
        elif err["type"] == "string_too_short":
            msg = "is required" if err["ctx"].get("min_length") == 1 else \
                f"is shorter than {err['ctx'].get('min_length')} characters"
        elif err["type"] == "string_too_long":
            msg = f"is longer than {err['ctx'].get('max_length')} characters"
        out.append((fld, msg))
    return out


class Names:
    """Resolves org/team spellings through aliases and flags likely typos of known names.

    Answers are kept per spelling as written: a dataset names the same few orgs and teams on many rows.
    """

    def __init__(self, orgs: list[Org], teams: list[Team]):
        self.org_by_key: dict[str, str] = {}
        for org in orgs:
            for spelling in (org.name, *org.aliases):
                self.org_by_key.setdefault(fold(spelling), org.name)
        self.team_by_key: dict[tuple[str, str], str] = {}
        self.team_keys: dict[str, list[str]] = {}
        for team in teams:
            for spelling in (team.name, *team.aliases):
                key = fold(spelling)
                if (team.org, key) not in self.team_by_key:
                    self.team_by_key[team.org, key] = team.name
                    self.team_keys.setdefault(team.org, []).append(key)
        self._orgs: dict[str, tuple[str, str | None]] = {}
        self._teams: dict[tuple[str, str], tuple[str, str | None]] = {}

    def as_json(self) -> dict:
        """What the spellings resolve to, for `of_json` (a load over the same orgs.csv and teams.csv)."""
        return {"orgs": self.org_by_key, "teams": [[org, key, name] for (org, key), name in self.team_by_key.items()],
                "team_keys": self.team_keys}

    @classmethod
    def of_json(cls, data: dict) -> Names:
        names = cls([], [])
        names.org_by_key = data["orgs"]
        names.team_by_key = {(org, key): name for org, key, name in data["teams"]}
        names.team_keys = data["team_keys"]
        return names

    def org(self, name: str) -> tuple[str, str | None]:
        """Return (canonical name, error) for an org as written."""
        found = self._orgs.get(name)
        if found is None:
            found = self._orgs[name] = self._org(name)
        return found

    def _org(self, name: str) -> tuple[str, str | None]:
        if has_hidden(name):  # kept as written: the model refuses it (folded, it would pass for a known name)
            return name, None
        key = fold(name)
        if key in self.org_by_key:
            return self.org_by_key[key], None
        hit = process.extractOne(key, list(self.org_by_key), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if hit is not None:
            near = self.org_by_key[hit[0]]
            return name, f"'{name}' looks like a typo of the known org '{near}' (add it to orgs.csv if it is new)"
        return name, None

    def team(self, org: str, name: str) -> tuple[str, str | None]:
        found = self._teams.get((org, name))
        if found is None:
            found = self._teams[org, name] = self._team(org, name)
        return found

    def _team(self, org: str, name: str) -> tuple[str, str | None]:
        if has_hidden(name):
            return name, None
        key = fold(name)
        if (org, key) in self.team_by_key:
            return self.team_by_key[(org, key)], None
        known = self.team_keys.get(org)
        hit = process.extractOne(key, known, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF) if known else None
        if hit is not None:
            near = self.team_by_key[(org, hit[0])]
            return name, f"'{name}' looks like a typo of {org}'s team '{near}' (add it to teams.csv if it is new)"
        return name, None


class People:
    """A person as written -> canonical name (through people.csv's names and aliases, compared folded)."""

    def __init__(self, people: list[Person]):
        self.by_key = {fold(a): p.name for p in people for a in (p.name, *p.aliases)}

    @classmethod
    def of_keys(cls, by_key: dict[str, str]) -> People:
        """People of a folded spelling -> name map (`by_key` of a load over the same people.csv)."""
        people = cls([])
        people.by_key = by_key
        return people

    def canonical(self, name: str) -> str:
        """The canonical name; a spelling with hidden characters is kept as written, for the model to refuse."""
        return name if has_hidden(name) else self.by_key.get(fold(name), name)


def collect(errors: list[DatasetError], file: str, line: int, build: Callable[[], object],
             lines: list[int] | None = None) -> None:
    """Build one record (`build` appends it), or record its errors; `lines` gets the line of each one built."""
    try:
        build()
    except ValidationError as exc:
        errors.extend(DatasetError(file, line, m, f) for f, m in plain_errors(exc))
        return
    if lines is not None:
        lines.append(line)


def _place(org: str, team: str, role: str, side: str, names: Names,
           places: dict[tuple[str, str, str, str], tuple[dict[str, str | None], list[tuple[str, str]]]],
           problems: list[tuple[str, str]]) -> dict[str, str | None]:
    """One side of a move as the model takes it (canonical org and team), with its problems; kept per spelling."""
    found = places.get((side, org, team, role))
    if found is None:
        found = places[side, org, team, role] = _resolve_place(org, team, role, side, names)
    place, trouble = found
    if trouble:
        problems.extend((f"{side}_{fld}", msg) for fld, msg in trouble)
    return place


def _resolve_place(org: str, team: str, role: str, side: str,
                   names: Names) -> tuple[dict[str, str | None], list[tuple[str, str]]]:
    trouble: list[tuple[str, str]] = []
    org = org.strip()
    team_name: str | None = team.strip() or None
    if not org:
        why = "is required" if side == "from" else "is required when a team or role is given (leave all three empty" \
            " for a departure whose destination is not reported)"
        return {"org": org, "team": team_name, "role": role}, [("org", why)]
    org, problem = names.org(org)
    if problem:
        trouble.append(("org", problem))
    if team_name:
        team_name, problem = names.team(org, team_name)
        if problem:
            trouble.append(("team", problem))
    return {"org": org, "team": team_name, "role": role}, trouble


def no_destination(org: str, team: str, role: str) -> bool:
    """An empty destination: the person left, and no source names where they went yet."""
    return not (org.strip() or team.strip() or role.strip())


def clean_place(org: str, team: str, role: str, names: Names) -> tuple[str, str | None, str | None] | None:
    """A place as written -> as kept (canonical org and team, cleaned text), or None if it needs the model."""
    place, trouble = _resolve_place(org, team, role, "from", names)
    return None if trouble else place_values(place)


def move_row(cells: list[str], line: int, names: Names, people: People,
          places: dict[tuple[str, str, str, str], tuple[dict[str, str | None], list[tuple[str, str]]]],
          errors: list[DatasetError]) -> MoveRow | None:
    """One moves.csv row (its cells in COLUMNS order) that the quick checks did not take, through the model: a
    valid row without its sources (`DatasetReader.check` sees that each move has one), or None with its errors
    recorded."""
    (move_id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, date_basis, status,
     notes) = cells
    problems: list[tuple[str, str]] = []
    move_id = move_id.strip()
    if not move_id:
        problems.append(("id", "is required"))
    data = {
        "id": move_id or "-",
        "person": people.canonical(person),
        "from": _place(from_org, from_team, from_role, "from", names, places, problems),
        "to": (None if no_destination(to_org, to_team, to_role)
               else _place(to_org, to_team, to_role, "to", names, places, problems)),
        "date": date,
        "date_basis": date_basis.strip() or None,
        "status": status.strip() or "reported",
        "notes": notes,
        "sources": [Source(url="https://placeholder.invalid")],
    }
    row = None
    try:
        row = MoveRow.of(Move.model_validate(data))._replace(sources=())
    except ValidationError as exc:
        problems.extend(plain_errors(exc))
    reported: set[str | None] = set()
    for fld, msg in problems:  # one error a field: the reader's own words come before the model's
        if fld not in reported or fld is None:
            reported.add(fld)
            errors.append(DatasetError("moves.csv", line, msg, fld))
    return None if problems else row


def role_row(row: dict[str, str], line: int, names: Names, people: People,
          errors: list[DatasetError]) -> RoleHolding | None:
    problems: list[tuple[str, str]] = []
    org, problem = names.org(row["org"].strip()) if row["org"].strip() else (row["org"], None)
    if problem:
        problems.append(("org", problem))
    team = row["team"].strip() or None
    if team:
        team, problem = names.team(org, team)
        if problem:
            problems.append(("team", problem))
    role = None
    try:
        role = RoleHolding(person=people.canonical(row["person"]), org=org, team=team,
                           role=row["role"], as_of=row["as_of"], url=row["url"], supports=row["supports"] or None)
    except ValidationError as exc:
        problems.extend(plain_errors(exc))
    errors.extend(DatasetError("roles.csv", line, m, f) for f, m in problems)
    return None if problems else role
