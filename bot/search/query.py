"""A fuzzy query, folded and measured once: what the bounds and the tables read of it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.search.signatures import letter_counts, pair_signatures
from bot.text import fold


@dataclass
class Query:
    key: str
    words: list[str]            # distinct words, in order
    lq: int
    lq_set: int = 0             # the length of the distinct words, spaced (what token_set_ratio measures)
    by_part: dict[int, dict[str, int]] = field(default_factory=dict)   # part -> word -> L(word) (`word_lcs`)
    letters: np.ndarray | None = None      # its letter counts (`letter_counts`); None when one passes 254
    inner_pairs: np.ndarray | None = None  # its pairs of letters (but those at its ends from 11 letters: `paired`)

    @classmethod
    def of(cls, text: str) -> Query:
        """The query for a text as typed."""
        key = fold(text)
        words = list(dict.fromkeys(key.split()))
        query = cls(key, words, len(key), len(" ".join(words)))
        if key:
            letters = letter_counts([key], clip=False)[0]  # (counts over 255 would not bound)
            query.letters = letters.astype(np.uint8) if letters.max() < 255 else None
            query.inner_pairs = pair_signatures([key if len(key) <= 10 else key[1:-1]])[0]
        return query
