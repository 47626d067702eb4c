"""Read and validate the hand-edited dataset in `data/` (CSV files, one record per row).

Everything is checked before anything is written: `read_dataset` returns either a whole, consistent
`Dataset` or every problem found, each naming its file, line and field, so a maintainer fixes a pull request
in one pass and a bad file never half-loads.

Files (only `moves.csv` and `sources.csv` are required):
- `moves.csv`: id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, date_basis,
  status, notes
- `sources.csv`: move_id, url, title, publisher, published, language, supports (one row per page, best first)
- `people.csv`: name, aliases (`;`-separated)
- `orgs.csv`: name, aliases
- `teams.csv`: org, name, aliases
- `roles.csv`: person, org, team, role, as_of, url, supports
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.models import Move, Org, Person, Place, RoleHolding, Source, Team
from bot.text import fold, split_aliases

COLUMNS: dict[str, tuple[str, ...]] = {
    "moves.csv": ("id", "person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role",
                  "date", "date_basis", "status", "notes"),
    "sources.csv": ("move_id", "url", "title", "publisher", "published", "language", "supports"),
    "people.csv": ("name", "aliases"),
    "orgs.csv": ("name", "aliases"),
    "teams.csv": ("org", "name", "aliases"),
    "roles.csv": ("person", "org", "team", "role", "as_of", "url", "supports"),
}
REQUIRED = ("moves.csv", "sources.csv")
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


class DatasetInvalid(Exception):
    """Raised with every error found; nothing was loaded."""

    def __init__(self, errors: list[DatasetError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the dataset")


@dataclass
class Dataset:
    """A whole, validated dataset with every org, team and person name in canonical form."""

    moves: list[Move] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    roles: list[RoleHolding] = field(default_factory=list)


def _rows(path: Path, errors: list[DatasetError]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for a CSV file, reporting encoding, header and column-count problems."""
    name = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        errors.append(DatasetError(name, None, f"cannot be read ({exc.strerror})"))
        return
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.append(DatasetError(name, line, f"is not valid UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                               "save the file as UTF-8"))
        return
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            errors.append(DatasetError(name, None, "is empty: it needs at least a header row"))
            return
        header = [h.strip() for h in header]
        expected = COLUMNS[name]
        missing = [c for c in expected if c not in header]
        unknown = [c for c in header if c not in expected]
        if missing or unknown:
            parts = []
            if missing:
                parts.append("missing column(s) " + ", ".join(missing))
            if unknown:
                parts.append("unknown column(s) " + ", ".join(unknown))
            errors.append(DatasetError(name, 1, "; ".join(parts) + f" (expected: {', '.join(expected)})"))
            return
        width = len(header)
        for cells in reader:
            line = reader.line_num
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != width:
                errors.append(DatasetError(name, line, f"has {len(cells)} columns, expected {width}"))
                continue
            yield line, dict(zip(header, cells, strict=True))
    except csv.Error as exc:
        errors.append(DatasetError(name, reader.line_num, f"is not valid CSV ({exc})"))


def plain_errors(exc: ValidationError) -> list[tuple[str | None, str]]:
    """Turn pydantic's errors into (field, plain message) pairs."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        fld = "_".join(loc).replace("from__", "from_") if loc else None
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "literal_error":
            msg = f"'{err['input']}' is not one of {err['ctx']['expected']}"
        elif err["type"] == "missing":
            msg = "is required"
        out.append((fld, msg))
    return out


class _Names:
    """Resolves org/team spellings through aliases and flags likely typos of known names."""

    def __init__(self, orgs: list[Org], teams: list[Team]):
        self.org_by_key: dict[str, str] = {}
        for org in orgs:
            for spelling in (org.name, *org.aliases):
                self.org_by_key.setdefault(fold(spelling), org.name)
        self.team_by_key: dict[tuple[str, str], str] = {}
        for team in teams:
            for spelling in (team.name, *team.aliases):
                self.team_by_key.setdefault((team.org, fold(spelling)), team.name)
        self._new_orgs: dict[str, str | None] = {}

    def org(self, name: str) -> tuple[str, str | None]:
        """Return (canonical name, error) for an org as written."""
        key = fold(name)
        if key in self.org_by_key:
            return self.org_by_key[key], None
        if key not in self._new_orgs:
            hit = process.extractOne(key, list(self.org_by_key), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            self._new_orgs[key] = None if hit is None else self.org_by_key[hit[0]]
        near = self._new_orgs[key]
        if near is not None:
            return name, f"'{name}' looks like a typo of the known org '{near}' (add it to orgs.csv if it is new)"
        return name, None

    def team(self, org: str, name: str) -> tuple[str, str | None]:
        key = fold(name)
        if (org, key) in self.team_by_key:
            return self.team_by_key[(org, key)], None
        known = [k for (o, k) in self.team_by_key if o == org]
        hit = process.extractOne(key, known, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF) if known else None
        if hit is not None:
            near = self.team_by_key[(org, hit[0])]
            return name, f"'{name}' looks like a typo of {org}'s team '{near}' (add it to teams.csv if it is new)"
        return name, None


def read_dataset(data_dir: Path, progress: Callable[[int], None] | None = None) -> Dataset:
    """Read and validate every file of `data_dir`; raise `DatasetInvalid` with all errors found."""
    errors: list[DatasetError] = []
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DatasetInvalid([DatasetError(str(data_dir), None, "is not a folder")])
    for name in REQUIRED:
        if not (data_dir / name).is_file():
            errors.append(DatasetError(name, None, f"is missing from {data_dir}"))
    if errors:
        raise DatasetInvalid(errors)

    def rows(name: str) -> Iterator[tuple[int, dict[str, str]]]:
        path = data_dir / name
        return _rows(path, errors) if path.is_file() else iter(())

    ds = Dataset()
    for line, row in rows("orgs.csv"):
        _collect(errors, "orgs.csv", line, lambda r=row: ds.orgs.append(
            Org(name=r["name"], aliases=split_aliases(r["aliases"]))))
    for line, row in rows("teams.csv"):
        _collect(errors, "teams.csv", line, lambda r=row: ds.teams.append(
            Team(org=r["org"], name=r["name"], aliases=split_aliases(r["aliases"]))))
    for line, row in rows("people.csv"):
        _collect(errors, "people.csv", line, lambda r=row: ds.people.append(
            Person(name=r["name"], aliases=split_aliases(r["aliases"]))))
    names = _Names(ds.orgs, ds.teams)
    person_by_key = {fold(a): p.name for p in ds.people for a in (p.name, *p.aliases)}

    sources: dict[str, list[Source]] = {}
    source_lines: dict[str, int] = {}
    seen_urls: dict[tuple[str, str], int] = {}
    for line, row in rows("sources.csv"):
        move_id = row.pop("move_id").strip()
        try:
            src = Source(**row)
        except ValidationError as exc:
            errors.extend(DatasetError("sources.csv", line, m, f) for f, m in plain_errors(exc))
            continue
        if (move_id, src.url) in seen_urls:
            errors.append(DatasetError("sources.csv", line, f"repeats the source on row {seen_urls[move_id, src.url]}",
                                       "url"))
            continue
        seen_urls[move_id, src.url] = line
        sources.setdefault(move_id, []).append(src)
        source_lines.setdefault(move_id, line)

    move_lines: dict[str, int] = {}
    same_move: dict[tuple[str, str, str, str], int] = {}
    for count, (line, row) in enumerate(rows("moves.csv"), 1):
        if progress is not None and count % 1000 == 0:
            progress(1000)
        move = _move(row, line, names, person_by_key, sources, errors)
        if move is None:
            continue
        if move.id in move_lines:
            errors.append(DatasetError("moves.csv", line, f"id '{move.id}' is already used on row "
                                                          f"{move_lines[move.id]}", "id"))
            continue
        key = (fold(move.person), move.from_.org, move.to.org, move.date)
        if key in same_move:
            errors.append(DatasetError("moves.csv", line, f"duplicates the move on row {same_move[key]} "
                                                          "(same person, orgs and date)"))
            continue
        move_lines[move.id] = line
        same_move[key] = line
        ds.moves.append(move)
    for move_id, line in source_lines.items():
        if move_id not in move_lines and not any(e.file == "moves.csv" for e in errors):
            errors.append(DatasetError("sources.csv", line, f"names move '{move_id}', which moves.csv does not have",
                                       "move_id"))

    for line, row in rows("roles.csv"):
        role = _role(row, line, names, person_by_key, errors)
        if role is not None:
            ds.roles.append(role)
    if errors:
        raise DatasetInvalid(errors)
    return ds


def _collect(errors: list[DatasetError], file: str, line: int, build: Callable[[], object]) -> None:
    try:
        build()
    except ValidationError as exc:
        errors.extend(DatasetError(file, line, m, f) for f, m in plain_errors(exc))


def _place(row: dict[str, str], side: str, names: _Names, problems: list[tuple[str, str]]) -> dict[str, str | None]:
    org = row[f"{side}_org"].strip()
    team = row[f"{side}_team"].strip() or None
    if not org:
        problems.append((f"{side}_org", "is required"))
        return {"org": org, "team": team, "role": row[f"{side}_role"]}
    org, problem = names.org(org)
    if problem:
        problems.append((f"{side}_org", problem))
    if team:
        team, problem = names.team(org, team)
        if problem:
            problems.append((f"{side}_team", problem))
    return {"org": org, "team": team, "role": row[f"{side}_role"]}


def _move(row: dict[str, str], line: int, names: _Names, person_by_key: dict[str, str],
          sources: dict[str, list[Source]], errors: list[DatasetError]) -> Move | None:
    problems: list[tuple[str, str]] = []
    move_id = row["id"].strip()
    if not move_id:
        problems.append(("id", "is required"))
    srcs = sources.get(move_id, [])
    if move_id and not srcs:
        problems.append(("sources", f"move '{move_id}' has no source in sources.csv (at least one is required)"))
    data = {
        "id": move_id or "-",
        "person": person_by_key.get(fold(row["person"]), row["person"]),
        "from": _place(row, "from", names, problems),
        "to": _place(row, "to", names, problems),
        "date": row["date"],
        "date_basis": row["date_basis"].strip() or None,
        "status": row["status"].strip() or "reported",
        "notes": row["notes"],
        "sources": srcs or [Source(url="https://placeholder.invalid")],
    }
    move = None
    try:
        move = Move.model_validate(data)
    except ValidationError as exc:
        problems.extend(plain_errors(exc))
    for fld, msg in problems:
        errors.append(DatasetError("moves.csv", line, msg, fld))
    return None if problems else move


def _role(row: dict[str, str], line: int, names: _Names, person_by_key: dict[str, str],
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
        role = RoleHolding(person=person_by_key.get(fold(row["person"]), row["person"]), org=org, team=team,
                           role=row["role"], as_of=row["as_of"], url=row["url"], supports=row["supports"] or None)
    except ValidationError as exc:
        problems.extend(plain_errors(exc))
    errors.extend(DatasetError("roles.csv", line, m, f) for f, m in problems)
    return None if problems else role


__all__ = ["Dataset", "DatasetError", "DatasetInvalid", "Place", "read_dataset"]
