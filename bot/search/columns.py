"""Every spelling's fields, one column each, by spelling number (insertion order): flat arrays and dicts holding
only what differs from the usual, so that a million spellings take about 180 MB with the tables of `tables.py`."""

from __future__ import annotations

from array import array

import numpy as np

from bot.search.rules import KINDS, Match
from bot.search.signatures import LETTER_KINDS, display, letter_counts, pair_signatures


class Columns:
    """The spellings' columns. `letters`, `lengths` and `pairs` are what the bounds read (`bounds.py`); past the
    last spelling they may hold room for more (`add`)."""

    def __init__(self) -> None:
        self.keys: list[str] = []          # folded spelling
        self.names: dict[int, str] = {}    # the entity's canonical name, where `display` of the key is not it
        self.kinds = bytearray()           # the entity's kind, as its place in `KINDS`
        self.ids = array("q")              # the entity's id
        self.aliases: dict[int, str] = {}  # the spelling itself, where it is not the name
        self.orgs: dict[int, str] = {}     # a team's org
        self.letters = np.zeros((LETTER_KINDS, 0), np.uint8)  # `letter_counts`: a row a letter, a column a spelling
        self.lengths = np.zeros(0, np.int32)                    # the key's length
        self.pairs = np.zeros(0, np.uint64)                     # the key's `pair_signatures`
        self.aliased = np.zeros(0, np.int64)                    # entities with other spellings (`entity_codes`)

    def append(self, code: int, id_: int, name: str, spelling: str, key: str, org: str | None) -> int:
        """Add a spelling's fields (not its arrays: `build` or `add_arrays`); its number."""
        n = len(self.keys)
        self.keys.append(key)
        if spelling != name or display(key) != name:
            self.names[n] = name
        self.kinds.append(code)
        self.ids.append(id_)
        if spelling != name:
            self.aliases[n] = spelling
        if org is not None:
            self.orgs[n] = org
        return n

    def build(self) -> None:
        """The arrays of every spelling, at once."""
        keys = self.keys
        step = 10_000  # a chunk at a time: counting letters takes some 60 bytes a letter of the chunk
        self.letters = np.ascontiguousarray(np.concatenate([np.zeros((LETTER_KINDS, 0), np.uint8)] + [
            letter_counts(keys[i:i + step]).T for i in range(0, len(keys), step)], axis=1))
        self.lengths = np.fromiter(map(len, keys), np.int32, len(keys))
        self.pairs = np.concatenate([np.zeros(0, np.uint64)] + [
            pair_signatures(keys[i:i + step]) for i in range(0, len(keys), step)])
        aliases = np.fromiter(self.aliases, np.int64, len(self.aliases))
        self.aliased = np.unique(self.entity_codes(aliases))

    def add_arrays(self, n: int) -> None:
        """The arrays of spelling `n`, the last one appended."""
        key = self.keys[n]
        if n >= len(self.lengths):  # room for twice as many: one move recorded at a time stays cheap
            room = max(64, 2 * n)
            letters = np.zeros((LETTER_KINDS, room), np.uint8)
            letters[:, :self.letters.shape[1]] = self.letters
            self.letters = letters
            self.lengths = np.resize(self.lengths, room)
            self.pairs = np.resize(self.pairs, room)
        self.letters[:, n] = letter_counts([key])[0]
        self.lengths[n] = len(key)
        self.pairs[n] = pair_signatures([key])[0]
        if n in self.aliases:
            self.aliased = np.union1d(self.aliased, [self.ids[n] * len(KINDS) + self.kinds[n]])

    def entity_codes(self, numbers: np.ndarray) -> np.ndarray:
        """These spellings' entities, each as one number (id and kind)."""
        return np.frombuffer(self.ids, np.int64)[numbers] * len(KINDS) + np.frombuffer(self.kinds, np.uint8)[numbers]

    def name(self, n: int) -> str:
        """The canonical name of spelling `n`'s entity."""
        found = self.names.get(n)
        return display(self.keys[n]) if found is None else found

    def match(self, n: int, score: float, exact: bool, name: str | None = None) -> Match:
        """Spelling `n` as an answer."""
        name = name or self.name(n)
        return Match(KINDS[self.kinds[n]], self.ids[n], name, self.orgs.get(n), self.aliases.get(n, name), score,
                     exact)
