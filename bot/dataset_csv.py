"""The dataset's CSV files, row by row: their columns, their (line, cells) rows as `csv.reader` reads them (a block
with no quote in it split at its line breaks and commas, faster), and each problem of encoding, header or width as a
`DatasetError`. `DatasetReader` (bot/dataset.py) reads the files through these."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Generator, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import IO

from bot.datafiles import open_regular
from bot.dataset_rows import DatasetError

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


def table(path: Path, errors: list[DatasetError],
           broken: set[str] | None = None) -> tuple[dict[str, int], Iterator[tuple[int, list[str]]]]:
    """The columns of a CSV file (name -> position) and its (line, cells) rows, each row numbered by the line it
    starts on (a quoted cell may hold line breaks); encoding, header and column-count problems go to `errors` (no
    columns and no rows when the file cannot be read at all). A file not read to its end is added to `broken`, so
    that the checks against it do not repeat its error as hundreds of others."""
    name = path.name
    broken = set() if broken is None else broken
    try:
        problem = _not_utf8(path)
        if problem is not None:
            errors.append(DatasetError(name, problem[0], f"is not valid UTF-8 (byte 0x{problem[1]:02x}); "
                                                         "save the file as UTF-8"))
            broken.add(name)
            return {}, iter(())
        # read as it goes: a big file is never whole in memory
        fh = open_regular(path, "r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        errors.append(DatasetError(name, None, f"cannot be read ({exc.strerror or exc})"))
        broken.add(name)
        return {}, iter(())
    reader = csv.reader(fh, strict=True)
    columns = header(name, reader, errors)
    if columns is None:
        fh.close()
        broken.add(name)
        return {}, iter(())

    def cells() -> Iterator[tuple[int, list[str]]]:
        width = len(columns)
        start = reader.line_num + 1
        try:
            block, start = yield from _plain_blocks(fh, name, start, width, errors)
            rest = csv.reader(chain(io.StringIO(block, newline=""), fh), strict=True)
            base = start - 1
            for row in rest:
                if len(row) != width:
                    _odd_row(name, start, row, width, errors)
                else:
                    yield start, row
                start = base + rest.line_num + 1
        except csv.Error as exc:
            errors.append(DatasetError(name, start, f"is not valid CSV ({exc})"))
            broken.add(name)
        finally:
            fh.close()

    return columns, cells()


def _plain_blocks(fh: IO[str], name: str, start: int, width: int, errors: list[DatasetError]
                  ) -> Generator[tuple[int, list[str]], None, tuple[str, int]]:
    """The rows of the file's plain blocks (a megabyte of whole lines with no double quote, no carriage return and
    no line longer than a CSV field may be: what `csv.reader` would make of them is each line split at its commas),
    faster than the csv module; from the first other block, the file is the csv module's: that block and the next
    row's line are returned."""
    limit = csv.field_size_limit()
    while block := fh.read(1 << 20):
        if not block.endswith("\n"):
            block += fh.readline()
        lines = block.split("\n")
        if block.endswith("\n"):
            lines.pop()
        if '"' in block or "\r" in block or max(map(len, lines), default=0) > limit:
            return block, start
        for text in lines:
            row = text.split(",")
            if len(row) != width:
                _odd_row(name, start, row, width, errors)
            else:
                yield start, row
            start += 1
    return "", start


def checked(name: str, rows: Iterable[tuple[int, list[str]]], width: int,
             errors: list[DatasetError]) -> Iterator[tuple[int, list[str]]]:
    """The rows of the header's width (rows given, not read from a file here)."""
    for line, row in rows:
        if len(row) != width:
            _odd_row(name, line, row, width, errors)
        else:
            yield line, row


def _odd_row(name: str, line: int, row: list[str], width: int, errors: list[DatasetError]) -> None:
    """A row not of the header's width: skipped if blank, reported if not."""
    if row and (len(row) != 1 or row[0].strip()):
        errors.append(DatasetError(name, line, f"has {len(row)} columns, expected {width}"))


def _not_utf8(path: Path) -> tuple[int, int] | None:
    """(line, byte) of the first byte that is not UTF-8, or None; reads a megabyte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open_regular(path, "rb") as fh:
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return None
        except UnicodeDecodeError:
            pass
    with open_regular(path, "rb") as fh:
        raw = fh.read()
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1, raw[exc.start]
    return None


def header(name: str, reader, errors: list[DatasetError]) -> dict[str, int] | None:
    """Column name -> position, or None with the problem in `errors`."""
    try:
        header = next(reader, None)
    except csv.Error as exc:
        errors.append(DatasetError(name, reader.line_num, f"is not valid CSV ({exc})"))
        return None
    if header is None or not any(h.strip() for h in header):
        errors.append(DatasetError(name, None, "is empty: it needs at least a header row"))
        return None
    header = [h.strip() for h in header]
    expected = COLUMNS[name]
    twice = list(dict.fromkeys(h for h in header if header.count(h) > 1))
    if twice:
        errors.append(DatasetError(name, 1, f"column(s) {', '.join(twice)} appear more than once in the header row"
                                            f" (expected: {', '.join(expected)})"))
        return None
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if unknown:
            parts.append("unknown column(s) " + ", ".join(unknown))
        errors.append(DatasetError(name, 1, "; ".join(parts) + f" (expected: {', '.join(expected)})"))
        return None
    return {c: i for i, c in enumerate(header)}


def dict_rows(path: Path, errors: list[DatasetError]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line, row) for a CSV file, reporting encoding, header and column-count problems."""
    columns, rows = table(path, errors)
    names = list(columns)
    for line, cells in rows:
        yield line, dict(zip(names, cells, strict=True))
