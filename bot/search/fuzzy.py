"""One fuzzy query (`Search`): which spellings get scored, in what order, and which the bounds rule out. The
scores are rapidfuzz's WRatio exactly, as a full scan gives them; `ranking.py` keeps them and ranks entities."""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sized

import numpy as np
from rapidfuzz import fuzz, process

from bot.search.bounds import EPS, FAR_TOP, SHARED, SHARED_FAR, common_letters, letter_bound, order_bound, paired
from bot.search.candidates import candidates, completing, far_sharing, resembling, shared_words
from bot.search.columns import Columns
from bot.search.query import Query
from bot.search.ranking import Ranking
from bot.search.tables import Part

_SEEN, _EXEMPT, _FAR, _SCORED = 1, 2, 4, 8  # `Search._flags`
_SMALL = 500         # kinds with this many spellings or fewer are scanned in full
_RESEMBLING_FLOOR = 75.0  # below this, the spellings resembling every query word are not enough


class Search(Ranking):
    """One fuzzy query. Scores are exact WRatio; which spellings get scored:

    1. those with a word resembling every query word, and those sharing words in the ways WRatio rewards most
       (`candidates.resembling`, `candidates.shared_words`): a few hundred for a misspelled name;
    2. when none of those scores `_RESEMBLING_FLOOR`: those with a word resembling any query word;
    3. when still none does: every spelling that could score the cutoff (`candidates.candidates`, an exact bound,
       cheap precisely when little is close), or all of them (a full scan) when even that is many.

    Small kinds (up to `_SMALL` spellings) are always scanned in full. Steps 1 and 2 are not a bound: `make bench`
    checks their top answer against a full scan on misspelled names, every query.

    Only the first `want` entities (with `close`, and every entity within `MARGIN` of the leader) are ranked exactly:
    a spelling that shares no word with the query is scored only when its letters could reach the lowest score
    those need (`_floor`). A spelling cannot score more against the query than the letters they have in common allow
    (`bounds.letter_bound`): for a misspelled name among 100,000 that rules out most of the thousands resembling it.
    """

    def __init__(self, columns: Columns, parts: Mapping[int, Part], text: str, cutoff: float, want: int,
                 prefix: bool = False, close: bool = False):
        super().__init__(columns, cutoff, want, close)
        self.parts = parts    # the kinds searched, by code
        self.prefix = prefix  # the last word may be cut short (autocomplete)
        self.query = Query.of(text)
        # per spelling: _SEEN (taken in: scored, waiting, or ruled out by a bound), _EXEMPT (the letter bound does not
        # hold: words shared in a way WRatio rewards, or repeated), _FAR (taken by `_take_far`), _SCORED (by WRatio)
        self._flags = np.zeros(len(columns.keys), np.uint8)
        self._bounding = False                # set once _EXEMPT marks a part's spellings (see `_search`)
        self._far_parts: list[int] = []       # parts whose `far_sharing` spellings wait for the floor (`_catch_up`)
        self._unchecked: list[np.ndarray] = []  # autocomplete: spellings taken in since `_take_far` last looked
        self._rejected: list[np.ndarray] = []  # spellings `order_bound` ruled out (see `widen`)
        self._waiting: list[tuple[np.ndarray, np.ndarray]] = []  # the others not scored yet, and their bounds
        # a one-word query of up to 8 letters against a cutoff of 80 or more (a short prefix being typed): see `_wratio`
        key = self.query.key
        self.partial_first = cutoff >= 80 and " " not in key and len(key) <= 8
        if key:
            for code in parts:
                self._search(code)

    def _search(self, code: int) -> None:
        part = self.parts[code]
        q = self.query
        if len(part) <= _SMALL or len(q.words) > 8:
            self._wratio(self._new(part.nums).tolist())
            return
        shared: set[int] = set()
        shared_words(part, q, self.cutoff, shared)
        for numbers in (shared, part.dups):
            self._flags[np.fromiter(numbers, np.int64, len(numbers))] |= _EXEMPT
        self._bounding = True
        self._far_parts.append(code)
        if self.prefix:  # autocomplete offers names resembling every word typed, else any (see `NameIndex.complete`)
            if self.partial_first:  # (one word: "every" and "any" are the same)
                found, whole = completing(part, q, self.cutoff)
                whole = self._new(whole)
                self._flags[whole] |= _SCORED
                self._tied.append((FAR_TOP, np.sort(whole)))
                self.score(found)
                self._catch_up()
            elif self.score(resembling(part, q, prefix=True)) < _RESEMBLING_FLOOR:
                self.score(resembling(part, q, every=False, prefix=True))
            return
        found = resembling(part, q)
        close = self.score(np.union1d(found, np.frombuffer(part.dups, np.int32)))
        self.score(shared)
        self._catch_up()
        if close >= _RESEMBLING_FLOOR:
            return
        wider = resembling(part, q, every=False)
        best = self.score(wider)
        if best >= _RESEMBLING_FLOOR or np.isin([n for n, score in self.good.items() if score >= _RESEMBLING_FLOOR],
                                                  wider).any():
            return
        repeated = len(q.words) != q.key.count(" ") + 1  # U does not bound token_set_ratio then
        bounded = None if repeated else candidates(part, q, self.cutoff, code)
        self.score(part.nums if bounded is None else bounded)

    def widen(self, want: int) -> None:
        """Rank the first `want` entities exactly too (a "did you mean" list after a sure answer was ruled out)."""
        assert not self.partial_first, "spellings were ruled out against the floor of the first `want`"
        if want > self.want:
            self.want = want
            for numbers in self._rejected:  # the floor may be lower now
                self._wait(numbers)
            self._rejected = []
            self._catch_up()

    def score(self, numbers: Iterable[int]) -> float:
        """Take in the spellings not seen yet; the best score among those scored now (0 when none reaches the
        cutoff). Those sharing a word with the query in a way WRatio rewards are scored; the others wait until
        `letter_bound` says they could reach `_floor` (see `_catch_up`)."""
        new = self._new(numbers)
        if not len(new):
            return 0.0
        if self.query.letters is None or not self._bounding:
            return self._wratio(new.tolist())
        exempt = (self._flags[new] & _EXEMPT).astype(bool)
        best = self._wratio(new[exempt].tolist())
        self._wait(new[~exempt])
        return max(best, self._catch_up())

    def _wait(self, numbers: np.ndarray) -> None:
        if len(numbers):
            bound = letter_bound(self.query, self.columns, numbers)
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
        `score_far` scores them (the first chunk comes before: when it finds a leader over 94, they never are)."""
        best = 0.0
        waiting, self._waiting = self._waiting, []
        for rest, falling in waiting:
            start, size = 0, 64
            while start < len(rest):
                if self._far_parts and self.good and self._floor() <= FAR_TOP + EPS:
                    best = max(best, self._take_far())
                end = int(np.searchsorted(falling, EPS - self._floor(), side="right"))  # bound >= floor
                if start >= end:
                    break
                stop = min(end, start + size)
                best = max(best, self._wratio(self._in_order(rest[start:stop])))
                start, size = stop, 4 * size
            if start < len(rest):
                self._waiting.append((rest[start:], falling[start:]))
        if self._far_parts and self._floor() <= FAR_TOP + EPS:
            best = max(best, self._take_far())
        self._keep_tied()
        return best

    def _take_far(self) -> float:
        """Take in the spellings that `far_sharing` names, in the parts searched, except those scored already. For
        autocomplete, only those taken in already (see `NameIndex.complete`), as they come: found among them by
        length and by the holders of the words typed (one initial alone is held by thousands of names)."""
        if self.prefix:
            return self._take_far_typed()
        best = 0.0
        for code in self._far_parts:
            far = far_sharing(self.parts[code], self.query, self.cutoff)
            far = np.fromiter(far, np.int64, len(far))
            far = far[(self._flags[far] & (_SCORED | _FAR)) == 0]
            self._flags[far] |= _SEEN | _FAR
            best = max(best, self.score_far(far))
        self._far_parts = []
        return best

    def _take_far_typed(self) -> float:
        """`_take_far` for autocomplete: among the spellings taken in since it last looked."""
        if not self._unchecked:
            return 0.0
        found = np.concatenate(self._unchecked)
        self._unchecked = []
        found = found[(self._flags[found] & (_SCORED | _FAR)) == 0]
        lc, lq = self.columns.lengths[found], self.query.lq
        short, long = np.minimum(lc, lq), np.maximum(lc, lq)
        found = found[(2 * long >= 3 * short) & ((long <= 8 * short) | (self.cutoff <= SHARED_FAR + EPS))]
        holding = np.zeros(len(found), bool)
        for code in self._far_parts:
            for word in self.query.words:
                holders = self.parts[code].holders.get(word)
                if holders is not None and len(found):
                    holding |= np.isin(found, holders, kind="table")
        found = found[holding]
        self._flags[found] |= _FAR
        return self.score_far(found)

    def score_far(self, batch: np.ndarray) -> float:
        """Score spellings 1.5 times longer or shorter than the query that share one of its words, without WRatio
        for most: there WRatio is max(ratio, 0.9 * partial_ratio, partial_token_ratio's 85.5) (0.6 and 57 past 8
        times), and ratio cannot reach 80; so unless partial_ratio reaches 95 (which their letters must allow
        first), the score is `SHARED` exactly, and when it does, 0.9 * partial_ratio (up to 8 times). Those at
        `SHARED` tie, often by the thousand: they wait for the floor in `_tied`, as two groups."""
        if not len(batch):
            return 0.0
        keys = self.columns.keys
        lc = self.columns.lengths[batch].astype(np.float64)
        short = np.minimum(lc, float(self.query.lq))
        if self.query.letters is None:
            maybe = batch.tolist()
        else:
            common, _ = common_letters(self.query, self.columns, batch)
            maybe = batch[200.0 * common / (short + common) >= 95 - EPS].tolist()
        high = {maybe[i]: p for _, p, i in process.extract(self.query.key, [keys[n] for n in maybe],
                                                           scorer=fuzz.partial_ratio, processor=None, limit=None,
                                                           score_cutoff=95 - EPS)}
        best, past_eight = self._keep_partial(high)
        high = list(high)
        self._flags[high] |= _SCORED
        best = max(best, self._wratio(past_eight))
        if high:
            batch, lc, short = (x[~np.isin(batch, high)] for x in (batch, lc, short))
        beyond = np.maximum(lc, float(self.query.lq)) > 8 * short
        for score, group in ((SHARED, batch[~beyond]), (SHARED_FAR, batch[beyond])):
            if len(group) and score >= self.cutoff:
                self._tied.append((score, np.sort(group)))
                best = max(best, score)
        self._keep_tied()
        return best

    def _in_order(self, numbers: np.ndarray) -> list[int]:
        """Those of these spellings not taken by `_take_far` that `order_bound` does not rule out (nor `paired`);
        those they rule out wait for `widen` (the only way the floor falls)."""
        numbers = numbers[(self._flags[numbers] & _FAR) == 0]
        floor = self._floor()
        kept = paired(self.query, self.columns, numbers, floor)
        kept[kept] = order_bound(self.query, self.columns, numbers[kept], floor) >= floor - EPS
        if not kept.all():
            self._rejected.append(numbers[~kept])
        return numbers[kept].tolist()

    def _wratio(self, new: list[int]) -> float:
        """WRatio for these spellings; the best of their scores (0 when none reaches the cutoff).

        With `partial_first` (one word of up to 8 letters, a cutoff of 80 or more), a spelling over 1.5 times longer
        than the query (and up to 8 times) scores 0.9 * partial_ratio when that reaches 80, and under 80 otherwise:
        WRatio is the largest of ratio (80 at most, and that at exactly 1.5 times, left to WRatio), 0.9 *
        partial_ratio, and 0.855 * partial_token_ratio, whose windows within a word are those of partial_ratio but
        for shorter ones at the ends, and those across words hold a space: 0.855 * 93.3 = 79.8 at most for these.
        So one partial_ratio, in C, scores them all; past 8 times, the scale is 0.6: out of reach."""
        if not new:
            return 0.0
        self._flags[new] |= _SCORED
        keys, key, cutoff = self.columns.keys, self.query.key, self.cutoff
        texts = [keys[n] for n in new]
        best = 0.0
        if self.partial_first:
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
        that is WRatio's (see `score_far` and `_wratio`); the best kept, and those past 8 times (a scale of 0.6)."""
        keys, lq, best, past_eight = self.columns.keys, self.query.lq, 0.0, []
        for n, partial in partials.items():
            length = len(keys[n])
            if max(lq, length) > 8 * min(lq, length):
                past_eight.append(n)
            elif partial * 0.9 >= self.cutoff:
                self._keep(n, partial * 0.9)
                best = max(best, partial * 0.9)
        return best, past_eight
