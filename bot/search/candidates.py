"""Which spellings of a `Part` a fuzzy search takes in: the exact superset `candidates` (by the bound U of
`bounds.py`, and the words shared in the ways WRatio rewards beyond it), and the spellings holding words that
resemble the query's (`resembling`, `completing`: not a bound; `make bench` holds their answers to a full scan)."""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from bot.search.bounds import EPS, SHARED, SHARED_FAR, need
from bot.search.query import Query
from bot.search.tables import Bucket, Part, distinct

_BUDGET = 3000       # most spellings worth bounding rather than scanning
_MANY_WORDS = 40     # a bucket where more words than this could count is taken whole
_RESEMBLES = 65.0  # a word resembles a query word at this fuzz.ratio or more (one typo in three letters)
_RESEMBLES_SHORT = 55.0  # ... for query words of 4 or 5 letters (two typos in five)
_RESEMBLES_START = 65.0  # a word starts like the last query word when it is still being typed (autocomplete)


def word_lcs(part: Part, q: Query, code: int) -> dict[str, int]:
    """L(w) for every word of this kind that shares a letter with the query (see `bounds.py`)."""
    found = q.by_part.get(code)
    if found is None:
        found = {}
        variants = {q.key, " ".join(sorted(q.words))}
        for variant in variants:
            for word, lcs, _ in process.extract(variant, part.vocab, scorer=LCSseq.similarity, processor=None,
                                                limit=None, score_cutoff=1):
                if lcs > found.get(word, 0):
                    found[word] = int(lcs)
        q.by_part[code] = found
    return found


def candidates(part: Part, q: Query, threshold: float, code: int) -> set[int] | None:
    """Every spelling of this kind that could score `threshold` or more against the query (a superset), or
    None when that would be more than `_BUDGET`.

    Beyond the words shared: U(c) must reach `need`, bucket by bucket (U counts shared words in full, initials
    as 1). In a bucket: the spellings holding a word whose L could be their largest, and (two longer words or more)
    a second one whose L could make up the rest; a bucket where either would be most words is taken whole."""
    lq = q.lq
    ranked = sorted(word_lcs(part, q, code).items(), key=lambda item: -item[1])
    found: set[int] = set(part.dups)
    shared_words(part, q, threshold, found, found)
    if len(found) > _BUDGET:
        return None
    at_least = [0] * (max((v for _, v in ranked), default=0) + 2)   # at_least[v]: words with L >= v
    for _, value in ranked:
        at_least[value] += 1
    for v in range(len(at_least) - 2, -1, -1):
        at_least[v] += at_least[v + 1]
    for bucket, nums in part.buckets.items():
        heavy, light, length = bucket
        total = need(threshold, lq, length) - (heavy + light - 1) - light  # what the longer words must add up to
        if total <= 0:
            found.update(nums)
            continue
        room = length - (heavy + light - 1) - light
        if heavy == 0 or total > room:
            continue
        least = math.ceil(total / heavy)             # the largest L among them, at least
        if least >= len(at_least):
            continue
        if least <= 1 or at_least[least] > _MANY_WORDS:
            found.update(nums)
            continue
        _by_words(part, bucket, total, ranked[:at_least[least]], ranked, at_least, found)
        if len(found) > _BUDGET:
            return None
    return found


def _by_words(part: Part, bucket: Bucket, total: int, first: list[tuple[str, int]], ranked: list[tuple[str, int]],
              at_least: list[int], found: set[int]) -> None:
    """Add the spellings of a bucket holding one of the `first` words and a partner word whose L could make up
    the rest of `total` (see `candidates`)."""
    heavy = bucket[0]
    unions: dict[int, set[int] | None] = {}
    for word, value in first:
        posting = part.post.get((word, *bucket))
        if posting is None:
            continue
        partner = math.ceil((total - value) / (heavy - 1)) if heavy > 1 else 0  # the next largest L, at least
        if partner >= len(at_least):
            continue
        if partner <= 1 or at_least[partner] > _MANY_WORDS:
            found.update(posting)
            continue
        others = unions.get(partner, False)
        if others is False:
            others = set()
            for other, _ in ranked[:at_least[partner]]:
                more = part.post.get((other, *bucket))
                if more is not None:
                    others.update(more)
            unions[partner] = others
        if others:
            found.update(others.intersection(posting))


def shared_words(part: Part, q: Query, threshold: float, found: set[int], far: set[int] | None = None) -> None:
    """Add the spellings that share words with the query in the ways WRatio rewards beyond U (see `bounds.py`); into
    `far` (when given), those that partial_token_ratio's rule scores: spellings 1.5 times longer or shorter than
    the query holding one of its words (85.5 at least; see `Search.score_far`)."""
    lq, words = q.lq, q.words
    # Spellings whose words are the query's, or all of the query's words and more: token_set_ratio says 100.
    if threshold <= 95 + EPS:
        for size in range(1, len(words) + 1):
            for subset in combinations(words, size):
                length = sum(map(len, subset)) + size - 1
                light = sum(len(w) == 1 for w in subset)
                if max(lq, length) / min(lq, length) < 1.5:
                    part.with_all(subset, [(size - light, light, length)], found)
        part.with_all(words, [b for b in part.word_buckets.get(min(words, key=part.rarity), ())
                              if b[0] + b[1] > len(words) and b[2] < 1.5 * lq], found)
    # token_set_ratio's "intersection" ratios: shared words long enough against the shorter string.
    for size in range(1, len(words) + 1):
        for subset in combinations(words, size):
            shared = sum(map(len, subset)) + size - 1
            if 95 * 2 * shared / (shared + min(q.lq_set, lq / 1.5)) + EPS < threshold:  # not even at best
                continue
            rarest = min(subset, key=part.rarity)
            buckets = [b for b in part.word_buckets.get(rarest, ())
                       if b[0] + b[1] >= size and max(lq, b[2]) / min(lq, b[2]) < 1.5
                       and 95 * 2 * shared / (shared + min(q.lq_set, b[2])) + EPS >= threshold]
            part.with_all(subset, buckets, found)
    if far is not None:
        far.update(far_sharing(part, q, threshold))


def far_sharing(part: Part, q: Query, threshold: float) -> set[int]:
    """The spellings partial_token_ratio's rule could lift to `threshold`: any shared word gives 100 when the
    lengths differ 1.5 times or more (85.5 at least; see `Search.score_far`)."""
    found: set[int] = set()
    if threshold > SHARED + EPS:
        return found
    for word in q.words:
        for bucket in part.word_buckets.get(word, ()):
            ratio = max(q.lq, bucket[2]) / min(q.lq, bucket[2])
            if ratio >= 1.5 and (ratio <= 8.0 or threshold <= SHARED_FAR + EPS):
                found.update(part.post[(word, *bucket)])
    return found


def completing(part: Part, q: Query, cutoff: float) -> tuple[set[int], set[int]]:
    """`resembling` for a query of one word up to 8 letters being typed, less the spellings that cannot score
    the cutoff (80 or more): those over 1.5 times longer than the query must also hold a word that could. And
    apart, those of them that hold a word containing the query, which score 90 exactly (see below): often
    thousands ("ather": Catherine, Heather, Mathers...).

    WRatio there is max(ratio, 0.9 partial_ratio, 0.855 partial_token_ratio), and ratio stays under 80. Both
    partial ratios match the query against windows of the spelling (or of its words sorted) no longer than the
    query. A window holding a space scores at most (lq - 1) / lq, 87.5 for 8 letters, too little even scaled by
    0.9; so the window lies within one word w, and w scores partial_ratio(query, w) >= cutoff / 0.9 when w is as
    long as the query, else 2L / (lq + L) >= cutoff / 0.9 with L = LCS(query, w) (a window of w scores no more).
    Past 8 times longer, the scale is 0.6: out of reach. With the query whole in a word, partial_ratio is 100:
    the score is 90, as partial_token_ratio stays under 85.5."""
    lq, keys = q.lq, part.keys
    near = 3 * lq  # twice the longest length not 1.5 times longer (where ratio may still reach 80)
    least = cutoff / 0.9 - EPS
    resembling = resembling_words(part, q.key, True)
    within = {w for w, _, _ in process.extract(q.key, part.vocab, scorer=fuzz.partial_ratio, processor=None,
                                              limit=None, score_cutoff=least) if len(w) >= lq}
    short = [w for w in part.vocab if len(w) < lq]
    if short:
        common = process.cdist([q.key], short, scorer=LCSseq.similarity, processor=None, dtype=np.int32)[0]
        within.update(w for w, c in zip(short, common.tolist(), strict=True) if 200 * c / (lq + c) >= least)
    found: set[int] = set()
    whole: set[int] = set()
    for word in resembling:  # up to 1.5 times longer (buckets come by length)
        for bucket in part.word_buckets.get(word, ()):
            if 2 * bucket[2] > near:
                break
            found.update(part.post[(word, *bucket)])
    for word in within:  # longer: holding a word within reach, and one resembling the query
        for bucket in part.word_buckets[word]:
            if bucket[2] > 8 * lq:
                break
            if 2 * bucket[2] >= near:
                posting = part.post[(word, *bucket)]
                held = posting if word in resembling else [
                    n for n in posting if not resembling.isdisjoint(keys[n].split())]
                (whole if q.key in word else found).update(held)
    return found - whole, whole


def resembling(part: Part, q: Query, every: bool = True, prefix: bool = False) -> np.ndarray:
    """The spellings holding, for every query word of three letters or more (`every`; else for any query
    word), a word that resembles it: equal, as close as one typo in three letters (ratio 65), or contained in
    the query word (a missing space). Not a bound: `make bench` checks answers from these against a full
    scan, on misspelled names."""
    last = q.key.rsplit(" ", 1)[-1]
    held = []
    for word in q.words:
        if every and len(word) < 3:
            continue
        arrays = [part.holders[w] for w in resembling_words(part, word, prefix and word == last)]
        held.append(np.concatenate(arrays) if arrays else np.zeros(0, np.int32))
    if not held:
        return resembling(part, q, every=False, prefix=prefix) if every else np.zeros(0, np.int32)
    if not every:
        return distinct(np.concatenate(held))
    held.sort(key=len)
    found = distinct(held[0])
    for other in held[1:]:
        found = found[np.isin(found, other, kind="table")]
    return found


def resembling_words(part: Part, word: str, typing: bool) -> set[str]:
    """The words of this kind that resemble a query word (see `resembling`); `typing`: it may be cut short."""
    words: set[str] = set()
    if word in part.word_buckets and len(word) > 1:
        words.add(word)
    if len(word) >= 3:
        cutoff = _RESEMBLES_SHORT if 4 <= len(word) <= 5 else _RESEMBLES
        words.update(w for w, _, _ in process.extract(word, part.vocab, scorer=fuzz.ratio, processor=None,
                                                     limit=None, score_cutoff=cutoff))
    if typing and len(word) >= 3:  # still being typed: the start of a longer word
        longer, starts = part.starts(len(word))
        words.update(longer[i] for _, _, i in process.extract(word, starts, scorer=fuzz.ratio, processor=None,
                                                              limit=None, score_cutoff=_RESEMBLES_START))
    if len(word) >= 5:  # a shorter word within it (a space missed): partial_ratio 90 needs 0.8 of its letters
        by_length, lengths = part.lengthwise()
        shorter = by_length[bisect_left(lengths, 3):bisect_left(lengths, len(word))]
        if shorter:
            common = process.cdist([word], shorter, scorer=LCSseq.similarity, processor=None, dtype=np.int32)[0]
            maybe = [w for w, c in zip(shorter, common.tolist(), strict=True) if c >= 0.8 * len(w)]
            words.update(w for w, _, _ in process.extract(word, maybe, scorer=fuzz.partial_ratio,
                                                         processor=None, limit=None, score_cutoff=90))
    return words
