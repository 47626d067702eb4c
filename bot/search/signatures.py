"""What the index keeps of each folded spelling besides its text: its letters counted, its pairs of letters as 64
bits, its words sorted (exact lookups in any order), and how a name not stored is shown (`display`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# Letters a-z, the space, and every other character as one: what `bounds.letter_bound` counts.
LETTER_CODE = bytes(b - 97 if 97 <= b <= 122 else 26 if b == 32 else 27 for b in range(256))
LETTER_KINDS = 28

_PAIR_BITS = np.random.default_rng(7).integers(0, 64, LETTER_KINDS * LETTER_KINDS)  # a pair's bit: any fixed draw
_INITIAL = re.compile(r"(?<![^ ])([^\W\d_])(?![^ ])")  # a one-letter word


def sorted_key(key: str) -> str:
    """The words of a folded spelling in order: "pang ruoming" is an exact hit for "ruoming pang"."""
    return " ".join(sorted(key.split()))


def display(key: str) -> str:
    """The usual way a folded name is written ("maria k lopez" -> "Maria K. Lopez"): names written so are not
    stored twice (a million people fit in less memory); any other name is kept as written."""
    return _INITIAL.sub(r"\1.", key.title())


def pair_signatures(keys: Sequence[str]) -> np.ndarray:
    """For each key, 64 bits, one set for each pair of letters next to each other within a word (hashed, so more may
    be set): a name lacking a bit lacks the pair."""
    codes = np.frombuffer(" ".join(keys).encode("ascii", "replace").translate(LETTER_CODE), np.uint8).astype(np.int64)
    within = (codes[:-1] != 26) & (codes[1:] != 26)
    pairs = np.where(within, np.left_shift(1, _PAIR_BITS[codes[:-1] * LETTER_KINDS + codes[1:]]), 0).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(np.fromiter(map(len, keys), np.int64, len(keys)) + 1)[:-1]))
    return np.bitwise_or.reduceat(np.append(pairs, np.uint64(0)), starts)


def letter_counts(keys: Sequence[str], clip: bool = True) -> np.ndarray:
    """How many of each letter (see `LETTER_CODE`) every key holds, one row a key; clipped to 255 (uint8)."""
    codes = np.frombuffer("".join(keys).encode("ascii", "replace").translate(LETTER_CODE), dtype=np.uint8)
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), np.fromiter(map(len, keys), np.int64, len(keys)))
    counts = np.bincount(rows * LETTER_KINDS + codes, minlength=len(keys) * LETTER_KINDS)
    counts = counts.reshape(len(keys), LETTER_KINDS)
    return np.minimum(counts, 255).astype(np.uint8) if clip else counts
