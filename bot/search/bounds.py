"""Exact upper bounds of rapidfuzz's WRatio, which rule spellings out before they are scored.

Each is proved in its docstring from how WRatio is made (rapidfuzz's `fuzz_py.py`: the largest of ratio,
token_sort_ratio and token_set_ratio, and when the lengths differ 1.5 times or more, of partial_ratio and
partial_token_ratio scaled by 0.9, or 0.6 past 8 times, token ratios by a further 0.95), and checked against WRatio
itself on every spelling of an index of 2,000 names in tests/test_search.py ("the ... bound holds ...").

For a query q and a spelling c that share no word, every part of WRatio(q, c) is a function of the longest common
subsequence (LCS) of q (or of q with its words sorted) with c (or with c's words sorted, or of a window of one
within the other), and each of these is at most U(c) = sum over c's words w of L(w) + (number of words - 1),
where L(w) = max(LCS(q, w), LCS(sorted q, w)): the letters of c matched to q come word by word, plus the spaces.
`need` turns a threshold into the least U that could reach it for a spelling of length lc. Shared words add
three ways to score high that U does not bound (token_set's subset rule and its "intersection" ratios, and
partial_token_ratio's shared-word rule); `candidates.candidates` adds those spellings by their words.
"""

from __future__ import annotations

import math

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from bot.search.columns import Columns
from bot.search.query import Query

EPS = 1e-6
# WRatio's score for a spelling 1.5 (and 8) times longer or shorter than the query, sharing a word with it and not
# otherwise close: partial_token_ratio's 100, scaled (taken from rapidfuzz itself, to the last bit)
SHARED = fuzz.WRatio("xy aa", "aa zzzzzzzzzz")
SHARED_FAR = fuzz.WRatio("xy aa", "aa " + "z" * 40)
FAR_TOP = 90.0  # the most WRatio gives a spelling 1.5 times longer or shorter than the query: 0.9 * partial_ratio


def need(threshold: float, lq: int, lc: int) -> int:
    """The least U(c) with which a spelling of length `lc` could score `threshold` against a query of length `lq`."""
    t = threshold - EPS
    least = math.ceil(t * (lq + lc) / 200)                   # ratio, token_sort_ratio, token_set_ratio
    ratio = max(lq, lc) / min(lq, lc)
    if ratio >= 1.5:                                         # partial_ratio (and partial_token_ratio, scaled less)
        p = t / (0.9 if ratio <= 8.0 else 0.6)
        if p <= 100:
            short = min(lq, lc)
            for window in range(1, short + 1):
                lcs = math.ceil(p * (short + window) / 200)
                if lcs <= window:
                    least = min(least, lcs)
    return least


def common_letters(q: Query, columns: Columns, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The letters each spelling has in common with the query (M, see `letter_bound`), and its length."""
    letters = columns.letters
    common = np.zeros(len(numbers), np.int32)
    for letter in np.flatnonzero(q.letters).tolist():  # only the letters of the query can be in common
        common += np.minimum(letters[letter].take(numbers), q.letters[letter])
    return common.astype(np.float64), columns.lengths[numbers].astype(np.float64)


def letter_bound(q: Query, columns: Columns, numbers: np.ndarray) -> np.ndarray:
    """An upper bound of WRatio for each spelling that shares no word with the query (and repeats none).

    Every part of WRatio then compares the query (or its words sorted, or a window of it) with the spelling (or
    its words sorted, or a window of it) by their longest common subsequence, which is at most M, the letters
    the two have in common (counted with repeats, in any order). So ratio, token_sort_ratio and
    token_set_ratio are at most 2M / (lq + lc); partial_ratio and partial_token_ratio, against a window of
    length m <= the shorter length ls, at most 2 min(M, m) / (ls + m) <= 2M / (ls + M), scaled as WRatio does.
    A query repeating a word is measured by the token ratios with its words once: lq is then that length
    (smaller, so the bound is larger), while WRatio's choice of scale still goes by the query as typed."""
    common, lc = common_letters(q, columns, numbers)
    typed, lq = float(q.lq), float(q.lq_set)
    bound = 200.0 * common / (lq + lc)
    short, long = np.minimum(lc, typed), np.maximum(lc, typed)
    scale = np.where(long > 8 * short, 0.6, 0.9)
    partial = scale * 200.0 * common / (np.minimum(lc, lq) + common)
    return np.where(2 * long >= 3 * short, np.maximum(bound, partial), bound)


def paired(q: Query, columns: Columns, numbers: np.ndarray, floor: float) -> np.ndarray:
    """Which of these spellings could reach a floor of 85.5 or more, by their pairs of letters alone (no word
    shared with the query; true for all under that floor, or for a query of 20 letters or more).

    A spelling 1.5 to 8 times longer scores it only through 0.9 partial_ratio >= 85.5, or partial_token_ratio
    at 100 (its words sorted within the other's). partial_ratio 95 needs the query (q letters) whole in a window,
    as one mismatch scores (q - 1) / q at best, under 0.95 up to 19 letters; or, from 11 letters, a window one
    letter shorter at an end of the spelling (2 (q - 1) / (2 q - 1)), matched whole: the query but for its
    first or last letter. So the spelling holds every pair of the query within a word (from 11 letters, but the
    two at its ends). Past 8 times: out of reach."""
    kept = np.ones(len(numbers), bool)
    key = q.key
    if floor < SHARED - EPS or len(key) >= 20 or q.inner_pairs is None:
        return kept
    lc = columns.lengths[numbers]
    longer = 2 * lc >= 3 * len(key)  # (a shorter spelling is the one matched against windows of the query)
    held = (columns.pairs[numbers] & q.inner_pairs) == q.inner_pairs
    return ~longer | (held & (lc <= 8 * len(key)))


def order_bound(q: Query, columns: Columns, numbers: np.ndarray, floor: float) -> np.ndarray:
    """A tighter bound than `letter_bound` for a spelling 1.5 times longer or shorter than the query (infinity
    for the others): by L, their longest common subsequence in order (rapidfuzz's LCSseq, in C).

    There WRatio is max(ratio, s partial_ratio, 0.95 s partial_token_ratio), s the scale (0.9, or 0.6 past 8
    times). ratio is 2L / (lq + lc), and partial_ratio at most 2L / (ls + L), as in `letter_bound`.
    partial_token_ratio is partial_ratio over the words sorted (no word shared), where the order is lost: over a
    floor of 85.5 it cannot count (0.855 at most). Under it, for a query of one word no longer than the
    spelling, its windows within a word are windows of the spelling (2L / (ls + L) again) and those across two
    words hold a space the query lacks (at most 2(lq - 1) / (2 lq - 1)). For more words, the letters in common
    bound it (`letter_bound`), and so does 2(m - 1) / (2m - 1), m the shorter of the two sorted, unless that
    one is within the other (100): the names tied at 85.5 by the thousand are mostly decided so."""
    bound = np.full(len(numbers), np.inf)
    lq = q.lq
    lc = columns.lengths[numbers].astype(np.float64)
    short, long = np.minimum(lc, lq), np.maximum(lc, lq)
    over = floor > SHARED + EPS
    held = (2 * long >= 3 * short) & (over or " " in q.key or lc >= lq)
    if not held.any():
        return bound
    numbers, lc, short, long = numbers[held], lc[held], short[held], long[held]
    keys = columns.keys
    common = process.cdist([q.key], [keys[n] for n in numbers.tolist()], scorer=LCSseq.similarity,
                           processor=None, dtype=np.int32)[0].astype(np.float64)
    scale = np.where(long > 8 * short, 0.6, 0.9)
    found = np.maximum(200.0 * common / (lq + lc), scale * 200.0 * common / (short + common))
    if not over and " " not in q.key:
        found = np.maximum(found, 0.95 * scale * 200.0 * (lq - 1) / (2 * lq - 1))
    elif not over:
        found = np.maximum(found, 0.95 * scale * _token_bound(q, columns, numbers, lc, found, scale, floor))
    bound[held] = found
    return bound


def _token_bound(q: Query, columns: Columns, numbers: np.ndarray, lc: np.ndarray, found: np.ndarray,
                 scale: np.ndarray, floor: float) -> np.ndarray:
    """partial_token_ratio's bound for a query of several words, unscaled (see `order_bound`): by the letters in
    common and the shorter sorted length, or 100 where one's words sorted are within the other's."""
    letters, _ = common_letters(q, columns, numbers)
    m = np.minimum(lc, q.lq_set)
    tokens = np.minimum(200.0 * letters / (m + letters), 200.0 * (m - 1) / (2 * m - 1))
    within = np.flatnonzero((found < floor - EPS) & (0.95 * scale * 100.0 >= floor - EPS)
                            & (letters >= m)).tolist()  # (within: every letter of the shorter in common)
    typed = " ".join(sorted(q.words))
    keys = columns.keys
    for i in within:  # (where the floor is reached only that way)
        key = keys[int(numbers[i])]
        if lc[i] >= q.lq_set and not all(word in key for word in q.words):  # (each must be in its words)
            continue
        words = " ".join(sorted(set(key.split())))
        if (typed in words) if len(typed) <= len(words) else (words in typed):
            tokens[i] = 100.0
    return tokens
