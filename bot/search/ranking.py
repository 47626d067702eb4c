"""The scores a fuzzy search has kept, and the entities they rank: by score, then name, as a full scan ranks them.
The floor (`Ranking._floor`) is the lowest score that could still change the first `want` entities (or, with
`close`, those within `MARGIN` of the leader): what the bounds hold spellings to."""

from __future__ import annotations

import heapq

import numpy as np

from bot.search.bounds import EPS
from bot.search.columns import Columns
from bot.search.rules import KINDS, MARGIN, Match


class Ranking:
    """Each entity's best spelling among those scored, and the groups of spellings tied at one score (`_tied`)
    kept only once they reach the floor."""

    def __init__(self, columns: Columns, cutoff: float, want: int, close: bool):
        self.columns = columns
        self.cutoff = cutoff
        self.want = want
        self.close = close    # every entity within `MARGIN` of the leader too (`count_close`: is it sure?)
        self.good: dict[int, float] = {}      # spellings scoring the cutoff or more
        self._bests: dict[int, tuple[float, int]] = {}  # entity (id, kind) -> its best (score, spelling) in `good`
        self._kept = 0                        # scores kept so far (`_keep`, `_keep_tied`)
        self._floor_at: tuple[tuple[int, int], float] = ((-1, want), cutoff)  # `_floor` at (`_kept`, `want`)
        self._tied: list[tuple[float, np.ndarray]] = []  # scored, tied, under the floor (`Search.score_far`)

    def top(self, limit: int) -> list[Match]:
        """The best `limit` entities scoring at least the cutoff, by score then name (as a full scan ranks them).
        Exact up to `want`, and for every entity within `MARGIN` of the first."""
        return [self.columns.match(n, score, False) for score, n in self._entities(self.cutoff, limit)]

    def count_close(self, top: float) -> int:
        """How many entities score within `MARGIN` of `top` (and at least the cutoff); with `close` only."""
        assert self.close, "a search for the first entities only may not have scored all those close"
        return sum(1 for score, _ in self._bests.values() if top - score < MARGIN)

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

    def _keep(self, n: int, score: float) -> None:
        """Record a score of the cutoff or more, and the entity's best: the first spelling among its best scores."""
        self.good[n] = score
        self._kept += 1
        entity = self.columns.ids[n] * len(KINDS) + self.columns.kinds[n]
        found = self._bests.get(entity)
        if found is None or score > found[0] or (score == found[0] and n < found[1]):
            self._bests[entity] = (score, n)

    def _keep_tied(self) -> None:
        """Record the tied groups that reach the floor (see `Search.score_far`): a few thousand at C speed, mostly."""
        waiting = []
        for score, group in self._tied:
            if score < self._floor() - EPS:
                waiting.append((score, group))
                continue
            if not self.close:  # see `_first_by_name`
                group = self._first_by_name(group)
            numbers = group.tolist()
            self.good.update(dict.fromkeys(numbers, score))
            self._kept += len(numbers)
            entities = self.columns.entity_codes(group).tolist()
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
        (`display` keeps the order of keys): any other has `want` entities before it, at this score or above."""
        aliased = np.isin(self.columns.entity_codes(group), self.columns.aliased)
        alone = group[~aliased].tolist()
        if len(alone) <= 2 * self.want:
            return group
        stored, keys = self.columns.names, self.columns.keys
        named = heapq.nsmallest(self.want, [n for n in alone if n in stored], key=stored.__getitem__)
        plain = heapq.nsmallest(self.want, [n for n in alone if n not in stored], key=keys.__getitem__)
        return np.sort(np.concatenate([group[aliased], np.array(named + plain, dtype=group.dtype)]))

    def _entities(self, floor: float, limit: int | None = None) -> list[tuple[float, int]]:
        """(score, spelling) of each entity's best spelling scoring `floor` or more, ranked by score then name (the
        first `limit` of them)."""
        chosen = [(score, n) for score, n in self._bests.values() if score >= floor]
        if limit is not None and len(chosen) > limit:  # names only for those in reach of the first `limit`
            last = sorted([score for score, _ in chosen], reverse=True)[limit - 1]
            chosen = [sn for sn in chosen if sn[0] >= last]
            if len(chosen) > 4 * limit:  # a wide tie: see `_few_by_name`
                chosen = self._few_by_name(chosen, limit)
        name = self.columns.name
        chosen.sort(key=lambda sn: (-sn[0], name(sn[1]), sn[1]))
        return chosen if limit is None else chosen[:limit]

    def _few_by_name(self, chosen: list[tuple[float, int]], limit: int) -> list[tuple[float, int]]:
        """Of each score, the entries that could come first by name: the first `limit` with a stored name, and the
        first `limit` of the others by key (`display` keeps the order of keys), without making every name."""
        keys, stored = self.columns.keys, self.columns.names
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
