"""The dataset reader's rows are what `csv.reader` makes of the file, line numbers and errors included, whether a
block of the file is split at its line breaks and commas (no quote in it) or read by the csv module."""

from __future__ import annotations

import csv
import random

import pytest

from bot.dataset_csv import table as _table
from bot.dataset_rows import DatasetError


def _reference(path) -> tuple[list, list[str]]:
    """The rows and errors of the csv module alone (the reader as it was)."""
    errors: list[str] = []
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, strict=True)
        width = len(next(reader))
        start = reader.line_num + 1
        try:
            for row in reader:
                if len(row) != width:
                    if row and (len(row) != 1 or row[0].strip()):
                        errors.append(f"{path.name} row {start}: has {len(row)} columns, expected {width}")
                else:
                    out.append((start, row))
                start = reader.line_num + 1
        except csv.Error as exc:
            errors.append(f"{path.name} row {start}: is not valid CSV ({exc})")
    return out, errors


def _line(rng: random.Random, i: int) -> str:
    kind = rng.random()
    if kind < 0.02:
        return ""
    if kind < 0.03:
        return "   "
    if kind < 0.04:
        return f"m{i},only two"  # (a row of the wrong width)
    return f"m{i},https://example.com/{i},Title {rng.randint(1, 9)},{'x' * rng.randint(0, 40)},,en,"


@pytest.mark.parametrize("case", ["plain", "quotes late", "crlf late", "quote early", "no final newline",
                                  "long line", "bom", "unclosed quote"])
def test_rows_and_errors_are_the_csv_module_s(tmp_path, case):
    rng = random.Random(case)
    lines = ["move_id,url,title,publisher,published,language,supports"] + [_line(rng, i) for i in range(40_000)]
    if case == "quotes late":
        lines[30_000] = 'm30000,https://example.com/q,"Quoted, with a comma","Org\n1","""",,'
    if case == "crlf late":
        lines[25_000] += "\r"
    if case == "quote early":
        lines[3] = 'm3,https://example.com/3,"a ""b"" c",Org,,,'
    if case == "long line":
        lines[20_000] = "m20000,x,y,,,," + "z" * (csv.field_size_limit() + 5)
    if case == "unclosed quote":
        lines[35_000] = 'm35000,"never closed,Org,,,,'
    text = "\n".join(lines) + ("" if case == "no final newline" else "\n")
    path = tmp_path / "sources.csv"
    path.write_bytes((b"\xef\xbb\xbf" if case == "bom" else b"") + text.encode("utf-8"))
    errors: list[DatasetError] = []
    columns, rows = _table(path, errors)
    assert list(columns) == ["move_id", "url", "title", "publisher", "published", "language", "supports"]
    assert (list(rows), [str(e) for e in errors]) == _reference(path)
