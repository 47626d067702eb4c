"""Sentences, words, and the names in them: known people, orgs and teams through the name index (aliases and
misspellings included), and new ones from capitalised spans that look like a person's or an org's name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.news.lexicon import NOT_NAME, PARTICLES, PLACES
from bot.search import NameIndex
from bot.text import fold

_ABBREV = r"(?<!\b[A-Z])(?<!\bInc)(?<!\bCorp)(?<!\bJr)(?<!\bSr)(?<!\bDr)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bM)(?<!\bvs)"
_SENTENCE_END = re.compile(rf"{_ABBREV}(?P<p>[.!?…]+[\"”»)]?)\s+(?=[\"“«(]?[A-ZÀ-Ý0-9])|\n+")
# a word: an elided French article on its own ("d'", "l'"), or letters/digits joined by . - & ' (X.AI, Character.AI)
_WORD = re.compile(r"(?:[dlDLjJnNsScCmMtT]|[Qq]u)['’](?=\w)|\w+(?:[-.&]\w+)*(?:['’]s\b)?")
_INITIAL = re.compile(r"^[A-Z]\.?$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-Ý][a-zà-ÿ]+(?:[-'’][A-ZÀ-Ý]?[a-zà-ÿ]+)*|(?:Mc|Mac|Le|De|Di|Da|O')[A-Z][a-z]+)$")
_ORG_WORD = re.compile(r"^(?=\S*[A-Za-z])(?:[A-Z0-9][\w.&-]*|[a-z]+[A-Z][\w.]*)$")  # "Periodic", "xAI", "01.AI", "H"
_MAX_SPAN = 6


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return fold(self.text)


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
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(sentence)]


def _capitalised(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit() or any(c.isupper() for c in text[1:2])


class MentionFinder:
    """Finds the names in one sentence; remembers, across an article's sentences, the surnames of the people seen
    so that "Pang" later in the story is Ruoming Pang."""

    def __init__(self, index: NameIndex):
        self.index = index
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
                self.surnames.setdefault(fold(m.name).split()[-1], m.name)
                self.person_known.setdefault(m.name, m.known)
        return found

    def _known_at(self, ws: list[Word], i: int) -> Mention | None:
        """The longest known org, team or person starting at word i (an org or team need a capital or be two words
        or more; an all-capitals alias only matches all capitals: "FAIR", not "fair")."""
        first = ws[i].text
        cap = _capitalised(first)
        for n in range(min(_MAX_SPAN, len(ws) - i), 0, -1):
            if not cap and n < 2:
                break
            span = ws[i:i + n]
            if n > 1 and any(ws[k].start - ws[k - 1].end > 1 for k in range(i + 1, i + n)):
                continue  # punctuation between words: not one name
            text = " ".join(w.text for w in span)
            place = PLACES.get(fold(text))
            if place and cap:
                return Mention("org", place, i, i + n, True, possessive=text.endswith(("'s", "’s")))
            kinds = ["org", "team", "person"] if cap else ["team"]
            hits = self.index.exact(text, kinds)
            if n == 1 and hits and not first.isupper():
                hits = [h for h in hits if not h.spelling.isupper()]
            if not hits:
                continue
            return self._mention(hits, span, i, n, cap)
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
            m.extra["standalone"] = (n > 1 and cap) or (n == 1 and span[0].text.isupper() and len(span[0].text) >= 3
                                                        and span[0].text != "AGI")
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
            name = " ".join(names)
            look = self.index.lookup(name, ["person"])
            best = look.best
            if best and best.score >= 88 and len(fold(best.name).split()) == len(names):
                return [Mention("person", best.name, i + k, j, True, possessive=poss)]
            return [Mention("person", name, i + k, j, False, possessive=poss)]
        return [Mention("org", " ".join(texts[k:]), i + k, j, False, possessive=poss)]
