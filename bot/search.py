"""The one name index: people, orgs and teams by canonical name and every alias, exact first, then fuzzy.

Shared by question answering, autocomplete, inline `[[name]]` lookups and "did you mean". Spellings are
folded (case, accents, punctuation) and also keyed with their words sorted, so "Pang Ruoming" is an exact hit
for "Ruoming Pang". An exact or alias hit always beats a fuzzy one ("Nix" never answers "Phoenix" when a
"Nix" exists); a fuzzy winner is taken only when it leads the runner-up clearly, otherwise the caller gets
the candidates to offer.

Fuzzy scores are rapidfuzz's WRatio, exactly as a full scan over every spelling gives them, but only the
spellings that can matter are considered (see `_Search`): those with a word resembling each word of the query and
those that WRatio's shared-word rules rank high; when none of them is close, those with a word resembling any word
of the query; when still none is, every spelling an exact bound (`_Part.candidates`) cannot rule out. The first two
steps are not a proof: `make bench` checks their top answer against a full scan, query by query. Of those, a
search scores only what could still change its first entities (and for a lookup, those close to the leader):
exact bounds by the letters in common and by the common subsequence, in numpy and in C, rule the rest out, and
the thousands that WRatio ties at 85.5 (a shared initial in a longer name) are scored as a group. Autocomplete
offers only names resembling what is typed (`NameIndex.complete`). The index lives in flat arrays and sorted
lists: a million spellings take about 180 MB.
"""

from __future__ import annotations

import heapq
import math
import re
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, LCSseq

from bot.records import NameEntry
from bot.text import fold

WORD_LIKE = 60.0   # a typed word "looks like" a word of a name at this fuzz.ratio ("pnag"~"pang" 75, "iei"~"wei" 67)
ACCEPT = 85.0      # a fuzzy hit at least this good may be taken without asking
SLIP_FLOOR = 75.0  # ...or this good, when each typed word is one slip (OSA) from a word of it: "opneai", "appel"
SUGGEST = 60.0     # below this a spelling is not worth offering
MARGIN = 4.0       # a fuzzy winner must lead the next entity by this much
COMPLETE_CUTOFF = 80.0  # autocomplete fills up with fuzzy hits only this good (no noise under a typed prefix)

KINDS = ("person", "org", "team")
_SEEN, _EXEMPT, _FAR, _SCORED = 1, 2, 4, 8  # `_Search._flags`
_CODE = {kind: code for code, kind in enumerate(KINDS)}
_BUDGET = 3000       # most spellings worth bounding rather than scanning
_SMALL = 500         # kinds with this many spellings or fewer are scanned in full
_RESEMBLES = 65.0  # a word resembles a query word at this fuzz.ratio or more (one typo in three letters)
_RESEMBLES_SHORT = 55.0  # ... for query words of 4 or 5 letters (two typos in five)
_RESEMBLES_START = 65.0  # a word starts like the last query word when it is still being typed (autocomplete)
_RESEMBLING_FLOOR = 75.0  # below this, the spellings resembling every query word are not enough
_MANY_WORDS = 40     # a bucket where more words than this could count is taken whole
_EPS = 1e-6
# WRatio's score for a spelling 1.5 (and 8) times longer or shorter than the query, sharing a word with it and not
# otherwise close: partial_token_ratio's 100, scaled (taken from rapidfuzz itself, to the last bit)
_SHARED = fuzz.WRatio("xy aa", "aa zzzzzzzzzz")
_SHARED_FAR = fuzz.WRatio("xy aa", "aa " + "z" * 40)
_FAR_TOP = 90.0  # the most WRatio gives a spelling 1.5 times longer or shorter than the query: 0.9 * partial_ratio


@dataclass(frozen=True, slots=True)
class Match:
    """An entity found for a query, through one of its spellings."""

    kind: str
    id: int
    name: str
    org: str | None
    spelling: str
    score: float
    exact: bool

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def label(self) -> str:
        """How to show it in a list: teams carry their org ("Foundation Models (Apple)")."""
        return f"{self.name} ({self.org})" if self.kind == "team" and self.org else self.name


@dataclass(frozen=True)
class Lookup:
    """The outcome of resolving one name: a winner, or candidates to ask about, or nothing."""

    query: str
    best: Match | None
    candidates: list[Match] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.best is None and bool(self.candidates)


def covers(query: str, spelling: str) -> bool:
    """Every word typed (of 3 letters or more) looks like a word of the spelling: WRatio alone would take
    "Mark Lee" for "Mark Zuckerberg", or "Intel" inside "superintelligense", as a sure answer."""
    words = spelling.split()
    return all(any(fuzz.ratio(w, s) >= WORD_LIKE for s in words) for w in query.split() if len(w) >= 3)


def resembles_any(query: str, spelling: str) -> bool:
    """A word typed (of 3 letters or more) looks like a word of the spelling, or none is that long: "Mark Lee" for
    "Ann Lee", not "Adam S. Xu" for "Priya S. Freeman"."""
    typed = [w for w in query.split() if len(w) >= 3]
    words = spelling.split()
    return not typed or any(fuzz.ratio(w, s) >= WORD_LIKE for w in typed for s in words)


def one_slip(query: str, spelling: str) -> bool:
    """The query is the spelling with at most one slip a word (a letter wrong, missing, extra, or two swapped:
    OSA distance 1), word for word: WRatio counts two swapped letters as two edits ("opneai" 83, "appel" 80)."""
    typed, words = query.split(), spelling.split()
    return len(typed) == len(words) and all(
        len(w) >= 4 and any(OSA.distance(w, s, score_cutoff=1) <= 1 for s in words) for w in typed)


def _sorted_key(key: str) -> str:
    return " ".join(sorted(key.split()))


_INITIAL = re.compile(r"(?<![^ ])([^\W\d_])(?![^ ])")  # a one-letter word


def _display(key: str) -> str:
    """The usual way a folded name is written ("maria k lopez" -> "Maria K. Lopez"): names written so are not
    stored twice (a million people fit in less memory); any other name is kept as written."""
    return _INITIAL.sub(r"\1.", key.title())


# Letters a-z, the space, and every other character as one: what `_Search._letter_bound` counts.
_LETTER_CODE = bytes(b - 97 if 97 <= b <= 122 else 26 if b == 32 else 27 for b in range(256))
_LETTER_KINDS = 28


_PAIR_BITS = np.random.default_rng(7).integers(0, 64, _LETTER_KINDS * _LETTER_KINDS)  # a pair's bit: any fixed draw


def _pair_signatures(keys: Sequence[str]) -> np.ndarray:
    """For each key, 64 bits, one set for each pair of letters next to each other within a word (hashed, so more may
    be set): a name lacking a bit lacks the pair."""
    codes = np.frombuffer(" ".join(keys).encode("ascii", "replace").translate(_LETTER_CODE), np.uint8).astype(np.int64)
    within = (codes[:-1] != 26) & (codes[1:] != 26)
    pairs = np.where(within, np.left_shift(1, _PAIR_BITS[codes[:-1] * _LETTER_KINDS + codes[1:]]), 0).astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(np.fromiter(map(len, keys), np.int64, len(keys)) + 1)[:-1]))
    return np.bitwise_or.reduceat(np.append(pairs, np.uint64(0)), starts)


def _letter_counts(keys: Sequence[str], clip: bool = True) -> np.ndarray:
    """How many of each letter (see `_LETTER_CODE`) every key holds, one row a key; clipped to 255 (uint8)."""
    codes = np.frombuffer("".join(keys).encode("ascii", "replace").translate(_LETTER_CODE), dtype=np.uint8)
    rows = np.repeat(np.arange(len(keys), dtype=np.int64), np.fromiter(map(len, keys), np.int64, len(keys)))
    counts = np.bincount(rows * _LETTER_KINDS + codes, minlength=len(keys) * _LETTER_KINDS)
    counts = counts.reshape(len(keys), _LETTER_KINDS)
    return np.minimum(counts, 255).astype(np.uint8) if clip else counts


# -- bounds on WRatio ---------------------------------------------------------------------------------------------
#
# For a query q and a spelling c that share no word, every part of WRatio(q, c) is a function of the longest common
# subsequence (LCS) of q (or of q with its words sorted) with c (or with c's words sorted, or of a window of one
# within the other), and each of these is at most U(c) = sum over c's words w of L(w) + (number of words - 1),
# where L(w) = max(LCS(q, w), LCS(sorted q, w)): the letters of c matched to q come word by word, plus the spaces.
# `_need` turns a threshold into the least U that could reach it for a spelling of length lc. Shared words add
# three ways to score high that U does not bound (token_set's subset rule and its "intersection" ratios, and
# partial_token_ratio's shared-word rule); `_Part.candidates` adds those spellings by their words.

def _need(threshold: float, lq: int, lc: int) -> int:
    """The least U(c) with which a spelling of length `lc` could score `threshold` against a query of length `lq`."""
    t = threshold - _EPS
    need = math.ceil(t * (lq + lc) / 200)                    # ratio, token_sort_ratio, token_set_ratio
    ratio = max(lq, lc) / min(lq, lc)
    if ratio >= 1.5:                                         # partial_ratio (and partial_token_ratio, scaled less)
        p = t / (0.9 if ratio <= 8.0 else 0.6)
        if p <= 100:
            short = min(lq, lc)
            for window in range(1, short + 1):
                lcs = math.ceil(p * (short + window) / 200)
                if lcs <= window:
                    need = min(need, lcs)
    return need


Bucket = tuple[int, int, int]


def _bucket(key: str, words: list[str]) -> Bucket:
    light = sum(len(w) == 1 for w in words)
    return (len(words) - light, light, len(key))


@dataclass
class _Query:
    key: str
    words: list[str]            # distinct words, in order
    lq: int
    lq_set: int = 0             # the length of the distinct words, spaced (what token_set_ratio measures)
    by_part: dict[int, dict[str, int]] = field(default_factory=dict)   # part -> word -> L(word)


class _Part:
    """The spellings of one kind: word postings by (word, number of words, length), for bounds and completion."""

    def __init__(self, keys: list[str], index: NameIndex):
        self.keys = keys                                 # the index's folded spellings (shared, by number)
        self.index = index                               # (for the lengths of the spellings)
        self.nums = array("i")                           # this kind's spellings, by number (insertion order)
        self.canonical = array("i")                      # those that are an entity's own name
        # A bucket is (words of two letters or more, one-letter words, length): the bounds count initials as 1.
        self.buckets: dict[Bucket, array] = {}            # bucket -> spellings, sorted by (key, number)
        self.post: dict[tuple[str, int, int, int], array] = {}  # (word, *bucket) -> spellings, same order
        self.word_buckets: dict[str, list[Bucket]] = {}   # word -> its buckets, sorted by length
        self.vocab: list[str] = []                       # distinct words, sorted
        self.dups = array("i")                           # spellings that repeat a word (bounds do not hold)
        self.holders: dict[str, np.ndarray] = {}         # word -> the spellings holding it
        self._lengthwise_cache: tuple[list[str], list[int]] | None = None  # see `_lengthwise`
        self._start_cache: dict[int, tuple[list[str], list[str]]] = {}  # see `_starts`

    def __len__(self) -> int:
        return len(self.nums)

    # -- building -------------------------------------------------------------------------------------------

    def extend(self, numbers: Iterable[int], canonical: Iterable[int]) -> None:
        """Index many spellings at once (numbers ascending); `finish` sorts what needs sorting."""
        keys = self.keys
        for n in numbers:
            key = keys[n]
            words = key.split()
            bucket = _bucket(key, words)
            self.nums.append(n)
            found = self.buckets.get(bucket)
            if found is None:
                found = self.buckets[bucket] = array("i")
            found.append(n)
            distinct = set(words)
            if len(distinct) != len(words):
                self.dups.append(n)
            for word in distinct:
                posting = self.post.get((word, *bucket))
                if posting is None:
                    posting = self.post[(word, *bucket)] = array("i")
                    self.word_buckets.setdefault(word, []).append(bucket)
                posting.append(n)
        self.canonical.extend(canonical)

    def finish(self) -> None:
        by_key = self.keys.__getitem__
        for table in (self.buckets, self.post):
            for name, nums in table.items():
                table[name] = array("i", sorted(nums, key=by_key))  # stable: equal keys stay by number
        for buckets in self.word_buckets.values():
            buckets.sort(key=lambda b: (b[2], b))
        self.vocab = sorted(self.word_buckets)
        self.holders = {w: np.concatenate([np.frombuffer(self.post[(w, *b)], np.int32) for b in bs])
                        for w, bs in self.word_buckets.items()}

    def add(self, n: int, canonical: bool) -> None:
        """Index one more spelling (its number is the largest so far)."""
        key = self.keys[n]
        words = key.split()
        bucket = _bucket(key, words)
        self.nums.append(n)
        if canonical:
            self.canonical.append(n)
        by_key = self.keys.__getitem__
        nums = self.buckets.setdefault(bucket, array("i"))
        nums.insert(bisect_right(nums, key, key=by_key), n)
        distinct = set(words)
        if len(distinct) != len(words):
            self.dups.append(n)
        for word in distinct:
            posting = self.post.get((word, *bucket))
            if posting is None:
                posting = self.post[(word, *bucket)] = array("i")
                if word not in self.word_buckets:
                    insort(self.vocab, word)
                    self._lengthwise_cache, self._start_cache = None, {}
                buckets = self.word_buckets.setdefault(word, [])
                buckets.append(bucket)
                buckets.sort(key=lambda b: (b[2], b))
            posting.insert(bisect_right(posting, key, key=by_key), n)
            self.holders[word] = np.append(self.holders.get(word, np.zeros(0, np.int32)), np.int32(n))

    # -- fuzzy --------------------------------------------------------------------------------------------------

    def word_lcs(self, q: _Query, code: int) -> dict[str, int]:
        """L(w) for every word of this kind that shares a letter with the query (see the bounds above)."""
        found = q.by_part.get(code)
        if found is None:
            found = {}
            variants = {q.key, " ".join(sorted(q.words))}
            for variant in variants:
                for word, lcs, _ in process.extract(variant, self.vocab, scorer=LCSseq.similarity, processor=None,
                                                    limit=None, score_cutoff=1):
                    if lcs > found.get(word, 0):
                        found[word] = int(lcs)
            q.by_part[code] = found
        return found

    def candidates(self, q: _Query, threshold: float, code: int) -> set[int] | None:
        """Every spelling of this kind that could score `threshold` or more against the query (a superset), or
        None when that would be more than `_BUDGET`."""
        lq = q.lq
        lcs = self.word_lcs(q, code)
        ranked = sorted(lcs.items(), key=lambda item: -item[1])
        budget = _BUDGET
        found: set[int] = set(self.dups)
        self.shared_words(q, threshold, found, found)
        if len(found) > budget:
            return None

        # Everything else: U(c) must reach `_need`, bucket by bucket (U counts shared words in full, initials as 1).
        # In a bucket: the spellings holding a word whose L could be their largest, and (two longer words or more)
        # a second one whose L could make up the rest; a bucket where either would be most words is taken whole.
        at_least = [0] * (max((v for _, v in ranked), default=0) + 2)   # at_least[v]: words with L >= v
        for _, value in ranked:
            at_least[value] += 1
        for v in range(len(at_least) - 2, -1, -1):
            at_least[v] += at_least[v + 1]
        many = _MANY_WORDS
        for bucket, nums in self.buckets.items():
            heavy, light, length = bucket
            total = _need(threshold, lq, length) - (heavy + light - 1) - light  # what the longer words must add up to
            if total <= 0:
                found.update(nums)
                continue
            room = length - (heavy + light - 1) - light
            if heavy == 0 or total > room:
                continue
            least = math.ceil(total / heavy)             # the largest L among them, at least
            if least >= len(at_least):
                continue
            if least <= 1 or at_least[least] > many:
                found.update(nums)
                continue
            unions: dict[int, set[int] | None] = {}
            for word, value in ranked[:at_least[least]]:
                posting = self.post.get((word, *bucket))
                if posting is None:
                    continue
                partner = math.ceil((total - value) / (heavy - 1)) if heavy > 1 else 0  # the next largest L, at least
                if partner >= len(at_least):
                    continue
                if partner <= 1 or at_least[partner] > many:
                    found.update(posting)
                    continue
                others = unions.get(partner, False)
                if others is False:
                    others = set()
                    for other, _ in ranked[:at_least[partner]]:
                        more = self.post.get((other, *bucket))
                        if more is not None:
                            others.update(more)
                    unions[partner] = others
                if others:
                    found.update(others.intersection(posting))
            if len(found) > budget:
                return None
        return found

    def shared_words(self, q: _Query, threshold: float, found: set[int], far: set[int] | None = None) -> None:
        """Add the spellings that share words with the query in the ways WRatio rewards beyond U (see above); into
        `far` (when given), those that partial_token_ratio's rule scores: spellings 1.5 times longer or shorter than
        the query holding one of its words (85.5 at least; see `_Search._score_far`)."""
        lq, words = q.lq, q.words
        # Spellings whose words are the query's, or all of the query's words and more: token_set_ratio says 100.
        if threshold <= 95 + _EPS:
            for size in range(1, len(words) + 1):
                for subset in combinations(words, size):
                    length = sum(map(len, subset)) + size - 1
                    light = sum(len(w) == 1 for w in subset)
                    if max(lq, length) / min(lq, length) < 1.5:
                        self._with_all(subset, [(size - light, light, length)], found)
            self._with_all(words, [b for b in self.word_buckets.get(min(words, key=self._rarity), ())
                                   if b[0] + b[1] > len(words) and b[2] < 1.5 * lq], found)
        # token_set_ratio's "intersection" ratios: shared words long enough against the shorter string.
        for size in range(1, len(words) + 1):
            for subset in combinations(words, size):
                shared = sum(map(len, subset)) + size - 1
                if 95 * 2 * shared / (shared + min(q.lq_set, lq / 1.5)) + _EPS < threshold:  # not even at best
                    continue
                rarest = min(subset, key=self._rarity)
                buckets = [b for b in self.word_buckets.get(rarest, ())
                           if b[0] + b[1] >= size and max(lq, b[2]) / min(lq, b[2]) < 1.5
                           and 95 * 2 * shared / (shared + min(q.lq_set, b[2])) + _EPS >= threshold]
                self._with_all(subset, buckets, found)
        if far is not None:
            far.update(self.far_sharing(q, threshold))

    def far_sharing(self, q: _Query, threshold: float) -> set[int]:
        """The spellings partial_token_ratio's rule could lift to `threshold`: any shared word gives 100 when the
        lengths differ 1.5 times or more (85.5 at least; see `_Search._score_far`)."""
        found: set[int] = set()
        if threshold > _SHARED + _EPS:
            return found
        for word in q.words:
            for bucket in self.word_buckets.get(word, ()):
                ratio = max(q.lq, bucket[2]) / min(q.lq, bucket[2])
                if ratio >= 1.5 and (ratio <= 8.0 or threshold <= _SHARED_FAR + _EPS):
                    found.update(self.post[(word, *bucket)])
        return found

    def completing(self, q: _Query, cutoff: float) -> tuple[set[int], set[int]]:
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
        lq, keys = q.lq, self.keys
        near = 3 * lq  # twice the longest length not 1.5 times longer (where ratio may still reach 80)
        need = cutoff / 0.9 - _EPS
        resembling = self._resembling_words(q.key, True)
        within = {w for w, _, _ in process.extract(q.key, self.vocab, scorer=fuzz.partial_ratio, processor=None,
                                                  limit=None, score_cutoff=need) if len(w) >= lq}
        short = [w for w in self.vocab if len(w) < lq]
        if short:
            common = process.cdist([q.key], short, scorer=LCSseq.similarity, processor=None, dtype=np.int32)[0]
            within.update(w for w, c in zip(short, common.tolist(), strict=True) if 200 * c / (lq + c) >= need)
        found: set[int] = set()
        whole: set[int] = set()
        for word in resembling:  # up to 1.5 times longer (buckets come by length)
            for bucket in self.word_buckets.get(word, ()):
                if 2 * bucket[2] > near:
                    break
                found.update(self.post[(word, *bucket)])
        for word in within:  # longer: holding a word within reach, and one resembling the query
            for bucket in self.word_buckets[word]:
                if bucket[2] > 8 * lq:
                    break
                if 2 * bucket[2] >= near:
                    posting = self.post[(word, *bucket)]
                    held = posting if word in resembling else [
                        n for n in posting if not resembling.isdisjoint(keys[n].split())]
                    (whole if q.key in word else found).update(held)
        return found - whole, whole

    def resembling(self, q: _Query, every: bool = True, prefix: bool = False) -> np.ndarray:
        """The spellings holding, for every query word of three letters or more (`every`; else for any query
        word), a word that resembles it: equal, as close as one typo in three letters (ratio 65), or contained in
        the query word (a missing space). Not a bound: `make bench` checks answers from these against a full
        scan, on misspelled names."""
        last = q.key.rsplit(" ", 1)[-1]
        held = []
        for word in q.words:
            if every and len(word) < 3:
                continue
            arrays = [self.holders[w] for w in self._resembling_words(word, prefix and word == last)]
            held.append(np.concatenate(arrays) if arrays else np.zeros(0, np.int32))
        if not held:
            return self.resembling(q, every=False, prefix=prefix) if every else np.zeros(0, np.int32)
        if not every:
            return _distinct(np.concatenate(held))
        held.sort(key=len)
        found = _distinct(held[0])
        for other in held[1:]:
            found = found[np.isin(found, other, kind="table")]
        return found

    def _resembling_words(self, word: str, typing: bool) -> set[str]:
        """The words of this kind that resemble a query word (see `resembling`); `typing`: it may be cut short."""
        words: set[str] = set()
        if word in self.word_buckets and len(word) > 1:
            words.add(word)
        if len(word) >= 3:
            cutoff = _RESEMBLES_SHORT if 4 <= len(word) <= 5 else _RESEMBLES
            words.update(w for w, _, _ in process.extract(word, self.vocab, scorer=fuzz.ratio, processor=None,
                                                         limit=None, score_cutoff=cutoff))
        if typing and len(word) >= 3:  # still being typed: the start of a longer word
            longer, starts = self._starts(len(word))
            words.update(longer[i] for _, _, i in process.extract(word, starts, scorer=fuzz.ratio, processor=None,
                                                                  limit=None, score_cutoff=_RESEMBLES_START))
        if len(word) >= 5:  # a shorter word within it (a space missed): partial_ratio 90 needs 0.8 of its letters
            by_length, lengths = self._lengthwise()
            shorter = by_length[bisect_left(lengths, 3):bisect_left(lengths, len(word))]
            if shorter:
                common = process.cdist([word], shorter, scorer=LCSseq.similarity, processor=None, dtype=np.int32)[0]
                maybe = [w for w, c in zip(shorter, common.tolist(), strict=True) if c >= 0.8 * len(w)]
                words.update(w for w, _, _ in process.extract(word, maybe, scorer=fuzz.partial_ratio,
                                                             processor=None, limit=None, score_cutoff=90))
        return words

    def _lengthwise(self) -> tuple[list[str], list[int]]:
        """The words, shortest first, and their lengths (kept until a new word comes)."""
        if self._lengthwise_cache is None:
            words = sorted(self.vocab, key=len)
            self._lengthwise_cache = (words, [len(w) for w in words])
        return self._lengthwise_cache

    def _starts(self, size: int) -> tuple[list[str], list[str]]:
        """The words longer than `size`, and their first `size` letters (kept until a new word comes)."""
        found = self._start_cache.get(size)
        if found is None:
            words, lengths = self._lengthwise()
            longer = words[bisect_right(lengths, size):]
            found = self._start_cache[size] = (longer, [w[:size] for w in longer])
        return found

    def _rarity(self, word: str) -> int:
        found = self.holders.get(word)
        return 0 if found is None else len(found)

    def _with_all(self, words: Sequence[str], buckets: Iterable[Bucket], found: set[int]) -> None:
        """Add the spellings of these buckets that hold every one of `words`."""
        for bucket in buckets:
            lists = [self.post.get((w, *bucket)) for w in words]
            if not all(lists):
                continue
            lists.sort(key=len)
            common = set(lists[0])
            for other in lists[1:]:
                common.intersection_update(other)
                if not common:
                    break
            found.update(common)

    # -- completion ---------------------------------------------------------------------------------------------

    def starting_with(self, prefix: str) -> Iterator[tuple[int, str, int]]:
        """(length, key, number) of the spellings that start with `prefix`, in that order."""
        by_key = self.keys.__getitem__
        lengths: dict[int, list[array]] = {}
        for (_, _, length), nums in self.buckets.items():
            if length >= len(prefix):
                lengths.setdefault(length, []).append(nums)
        for length in sorted(lengths):
            runs = []
            for nums in lengths[length]:
                start = bisect_left(nums, prefix, key=by_key)
                end = bisect_left(nums, prefix + "\U0010ffff", lo=start, key=by_key)
                if start < end:
                    runs.append((length, by_key(n), n) for n in nums[start:end])
            yield from heapq.merge(*runs)

    def word_starting_with(self, key: str) -> Iterator[tuple[int, str, int]]:
        """(length, key, number) of the spellings where `key` starts a word other than the first, in that order: of
        those holding its whole words and a word starting with its last, the shortest first."""
        *whole, last = key.split()
        held = [self.holders.get(word) for word in whole]
        start = bisect_left(self.vocab, last)
        starting = [self.holders[w] for w in self.vocab[start:bisect_left(self.vocab, last + "\U0010ffff", lo=start)]]
        if not starting or any(h is None for h in held):
            return
        numbers = _distinct(np.concatenate(starting))
        for other in sorted(held, key=len):
            numbers = numbers[np.isin(numbers, other, kind="table")]
        needle, keys = " " + key, self.keys
        lengths = self.index._lengths[numbers]
        order = np.argsort(lengths, kind="stable")
        numbers, lengths = numbers[order].tolist(), lengths[order].tolist()
        i = 0
        while i < len(numbers):  # a length at a time: the caller stops at its limit
            j = bisect_right(lengths, lengths[i], lo=i)
            found = sorted((keys[n], n) for n in numbers[i:j] if needle in keys[n] and not keys[n].startswith(key))
            yield from ((lengths[i], k, n) for k, n in found)
            i = j


class NameIndex:
    """In-memory index over `NameEntry` spellings; `add` keeps it current when one move is recorded."""

    def __init__(self, entries: Iterable[NameEntry | tuple] = ()):
        self._keys: list[str] = []          # folded spelling, by spelling number (insertion order)
        self._names: dict[int, str] = {}    # the entity's canonical name, where `_display` of the key is not it
        self._kinds = bytearray()
        self._ids = array("q")
        self._spellings: dict[int, str] = {}   # the spelling itself, where it is not the name (aliases)
        self._orgs: dict[int, str] = {}        # a team's org
        self._dead = 0                          # spellings dropped as repeats (kept in the arrays, indexed nowhere)
        self._exact_hashes = array("q")         # hash of each spelling with its words sorted, ascending
        self._exact_nums = array("i")           # the spellings in that order: exact lookups by bisection
        self._parts = {code: _Part(self._keys, self) for code in range(len(KINDS))}
        self._letters = np.zeros((_LETTER_KINDS, 0), np.uint8)  # `_letter_counts`: a row a letter, a column a spelling
        self._lengths = np.zeros(0, np.int32)                    # and its length (rows past len(_keys): room)
        self._pairs = np.zeros(0, np.uint64)                     # and its `_pair_signatures`
        self._aliased = np.zeros(0, np.int64)                    # entities with other spellings (`_entity_codes`)
        self.max_words = 1
        self.extend(entries)

    def __len__(self) -> int:
        return len(self._keys) - self._dead

    # -- building -------------------------------------------------------------------------------------------

    def extend(self, entries: Iterable[NameEntry | tuple]) -> None:
        """Index many spellings: (kind, id, name, spelling, org) tuples or `NameEntry`s. Fast for a whole store."""
        with self.bulk() as add:
            add(entries)

    @contextmanager
    def bulk(self) -> Iterator[Callable[[Iterable[NameEntry | tuple]], None]]:
        """`with index.bulk() as add:` then `add(entries)` as often as needed; the index is built once, at the end
        (a whole store in batches, without holding all its rows at once)."""
        if self._keys:  # already built: one at a time keeps every structure sorted
            def add_each(entries: Iterable[NameEntry | tuple]) -> None:
                for entry in entries:
                    self.add(entry)

            yield add_each
            return
        hashes = array("q")
        org_names: dict[str, str] = {}
        yield lambda entries: self._append(entries, hashes, org_names)
        self._build(hashes)

    def _append(self, entries: Iterable[NameEntry | tuple], hashes: array, org_names: dict[str, str]) -> None:
        keys = self._keys
        for entry in entries:
            kind, id_, name, spelling, org = _fields(entry)
            key = fold(spelling)
            if not key:
                continue
            n = len(keys)
            keys.append(key)
            if spelling != name or _display(key) != name:
                self._names[n] = name
            self._kinds.append(_CODE[kind])
            self._ids.append(id_)
            if spelling != name:
                self._spellings[n] = spelling
            if org is not None:
                self._orgs[n] = org_names.setdefault(org, org)
            hashes.append(hash(_sorted_key(key)))
            self.max_words = max(self.max_words, key.count(" ") + 1)

    def _build(self, hashes: array) -> None:
        keys = self._keys
        order = sorted(range(len(keys)), key=hashes.__getitem__)  # stable: by number within one hash
        live = bytearray(b"\x01") * len(keys)
        i = 0
        while i < len(order):  # a repeated (kind, id, spelling) counts once: the first one
            j = i + 1
            while j < len(order) and hashes[order[j]] == hashes[order[i]]:
                j += 1
            if j - i > 1:
                seen = set()
                for n in sorted(order[i:j]):
                    mark = (self._kinds[n], self._ids[n], keys[n])
                    if mark in seen:
                        live[n] = 0
                    seen.add(mark)
            i = j
        self._dead = len(keys) - sum(live)
        self._exact_nums = array("i", (n for n in order if live[n]))
        self._exact_hashes = array("q", (hashes[n] for n in self._exact_nums))
        del hashes, order
        step = 10_000  # a chunk at a time: counting letters takes some 60 bytes a letter of the chunk
        self._letters = np.ascontiguousarray(np.concatenate([np.zeros((_LETTER_KINDS, 0), np.uint8)] + [
            _letter_counts(keys[i:i + step]).T for i in range(0, len(keys), step)], axis=1))
        self._lengths = np.fromiter(map(len, keys), np.int32, len(keys))
        self._pairs = np.concatenate([np.zeros(0, np.uint64)] + [
            _pair_signatures(keys[i:i + step]) for i in range(0, len(keys), step)])
        aliases = np.fromiter(self._spellings, np.int64, len(self._spellings))
        self._aliased = np.unique(self._entity_codes(aliases))
        for code, part in self._parts.items():
            mine = [n for n in range(len(keys)) if live[n] and self._kinds[n] == code]
            part.extend(mine, (n for n in mine if n not in self._spellings))
            part.finish()

    def add(self, entry: NameEntry | tuple) -> None:
        """Index one spelling (idempotent)."""
        kind, id_, name, spelling, org = _fields(entry)
        key = fold(spelling)
        if not key:
            return
        code = _CODE[kind]
        digest = hash(_sorted_key(key))
        start = bisect_left(self._exact_hashes, digest)
        end = bisect_right(self._exact_hashes, digest, lo=start)
        for n in self._exact_nums[start:end]:
            if self._kinds[n] == code and self._ids[n] == id_ and self._keys[n] == key:
                return
        n = len(self._keys)
        self._keys.append(key)
        if spelling != name or _display(key) != name:
            self._names[n] = name
        self._kinds.append(code)
        self._ids.append(id_)
        if spelling != name:
            self._spellings[n] = spelling
        if org is not None:
            self._orgs[n] = org
        self._exact_hashes.insert(end, digest)
        self._exact_nums.insert(end, n)
        if n >= len(self._lengths):  # room for twice as many: one move recorded at a time stays cheap
            room = max(64, 2 * n)
            letters = np.zeros((_LETTER_KINDS, room), np.uint8)
            letters[:, :self._letters.shape[1]] = self._letters
            self._letters = letters
            self._lengths = np.resize(self._lengths, room)
            self._pairs = np.resize(self._pairs, room)
        self._letters[:, n] = _letter_counts([key])[0]
        self._lengths[n] = len(key)
        self._pairs[n] = _pair_signatures([key])[0]
        if spelling != name:
            self._aliased = np.union1d(self._aliased, [id_ * len(KINDS) + code])
        self._parts[code].add(n, spelling == name)
        self.max_words = max(self.max_words, key.count(" ") + 1)

    def _entity_codes(self, numbers: np.ndarray) -> np.ndarray:
        """These spellings' entities, each as one number (id and kind)."""
        return np.frombuffer(self._ids, np.int64)[numbers] * len(KINDS) + np.frombuffer(self._kinds, np.uint8)[numbers]

    # -- reading --------------------------------------------------------------------------------------------

    def _name(self, n: int) -> str:
        found = self._names.get(n)
        return _display(self._keys[n]) if found is None else found

    def _match(self, n: int, score: float, exact: bool, name: str | None = None) -> Match:
        name = name or self._name(n)
        return Match(KINDS[self._kinds[n]], self._ids[n], name, self._orgs.get(n), self._spellings.get(n, name), score,
                     exact)

    def _wanted(self, kinds: Iterable[str] | None) -> list[int]:
        if not kinds:
            return list(self._parts)
        wanted = set(kinds)
        return [code for code, kind in enumerate(KINDS) if kind in wanted]

    def spellings(self, kind: str, org: str | None = None) -> dict[str, str]:
        """Folded spelling -> canonical name, for one kind (and one org's teams); for typo checks."""
        return {self._keys[n]: self._name(n) for n in self._parts[_CODE[kind]].nums
                if org is None or self._orgs.get(n) == org}

    def exact(self, text: str, kinds: Iterable[str] | None = None) -> list[Match]:
        """Entities one of whose spellings is `text` (after folding, in any word order)."""
        key = fold(text)
        skey = _sorted_key(key)
        digest = hash(skey)
        start = bisect_left(self._exact_hashes, digest)
        group = [n for n in self._exact_nums[start:bisect_right(self._exact_hashes, digest, lo=start)]
                 if self._keys[n] == key or _sorted_key(self._keys[n]) == skey]
        if key != skey:  # the spelling as typed first; the same words in another order only when none has it
            group = [n for n in group if self._keys[n] == key] or group
        wanted = set(self._wanted(kinds))
        hits: dict[tuple[int, int], int] = {}
        for n in group:  # by number: an entity comes in at its first spelling and shows its last one
            if self._kinds[n] in wanted:
                hits[self._kinds[n], self._ids[n]] = n
        # one spelling is often many entities' (the "Inference" team of a thousand orgs): its name is made once
        shown: dict[str, str] = {}
        return [self._match(n, 100.0, True, self._names.get(n) or shown.get(self._keys[n])
                            or shown.setdefault(self._keys[n], self._name(n))) for n in hits.values()]

    def fuzzy(self, text: str, kinds: Iterable[str] | None = None, limit: int = 10,
              cutoff: float = SUGGEST) -> list[Match]:
        """Best entities for `text` by rapidfuzz's WRatio, one row per entity, best first (as a full scan ranks
        them: by score, then name)."""
        search = _Search(self, text, self._wanted(kinds), cutoff, limit)
        return search.top(limit)

    def lookup(self, text: str, kinds: Iterable[str] | None = None, limit: int = 5) -> Lookup:
        """Resolve a name: one exact entity wins; otherwise a clear fuzzy leader; otherwise candidates."""
        kinds = list(kinds) if kinds else None
        exact = self.exact(text, kinds)
        if len(exact) == 1:
            return Lookup(text, exact[0])
        if exact:
            return Lookup(text, None, sorted(exact, key=lambda m: m.label)[:limit])
        search = _Search(self, text, self._wanted(kinds), SUGGEST, 1, close=True)  # the leader, all close to it
        top = search.top(1)
        if not top:
            return Lookup(text, None)
        leader = top[0]
        typed, spelling = fold(text), fold(leader.spelling)
        if leader.score >= ACCEPT and covers(typed, spelling) and search.count_close(leader.score) == 1:
            return Lookup(text, leader, top)  # (nothing else within the margin)
        if leader.score >= SLIP_FLOOR and one_slip(typed, spelling):  # (nothing else that close one slip away)
            close = [m for m in search.top(search.count_close(leader.score)) if leader.score - m.score < MARGIN]
            if sum(one_slip(typed, fold(m.spelling)) for m in close) == 1:
                return Lookup(text, leader, top)
        # "did you mean": among equal scores, names with every typed word whole ("nat" -> Nat Friedman) come first;
        # after the first, only names with a word like one typed (WRatio scores 85.5 a longer name sharing an initial)
        words = set(typed.split())
        search.widen(2 * limit)
        candidates = search.top(2 * limit)
        candidates.sort(key=lambda m: (-m.score, not words <= set(fold(m.spelling).split())))
        candidates[1:] = [m for m in candidates[1:] if resembles_any(typed, fold(m.spelling))]
        return Lookup(text, None, candidates[:limit])

    def complete(self, text: str, kinds: Iterable[str] | None = None, limit: int = 25) -> list[Match]:
        """Autocomplete: exact, then prefix (of the name or any word of it), then fuzzy; one per entity.

        The fuzzy hits of a big kind are names with a word resembling each word typed (the last one may be cut
        short), or when none is close, any word: WRatio alone scores "Abigail F. Nakamura" 85.5 for "Keith F. Rile"
        (a shared initial), and a list of 25 names would be mostly such."""
        wanted = self._wanted(kinds)
        key = fold(text)
        out: dict[tuple[str, int], Match] = {}
        if not key:
            canonical = heapq.merge(*(self._parts[code].canonical for code in wanted))
            for n in canonical:
                out.setdefault((KINDS[self._kinds[n]], self._ids[n]), self._match(n, 0.0, False))
                if len(out) >= limit:
                    break
            return sorted(out.values(), key=lambda m: m.label.casefold())
        for m in self.exact(text, [KINDS[code] for code in wanted]):
            out.setdefault(m.key, m)
        groups = (heapq.merge(*(self._parts[code].starting_with(key) for code in wanted)),
                  heapq.merge(*(self._parts[code].word_starting_with(key) for code in wanted)))
        for group in groups:
            for _, _, n in group:
                if len(out) >= limit:
                    break
                out.setdefault((KINDS[self._kinds[n]], self._ids[n]), self._match(n, 95.0, False))
        if len(out) < limit and len(key) >= 3:
            for m in _Search(self, text, wanted, COMPLETE_CUTOFF, limit, prefix=True).top(limit):
                if len(out) >= limit:
                    break
                out.setdefault(m.key, m)
        return list(out.values())[:limit]


class _Search:
    """One fuzzy query. Scores are exact WRatio; which spellings get scored:

    1. those with a word resembling every query word, and those sharing words in the ways WRatio rewards most
       (`_Part.resembling`, `_Part.shared_words`): a few hundred for a misspelled name;
    2. when none of those scores `_RESEMBLING_FLOOR`: those with a word resembling any query word;
    3. when still none does: every spelling that could score the cutoff (`_Part.candidates`, an exact bound,
       cheap precisely when little is close), or all of them (a full scan) when even that is many.

    Small kinds (up to `_SMALL` spellings) are always scanned in full. Steps 1 and 2 are not a bound: `make bench`
    checks their top answer against a full scan on misspelled names, every query.

    Only the first `want` entities (with `close`, and every entity within `MARGIN` of the leader) are ranked exactly:
    a spelling that shares no word with the query is scored only when its letters could reach the lowest score
    those need (`_floor`). A spelling cannot score more against the query than the letters they have in common allow
    (`_letter_bound`): for a misspelled name among 100,000 that rules out most of the thousands resembling it.
    """

    def __init__(self, index: NameIndex, text: str, parts: list[int], cutoff: float, want: int,
                 prefix: bool = False, close: bool = False):
        self.index = index
        self.cutoff = cutoff
        self.want = want
        self.close = close    # every entity within `MARGIN` of the leader too (`count_close`: is it sure?)
        self.prefix = prefix  # the last word may be cut short (autocomplete)
        key = fold(text)
        words = list(dict.fromkeys(key.split()))
        self.query = _Query(key, words, len(key), len(" ".join(words)))
        # per spelling: _SEEN (taken in: scored, waiting, or ruled out by a bound), _EXEMPT (the letter bound does not
        # hold: words shared in a way WRatio rewards, or repeated), _FAR (taken by `_take_far`), _SCORED (by WRatio)
        self._flags = np.zeros(len(index._keys), np.uint8)
        self.good: dict[int, float] = {}      # those scoring the cutoff or more
        self._bests: dict[int, tuple[float, int]] = {}  # entity (id, kind) -> its best (score, spelling) in `good`
        self._bounding = False                # set once _EXEMPT marks a part's spellings (see `_search`)
        self._far_parts: list[int] = []       # parts whose `far_sharing` spellings wait for the floor (`_catch_up`)
        self._unchecked: list[np.ndarray] = []  # autocomplete: spellings taken in since `_take_far` last looked
        self._rejected: list[np.ndarray] = []  # spellings `_order_bound` ruled out (see `widen`)
        self._kept = 0                        # scores kept so far (`_keep`, `_keep_tied`)
        self._floor_at: tuple[tuple[int, int], float] = ((-1, want), cutoff)  # `_floor` at (`_kept`, `want`)
        self._tied: list[tuple[float, np.ndarray]] = []  # of those: scored, tied, under the floor (`_score_far`)
        self._waiting: list[tuple[np.ndarray, np.ndarray]] = []  # the others not scored yet, and their bounds
        letters = _letter_counts([key], clip=False)[0] if key else None  # (counts over 255 would not bound)
        self._inner_pairs = _pair_signatures([key if len(key) <= 10 else key[1:-1]])[0] if key else None  # `_paired`
        self._letters = letters.astype(np.uint8) if letters is not None and letters.max() < 255 else None
        # a one-word query of up to 8 letters against a cutoff of 80 or more (a short prefix being typed): see `_score`
        self._partial_first = cutoff >= 80 and " " not in key and len(key) <= 8
        if key:
            for code in parts:
                self._search(code)

    def top(self, limit: int) -> list[Match]:
        """The best `limit` entities scoring at least the cutoff, by score then name (as a full scan ranks them).
        Exact up to `want`, and for every entity within `MARGIN` of the first."""
        return [self.index._match(n, score, False) for score, n in self._entities(self.cutoff, limit)]

    def count_close(self, top: float) -> int:
        """How many entities score within `MARGIN` of `top` (and at least the cutoff); with `close` only."""
        assert self.close, "a search for the first entities only may not have scored all those close"
        return sum(1 for score, _ in self._bests.values() if top - score < MARGIN)

    def _search(self, code: int) -> None:
        part = self.index._parts[code]
        q = self.query
        if len(part) <= _SMALL or len(q.words) > 8:
            self._wratio(self._new(part.nums).tolist())
            return
        shared: set[int] = set()
        part.shared_words(q, self.cutoff, shared)
        for numbers in (shared, part.dups):
            self._flags[np.fromiter(numbers, np.int64, len(numbers))] |= _EXEMPT
        self._bounding = True
        self._far_parts.append(code)
        if self.prefix:  # autocomplete offers names resembling every word typed, else any (see `NameIndex.complete`)
            if self._partial_first:  # (one word: "every" and "any" are the same)
                found, whole = part.completing(q, self.cutoff)
                whole = self._new(whole)
                self._flags[whole] |= _SCORED
                self._tied.append((_FAR_TOP, np.sort(whole)))
                self._score(found)
                self._catch_up()
            elif self._score(part.resembling(q, prefix=True)) < _RESEMBLING_FLOOR:
                self._score(part.resembling(q, every=False, prefix=True))
            return
        found = part.resembling(q)
        close = self._score(np.union1d(found, np.frombuffer(part.dups, np.int32)))
        self._score(shared)
        self._catch_up()
        if close >= _RESEMBLING_FLOOR:
            return
        wider = part.resembling(q, every=False)
        best = self._score(wider)
        if best >= _RESEMBLING_FLOOR or np.isin([n for n, score in self.good.items() if score >= _RESEMBLING_FLOOR],
                                                  wider).any():
            return
        repeated = len(q.words) != q.key.count(" ") + 1  # U does not bound token_set_ratio then
        bounded = None if repeated else part.candidates(q, self.cutoff, code)
        self._score(part.nums if bounded is None else bounded)

    def widen(self, want: int) -> None:
        """Rank the first `want` entities exactly too (a "did you mean" list after a sure answer was ruled out)."""
        assert not self._partial_first, "spellings were ruled out against the floor of the first `want`"
        if want > self.want:
            self.want = want
            for numbers in self._rejected:  # the floor may be lower now
                self._wait(numbers)
            self._rejected = []
            self._catch_up()

    def _score(self, numbers: Iterable[int]) -> float:
        """Take in the spellings not seen yet; the best score among those scored now (0 when none reaches the
        cutoff). Those sharing a word with the query in a way WRatio rewards are scored; the others wait until
        `_letter_bound` says they could reach `_floor` (see `_catch_up`)."""
        new = self._new(numbers)
        if not len(new):
            return 0.0
        if self._letters is None or not self._bounding:
            return self._wratio(new.tolist())
        exempt = (self._flags[new] & _EXEMPT).astype(bool)
        best = self._wratio(new[exempt].tolist())
        self._wait(new[~exempt])
        return max(best, self._catch_up())

    def _wait(self, numbers: np.ndarray) -> None:
        if len(numbers):
            bound = self._letter_bound(numbers)
            order = np.argsort(-bound, kind="stable")
            self._waiting.append((numbers[order], -bound[order]))   # highest bound first (negated: ascending)

    def _new(self, numbers: Iterable[int] | array | np.ndarray) -> np.ndarray:
        """Those of these (distinct) spellings not seen yet; from now on, seen."""
        if isinstance(numbers, array):
            numbers = np.frombuffer(numbers, np.int32)
        elif not isinstance(numbers, np.ndarray):
            numbers = np.fromiter(numbers, np.int64, len(numbers) if isinstance(numbers, Sized) else -1)
        new = numbers[(self._flags[numbers] & _SEEN) == 0]
        self._flags[new] |= _SEEN
        if self.prefix:
            self._unchecked.append(new)
        return new

    def _catch_up(self) -> float:
        """Score the waiting spellings that could still reach the floor, the likeliest first and a growing chunk
        at a time, so that the floor rises as they are scored; the best score among them.

        A spelling 1.5 times longer or shorter than the query that shares a word with it scores 85.5 (57 past 8
        times) at least, which no letter bound says: once the floor is under 90, they are all taken in first, as
        `_score_far` scores them (the first chunk comes before: when it finds a leader over 94, they never are)."""
        best = 0.0
        waiting, self._waiting = self._waiting, []
        for rest, falling in waiting:
            start, size = 0, 64
            while start < len(rest):
                if self._far_parts and self.good and self._floor() <= _FAR_TOP + _EPS:
                    best = max(best, self._take_far())
                end = int(np.searchsorted(falling, _EPS - self._floor(), side="right"))  # bound >= floor
                if start >= end:
                    break
                stop = min(end, start + size)
                best = max(best, self._wratio(self._in_order(rest[start:stop])))
                start, size = stop, 4 * size
            if start < len(rest):
                self._waiting.append((rest[start:], falling[start:]))
        if self._far_parts and self._floor() <= _FAR_TOP + _EPS:
            best = max(best, self._take_far())
        self._keep_tied()
        return best

    def _take_far(self) -> float:
        """Take in the spellings that `far_sharing` names, in the parts searched, except those scored already. For
        autocomplete, only those taken in already (see `NameIndex.complete`), as they come: found among them by
        length and by the holders of the words typed (one initial alone is held by thousands of names)."""
        if self.prefix:
            if not self._unchecked:
                return 0.0
            found = np.concatenate(self._unchecked)
            self._unchecked = []
            found = found[(self._flags[found] & (_SCORED | _FAR)) == 0]
            lc, lq = self.index._lengths[found], self.query.lq
            short, long = np.minimum(lc, lq), np.maximum(lc, lq)
            found = found[(2 * long >= 3 * short) & ((long <= 8 * short) | (self.cutoff <= _SHARED_FAR + _EPS))]
            holding = np.zeros(len(found), bool)
            for code in self._far_parts:
                for word in self.query.words:
                    holders = self.index._parts[code].holders.get(word)
                    if holders is not None and len(found):
                        holding |= np.isin(found, holders, kind="table")
            found = found[holding]
            self._flags[found] |= _FAR
            return self._score_far(found)
        best = 0.0
        for code in self._far_parts:
            far = self.index._parts[code].far_sharing(self.query, self.cutoff)
            far = np.fromiter(far, np.int64, len(far))
            far = far[(self._flags[far] & (_SCORED | _FAR)) == 0]
            self._flags[far] |= _SEEN | _FAR
            best = max(best, self._score_far(far))
        self._far_parts = []
        return best

    def _letter_bound(self, numbers: np.ndarray) -> np.ndarray:
        """An upper bound of WRatio for each spelling that shares no word with the query (and repeats none).

        Every part of WRatio then compares the query (or its words sorted, or a window of it) with the spelling (or
        its words sorted, or a window of it) by their longest common subsequence, which is at most M, the letters
        the two have in common (counted with repeats, in any order). So ratio, token_sort_ratio and
        token_set_ratio are at most 2M / (lq + lc); partial_ratio and partial_token_ratio, against a window of
        length m <= the shorter length ls, at most 2 min(M, m) / (ls + m) <= 2M / (ls + M), scaled as WRatio does.
        A query repeating a word is measured by the token ratios with its words once: lq is then that length
        (smaller, so the bound is larger), while WRatio's choice of scale still goes by the query as typed."""
        common, lc = self._common(numbers)
        typed, lq = float(self.query.lq), float(self.query.lq_set)
        bound = 200.0 * common / (lq + lc)
        short, long = np.minimum(lc, typed), np.maximum(lc, typed)
        scale = np.where(long > 8 * short, 0.6, 0.9)
        partial = scale * 200.0 * common / (np.minimum(lc, lq) + common)
        return np.where(2 * long >= 3 * short, np.maximum(bound, partial), bound)

    def _in_order(self, numbers: np.ndarray) -> list[int]:
        """Those of these spellings not taken by `_take_far` that `_order_bound` does not rule out; those it rules
        out wait for `widen` (the only way the floor falls)."""
        numbers = numbers[(self._flags[numbers] & _FAR) == 0]
        floor = self._floor()
        kept = self._paired(numbers, floor)
        kept[kept] = self._order_bound(numbers[kept], floor) >= floor - _EPS
        if not kept.all():
            self._rejected.append(numbers[~kept])
        return numbers[kept].tolist()

    def _paired(self, numbers: np.ndarray, floor: float) -> np.ndarray:
        """Which of these spellings could reach a floor of 85.5 or more, by their pairs of letters alone (no word
        shared with the query; true for all under that floor, or for a query of 20 letters or more).

        A spelling 1.5 to 8 times longer scores it only through 0.9 partial_ratio >= 85.5, or partial_token_ratio
        at 100 (its words sorted within the other's). partial_ratio 95 needs the query (q letters) whole in a window,
        as one mismatch scores (q - 1) / q at best, under 0.95 up to 19 letters; or, from 11 letters, a window one
        letter shorter at an end of the spelling (2 (q - 1) / (2 q - 1)), matched whole: the query but for its
        first or last letter. So the spelling holds every pair of the query within a word (from 11 letters, but the
        two at its ends). Past 8 times: out of reach."""
        kept = np.ones(len(numbers), bool)
        key = self.query.key
        if floor < _SHARED - _EPS or len(key) >= 20 or self._inner_pairs is None:
            return kept
        lc = self.index._lengths[numbers]
        longer = 2 * lc >= 3 * len(key)  # (a shorter spelling is the one matched against windows of the query)
        held = (self.index._pairs[numbers] & self._inner_pairs) == self._inner_pairs
        return ~longer | (held & (lc <= 8 * len(key)))

    def _order_bound(self, numbers: np.ndarray, floor: float) -> np.ndarray:
        """A tighter bound than `_letter_bound` for a spelling 1.5 times longer or shorter than the query (infinity
        for the others): by L, their longest common subsequence in order (rapidfuzz's LCSseq, in C).

        There WRatio is max(ratio, s partial_ratio, 0.95 s partial_token_ratio), s the scale (0.9, or 0.6 past 8
        times). ratio is 2L / (lq + lc), and partial_ratio at most 2L / (ls + L), as in `_letter_bound`.
        partial_token_ratio is partial_ratio over the words sorted (no word shared), where the order is lost: over a
        floor of 85.5 it cannot count (0.855 at most). Under it, for a query of one word no longer than the
        spelling, its windows within a word are windows of the spelling (2L / (ls + L) again) and those across two
        words hold a space the query lacks (at most 2(lq - 1) / (2 lq - 1)). For more words, the letters in common
        bound it (`_letter_bound`), and so does 2(m - 1) / (2m - 1), m the shorter of the two sorted, unless that
        one is within the other (100): the names tied at 85.5 by the thousand are mostly decided so."""
        bound = np.full(len(numbers), np.inf)
        q = self.query
        lq = q.lq
        lc = self.index._lengths[numbers].astype(np.float64)
        short, long = np.minimum(lc, lq), np.maximum(lc, lq)
        over = floor > _SHARED + _EPS
        held = (2 * long >= 3 * short) & (over or " " in q.key or lc >= lq)
        if not held.any():
            return bound
        numbers, lc, short, long = numbers[held], lc[held], short[held], long[held]
        keys = self.index._keys
        common = process.cdist([q.key], [keys[n] for n in numbers.tolist()], scorer=LCSseq.similarity,
                               processor=None, dtype=np.int32)[0].astype(np.float64)
        scale = np.where(long > 8 * short, 0.6, 0.9)
        found = np.maximum(200.0 * common / (lq + lc), scale * 200.0 * common / (short + common))
        if not over and " " not in q.key:
            found = np.maximum(found, 0.95 * scale * 200.0 * (lq - 1) / (2 * lq - 1))
        elif not over:
            letters, _ = self._common(numbers)
            m = np.minimum(lc, q.lq_set)
            tokens = np.minimum(200.0 * letters / (m + letters), 200.0 * (m - 1) / (2 * m - 1))
            within = np.flatnonzero((found < floor - _EPS) & (0.95 * scale * 100.0 >= floor - _EPS)
                                    & (letters >= m)).tolist()  # (within: every letter of the shorter in common)
            typed = " ".join(sorted(q.words))
            for i in within:  # (where the floor is reached only that way)
                key = keys[int(numbers[i])]
                if lc[i] >= q.lq_set and not all(word in key for word in q.words):  # (each must be in its words)
                    continue
                words = " ".join(sorted(set(key.split())))
                if (typed in words) if len(typed) <= len(words) else (words in typed):
                    tokens[i] = 100.0
            found = np.maximum(found, 0.95 * scale * tokens)
        bound[held] = found
        return bound

    def _common(self, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The letters each spelling has in common with the query (M, see `_letter_bound`), and its length."""
        letters = self.index._letters
        common = np.zeros(len(numbers), np.int32)
        for letter in np.flatnonzero(self._letters).tolist():  # only the letters of the query can be in common
            common += np.minimum(letters[letter].take(numbers), self._letters[letter])
        return common.astype(np.float64), self.index._lengths[numbers].astype(np.float64)

    def _floor(self) -> float:
        """The lowest score still worth scoring: that of the `want`-th entity so far, or `MARGIN` under the
        leader's, whichever is lower (and the cutoff). It only rises as spellings are scored."""
        if len(self._bests) < self.want:
            return self.cutoff
        if self._floor_at[0] != (self._kept, self.want):
            scores = [score for score, _ in self._bests.values()]
            kth = heapq.nlargest(self.want, scores)[-1]
            floor = max(self.cutoff, min(kth, max(scores) - MARGIN) if self.close else kth)
            self._floor_at = ((self._kept, self.want), floor)
        return self._floor_at[1]

    def _score_far(self, batch: np.ndarray) -> float:
        """Score spellings 1.5 times longer or shorter than the query that share one of its words, without WRatio
        for most: there WRatio is max(ratio, 0.9 * partial_ratio, partial_token_ratio's 85.5) (0.6 and 57 past 8
        times), and ratio cannot reach 80; so unless partial_ratio reaches 95 (which their letters must allow
        first), the score is `_SHARED` exactly, and when it does, 0.9 * partial_ratio (up to 8 times). Those at
        `_SHARED` tie, often by the thousand: they wait for the floor in `_tied`, as two groups."""
        if not len(batch):
            return 0.0
        keys = self.index._keys
        lc = self.index._lengths[batch].astype(np.float64)
        short = np.minimum(lc, float(self.query.lq))
        if self._letters is None:
            maybe = batch.tolist()
        else:
            common, _ = self._common(batch)
            maybe = batch[200.0 * common / (short + common) >= 95 - _EPS].tolist()
        high = {maybe[i]: p for _, p, i in process.extract(self.query.key, [keys[n] for n in maybe],
                                                           scorer=fuzz.partial_ratio, processor=None, limit=None,
                                                           score_cutoff=95 - _EPS)}
        best, past_eight = self._keep_partial(high)
        high = list(high)
        self._flags[high] |= _SCORED
        best = max(best, self._wratio(past_eight))
        if high:
            batch, lc, short = (x[~np.isin(batch, high)] for x in (batch, lc, short))
        beyond = np.maximum(lc, float(self.query.lq)) > 8 * short
        for score, group in ((_SHARED, batch[~beyond]), (_SHARED_FAR, batch[beyond])):
            if len(group) and score >= self.cutoff:
                self._tied.append((score, np.sort(group)))
                best = max(best, score)
        self._keep_tied()
        return best

    def _keep_tied(self) -> None:
        """Record the tied groups that reach the floor (see `_score_far`): a few thousand at C speed, mostly."""
        waiting = []
        for score, group in self._tied:
            if score < self._floor() - _EPS:
                waiting.append((score, group))
                continue
            if not self.close:  # see `_first_by_name`
                group = self._first_by_name(group)
            numbers = group.tolist()
            self.good.update(dict.fromkeys(numbers, score))
            self._kept += len(numbers)
            entities = self.index._entity_codes(group).tolist()
            # each entity's first spelling in the group (the group is in order: the last one written wins)
            fresh = dict(zip(reversed(entities), [(score, n) for n in reversed(numbers)], strict=True))
            bests = self._bests
            for entity in fresh.keys() & bests.keys():
                old = bests[entity]
                if old[0] > score or (old[0] == score and old[1] < fresh[entity][1]):
                    fresh[entity] = old
            bests.update(fresh)
        self._tied = waiting

    def _first_by_name(self, group: np.ndarray) -> np.ndarray:
        """Of a tied group, what can be among the first `want` entities: every spelling of an entity with others
        (an alias), and of the rest, one entity each, the first `want` by name, with a stored name and without
        (`_display` keeps the order of keys): any other has `want` entities before it, at this score or above."""
        aliased = np.isin(self.index._entity_codes(group), self.index._aliased)
        alone = group[~aliased].tolist()
        if len(alone) <= 2 * self.want:
            return group
        stored, keys = self.index._names, self.index._keys
        named = heapq.nsmallest(self.want, [n for n in alone if n in stored], key=stored.__getitem__)
        plain = heapq.nsmallest(self.want, [n for n in alone if n not in stored], key=keys.__getitem__)
        return np.sort(np.concatenate([group[aliased], np.array(named + plain, dtype=group.dtype)]))

    def _wratio(self, new: list[int]) -> float:
        """WRatio for these spellings; the best of their scores (0 when none reaches the cutoff).

        With `_partial_first` (one word of up to 8 letters, a cutoff of 80 or more), a spelling over 1.5 times longer
        than the query (and up to 8 times) scores 0.9 * partial_ratio when that reaches 80, and under 80 otherwise:
        WRatio is the largest of ratio (80 at most, and that at exactly 1.5 times, left to WRatio), 0.9 *
        partial_ratio, and 0.855 * partial_token_ratio, whose windows within a word are those of partial_ratio but
        for shorter ones at the ends, and those across words hold a space: 0.855 * 93.3 = 79.8 at most for these.
        So one partial_ratio, in C, scores them all; past 8 times, the scale is 0.6: out of reach."""
        if not new:
            return 0.0
        self._flags[new] |= _SCORED
        keys, key, cutoff = self.index._keys, self.query.key, self.cutoff
        texts = [keys[n] for n in new]
        best = 0.0
        if self._partial_first:
            lq = self.query.lq
            partial = {new[i]: p for _, p, i in process.extract(key, texts, scorer=fuzz.partial_ratio,
                                                                processor=None, limit=None,
                                                                score_cutoff=self._floor() / 0.9 - 0.01)}
            best, _ = self._keep_partial({n: p for n, p in partial.items() if 2 * len(keys[n]) > 3 * lq})
            kept = [i for i, text in enumerate(texts) if 2 * len(text) <= 3 * lq]  # (the others: WRatio)
            new, texts = [new[i] for i in kept], [texts[i] for i in kept]
        for _, score, i in process.extract(key, texts, scorer=fuzz.WRatio, processor=None, limit=None,
                                           score_cutoff=cutoff):
            self._keep(new[i], score)
            best = max(best, score)
        return best

    def _keep_partial(self, partials: dict[int, float]) -> tuple[float, list[int]]:
        """Keep 0.9 * partial_ratio as the score of these spellings, 1.5 times longer or shorter than the query, where
        that is WRatio's (see `_score_far` and `_wratio`); the best kept, and those past 8 times (a scale of 0.6)."""
        keys, lq, best, past_eight = self.index._keys, self.query.lq, 0.0, []
        for n, partial in partials.items():
            length = len(keys[n])
            if max(lq, length) > 8 * min(lq, length):
                past_eight.append(n)
            elif partial * 0.9 >= self.cutoff:
                self._keep(n, partial * 0.9)
                best = max(best, partial * 0.9)
        return best, past_eight

    def _keep(self, n: int, score: float) -> None:
        """Record a score of the cutoff or more, and the entity's best: the first spelling among its best scores."""
        self.good[n] = score
        self._kept += 1
        entity = self.index._ids[n] * len(KINDS) + self.index._kinds[n]
        found = self._bests.get(entity)
        if found is None or score > found[0] or (score == found[0] and n < found[1]):
            self._bests[entity] = (score, n)

    def _entities(self, floor: float, limit: int | None = None) -> list[tuple[float, int]]:
        """(score, spelling) of each entity's best spelling scoring `floor` or more, ranked by score then name (the
        first `limit` of them)."""
        chosen = [(score, n) for score, n in self._bests.values() if score >= floor]
        if limit is not None and len(chosen) > limit:  # names only for those in reach of the first `limit`
            last = sorted([score for score, _ in chosen], reverse=True)[limit - 1]
            chosen = [sn for sn in chosen if sn[0] >= last]
            if len(chosen) > 4 * limit:  # a wide tie: see `_few_by_name`
                chosen = self._few_by_name(chosen, limit)
        name = self.index._name
        chosen.sort(key=lambda sn: (-sn[0], name(sn[1]), sn[1]))
        return chosen if limit is None else chosen[:limit]

    def _few_by_name(self, chosen: list[tuple[float, int]], limit: int) -> list[tuple[float, int]]:
        """Of each score, the entries that could come first by name: the first `limit` with a stored name, and the
        first `limit` of the others by key (`_display` keeps the order of keys), without making every name."""
        keys, stored = self.index._keys, self.index._names
        by_score: dict[float, list[int]] = {}
        for score, n in chosen:
            by_score.setdefault(score, []).append(n)
        kept = []
        for score, group in by_score.items():
            group.sort()  # equal names: the first spellings
            named = heapq.nsmallest(limit, [n for n in group if n in stored], key=stored.__getitem__)  # (stable)
            plain = heapq.nsmallest(limit, [n for n in group if n not in stored], key=keys.__getitem__)
            kept.extend((score, n) for n in named + plain)
        return kept


def _distinct(numbers: np.ndarray) -> np.ndarray:
    """The numbers once each, in order (`np.unique` hashes since numpy 2.3: several times slower for these)."""
    numbers = np.sort(numbers)
    return numbers[np.concatenate(([True], numbers[1:] != numbers[:-1]))] if len(numbers) else numbers


def _fields(entry: NameEntry | tuple) -> tuple[str, int, str, str, str | None]:
    if isinstance(entry, NameEntry):
        return entry.kind, entry.id, entry.name, entry.spelling, entry.org
    kind, id_, name, spelling, org = entry
    return kind, id_, name, spelling, org
