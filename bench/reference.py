"""The name index as movesbot first had it (a full scan over every spelling for each fuzzy query or completion),
kept as the reference `make bench` holds `bot.search.NameIndex` to: the same first completion, the same sure-or-ask
decision where the lookup rules have not changed since.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.records import NameEntry
from bot.search import ACCEPT, COMPLETE_CUTOFF, MARGIN, SUGGEST, Lookup, Match
from bot.text import fold


def _sorted_key(key: str) -> str:
    return " ".join(sorted(key.split()))


class FullScanIndex:
    """In-memory index over `NameEntry` spellings; `add` keeps it current when one move is recorded."""

    def __init__(self, entries: Iterable[NameEntry] = ()):
        self._exact: dict[str, dict[tuple[str, int], NameEntry]] = {}
        self._choices: list[str] = []
        self._owners: list[NameEntry] = []
        self._seen: set[tuple[str, int, str]] = set()
        self.max_words = 1
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        return len(self._choices)

    def add(self, entry: NameEntry) -> None:
        """Index one spelling (idempotent)."""
        key = fold(entry.spelling)
        if not key or (entry.kind, entry.id, key) in self._seen:
            return
        self._seen.add((entry.kind, entry.id, key))
        for k in {key, _sorted_key(key)}:
            self._exact.setdefault(k, {})[(entry.kind, entry.id)] = entry
        self._choices.append(key)
        self._owners.append(entry)
        self.max_words = max(self.max_words, len(key.split()))

    def spellings(self, kind: str, org: str | None = None) -> dict[str, str]:
        """Folded spelling -> canonical name, for one kind (and one org's teams); for typo checks."""
        return {key: e.name for key, e in zip(self._choices, self._owners, strict=True)
                if e.kind == kind and (org is None or e.org == org)}

    def exact(self, text: str, kinds: Iterable[str] | None = None) -> list[Match]:
        """Entities one of whose spellings is `text` (after folding, in any word order)."""
        key = fold(text)
        wanted = set(kinds) if kinds else None
        hits = self._exact.get(key) or self._exact.get(_sorted_key(key)) or {}
        return [_match(e, 100.0, True) for e in hits.values() if wanted is None or e.kind in wanted]

    def fuzzy(self, text: str, kinds: Iterable[str] | None = None, limit: int = 10,
              cutoff: float = SUGGEST) -> list[Match]:
        """Best entities for `text` by rapidfuzz's WRatio, one row per entity, best first."""
        key = fold(text)
        if not key:
            return []
        wanted = set(kinds) if kinds else None
        best: dict[tuple[str, int], Match] = {}
        for _, score, i in process.extract(key, self._choices, scorer=fuzz.WRatio, processor=None,
                                           limit=limit * 4, score_cutoff=cutoff):
            entry = self._owners[i]
            if wanted is not None and entry.kind not in wanted:
                continue
            found = best.get((entry.kind, entry.id))
            if found is None or score > found.score:
                best[(entry.kind, entry.id)] = _match(entry, score, False)
        return sorted(best.values(), key=lambda m: (-m.score, m.name))[:limit]

    def lookup(self, text: str, kinds: Iterable[str] | None = None, limit: int = 5) -> Lookup:
        """Resolve a name: one exact entity wins; otherwise a clear fuzzy leader; otherwise candidates."""
        kinds = list(kinds) if kinds else None
        exact = self.exact(text, kinds)
        if len(exact) == 1:
            return Lookup(text, exact[0])
        if exact:
            return Lookup(text, None, sorted(exact, key=lambda m: m.label)[:limit])
        found = self.fuzzy(text, kinds, limit=limit)
        if not found:
            return Lookup(text, None)
        top = found[0]
        runner_up = found[1].score if len(found) > 1 else 0.0
        if top.score >= ACCEPT and top.score - runner_up >= MARGIN:
            return Lookup(text, top, found)
        return Lookup(text, None, found)

    def complete(self, text: str, kinds: Iterable[str] | None = None, limit: int = 25) -> list[Match]:
        """Autocomplete: exact, then prefix (of the name or any word of it), then fuzzy; one per entity."""
        wanted = set(kinds) if kinds else None
        key = fold(text)
        out: dict[tuple[str, int], Match] = {}
        if not key:
            for entry in self._owners:
                if (wanted is None or entry.kind in wanted) and entry.spelling == entry.name:
                    out.setdefault((entry.kind, entry.id), _match(entry, 0.0, False))
                if len(out) >= limit:
                    break
            return sorted(out.values(), key=lambda m: m.label.casefold())
        for m in self.exact(text, wanted):
            out.setdefault(m.key, m)
        prefixed = [(c, e) for c, e in zip(self._choices, self._owners, strict=True)
                    if (wanted is None or e.kind in wanted) and (c.startswith(key) or f" {key}" in c)]
        prefixed.sort(key=lambda ce: (not ce[0].startswith(key), len(ce[0]), ce[0]))
        for _, entry in prefixed:
            if len(out) >= limit:
                break
            out.setdefault((entry.kind, entry.id), _match(entry, 95.0, False))
        if len(out) < limit and len(key) >= 3:
            for m in self.fuzzy(text, wanted, limit=limit, cutoff=COMPLETE_CUTOFF):
                if len(out) >= limit:
                    break
                out.setdefault(m.key, m)
        return list(out.values())[:limit]


def _match(entry: NameEntry, score: float, exact: bool) -> Match:
    return Match(entry.kind, entry.id, entry.name, entry.org, entry.spelling, score, exact)
