"""A load over an earlier one, reading only what changed: which chunks of moves.csv and sources.csv (bot.dataset_chunks)
must be read, validated and compared, and which moves may have left the dataset.

A chunk met at the last load is byte for byte rows that were validated and written then, against the same people,
orgs and teams (a change to one of those files, or another movesbot, reads everything), so only the others are read.
Every id of a chunk read, of a chunk gone and of a move another path changed since the last load (`touched`) has
all its rows read, in both files (the chunks that hold it are read too, and so on): every check across files (a move
without a source, a source without its move, an id used twice, a move's sources in order) then holds for the rows
read as it holds for the whole files. The one check it leaves, the same move under two ids, the store makes against
the recorded moves (`Reloading`).
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np

from bot import dataset_chunks
from bot.datafiles import csv_files, open_regular
from bot.dataset import DatasetReader
from bot.dataset_chunks import CutInsideRow, FileChunks, read_chunks
from bot.dataset_rows import Names, People

BIG = ("moves.csv", "sources.csv")
SMALL = ("people.csv", "orgs.csv", "teams.csv")
Rows = list[tuple[int, list[str]]]


def state_version() -> str:
    """What the recorded chunks are valid for: this movesbot (its checks made the rows) and this way of cutting."""
    try:
        own = version("movesbot")
    except PackageNotFoundError:
        own = "?"
    return f"movesbot {own}; chunks of {dataset_chunks.CHUNK_ROWS} rows"


@dataclass
class ChunkState:
    """What the last load recorded: `chunks[file][digest]` is the ids of that chunk's rows (moves.csv: each row's id;
    sources.csv: every move with a row there); `small[file]` the digest of each small file ("" absent)."""

    version: str
    seq: int  # the last move event of that load
    small: dict[str, str]
    chunks: dict[str, dict[str, list[str]]]
    names: str = ""  # the spellings of those small files, as JSON (`names_json`)


@dataclass
class Reload:
    """What a load over the recorded one reads: `rows[file][i]` for each chunk i read."""

    files: dict[str, FileChunks]
    rows: dict[str, dict[int, Rows]]
    gone: dict[str, list[str]]  # recorded chunks no longer in the files
    ids: set[str]  # every id read, gone or touched: the moves that may have changed or left
    kept_moves: int  # moves in the chunks not read
    clean: dict[str, dict[str, int | list[int]]] = field(default_factory=dict)  # id -> chunk not read, per file
    small: dict[str, str] = field(default_factory=dict)  # the small files' digests, as planned
    token: tuple[str, frozenset[str]] = ("", frozenset())  # what the plan was made over (Reloading)
    names: tuple[Names, People] | None = None  # the small files' spellings, as the last load read them

    def given(self) -> dict[str, tuple[bytes, Iterator[tuple[int, list[str]]]]]:
        """The rows to read, in file order, for `DatasetReader(given=...)`."""
        return {name: (self.files[name].header, _in_order(self.rows[name])) for name in BIG}


def _in_order(rows: dict[int, Rows]) -> Iterator[tuple[int, list[str]]]:
    for i in sorted(rows):
        yield from rows[i]


def small_digests(data_dir: Path) -> dict[str, str] | None:
    """The digest of each small file as the reader sees it ("" when absent, or not a regular file: skipped); None
    when one cannot be read."""
    regular = {f.name for f in csv_files(data_dir)[0]}
    out = {}
    for name in SMALL:
        try:
            if name not in regular:
                out[name] = ""
                continue
            with open_regular(data_dir / name, "rb") as fh:
                out[name] = hashlib.file_digest(fh, "sha256").hexdigest()[:32]
        except OSError:
            return None
    return out


def plan(data_dir: Path, state: ChunkState | None, token: tuple[str, frozenset[str]]) -> Reload | None:
    """The chunks to read over the recorded `state` (`token`: see `Reloading.reload_state`), or None when
    everything must be read (no state, another version, a small file changed, a file that cannot be cut)."""
    small = small_digests(data_dir)
    if state is None or small is None or state.version != state_version() or small != state.small:
        return None
    try:
        files = {name: read_chunks(data_dir / name) for name in BIG}
    except OSError:
        return None
    if any(f is None for f in files.values()):
        return None
    try:
        found = _closure(files, state, set(token[1]))  # type: ignore[arg-type]
    except CutInsideRow:
        return None
    found.small, found.token = small, token  # type: ignore[assignment]
    if state.names:
        data = json.loads(state.names)
        found.names = Names.of_json(data["names"]), People.of_keys(data["people"])
    return found


def names_json(reader: DatasetReader) -> str:
    """The spellings of people.csv, orgs.csv and teams.csv as `reader` resolved them: a load over the same files
    takes them from the record instead of reading and validating those files again."""
    return json.dumps({"names": reader._names.as_json(), "people": reader._people.by_key}, ensure_ascii=False)


def _closure(files: dict[str, FileChunks], state: ChunkState, touched: set[str]) -> Reload:
    rows: dict[str, dict[int, Rows]] = {name: {} for name in BIG}
    gone: dict[str, list[str]] = {}
    where: dict[str, dict[str, int | list[int]]] = {}
    pending: set[str] = set(touched)
    for name in BIG:
        old, seen = state.chunks.get(name, {}), set()
        for i, digest in enumerate(files[name].digests):
            if digest in old and digest not in seen:
                seen.add(digest)
            else:
                pending.update(_read(files[name], i, rows[name]))
        gone[name] = [d for d in old if d not in seen]
        for digest in gone[name]:
            pending.update(old[digest])
        where[name] = _index(files[name], old, rows[name])
    ids: set[str] = set()
    while pending:
        ids |= pending
        found: set[str] = set()
        for name in BIG:
            for move_id in pending:
                at = where[name].get(move_id)
                for i in (at if isinstance(at, list) else () if at is None else (at,)):
                    if i not in rows[name]:
                        found.update(_read(files[name], i, rows[name]))
        pending = found - ids
    moves = state.chunks.get("moves.csv", {})
    kept = sum(len(moves[d]) for i, d in enumerate(files["moves.csv"].digests) if i not in rows["moves.csv"])
    return Reload(files, rows, gone, ids, kept, clean=where)


def _read(chunks: FileChunks, i: int, into: dict[int, Rows]) -> set[str]:
    """Parse chunk i into `into`; the ids its rows name."""
    into[i] = list(chunks.rows(i))
    return {row[0].strip() for _, row in into[i] if row and row[0].strip()}


def _index(chunks: FileChunks, old: dict[str, list[str]], read: dict[int, Rows]) -> dict[str, int | list[int]]:
    """id -> the chunk not read yet that holds it (a list when several do)."""
    where: dict[str, int | list[int]] = {}
    total = 0
    for i, digest in enumerate(chunks.digests):
        if i not in read:
            where.update(dict.fromkeys(old[digest], i))
            total += len(old[digest])
    if len(where) < total:  # an id in several chunks (sources scattered over the file): every one of them
        where = {}
        for i, digest in enumerate(chunks.digests):
            if i not in read:
                for move_id in old[digest]:
                    at = where.setdefault(move_id, i)
                    if at != i:
                        where[move_id] = [*(at if isinstance(at, list) else [at]), i]
    return where


def chunk_ids(chunks: FileChunks, lines: Iterable[int], ids: list[str],
              only: Iterable[int] | None = None) -> dict[int, list[str]]:
    """The ids of each chunk (`only` those read), from the line of each row (moves) or of each run of rows of one
    move (sources: a run lasts until the next one starts, so a chunk gets every move with a row in it)."""
    starts = np.fromiter(lines, dtype=np.int64, count=len(ids))
    firsts = np.asarray(chunks.lines[:len(chunks)], dtype=np.int64)
    at = np.searchsorted(firsts, starts, side="right") - 1  # the chunk each run starts in
    # a run ends where the next starts (the last, at the file's end)
    ends = np.searchsorted(firsts, np.append(starts[1:] - 1, np.iinfo(np.int64).max), side="right") - 1
    wanted = set(range(len(chunks))) if only is None else set(only)
    out: dict[int, list[str]] = {i: [] for i in wanted}
    bounds = np.searchsorted(at, np.arange(len(chunks) + 1), side="left").tolist()
    for i in wanted:
        out[i].extend(ids[bounds[i]:bounds[i + 1]])
    for k in np.flatnonzero(ends > at).tolist():  # runs over a cut
        for i in range(int(at[k]) + 1, int(ends[k]) + 1):
            if i in wanted:
                out[i].append(ids[k])
    return out


def line_chunk(chunks: FileChunks, line: int) -> int:
    return bisect_right(chunks.lines, line) - 1
