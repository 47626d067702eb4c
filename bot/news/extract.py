"""Candidate moves from an article: rules over sentences, with the name index for the people, orgs and teams on
record and capitalised spans for new ones.

A sentence gives a move when a move verb (`lexicon.TRIGGERS`) has a person as its subject ("Tom Gunter et Mark Lee
ont rejoint Meta") or, for a hiring verb, an org as its subject and people as its object ("Meta has hired X, Y and
Z"); the org after the verb, or after "for"/"pour"/"by"/"par", is where they went. Precision first: a verb
negated or hedged into a wish ("declined to join", "in talks to join"), a subject that is no person, a move with
neither org, each gives nothing; a move told in the background ("Pang, who joined Meta in July, ...") is kept only
when it is already on record, as known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from bot.news.article import Article
from bot.news.dates import date_near, status_of
from bot.news.lexicon import (
    AUX,
    CLAUSE_BREAK,
    FROM_WORDS,
    LEADERS,
    LIST_SEP,
    NEGATED,
    NOT_A_MOVE,
    RELATIVE,
    TO_WORDS,
    TRIGGERS,
)
from bot.news.mentions import Mention, MentionFinder, Word, sentences, words
from bot.records import MoveRecord
from bot.search import NameIndex
from bot.text import fold

_PRONOUNS = frozenset(["he", "she", "they", "il", "elle", "ils", "elles"])
_NAMING = re.compile(r"^(?:nam|nomm|appoint)", re.IGNORECASE)
_ROLE_AS = re.compile(r"\b(?:as|comme|en\s+tant\s+que|au\s+poste\s+de)\s+(?:(?:its|their|his|her|the|a|an|son|sa|"
                      r"new|nouveau|nouvelle|first|premier|première)\s+)*(?P<r>[^,.;()\"]{2,60}?)(?=\s*(?:[,.;()]|$"
                      r"|\b(?:at|of|for|in|on|after|following|and|to|chez|de|d['’]|à|pour|avec|where|qui|who|with|"
                      r"from|since|under|reporting)\b))", re.IGNORECASE)
_ROLE_WORDS = re.compile(r"^(?:the\s+|a\s+|an\s+|l['’]|le\s+|la\s+|un\s+|une\s+)?(?:(?:former|ex-|ancien|ancienne|"
                         r"then|longtime)\s*)?(?:\w+['’]s\s+)?(?P<r>(?:(?:top|senior|principal|distinguished|lead|"
                         r"staff|chief|vice|head|former)\s+)*(?:head|lead|leader|chief|director|president|vp|manager|"
                         r"researcher|engineer|scientist|co-?founder|founder|ceo|cto|coo|executive|responsable|"
                         r"directeur|directrice|chercheur|chercheuse|ingénieur|ingénieure|patron|patronne|"
                         r"cofondateur|cofondatrice|cadre)\b[^,]{0,60})$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One move an article proposes; the fields and their order are the `movesbot extract --json` contract."""

    person: str
    from_org: str | None
    from_team: str | None
    from_role: str | None
    to_org: str | None
    to_team: str | None
    to_role: str | None
    date: str | None
    status: str
    evidence: str
    known_move_id: str | None = None

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Found:
    """A move as read from one sentence, before known moves are looked up and repeats merged."""

    person: str
    person_known: bool
    from_org: str | None = None
    from_team: str | None = None
    from_role: str | None = None
    to_org: str | None = None
    to_team: str | None = None
    to_role: str | None = None
    date: str | None = None
    status: str = "reported"
    evidence: str = ""
    background: bool = False
    extra: dict = field(default_factory=dict)


KnownMoves = Callable[[str], Iterable[MoveRecord]]


def extract_candidates(article: Article, index: NameIndex, known_moves: KnownMoves | None = None) -> list[Candidate]:
    """The moves `article` reports, best first (the order the story tells them); `known_moves(person)` gives the
    moves on record of a person by canonical name (none when omitted: every move is then new)."""
    return resolve(find_moves(article, index), known_moves or (lambda _name: ()))


async def extract_with_store(article: Article, index: NameIndex, store: Any) -> list[Candidate]:
    """`extract_candidates` with the moves on record read from `store` (only those of the people named)."""
    found = find_moves(article, index)
    records: dict[str, list[MoveRecord]] = {}
    for name in {f.person for f in found if f.person_known}:
        hits = [m for m in index.exact(name, ["person"]) if m.name == name]
        if hits:
            records[name], _ = await store.moves(person_id=hits[0].id, limit=200)
    return resolve(found, lambda name: records.get(name, ()))


def find_moves(article: Article, index: NameIndex) -> list[_Found]:
    """Every move each sentence tells, in order, repeats included."""
    finder = MentionFinder(index)
    parts = sentences(article.text)
    out: list[_Found] = []
    last_people: list[Mention] = []
    for k, sentence in enumerate(parts):
        following = parts[k + 1] if k + 1 < len(parts) else ""
        reader = _Sentence(sentence, finder, article.published, following, last_people)
        out.extend(reader.moves())
        people = [m for m in reader.mentions if m.kind == "person"]
        if people:
            last_people = people[:1]
    return out


class _Sentence:
    """One sentence's words, names and move verbs, and the moves they make."""

    def __init__(self, text: str, finder: MentionFinder, published: str | None, following: str,
                 last_people: list[Mention]):
        self.text, self.published, self.following, self.last_people = text, published, following, last_people
        self.ws: list[Word] = words(text)
        self.mentions = finder.find(text, self.ws)
        self.breaks = [self._word_at(m.start()) for m in CLAUSE_BREAK.finditer(text)]
        self.triggers = []
        for m in TRIGGERS.finditer(text):
            if NOT_A_MOVE.match(text, m.end()):
                continue
            kind = next(k for k in ("join", "leave", "hire") if m.group(k))
            self.triggers.append((kind, self._word_at(m.start()), self._word_at(m.end()), m))

    def _word_at(self, pos: int) -> int:
        """The first word starting at or after `pos`."""
        return next((n for n, w in enumerate(self.ws) if w.start >= pos), len(self.ws))

    def _folded(self, i: int) -> str:
        return self.ws[i].folded if 0 <= i < len(self.ws) else ""

    def moves(self) -> list[_Found]:
        out: list[_Found] = []
        previous: list[Mention] = []
        for n, (kind, ti, tj, match) in enumerate(self.triggers):
            lo = max([self.triggers[n - 1][2] if n else 0] + [b for b in self.breaks if b <= ti])
            hi = min([self.triggers[n + 1][1] if n + 1 < len(self.triggers) else len(self.ws)]
                     + [b for b in self.breaks if b >= tj])
            read = self._hire if kind == "hire" else self._arrive_or_leave
            found, previous = read(kind, ti, tj, lo, hi, previous, match)
            out.extend(found)
        return out

    # -- subjects and objects ---------------------------------------------------------------------------------

    def _before(self, ti: int, lo: int) -> tuple[Mention | None, str]:
        """The last name before word `ti` in the clause, and the words between (appositions taken out)."""
        cands = [m for m in self.mentions if lo <= m.i and m.j <= ti]
        if not cands:
            return None, ""
        last = cands[-1]
        gap = self.text[self.ws[last.j - 1].end:self.ws[ti].start] if ti < len(self.ws) else ""
        gap = re.sub(r"\([^()]*\)|,[^,]*,|—[^—]*—", " ", gap)
        return last, gap

    def _list_back(self, last: Mention, lo: int) -> list[Mention]:
        """`last` and the people listed before it ("X, Y and Z", "X et Y")."""
        people = [last]
        cands = [m for m in self.mentions if lo <= m.i and m.j <= last.i]
        for m in reversed(cands):
            between = self.text[self.ws[m.j - 1].end:self.ws[people[-1].i].start]
            if m.kind != "person" or not LIST_SEP.match(between):
                break
            people.append(m)
        return people[::-1]

    def _list_forward(self, first: Mention, hi: int) -> list[Mention]:
        people = [first]
        for m in (m for m in self.mentions if m.i >= first.j and m.j <= hi):
            between = self.text[self.ws[people[-1].j - 1].end:self.ws[m.i].start]
            if m.kind != "person" or not LIST_SEP.match(between):
                break
            people.append(m)
        return people

    def _gap_ok(self, gap: str) -> bool:
        """Only auxiliaries and adverbs between a subject and its verb: anything longer is another clause."""
        gap_words = fold(gap).split()
        return len(gap_words) <= 6 and all(w in AUX for w in gap_words) and not NEGATED.search(gap)

    def _background(self, ti: int, lo: int) -> bool:
        """The verb sits in a relative or temporal clause: "who joined", "qui a rejoint", "after leaving"."""
        i = ti - 1
        while i >= lo and self._folded(i) in AUX and self._folded(i) not in RELATIVE:
            i -= 1
        return i >= 0 and self._folded(i) in RELATIVE

    def _subjects(self, ti: int, lo: int, previous: list[Mention]) -> list[Mention]:
        last, gap = self._before(ti, lo)
        if last is not None and last.kind == "person" and self._gap_ok(gap):
            return [m for m in self._list_back(last, lo) if _is_person(m)]
        words_before = [self._folded(i) for i in range(lo, ti)]
        pronoun = next((w for w in reversed(words_before) if w not in AUX), None)
        if pronoun in _PRONOUNS and self._gap_ok(" ".join(words_before[words_before.index(pronoun) + 1:])):
            return [m for m in self.last_people if _is_person(m)] if pronoun in ("he", "she", "il", "elle") else []
        if last is None and previous and not NEGATED.search(self.text[self.ws[lo - 1].end:self.ws[ti].start]
                                                             if 0 < lo < len(self.ws) and ti < len(self.ws) else ""):
            return previous  # "quitte Apple pour rejoindre Meta", "left Apple and joined Meta"
        return []

    # -- places ---------------------------------------------------------------------------------------------

    def _places(self, tj: int, hi: int) -> list[Mention]:
        """Orgs and teams after the verb in the clause; a leader's name in a possessive stands for the org
        ("le projet de Zuckerberg", "Zuckerberg's lab")."""
        out = []
        for m in self.mentions:
            if not tj <= m.i < hi:
                continue
            if m.kind in ("org", "team"):
                out.append(m)
            elif m.kind == "person":
                org = LEADERS.get(fold(m.name).split()[-1])
                if org and (m.possessive or self._folded(m.i - 1) in ("de", "d")):
                    out.append(Mention("org", org, m.i, m.j, True))
        return out

    def _preceded_by(self, m: Mention, vocabulary: frozenset[str], reach: int = 2) -> bool:
        return any(self._folded(m.i - k) in vocabulary for k in range(1, reach + 1))

    @staticmethod
    def _place(m: Mention, places: list[Mention]) -> tuple[str, str | None]:
        """(org, team) of a place, with the team that follows its org ("Meta's Superintelligence Labs")."""
        if m.kind == "team":
            return m.org or "", m.name
        after = next((p for p in places if p.i >= m.j and p.i - m.j <= 3 and p.kind == "team" and p.org == m.name),
                     None)
        return m.name, after.name if after else None

    def _destination(self, kind: str, tj: int, hi: int) -> tuple[tuple[str, str | None] | None, Mention | None,
                                                                  tuple[str, str | None] | None]:
        """(to, its mention, from) for a join or leave verb, from the places after it."""
        places = self._places(tj, hi)
        to = frm = None
        to_m = None
        for m in places:
            if m.kind == "team" and to_m is not None and m.org == to_m.name:
                continue
            direct = m.i - tj <= 3 and all(self._folded(i) not in FROM_WORDS for i in range(tj, m.i))
            if self._preceded_by(m, FROM_WORDS) or (kind == "leave" and frm is None and direct and
                                                     not self._preceded_by(m, TO_WORDS - {"at"}, 1)):
                frm = frm or self._place(m, places)
                continue
            known_or_near = m.known or m.i - tj <= 2 or self._preceded_by(m, TO_WORDS, 1)
            if to is None and known_or_near and ((kind == "join" and (direct or self._preceded_by(m, TO_WORDS, 3)))
                                                 or (kind == "leave" and self._after_for(tj, m))):
                to, to_m = self._place(m, places), m
        return to, to_m, frm

    def _after_for(self, tj: int, m: Mention) -> bool:
        """A place after "for"/"pour"/"to join" once the verb is "leave": where they went."""
        return any(self._folded(i) in ("for", "pour", "to", "chez", "rejoindre", "join") for i in range(tj, m.i))

    def _from_near(self, people: list[Mention], lo: int, hi: int, exclude: str | None) -> tuple[str, str | None] | None:
        """Where the people came from, when the clause says so around them: "Apple researchers X", "X, qui
        dirigeait l'équipe AFM d'Apple", "X from OpenAI"."""
        places = [m for m in self.mentions if lo <= m.i < hi and m.kind in ("org", "team") and m.known]
        for m in places:
            org, team = self._place(m, places)
            if org and org != exclude:
                later_team = next((p.name for p in places if p.kind == "team" and p.org == org), None)
                return org, team or later_team
        return None

    # -- verbs ----------------------------------------------------------------------------------------------

    def _arrive_or_leave(self, kind: str, ti: int, tj: int, lo: int, hi: int, previous: list[Mention],
                         match: re.Match) -> tuple[list[_Found], list[Mention]]:
        people = self._subjects(ti, lo, previous)
        if not people:
            return [], previous
        background = self._background(ti, lo)
        to, _, frm = self._destination(kind, tj, hi)
        if frm is None:
            frm = self._from_near(people, lo, ti, to[0] if to else None)
        end = self.ws[hi - 1].end if hi > 0 else len(self.text)
        role = _ROLE_AS.search(self.text, match.end(), end)
        return self._found(people, frm, to, role.group("r") if role else None, match, end, background), people

    def _hire(self, kind: str, ti: int, tj: int, lo: int, hi: int, previous: list[Mention],
              match: re.Match) -> tuple[list[_Found], list[Mention]]:
        last, gap = self._before(ti, lo)
        end = self.ws[hi - 1].end if hi > 0 else len(self.text)
        if last is not None and last.kind in ("org", "team") and len(fold(gap).split()) <= 6 \
                and not NEGATED.search(gap):
            to = self._place(last, [m for m in self.mentions if m.i >= last.j])
            objects = [m for m in self.mentions if tj <= m.i < hi and m.kind == "person" and m.i - tj <= 12]
            if not objects:
                return [], previous
            people = [m for m in self._list_forward(objects[0], hi) if _is_person(m)]
            frm = self._from_near(people, tj, hi, to[0])
            role = None
            background = self._background(ti, lo)
        else:  # passive: "X was hired by Meta", "X a été nommé directeur de Y"
            people = self._subjects(ti, lo, [])
            if not people:
                return [], previous
            places = self._places(tj, hi)
            by = [m for m in places if self._preceded_by(m, frozenset({"by", "par"}), 1)]
            near = by or [m for m in places if m.i - tj <= 8 and not self._preceded_by(m, FROM_WORDS)]
            if not near:
                return [], people
            to = self._place(near[0], places)
            frm = self._from_near(people, lo, ti, to[0])
            role = self._named_role(match, near[0]) if _NAMING.match(match.group()) else None
            background = self._background(ti, lo)
        return self._found(people, frm, to, role, match, end, background), people

    def _named_role(self, match: re.Match, place: Mention) -> str | None:
        between = self.text[match.end():self.ws[place.i].start]
        between = re.sub(r"^\s*(?:as\s+)?(?:(?:its|the|a|an|new|nouveau|nouvelle)\s+)*", "", between)
        between = re.sub(r"\s+(?:of|at|chez|de|d['’]|du|à)\s*$", "", between.strip(" ,"))
        return between if between and len(between.split()) <= 6 and not NEGATED.search(between) else None

    def _found(self, people: list[Mention], frm: tuple[str, str | None] | None, to: tuple[str, str | None] | None,
               to_role: str | None, match: re.Match, end: int, background: bool) -> list[_Found]:
        if to and frm and frm[0] == to[0]:
            frm = None if to[1] is None or frm[1] == to[1] else frm  # a move within one org is not a move
            if frm is None and to[1] is None:
                return []
        if to is None and frm is None:
            return []
        out = []
        for p in people:
            surname = fold(p.name).split()[-1]
            follows = self.following if re.search(rf"(?i)^\W*(?:he|she|il|elle)\b|\b{re.escape(surname)}\b",
                                                  fold(self.following)) else ""
            out.append(_Found(
                person=p.name, person_known=p.known, from_org=frm[0] if frm else None,
                from_team=frm[1] if frm else None, from_role=self._from_role(p),
                to_org=to[0] if to else None, to_team=to[1] if to else None,
                to_role=_clean_role(to_role), date=date_near(self.text, match.start(), end, self.published),
                status=status_of(self.text, follows), evidence=self.text, background=background))
        return out

    def _from_role(self, p: Mention) -> str | None:
        """The role an apposition gives right after the name: "X, Apple's head of foundation models,"."""
        if p.j >= len(self.ws):
            return None
        m = re.match(r"\s*,\s*([^,]{3,90}),", self.text[self.ws[p.j - 1].end:])
        role = _ROLE_WORDS.match(m.group(1).strip()) if m else None
        return _clean_role(role.group("r")) if role else None


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = role.strip(" ,.;")
    return role if 1 <= len(role.split()) <= 8 else None


def _is_person(m: Mention) -> bool:
    """A known person, or a new name of two words or more."""
    return m.kind == "person" and (m.known or len(m.name.split()) >= 2)


def resolve(found: Sequence[_Found], known_moves: KnownMoves) -> list[Candidate]:
    """Merge the sentences' readings of one move, link them to the moves on record, and drop background moves
    that are not on record."""
    merged: dict[tuple[str, str | None], _Found] = {}
    for f in found:
        key = (f.person, f.to_org)
        if f.to_org is None:  # a departure: folded into the same person's arrival when the story gives one
            key = next((k for k in merged if k[0] == f.person and k[1] is not None), key)
        elif (f.person, None) in merged:  # the arrival comes after the departure: it takes its place
            merged[key] = _merge(merged.pop((f.person, None)), f)
            continue
        merged[key] = _merge(merged[key], f) if key in merged else f
    out = []
    for f in merged.values():
        move_id = _known_move(f, list(known_moves(f.person)))
        if f.background and move_id is None:
            continue
        out.append(Candidate(f.person, f.from_org, f.from_team, f.from_role, f.to_org, f.to_team, f.to_role, f.date,
                             f.status, f.evidence, move_id))
    return out


def _merge(a: _Found, b: _Found) -> _Found:
    """One move told twice: the first telling's evidence (unless it was only background), every field either gives,
    the more precise date, and 'confirmed' if either is."""
    first, second = (b, a) if a.background and not b.background else (a, b)
    values = {name: getattr(first, name) or getattr(second, name)
              for name in ("from_org", "from_team", "from_role", "to_org", "to_team", "to_role")}
    dates = [d for d in (first.date, second.date) if d]
    return replace(first, **values, date=max(dates, key=len) if dates else None,
                   status="confirmed" if "confirmed" in (a.status, b.status) else "reported",
                   background=a.background and b.background)


def _known_move(f: _Found, records: list[MoveRecord]) -> str | None:
    """The move on record that this one is: same person and destination org, or for a departure without one, the
    same person leaving the same org. The latest such, when the person made it twice."""
    for record in sorted(records, key=lambda r: r.date, reverse=True):
        if f.to_org is not None and record.to_org == f.to_org:
            return record.id
        if f.to_org is None and f.from_org is not None and record.from_org == f.from_org:
            return record.id
    return None
