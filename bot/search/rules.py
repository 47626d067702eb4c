"""What the index answers with (`Match`, `Lookup`) and the rules that decide a sure answer, shared by the index and
by callers that judge a name themselves (the question parser, `bench.reference`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

WORD_LIKE = 60.0   # a typed word "looks like" a word of a name at this fuzz.ratio ("pnag"~"pang" 75, "iei"~"wei" 67)
ACCEPT = 85.0      # a fuzzy hit at least this good may be taken without asking
SLIP_FLOOR = 75.0  # ...or this good, when each typed word is one slip (OSA) from a word of it: "opneai", "appel"
SUGGEST = 60.0     # below this a spelling is not worth offering
MARGIN = 4.0       # a fuzzy winner must lead the next entity by this much
COMPLETE_CUTOFF = 80.0  # autocomplete fills up with fuzzy hits only this good (no noise under a typed prefix)

KINDS = ("person", "org", "team")


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
