"""A big CSV file of the dataset cut into chunks of rows by their content, each with a digest, so that a load over
an earlier one reads, validates and writes only the chunks it has not met before.

The cuts fall before rows whose first cell (the move's id) hashes to a multiple of `CHUNK_ROWS`, found with numpy
over the file's bytes, a few megabytes at a time (no row is parsed): inserting or removing a row changes the chunk
it is in and no other. A cut is only ever put at a line break outside double quotes, and before a row whose first
cell differs from the row above (a move's sources stay together). That each cut really falls between two rows is
proved as the file is read: a new chunk is parsed from a row's start to its end (`rows` raises `CutInsideRow`
otherwise), and a chunk met before is byte for byte one that did, so it ends where it ended then. Each digest covers
the header line too: a column moved in the header changes every chunk.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.datafiles import open_regular

CHUNK_ROWS = 512  # rows per chunk, on average
_BLOCK = 8 << 20  # bytes read at a time
_MIX = np.uint64(0x9E3779B97F4A7C15)
_MIX2 = np.uint64(0xC2B2AE3D27D4EB4F)
_ALL = np.uint64(0xFFFFFFFFFFFFFFFF)
_ONE = np.uint64(1)
_SALT = np.uint64(0x5851F42D4C957F2D)
_BYTES = np.uint64(0x0101010101010101)
_HIGH = np.uint64(0x8080808080808080)


class CutInsideRow(Exception):
    """A chunk is not whole rows (a quoted cell holds a line break there), or the file changed as it was read: the
    whole file must be read."""


@dataclass
class FileChunks:
    """One CSV file as chunks: bytes `cuts[i]:cuts[i+1]` are chunk i, which starts on line `lines[i]`."""

    path: Path
    header: bytes
    cuts: list[int] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.digests)

    def rows(self, i: int) -> Iterator[tuple[int, list[str]]]:
        """(line, cells) of every row of chunk i (blank ones included) as `csv.reader` reads them; `CutInsideRow`
        if the chunk ends inside a quoted cell, is not UTF-8, or is no longer what was read."""
        with open_regular(self.path, "rb") as fh:
            fh.seek(self.cuts[i])
            raw = fh.read(self.cuts[i + 1] - self.cuts[i])
        try:
            if _digest(self.header, raw) != self.digests[i]:
                raise CutInsideRow(f"{self.path.name} changed while it was read")
            reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""), strict=True)
            first, start = self.lines[i], 1
            for row in reader:
                yield first + start - 1, row
                start = reader.line_num + 1
        except (csv.Error, UnicodeDecodeError) as exc:
            raise CutInsideRow(f"{self.path.name}: {exc}") from None


def _digest(header: bytes, raw: bytes | memoryview) -> str:
    digest = hashlib.sha256(header)  # (the fastest here: CPUs hash SHA-256 in hardware)
    digest.update(raw)
    return digest.hexdigest()[:32]


def read_chunks(path: Path) -> FileChunks | None:
    """`path` cut into chunks, or None when it cannot be cut safely (a header that is quoted, or spans lines): a
    load then reads the whole file."""
    with open_regular(path, "rb") as fh:
        header = fh.readline()
        if b'"' in header or (header and not header.endswith(b"\n")):
            return None
        chunks = FileChunks(path, header, [len(header)], [2])
        cutter = _Cutter()
        offset, line, rest = len(header), 2, b""
        while block := fh.read(_BLOCK):
            block = rest + block
            end = block.rfind(b"\n") + 1
            if not end:
                rest = block
                continue
            line = cutter.cut(block[:end], offset, line, chunks)
            offset += end
            rest = block[end:]
        if rest:
            cutter.cut(rest, offset, line, chunks)
            offset += len(rest)
        cutter.finish(offset, chunks)
    if chunks.cuts[-1] == chunks.cuts[0]:
        return FileChunks(path, header)
    return chunks


class _Cutter:
    """The state carried from one block to the next: quote parity, the last row's first cell, the open digest."""

    def __init__(self) -> None:
        self.odd = False  # inside a quoted cell at the block's start
        self.last_key: np.ndarray | None = None
        self.digest: hashlib._Hash | None = None

    def cut(self, block: bytes, offset: int, line: int, chunks: FileChunks) -> int:
        """Cut one block (ending at a line break, but the file's last); return the line after it."""
        padded = np.frombuffer(block + bytes(16), dtype=np.uint8)
        arr = padded[:len(block)]
        breaks = np.flatnonzero(arr == 10)
        starts = np.concatenate([[0], breaks[:-1] + 1]) if len(block) and block.endswith(b"\n") else \
            np.concatenate([[0], breaks + 1])
        keys = _first_cells(padded, starts)
        cut = _mixed(keys) % np.uint64(CHUNK_ROWS) == 0
        if b'"' in block:
            quotes = np.flatnonzero(arr == 34)
            cut &= (np.searchsorted(quotes, starts) + self.odd) % 2 == 0
            self.odd = (len(quotes) + self.odd) % 2 == 1
        cut[1:] &= (keys[1:] != keys[:-1]).any(axis=1)  # never between rows of one move (nor blank lines)
        if self.last_key is not None:
            cut[0] &= bool((keys[0] != self.last_key).any())
        self.last_key = keys[-1].copy()
        view = memoryview(block)
        at = 0
        for i in np.flatnonzero(cut).tolist():
            if offset + int(starts[i]) == chunks.cuts[-1]:
                continue  # (the file's first row: its chunk is open already)
            self._update(chunks.header, view[at:int(starts[i])])
            self._close(chunks, offset + int(starts[i]), line + i)
            at = int(starts[i])
        self._update(chunks.header, view[at:])
        return line + len(breaks)

    def _update(self, header: bytes, raw: memoryview) -> None:
        if self.digest is None:
            self.digest = hashlib.sha256(header)
        self.digest.update(raw)

    def _close(self, chunks: FileChunks, at: int, line: int) -> None:
        assert self.digest is not None
        chunks.digests.append(self.digest.hexdigest()[:32])
        chunks.cuts.append(at)
        chunks.lines.append(line)
        self.digest = None

    def finish(self, end: int, chunks: FileChunks) -> None:
        if end > chunks.cuts[-1]:
            if self.digest is None:
                self.digest = hashlib.sha256(chunks.header)
            self._close(chunks, end, 0)
            chunks.lines.pop()


def _mixed(keys: np.ndarray) -> np.ndarray:
    """A well-spread 64-bit hash of each key (splitmix64's finalizer over its two halves)."""
    x = keys[:, 0] ^ (keys[:, 1] * _MIX) ^ _SALT  # (salted: blank lines, all zeros, are no cut)
    x ^= x >> np.uint64(30)
    x *= _MIX2
    x ^= x >> np.uint64(27)
    x *= _MIX
    return x ^ (x >> np.uint64(31))


def _first_cells(arr: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The first 16 bytes of the first cell of each row starting at `starts` (bytes from its first comma or line
    break on zeroed), as two uint64: each word read at its byte offset, its stop found a word at a time (the "has a
    zero byte" trick). `arr` ends with 16 bytes of padding."""
    words = np.ndarray((len(arr) - 7,), dtype=np.uint64, buffer=arr, strides=(1,))  # words[i]: bytes i..i+7
    out = np.empty((len(starts), 2), dtype=np.uint64)
    open_ = np.full(len(starts), _ALL, dtype=np.uint64)  # all ones while no stop was met
    for k in range(2):
        word = words[starts + 8 * k]
        stops = _has_byte(word, 0x2C) | _has_byte(word, 0x0A) | _has_byte(word, 0x0D)
        low = stops & (~stops + _ONE)  # the first stop's high bit (0: none)
        keep = np.where(stops == 0, _ALL, (low >> np.uint64(7)) - _ONE) & open_
        out[:, k] = word & keep
        open_ &= np.where(stops == 0, _ALL, np.uint64(0))
    return out


def _has_byte(word: np.ndarray, byte: int) -> np.ndarray:
    """The high bit of each byte of `word` that equals `byte` (exact for the first such byte)."""
    v = word ^ (np.uint64(byte) * _BYTES)
    return (v - _BYTES) & ~v & _HIGH
