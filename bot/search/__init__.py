"""The one name index: people, orgs and teams by canonical name and every alias, exact first, then fuzzy.

Shared by question answering, autocomplete, inline `[[name]]` lookups and "did you mean". Spellings are
folded (case, accents, punctuation) and also keyed with their words sorted, so "Pang Ruoming" is an exact hit
for "Ruoming Pang". An exact or alias hit always beats a fuzzy one ("Nix" never answers "Phoenix" when a
"Nix" exists); a fuzzy winner is taken only when it leads the runner-up clearly, otherwise the caller gets
the candidates to offer. Fuzzy scores are rapidfuzz's WRatio, exactly as a full scan over every spelling gives
them, but only the spellings that can matter are scored: DESIGN.md says which, and why the bounds that rule the
others out are exact.

This face is all other modules use; the modules behind it (`index`, `fuzzy`, `ranking`, `candidates`,
`bounds`, `tables`, `columns`, `query`, `signatures`, `rules`) are for the index itself and its tests.
"""

from bot.search.index import NameIndex
from bot.search.rules import (
    ACCEPT,
    COMPLETE_CUTOFF,
    KINDS,
    MARGIN,
    SLIP_FLOOR,
    SUGGEST,
    WORD_LIKE,
    Lookup,
    Match,
    covers,
    one_slip,
    resembles_any,
)

__all__ = [
    "ACCEPT",
    "COMPLETE_CUTOFF",
    "KINDS",
    "MARGIN",
    "SLIP_FLOOR",
    "SUGGEST",
    "WORD_LIKE",
    "Lookup",
    "Match",
    "NameIndex",
    "covers",
    "one_slip",
    "resembles_any",
]
