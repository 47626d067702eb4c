"""Read and validate the hand-edited dataset in `data/` (CSV files, one record per row).

`DatasetReader` streams the files a chunk at a time (a million moves are never all in memory) and collects every
problem, each naming its file, line and field, so a maintainer fixes a pull request in one pass; the store writes
the chunks inside one transaction that any problem rolls back, so a bad file never half-loads.

Files (only `moves.csv` and `sources.csv` are required):
- `moves.csv`: id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, date_basis,
  status, notes. An empty destination (to_org, to_team and to_role all empty) records a departure whose
  destination is not reported yet; its id is person + `left` + origin org + year (`kevin-weil-left-openai-2026`).
- `sources.csv`: move_id, url, title, publisher, published, language, supports (one row per page, best first)
- `people.csv`: name, aliases (`;`-separated)
- `orgs.csv`: name, aliases
- `teams.csv`: org, name, aliases
- `roles.csv`: person, org, team, role, as_of, url, supports
"""

from __future__ import annotations

import csv
import gc
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from hashlib import blake2b as _digest
from itertools import chain
from pathlib import Path

from pydantic import ValidationError

from bot.datafiles import csv_files, kind_of
from bot.dataset_checks import name_collisions
from bot.dataset_csv import COLUMNS, REQUIRED, checked, dict_rows
from bot.dataset_csv import header as read_header
from bot.dataset_csv import table as csv_table
from bot.dataset_rows import (
    TYPO_CUTOFF,
    DatasetError,
    Names,
    People,
    clean_place,
    collect,
    move_row,
    no_destination,
    plain_errors,
    role_row,
)
from bot.models import Org, Person, Place, RoleHolding, Source, Team, has_hidden
from bot.rows import NO_PLACE, SOURCE_FIELDS, MoveRow, row_values, source_values
from bot.text import fold, split_aliases


class DatasetInvalid(Exception):
    """Raised with every error found; nothing was loaded."""

    def __init__(self, errors: list[DatasetError]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the dataset")


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: a bulk load makes millions of tuples and no cycles, and the
    collector would walk them all again and again (a third of the reading time at 100,000 moves)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


SourceRow = tuple[str, int, str, str | None, str | None, str | None, str | None, str | None]
"""One valid source as the store writes it: (move_id, position, url, title, publisher, published, language,
supports); position 0 is the best source of its move."""


class DatasetReader:
    """Reads and validates a dataset folder as a stream, so a million moves are never all in memory at once.

    The small files (orgs, teams, people, roles) are read when the reader is made. Then `moves()` and, after it,
    `sources()` yield chunks of valid rows; `check()` adds the checks that need both files and raises
    `DatasetInvalid` with every error found. A consumer writes the chunks as they come (stopping once `errors`
    is not empty, since nothing will be kept) inside one transaction that `check()` can still roll back.
    """

    def __init__(self, data_dir: Path | str, progress: Callable[[int], None] | None = None,
                 given: Mapping[str, tuple[bytes, Iterable[tuple[int, list[str]]]]] | None = None,
                 names: tuple[Names, People] | None = None):
        self.data_dir = Path(data_dir)
        # moves.csv and sources.csv as (header line, (line, cells) of some rows): a load over an earlier one reads
        # only the chunks it has not met (bot.dataset_chunks); the checks across files then hold for those rows
        self.given = dict(given) if given is not None else None
        self.source_runs: tuple[array, list[str]] = (array("q"), [])  # line and move of each run of sources.csv
        self.progress = progress
        self.errors: list[DatasetError] = []
        self.orgs: list[Org] = []
        self.teams: list[Team] = []
        self.people: list[Person] = []
        self.roles: list[RoleHolding] = []
        self.move_lines: dict[str, int] = {}  # id -> line of every valid move, in file order
        self.sources_read = 0
        self._state = "new"
        self._counts: dict[str, int] | None = None  # move id -> its sources; None until sources.csv could be read
        self._scattered: set[str] = set()
        self._rejected: dict[str, int] = {}  # id -> line of the moves.csv rows with errors
        self._broken: set[str] = set()  # files not read to their end (their errors are not repeated as others)
        if not self.data_dir.is_dir():
            raise DatasetInvalid([DatasetError(str(self.data_dir), None, "is not a folder")])
        files, notices = csv_files(self.data_dir)
        self._files = {f.name for f in files}
        self.notices = [n for n in notices if n.split(" ", 1)[0] not in REQUIRED]  # what was skipped, and why
        missing = [_missing(self.data_dir, name) for name in REQUIRED if name not in self._files]
        if missing:
            raise DatasetInvalid(missing)
        with collector_paused():
            if names is None:
                self._read_names()
            else:  # people, orgs and teams as the last load read them (the files are the same): not read again
                self._names, self._people = names
            self._read_roles()

    def _rows(self, name: str) -> Iterator[tuple[int, dict[str, str]]]:
        path = self.data_dir / name
        return dict_rows(path, self.errors) if name in self._files else iter(())

    def _read_names(self) -> None:
        errors = self.errors
        lines: dict[str, list[int]] = {"orgs.csv": [], "teams.csv": [], "people.csv": []}
        for line, row in self._rows("orgs.csv"):
            collect(errors, "orgs.csv", line, lambda r=row: self.orgs.append(
                Org(name=r["name"], aliases=split_aliases(r["aliases"]))), lines["orgs.csv"])
        for line, row in self._rows("teams.csv"):
            collect(errors, "teams.csv", line, lambda r=row: self.teams.append(
                Team(org=r["org"], name=r["name"], aliases=split_aliases(r["aliases"]))), lines["teams.csv"])
        for line, row in self._rows("people.csv"):
            collect(errors, "people.csv", line, lambda r=row: self.people.append(
                Person(name=r["name"], aliases=split_aliases(r["aliases"]))), lines["people.csv"])
        errors.extend(DatasetError(*problem) for problem in name_collisions(
            list(zip(lines["people.csv"], self.people, strict=True)),
            list(zip(lines["orgs.csv"], self.orgs, strict=True)),
            list(zip(lines["teams.csv"], self.teams, strict=True))))
        self._names = Names(self.orgs, self.teams)
        self._people = People(self.people)

    def _read_roles(self) -> None:
        errors = self.errors
        for line, row in self._rows("roles.csv"):
            role = role_row(row, line, self._names, self._people, errors)
            if role is not None:
                self.roles.append(role)

    def _open(self, name: str) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
        """The columns and rows of moves.csv or sources.csv: the file's, or those `given`."""
        if self.given is None:
            return csv_table(self.data_dir / name, self.errors, self._broken)
        header_line, rows = self.given[name]
        columns = read_header(name, csv.reader([header_line.decode("utf-8-sig")]), self.errors)
        return (columns, checked(name, rows, len(columns), self.errors)) if columns else ({}, iter(()))

    def moves(self, size: int = 5000) -> Iterator[list[MoveRow]]:
        """Valid moves.csv rows in file order, `size` at a time, as `MoveRow`s without their sources."""
        if self._state != "new":
            raise RuntimeError("moves() is read once, before sources()")
        self._state = "moves"
        with collector_paused():
            yield from self._moves(size)
        self._state = "sources"

    def _moves(self, size: int) -> Iterator[list[MoveRow]]:
        errors, people, names, move_lines = self.errors, self._people, self._names, self.move_lines
        by_key = people.by_key
        same_move: dict[bytes, int] = {}  # digest of person (folded), from, to and date -> the row
        places: dict[tuple[str, str, str, str], tuple[dict[str, str | None], list[tuple[str, str]]]] = {}
        clean: dict[tuple[str, str, str], tuple[str, str | None, str | None] | None] = {}  # as written -> as kept
        columns, table = self._open("moves.csv")
        at = tuple(columns[c] for c in COLUMNS["moves.csv"]) if columns else ()
        in_order = at == tuple(range(len(at)))  # the usual case: the cells need no rearranging
        chunk: list[MoveRow] = []
        for count, (line, cells) in enumerate(table, 1):
            if self.progress is not None and count % 1000 == 0:
                self.progress(1000)
            if not in_order:
                cells = [cells[i] for i in at]
            (move_id, person, from_org, from_team, from_role, to_org, to_team, to_role, date, basis, status,
             notes) = cells
            from_place = clean.get((from_org, from_team, from_role), False)
            if from_place is False:
                from_place = clean[from_org, from_team, from_role] = clean_place(from_org, from_team, from_role, names)
            to_place = clean.get((to_org, to_team, to_role), False)
            if to_place is False:
                to_place = clean[to_org, to_team, to_role] = (
                    NO_PLACE if no_destination(to_org, to_team, to_role)
                    else clean_place(to_org, to_team, to_role, names))
            person_key = fold(person)  # (most names of a big dataset are met once: worked out, not kept)
            known = person if has_hidden(person) else by_key.get(person_key, person)
            row = row_values(move_id.strip(), known, from_place, to_place, date,
                             basis.strip() or None, status.strip() or "reported", notes)
            if row is None:  # the model has the last word: it words the errors, or accepts the unusual
                row = move_row(cells, line, names, people, places, errors)
            if row is None:
                if move_id.strip():  # still checked for a source, so that one pass shows every error
                    self._rejected.setdefault(move_id.strip(), line)
                continue
            if row.id in move_lines:
                errors.append(DatasetError("moves.csv", line, f"id '{row.id}' is already used on row "
                                                              f"{move_lines[row.id]}", "id"))
                continue
            # a 16-byte digest of one string, not a tuple of four nor the string (a million of them, held to the end
            # of the file: half the memory); names hold no control character, so no "\0"; and two moves whose
            # digests agree by chance (one in 2**128, the odds the chunk digests of bot.dataset_chunks take) are
            # not to be met
            key = _digest(f"{fold(row.person) if row.person != person else person_key}\0{row.from_org}\0"
                          f"{row.to_org or ''}\0{row.date}".encode(), digest_size=16).digest()
            if key in same_move:
                errors.append(DatasetError("moves.csv", line, f"duplicates the move on row {same_move[key]} "
                                                              "(same person, orgs and date)"))
                continue
            move_lines[row.id] = line
            same_move[key] = line
            chunk.append(row)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def sources(self, size: int = 10_000) -> Iterator[list[SourceRow]]:
        """Valid sources.csv rows, `size` at a time, each numbered within its move in file order."""
        if self._state != "sources":
            raise RuntimeError("sources() is read once, after moves()")
        self._state = "checks"
        with collector_paused():
            yield from self._sources(size)

    def _sources(self, size: int) -> Iterator[list[SourceRow]]:
        errors, move_lines = self.errors, self.move_lines
        orphans: set[str] = set()  # a source naming an unknown move is reported once per move
        columns, table = self._open("sources.csv")
        runs, run_ids = self.source_runs
        if not columns:
            return
        mi, u, ti, pu, pd, la, su = (columns[c] for c in ("move_id", *SOURCE_FIELDS))
        counts: dict[str, int] = {}  # move id -> its sources so far
        self._counts = counts
        # A repeated URL is looked for within the run of rows of one move (sources are written together); a move
        # whose sources are spread over several runs is checked once more at the end, from the file.
        run_id, run_urls = None, {}
        chunk: list[SourceRow] = []
        for line, cells in table:
            move_id = cells[mi].strip()
            values = source_values(cells[u], cells[ti], cells[pu], cells[pd], cells[la], cells[su])
            if values is None:  # the model words the errors (or accepts what the quick checks would not)
                try:
                    src = Source(url=cells[u], title=cells[ti], publisher=cells[pu], published=cells[pd],
                                 language=cells[la], supports=cells[su])
                except ValidationError as exc:
                    errors.extend(DatasetError("sources.csv", line, m, f) for f, m in plain_errors(exc))
                    continue
                values = (src.url, src.title, src.publisher, src.published, src.language, src.supports)
            if move_id not in move_lines:
                if move_id in self._rejected:
                    counts[move_id] = counts.get(move_id, 0) + 1
                elif move_id not in orphans and "moves.csv" not in self._broken:
                    orphans.add(move_id)
                    errors.append(DatasetError("sources.csv", line, f"names move '{move_id}', which moves.csv does "
                                                                    "not have", "move_id"))
                continue
            url, title, publisher, published, language, supports = values
            if move_id == run_id:
                if url in run_urls:
                    errors.append(DatasetError("sources.csv", line, f"repeats the source on row {run_urls[url]}",
                                               "url"))
                    continue
                run_urls[url] = line
            else:
                if move_id in counts:
                    self._scattered.add(move_id)
                run_id, run_urls = move_id, {url: line}
                runs.append(line)
                run_ids.append(move_id)
            position = counts.get(move_id, 0)
            counts[move_id] = position + 1
            chunk.append((move_id, position, url, title, publisher, published, language, supports))
            if len(chunk) == size:
                self.sources_read += len(chunk)
                yield chunk
                chunk = []
        if chunk:
            self.sources_read += len(chunk)
            yield chunk

    def check(self) -> None:
        """The checks that need both files (every move has a source; no move repeats a source), then raise
        `DatasetInvalid` with every error found, sorted by file and row."""
        if self._state != "checks":
            raise RuntimeError("check() comes after moves() and sources()")
        self._state = "done"
        counts = None if "sources.csv" in self._broken else self._counts
        self._counts = None  # (a million entries at a million moves, of no use past this check: freed with it)
        for move_id, line in chain(self.move_lines.items(), self._rejected.items()) if counts is not None else ():
            if move_id not in counts:  # (no noise when sources.csv could not be read)
                self.errors.append(DatasetError("moves.csv", line, f"move '{move_id}' has no source in sources.csv "
                                                                   "(at least one is required)", "sources"))
        if self._scattered:
            self._check_scattered()
        if self.errors:
            order = {name: i for i, name in enumerate(COLUMNS)}
            raise DatasetInvalid(sorted(self.errors, key=lambda e: (order.get(e.file, -1), e.line or 0)))

    def _check_scattered(self) -> None:
        """Repeated URLs of the moves whose sources are not all on consecutive rows (a second, rare pass)."""
        seen: dict[tuple[str, str], int] = {}
        errors = self.errors
        columns, rows = csv_table(self.data_dir / "sources.csv", [])
        for line, cells in rows:
            move_id = cells[columns["move_id"]].strip()
            if move_id in self._scattered:
                url = cells[columns["url"]].strip()
                if (move_id, url) in seen and not any(e.line == line and e.file == "sources.csv" for e in errors):
                    errors.append(DatasetError("sources.csv", line, f"repeats the source on row "
                                                                    f"{seen[move_id, url]}", "url"))
                seen.setdefault((move_id, url), line)


def _missing(folder: Path, name: str) -> DatasetError:
    """A required file that is absent, or that is not a regular file (never opened: a FIFO would block)."""
    try:
        kind = kind_of(os.stat(folder / name).st_mode)
    except OSError:
        kind = None
    if kind is None:
        return DatasetError(name, None, f"is missing from {folder}")
    return DatasetError(name, None, f"is not a regular file ({kind}): put the CSV file itself there")


__all__ = ["COLUMNS", "TYPO_CUTOFF", "DatasetError", "DatasetInvalid", "DatasetReader", "Place", "SourceRow",
           "plain_errors"]
