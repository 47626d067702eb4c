"""Sentences, words, and the names in them: known people, orgs and teams through the name index (aliases and
misspellings included), and new ones from capitalised spans that look like a person's or an org's name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from rapidfuzz.distance import OSA

from bot.news.lexicon import CHINESE_SURNAMES, MONTHS, NOT_NAME, PARTICLES, PLACES, WEEKDAYS
from bot.search import MARGIN, NameIndex
from bot.text import fold

_ABBREV = r"(?<!\b[A-Z])(?<!\bInc)(?<!\bCorp)(?<!\bJr)(?<!\bSr)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bM)(?<!\bvs)"
_SENTENCE_END = re.compile(rf"{_ABBREV}(?P<p>[.!?…]+[\"”»)]?)\s+(?=[\"“«(]?[A-ZÀ-Ý0-9])|\n+")
# a word: an elided French article on its own ("d'", "l'"), or letters/digits joined by . - & ' (X.AI, Character.AI)
_WORD = re.compile(r"(?:[dlDLjJnNsScCmMtT]|[Qq]u)['’](?=\w)|\w+(?:[-.&]\w+)*(?:['’]s\b)?")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-ZÀ-Ý]?[a-zà-ÿ]+)*|(?:Mc|Mac|Le|De|Di|Da|O')[A-Z][a-z]+)$")
# "Periodic", "xAI", "01.AI", "H", "Zuckerberg's"
_ORG_WORD = re.compile(r"^(?=\S*[A-Za-z])(?:[A-Z0-9][\w.&-]*|[a-z]+[A-Z][\w.]*)(?:['’]s)?$")
_MAX_SPAN = 6
PARTICLES_CAPITALISED = frozenset(w.capitalize() for w in PARTICLES)
_WHEN = frozenset(fold(" ".join([*MONTHS, *WEEKDAYS])).split())
_SURE = 88.0  # a new-looking name this close to one on record (WRatio) is taken as a misspelling of it


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int
    folded: str


@dataclass(slots=True)
class Mention:
    """A name in a sentence: `kind` person, org or team; `name` canonical when `known`; words i..j (exclusive)."""

    kind: str
    name: str
    i: int
    j: int
    known: bool
    org: str | None = None          # a team's org
    possessive: bool = False        # "Apple's": the thing after belongs to it
    extra: dict = field(default_factory=dict)


def sentences(text: str) -> list[str]:
    """Split on sentence ends and line breaks, not after initials and common abbreviations ("J. Smith", "Inc.")."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start:m.start() + len(m.group("p") or "")])
        start = m.end()
    out.append(text[start:])
    return [s.strip() for s in out if s.strip()]


def words(sentence: str) -> list[Word]:
    return [Word(m.group(), m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(sentence)]


_INDEX_WORDS: WeakKeyDictionary = WeakKeyDictionary()


def index_words(index: NameIndex) -> frozenset[str]:
    """Every word of every spelling in the index (kept while the index does not grow): a span with a word outside
    it is no known name, and is not looked up."""
    size = len(index)
    cached = _INDEX_WORDS.get(index)
    if cached is None or cached[0] != size:
        found = {w for kind in ("person", "org", "team") for key in index.spellings(kind) for w in key.split()}
        cached = _INDEX_WORDS[index] = (size, frozenset(found))
    return cached[1]


def _capitalised(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit() or any(c.isupper() for c in text[1:2])


def _slips(typed: list[str], words: list[str]) -> bool:
    """Word for word, the same or one slip apart in a long word, or two letters swapped, or in a very long word one
    letter moved: "Pnag", "Gunther", "Bayer", "Koslenikov", but not "Zhao" for "Zhai" (short names one letter apart
    are other people)."""
    if len(typed) != len(words):
        return False
    for a, b in zip(typed, words, strict=True):
        if a == b:
            continue
        slip = OSA.distance(a, b) == 1 or (min(len(a), len(b)) >= 8 and sorted(a) == sorted(b)
                                           and OSA.distance(a, b) == 2)  # "Koslenikov": one letter moved
        swapped_or_dropped = sorted(a) == sorted(b) or len(a) != len(b)  # "Pnag", "Gros": not another short name
        if not slip or (min(len(a), len(b)) < 5 and not (swapped_or_dropped and min(len(a), len(b)) >= 4)):
            return False
    return True


class MentionFinder:
    """Finds the names in one sentence; remembers, across an article's sentences, the surnames of the people seen
    so that "Pang" later in the story is Ruoming Pang."""

    def __init__(self, index: NameIndex):
        self.index = index
        self.words = index_words(index)
        self.surnames: dict[str, str] = {}
        self.person_known: dict[str, bool] = {}

    def find(self, sentence: str, ws: list[Word]) -> list[Mention]:
        found: list[Mention] = []
        orgs_here = set()
        i = 0
        while i < len(ws):
            m = self._known_at(ws, i)
            if m is None:
                i += 1
                continue
            found.append(m)
            if m.kind == "org":
                orgs_here.add(m.name)
            i = m.j
        found = [m for m in found if m.kind != "team" or self._team_ok(m, ws, orgs_here)]
        found = self._with_new_names(ws, found)
        for m in found:
            if m.kind == "person":
                parts = fold(m.name).split()
                self.surnames.setdefault(parts[-1], m.name)
                if len(parts) == 2 and parts[0] in CHINESE_SURNAMES:  # "Zhao Meng": "Zhao" may be the surname
                    self.surnames.setdefault(parts[0], m.name)
                self.person_known.setdefault(m.name, m.known)
        return found

    def _known_at(self, ws: list[Word], i: int) -> Mention | None:
        """The longest known org, team or person starting at word i (an org or team need a capital or be two words
        or more; an all-capitals alias only matches all capitals: "FAIR", not "fair")."""
        first = ws[i].text
        cap = _capitalised(first)
        if cap and (place := self._place_at(ws, i)):
            return place
        limit = 0  # a known name is made of the index's words only
        while limit < min(_MAX_SPAN, len(ws) - i) and all(w in self.words for w in ws[i + limit].folded.split()):
            limit += 1
        for n in range(limit, 0, -1):
            if not cap and n < 2:  # a lower-case org only as it is written: "io"
                return next((Mention("org", h.name, i, i + 1, True) for h in self.index.exact(first, ["org"])
                             if h.spelling == first), None)
            span = ws[i:i + n]
            if n > 1 and any(ws[k].start - ws[k - 1].end > 1 for k in range(i + 1, i + n)):
                continue  # punctuation between words: not one name
            text = " ".join(w.text for w in span)
            kinds = ["org", "team", "person"] if cap else ["team"]
            hits = self.index.exact(text, kinds)
            if not hits and cap and n == limit and len(text) >= 4 and not _capitalised(
                    ws[i + n].text if i + n < len(ws) else "x"):
                hits = self.index.exact(text + " AI", ["org"])  # "Lepton's co-founders", "chez Mistral"
            if n == 1 and hits and not first.isupper():
                hits = [h for h in hits if not h.spelling.isupper()]
            if not hits:
                continue
            return self._mention(hits, span, i, n, cap)
        return None

    @staticmethod
    def _place_at(ws: list[Word], i: int) -> Mention | None:
        """A place that stands for an org ("Cupertino": Apple)."""
        for n in (2, 1):
            org = PLACES.get(" ".join(w.folded for w in ws[i:i + n]))
            if org and i + n <= len(ws):
                return Mention("org", org, i, i + n, True, possessive=ws[i + n - 1].text.endswith(("'s", "’s")))
        return None

    def person_on_record(self, name: str) -> str | None:
        """The known person a new-looking name is a misspelling of ("Ruoming Pnag"), if the index is sure: asked
        only for the names that move, as a fuzzy lookup costs milliseconds in a big index."""
        top = self.index.fuzzy(name, ["person"], limit=2, cutoff=_SURE)
        if len(top) == 1 or (len(top) == 2 and top[0].score - top[1].score >= MARGIN):
            best = top[0]
            typed = fold(name)
            if _slips(typed.split(), fold(best.spelling).split()):
                return best.name
        return None

    def _mention(self, hits: list, span: list[Word], i: int, n: int, cap: bool) -> Mention | None:
        by_kind = {h.kind: h for h in hits}
        poss = span[-1].text.endswith(("'s", "’s"))
        if "person" in by_kind and all(_NAME_WORD.match(w.text.rstrip("'’s")) or _INITIAL.match(w.text)
                                       for w in span):
            h = by_kind["person"]
            return Mention("person", h.name, i, i + n, True, possessive=poss)
        if "org" in by_kind:
            return Mention("org", by_kind["org"].name, i, i + n, True, possessive=poss)
        teams = [h for h in hits if h.kind == "team"]
        if teams:
            m = Mention("team", teams[0].name, i, i + n, True, org=teams[0].org, possessive=poss)
            m.extra["orgs"] = {h.org for h in teams}
            acronym = n == 1 and span[0].text.isupper() and len(span[0].text) >= 3
            m.extra["standalone"] = (n > 1 and all(w.text[:1].isupper() for w in span)) or (
                acronym and span[0].text != "AGI")
            return m
        return None

    @staticmethod
    def _team_ok(m: Mention, ws: list[Word], orgs_here: set[str]) -> bool:
        """A team alone ("Gemini", "foundation models") counts only beside its org; a distinctive one ("AFM",
        "Superintelligence Labs") stands alone and brings its org."""
        orgs = m.extra["orgs"]
        if orgs & orgs_here:
            m.org = sorted(orgs & orgs_here)[0]
            return True
        return bool(m.extra["standalone"]) and len(orgs) == 1

    def _with_new_names(self, ws: list[Word], found: list[Mention]) -> list[Mention]:
        """Add the capitalised spans that are no known name: surnames seen earlier in the story, people's names
        (two to four name-like words), or, failing that, possibly an org (marked unknown, used only where an org
        must stand: "joined Foo Labs")."""
        taken = bytearray(len(ws))
        for m in found:
            taken[m.i:m.j] = b"\x01" * (m.j - m.i)
        out = list(found)
        i = 0
        while i < len(ws):
            if taken[i] or not _ORG_WORD.match(ws[i].text):
                i += 1
                continue
            j = i + 1
            while (j < len(ws) and not taken[j] and ws[j].start - ws[j - 1].end <= 1
                   and not ws[j - 1].text.endswith(("'s", "’s"))
                   and (_ORG_WORD.match(ws[j].text) or (ws[j].text in PARTICLES and j + 1 < len(ws)
                                                        and _NAME_WORD.match(ws[j + 1].text)))):
                j += 1
            out.extend(self._new_names(ws, i, j))
            i = j
        return sorted(out, key=lambda m: m.i)

    def _new_names(self, ws: list[Word], i: int, j: int) -> list[Mention]:
        span = ws[i:j]
        poss = span[-1].text.endswith(("'s", "’s"))
        texts = [w.text[:-2] if w.text.endswith(("'s", "’s")) else w.text for w in span]
        if len(texts) == 1 and i > 0 and texts[0] in PARTICLES_CAPITALISED and fold(texts[0]) in self.surnames:
            full = self.surnames[fold(texts[0])]  # "Peebles et Du": a surname that is also a word ("Du", "Le")
            return [Mention("person", full, i, j, self.person_known.get(full, False), possessive=poss)]
        k = 0
        while k < len(texts) and fold(texts[k]) in NOT_NAME:
            k += 1
        names = texts[k:]
        if not names:
            return []
        if len(names) == 1:
            full = self.surnames.get(fold(names[0]))
            if full:
                return [Mention("person", full, i + k, j, self.person_known.get(full, False), possessive=poss)]
        if 2 <= len(names) <= 4 and all(_NAME_WORD.match(t) or _INITIAL.match(t) or t in PARTICLES for t in names) \
                and not any(fold(t) in NOT_NAME for t in names):
            return [Mention("person", " ".join(names), i + k, j, False, possessive=poss)]
        cut = next((n for n, t in enumerate(names) if fold(t) in _WHEN), len(names))  # "Foo Labs Thursday"
        return [Mention("org", " ".join(names[:cut]), i + k, i + k + cut, False, possessive=poss)] if cut else []
