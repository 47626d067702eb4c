"""`NameIndex`: people, orgs and teams by canonical name and every alias, exact first, then fuzzy (`fuzzy.py`)."""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from bot.records import NameEntry
from bot.search.columns import Columns
from bot.search.fuzzy import Search
from bot.search.rules import (
    ACCEPT,
    COMPLETE_CUTOFF,
    KINDS,
    MARGIN,
    SLIP_FLOOR,
    SUGGEST,
    Lookup,
    Match,
    covers,
    one_slip,
    resembles_any,
)
from bot.search.signatures import sorted_key
from bot.search.tables import Part
from bot.text import fold

_CODE = {kind: code for code, kind in enumerate(KINDS)}


def _fields(entry: NameEntry | tuple) -> tuple[str, int, str, str, str | None]:
    if isinstance(entry, NameEntry):
        return entry.kind, entry.id, entry.name, entry.spelling, entry.org
    kind, id_, name, spelling, org = entry
    return kind, id_, name, spelling, org


class NameIndex:
    """In-memory index over `NameEntry` spellings; `add` keeps it current when one move is recorded. `columns` and
    `part` show its insides to the searches and to the tests that hold them to a full scan."""

    def __init__(self, entries: Iterable[NameEntry | tuple] = ()):
        self.columns = Columns()                # every spelling's fields, by number (insertion order)
        self._dead = 0                          # spellings dropped as repeats (kept in the columns, indexed nowhere)
        self._exact_hashes = array("q")         # hash of each spelling with its words sorted, ascending
        self._exact_nums = array("i")           # the spellings in that order: exact lookups by bisection
        self._parts = {code: Part(self.columns) for code in range(len(KINDS))}
        self.max_words = 1
        self.extend(entries)

    def __len__(self) -> int:
        return len(self.columns.keys) - self._dead

    def part(self, kind: str) -> Part:
        """The spellings of one kind, as the fuzzy steps read them (`candidates.py`)."""
        return self._parts[_CODE[kind]]

    def _search(self, text: str, codes: list[int], cutoff: float, want: int, prefix: bool = False,
                close: bool = False) -> Search:
        return Search(self.columns, {code: self._parts[code] for code in codes}, text, cutoff, want, prefix=prefix,
                      close=close)

    # -- building -------------------------------------------------------------------------------------------

    def extend(self, entries: Iterable[NameEntry | tuple]) -> None:
        """Index many spellings: (kind, id, name, spelling, org) tuples or `NameEntry`s. Fast for a whole store."""
        with self.bulk() as add:
            add(entries)

    @contextmanager
    def bulk(self) -> Iterator[Callable[[Iterable[NameEntry | tuple]], None]]:
        """`with index.bulk() as add:` then `add(entries)` as often as needed; the index is built once, at the end
        (a whole store in batches, without holding all its rows at once)."""
        if self.columns.keys:  # already built: one at a time keeps every structure sorted
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
        for entry in entries:
            kind, id_, name, spelling, org = _fields(entry)
            key = fold(spelling)
            if not key:
                continue
            self.columns.append(_CODE[kind], id_, name, spelling, key, None if org is None else
                                org_names.setdefault(org, org))
            hashes.append(hash(sorted_key(key)))
            self.max_words = max(self.max_words, key.count(" ") + 1)

    def _build(self, hashes: array) -> None:
        columns = self.columns
        keys, kinds, ids = columns.keys, columns.kinds, columns.ids
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
                    mark = (kinds[n], ids[n], keys[n])
                    if mark in seen:
                        live[n] = 0
                    seen.add(mark)
            i = j
        self._dead = len(keys) - sum(live)
        self._exact_nums = array("i", (n for n in order if live[n]))
        self._exact_hashes = array("q", (hashes[n] for n in self._exact_nums))
        del hashes, order
        columns.build()
        for code, part in self._parts.items():
            mine = [n for n in range(len(keys)) if live[n] and kinds[n] == code]
            part.extend(mine, (n for n in mine if n not in columns.aliases))
            part.finish()

    def add(self, entry: NameEntry | tuple) -> None:
        """Index one spelling (idempotent)."""
        kind, id_, name, spelling, org = _fields(entry)
        key = fold(spelling)
        if not key:
            return
        code = _CODE[kind]
        columns = self.columns
        digest = hash(sorted_key(key))
        start = bisect_left(self._exact_hashes, digest)
        end = bisect_right(self._exact_hashes, digest, lo=start)
        for n in self._exact_nums[start:end]:
            if columns.kinds[n] == code and columns.ids[n] == id_ and columns.keys[n] == key:
                return
        n = columns.append(code, id_, name, spelling, key, org)
        self._exact_hashes.insert(end, digest)
        self._exact_nums.insert(end, n)
        columns.add_arrays(n)
        self._parts[code].add(n, spelling == name)
        self.max_words = max(self.max_words, key.count(" ") + 1)

    # -- reading --------------------------------------------------------------------------------------------

    def _wanted(self, kinds: Iterable[str] | None) -> list[int]:
        if not kinds:
            return list(self._parts)
        wanted = set(kinds)
        return [code for code, kind in enumerate(KINDS) if kind in wanted]

    def spellings(self, kind: str, org: str | None = None) -> dict[str, str]:
        """Folded spelling -> canonical name, for one kind (and one org's teams); for typo checks."""
        columns = self.columns
        return {columns.keys[n]: columns.name(n) for n in self._parts[_CODE[kind]].nums
                if org is None or columns.orgs.get(n) == org}

    def exact(self, text: str, kinds: Iterable[str] | None = None) -> list[Match]:
        """Entities one of whose spellings is `text` (after folding, in any word order)."""
        columns = self.columns
        keys = columns.keys
        key = fold(text)
        skey = sorted_key(key)
        digest = hash(skey)
        start = bisect_left(self._exact_hashes, digest)
        group = [n for n in self._exact_nums[start:bisect_right(self._exact_hashes, digest, lo=start)]
                 if keys[n] == key or sorted_key(keys[n]) == skey]
        if key != skey:  # the spelling as typed first; the same words in another order only when none has it
            group = [n for n in group if keys[n] == key] or group
        wanted = set(self._wanted(kinds))
        hits: dict[tuple[int, int], int] = {}
        for n in group:  # by number: an entity comes in at its first spelling and shows its last one
            if columns.kinds[n] in wanted:
                hits[columns.kinds[n], columns.ids[n]] = n
        # one spelling is often many entities' (the "Inference" team of a thousand orgs): its name is made once
        shown: dict[str, str] = {}
        return [columns.match(n, 100.0, True, columns.names.get(n) or shown.get(keys[n])
                              or shown.setdefault(keys[n], columns.name(n))) for n in hits.values()]

    def fuzzy(self, text: str, kinds: Iterable[str] | None = None, limit: int = 10,
              cutoff: float = SUGGEST) -> list[Match]:
        """Best entities for `text` by rapidfuzz's WRatio, one row per entity, best first (as a full scan ranks
        them: by score, then name)."""
        return self._search(text, self._wanted(kinds), cutoff, limit).top(limit)

    def lookup(self, text: str, kinds: Iterable[str] | None = None, limit: int = 5) -> Lookup:
        """Resolve a name: one exact entity wins; otherwise a clear fuzzy leader; otherwise candidates."""
        kinds = list(kinds) if kinds else None
        exact = self.exact(text, kinds)
        if len(exact) == 1:
            return Lookup(text, exact[0])
        if exact:
            return Lookup(text, None, sorted(exact, key=lambda m: m.label)[:limit])
        search = self._search(text, self._wanted(kinds), SUGGEST, 1, close=True)  # the leader, all close to it
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
        columns = self.columns
        key = fold(text)
        out: dict[tuple[str, int], Match] = {}
        if not key:
            canonical = heapq.merge(*(self._parts[code].canonical for code in wanted))
            for n in canonical:
                out.setdefault((KINDS[columns.kinds[n]], columns.ids[n]), columns.match(n, 0.0, False))
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
                out.setdefault((KINDS[columns.kinds[n]], columns.ids[n]), columns.match(n, 95.0, False))
        if len(out) < limit and len(key) >= 3:
            for m in self._search(text, wanted, COMPLETE_CUTOFF, limit, prefix=True).top(limit):
                if len(out) >= limit:
                    break
                out.setdefault(m.key, m)
        return list(out.values())[:limit]
