"""One sentence read for moves: who (a person before a join/leave verb, or after an org's hiring verb), where
from, where to, when, and how sure. `extract` runs it over an article's sentences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.news.dates import date_in, status_of
from bot.news.lexicon import (
    AUX,
    BARE_LEAVE,
    CALLED,
    CLAUSE_BREAK,
    COMPANIONS,
    CONTINUES,
    EPITHETS,
    FROM_WORDS,
    GROUP,
    INCLUDING,
    INTENT,
    LEADERS,
    LIST_SEP,
    NEGATED,
    NOT_A_MOVE,
    NTH,
    OF_WHOM,
    RELATIVE,
    TEMPORAL,
    THE_COMPANY,
    TO_WORDS,
    TRIGGERS,
)
from bot.news.mentions import Mention, MentionFinder, Word, words
from bot.news.roles import clean_role, named_role, role_after_name, role_as
from bot.text import fold

_OF = frozenset(fold("from depuis ex former formerly of at de d chez").split())
_EARLIER = frozenset(fold("previously formerly once earlier auparavant précédemment autrefois").split())
_TO_AFTER_LEAVE = TO_WORDS - {"at", "chez"}  # "left his job at Apple", "met fin à douze ans chez Meta": where they were
_LIKE = re.compile(r"[\s,]*(?:tout\s+comme|just\s+like|as\s+did|like|de\s+même\s+que)\s+", re.IGNORECASE)
_HE = frozenset(["he", "she", "il", "elle"])
_THEY = frozenset(["they", "ils", "elles"])
_PREPOSITIONS = frozenset(fold("in from at of with into for to by de d chez dans par pour sur en").split())
_CONNECTORS = frozenset(["and", "et", "to", "pour", "then", "puis", "before", "avant"])
# an apposition: "(...)", ", ... ,", "— ... —", or ", an OpenAI co-founder" up to its "who"
_APPOSITION = re.compile(r"\([^()]*\)|,[^,]*,|—[^—]*—|,[^,]*?(?=\b(?:who|qui)\b)")
_NAMING = re.compile(r"^(?:nam|nomm|appoint)", re.IGNORECASE)
Place = tuple[str, str | None]  # (org, team)


@dataclass
class Found:
    """A move as read from one sentence, before known moves are looked up and repeats merged."""

    person: str
    person_known: bool
    from_org: str | None = None
    from_team: str | None = None
    from_role: str | None = None
    to_org: str | None = None
    to_team: str | None = None
    to_role: str | None = None
    date: str | None = None              # as the text gives it; None: the publication date stands in
    status: str = "reported"
    evidence: str = ""
    background: bool = False


@dataclass
class Context:
    """What a sentence may need from the rest of the story."""

    finder: MentionFinder
    published: str | None
    main_org: str | None = None          # the story's first org: what "the company" means
    following: str = ""                  # the next sentences (a status said on record; a new company's name)
    last_people: list[Mention] = field(default_factory=list)  # whom "he", "she", "they" refer to
    group: Found | None = None           # the last sentence's move: "Parmi eux, X, Y et Z" / "Ainsi que X" add people
    found: list[Found] = field(default_factory=list)  # the story's moves so far: "He is joined by X"


@dataclass
class _Verb:
    kind: str
    ti: int      # first word of the verb
    tj: int      # first word after it
    lo: int      # its clause, words lo..hi
    hi: int
    match: re.Match


class SentenceReader:
    """One sentence's words, names and move verbs, and the moves they make."""

    def __init__(self, text: str, ctx: Context):
        self.text, self.ctx = text, ctx
        self.ws: list[Word] = words(text)
        self.mentions = ctx.finder.find(text, self.ws)
        self.subjects: list[Mention] = []  # of the last move read: "he" in the next sentence
        breaks = [self._word_at(m.start()) for m in CLAUSE_BREAK.finditer(text)]
        found = [m for m in TRIGGERS.finditer(text) if not NOT_A_MOVE.match(text, m.end())]
        self.verbs: list[_Verb] = []
        for n, m in enumerate(found):
            ti, tj = self._word_at(m.start()), self._word_at(m.end())
            lo = max([self._word_at(found[n - 1].end()) if n else 0] + [b for b in breaks if b <= ti])
            hi = min([self._word_at(found[n + 1].start()) if n + 1 < len(found) else len(self.ws)]
                     + [b for b in breaks if b >= tj])
            kind = next(k for k in ("join", "leave", "hire", "lose", "follow") if m.group(k))
            self.verbs.append(_Verb(kind, ti, tj, lo, hi, m))

    def _word_at(self, pos: int) -> int:
        """The first word starting at or after `pos`."""
        return next((n for n, w in enumerate(self.ws) if w.start >= pos), len(self.ws))

    def _folded(self, i: int) -> str:
        return self.ws[i].folded if 0 <= i < len(self.ws) else ""

    def _between(self, i: int, j: int) -> str:
        """The text from the end of word i-1 to the start of word j."""
        start = self.ws[i - 1].end if i > 0 else 0
        return self.text[start:self.ws[j].start] if j < len(self.ws) else self.text[start:]

    def moves(self) -> list[Found]:
        out: list[Found] = self._named_group()
        self.ctx.found.extend(out)
        previous: tuple[list[Mention], bool] = ([], False)
        self.group: Found | None = None
        for verb in self.verbs:
            read = {"hire": self._hire, "lose": self._lose, "follow": self._follow}.get(verb.kind,
                                                                                        self._arrive_or_leave)
            found, previous = read(verb, previous)
            out.extend(found)
            self.ctx.found.extend(found)  # (the story's moves so far, this sentence's included)
            if found:
                self.subjects = previous[0]
        return out

    def _named_group(self) -> list[Found]:
        """The people a sentence lists right after a group's move ("Parmi eux, X, accompagné de Y et Z")."""
        group = self.ctx.group
        if group is None or not (GROUP.match(self.text) or CONTINUES.match(self.text)):
            return []
        people = [m for m in self.mentions if _is_person(m)]
        when = date_in(self.text, 0, len(self.text), self.ctx.published) or group.date  # "débauchés dès juin 2023"
        return [replace(group, person=p.name, person_known=p.known, evidence=f"{group.evidence} {self.text}",
                        date=when) for p in people]

    def _group_move(self, verb: _Verb, to: Place | None, frm: Place | None) -> list[Found]:
        """A move whose subject is a group ("four Apple researchers have joined Meta"): its people named after
        "including" / "notamment" in the sentence, or kept for the next sentence to name."""
        if (to is None and frm is None) or NEGATED.search(self._between(verb.lo, verb.ti)) or self._background(verb):
            return []
        template = Found(person="", person_known=False, from_org=frm[0] if frm else None,
                         from_team=frm[1] if frm else None, to_org=to[0] if to else None,
                         to_team=to[1] if to else None, evidence=self.text,
                         date=date_in(self.text, verb.match.start(), self._end(verb), self.ctx.published,
                                      self.ws[verb.lo].start if verb.lo < len(self.ws) else 0),
                         status=status_of(self.text))
        found = INCLUDING.search(self.text, self.ws[verb.lo].start if verb.lo < len(self.ws) else 0)
        if found:
            start = self._word_at(found.end())
            first = next((m for m in self.mentions if m.i >= start and m.kind == "person"), None)
            if first is not None and first.i - start <= 3:
                people = [m for m in self._list_forward(first, len(self.ws)) if _is_person(m)]
                return [replace(template, person=p.name, person_known=p.known) for p in people]
        earlier = self.group  # "quitter leur unité AFM pour rejoindre Meta": one move, told by two verbs
        self.group = template if earlier is None else replace(
            template, from_org=template.from_org or earlier.from_org, from_team=template.from_team or earlier.from_team,
            to_org=template.to_org or earlier.to_org, to_team=template.to_team or earlier.to_team)
        return []

    # -- subjects and objects ---------------------------------------------------------------------------------

    def _gap_ok(self, gap: str, limit: int = 6) -> bool:
        """Only auxiliaries and adverbs between a subject and its verb (appositions and companions taken out):
        anything else is another clause."""
        gap = COMPANIONS.sub(" ", _APPOSITION.sub(" ", gap))
        if NTH.match(gap) or OF_WHOM.match(gap) or INTENT.match(gap):
            return True
        gap_words = fold(gap).split()
        return len(gap_words) <= limit and all(w in AUX or w in RELATIVE for w in gap_words) \
            and not NEGATED.search(gap)

    def _person_before(self, verb: _Verb) -> Mention | None:
        """The nearest person before the verb in its clause with only auxiliaries between (appositions aside, and
        the people named inside them: "X, a co-founder of Y's startup, has left"); not "Elon Musk's company"."""
        for m in reversed([m for m in self.mentions if verb.lo <= m.i and m.j <= verb.ti and m.kind == "person"]):
            if self._gap_ok(self._between(m.j, verb.ti)):
                return None if m.possessive else m
        return None

    def _list_back(self, last: Mention, lo: int) -> list[Mention]:
        """`last` and the people listed before it ("X, Y and Z", "X et Y")."""
        people = [last]
        for m in reversed([m for m in self.mentions if lo <= m.i and m.j <= last.i and m.kind == "person"]):
            if not LIST_SEP.match(self._between(m.j, people[-1].i)):
                break
            people.append(m)
        return people[::-1]

    def _list_forward(self, first: Mention, hi: int) -> list[Mention]:
        people = [first]
        for m in (m for m in self.mentions if m.i >= first.j and m.j <= hi and m.kind == "person"):
            if not LIST_SEP.match(self._between(people[-1].j, m.i)):
                break
            people.append(m)
        return people

    def _background(self, verb: _Verb) -> bool:
        """The verb sits in a relative or temporal clause: "who joined", "qui a rejoint", "after leaving"."""
        i = verb.ti - 1
        while i >= verb.lo and self._folded(i) in AUX and self._folded(i) not in RELATIVE:
            i -= 1
        return i >= 0 and self._folded(i) in RELATIVE

    def _subjects(self, verb: _Verb, previous: tuple[list[Mention], bool]) -> tuple[list[Mention], bool]:
        """Who moves, and whether the move is only recalled: a person (or a list) before the verb; a pronoun; or
        the previous verb's subject ("quitte Apple pour rejoindre Meta", "left Apple and joined Meta")."""
        background = self._background(verb)
        last = self._person_before(verb)
        if last is not None:
            return [m for m in self._list_back(last, verb.lo) if _is_person(m)], background
        before = [self._folded(i) for i in range(verb.lo, verb.ti)]
        pronoun_at = next((k for k in range(len(before) - 1, -1, -1) if before[k] not in AUX), None)
        pronoun = before[pronoun_at] if pronoun_at is not None else None
        if pronoun in _HE | _THEY and self._gap_ok(" ".join(before[pronoun_at + 1:])):
            i = verb.lo + pronoun_at
            here = [m for m in self.mentions if m.j <= i and m.kind == "person" and _is_person(m) and not m.possessive]
            if pronoun in _THEY:  # "X and Y said they were leaving", else the previous verb's or sentence's people
                listed = self._list_back(here[-1], verb.lo) if here else []
                return (listed if len(listed) > 1 else previous[0] or [m for m in self.ctx.last_people
                                                                        if _is_person(m)]), background or previous[1]
            background = background or any(self._folded(i - k) in TEMPORAL for k in (1, 2))  # "après qu'il a"
            return (here[-1:] or [m for m in self.ctx.last_people[:1] if _is_person(m)]), background
        if self._folded(verb.ti - 1) in TEMPORAL | {"briefly", "later"} and (
                verb.match.group().lower().endswith("ing") or self._folded(verb.ti - 1) == "avoir"):
            # "X spent 16 years at Google before briefly joining Microsoft": X, recalled
            first = next((m for m in self.mentions if m.kind == "person" and m.i < verb.ti and not m.possessive), None)
            if first is not None and _is_person(first):
                return [first], True
        if previous[0] and verb.lo > 0 and self._continues(verb) and not any(
                m.kind == "person" for m in self.mentions if verb.lo <= m.i < verb.ti):
            same_clause = "," not in self._between(verb.lo, verb.ti)  # "who left X and joined Y": both recalled
            return previous[0], (previous[1] and same_clause) or background
        return [], background

    def _continues(self, verb: _Verb) -> bool:
        """The verb goes on from the previous one: "quitte Apple pour rejoindre", "and then promptly returned"."""
        i = verb.ti - 1
        while i > verb.lo and (self._folded(i).endswith(("ly", "ment")) and self._folded(i) not in _CONNECTORS):
            i -= 1
        return self._folded(i) in _CONNECTORS | AUX

    # -- places ---------------------------------------------------------------------------------------------

    def _places(self, tj: int, hi: int) -> list[Mention]:
        """Orgs and teams after the verb in the clause; a leader's name in a possessive stands for the org ("le
        projet de Zuckerberg"); "the company" right after the verb is the story's own org."""
        out = []
        if 0 < tj < len(self.ws) and (the := THE_COMPANY.match(self.text, self.ws[tj - 1].end)):
            org = self.ctx.main_org if the.group("epithet") else self._the_company(tj)
            if org:
                out.append(Mention("org", org, tj, tj + 1, True))
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

    def _the_company(self, before: int) -> str | None:
        """What "the company" stands for: the last org the sentence named before it as itself (not "Meta's
        lawyer"), else the story's own org."""
        named = [m for m in self.mentions if m.j <= before and m.kind == "org" and m.known and not m.possessive]
        return named[-1].name if named else self.ctx.main_org

    def _preceded_by(self, m: Mention, vocabulary: frozenset[str], reach: int = 2) -> bool:
        return any(self._folded(m.i - k) in vocabulary for k in range(1, reach + 1))

    @staticmethod
    def _place(m: Mention, places: list[Mention]) -> Place:
        """(org, team) of a place, with the team that follows its org ("Meta's Superintelligence Labs")."""
        if m.kind == "team":
            return m.org or "", m.name
        after = next((p for p in places if p.i >= m.j and p.i - m.j <= 3 and p.kind == "team" and p.org == m.name),
                     None)
        return m.name, after.name if after else None

    def _destination(self, verb: _Verb) -> tuple[Place | None, Place | None]:
        """(to, from) for a join or leave verb, from the places after it."""
        places = self._places(verb.tj, verb.hi)
        to = frm = None
        to_org = None
        launch = bool(verb.match.group("launch"))  # "launched Thinking Machines Lab", not "launched Claude Code"
        for m in places:
            if (m.kind == "team" and m.org == to_org) or (launch and (m.kind != "org" or m.i - verb.tj > 1)):
                continue
            direct = m.i - verb.tj <= 3 and all(self._folded(i) not in ("from", "depuis") for i in range(verb.tj, m.i))
            # a leaving verb's first org before any "for"/"to": where they were (not past a comma: another clause)
            first_after_leave = (verb.kind == "leave" and frm is None and not self._after_for(verb.tj, m)
                                 and not self._preceded_by(m, _TO_AFTER_LEAVE, 1)
                                 and (direct or (m.known and "," not in self._between(verb.tj, m.i))))
            if self._from_word_before(m) or first_after_leave:
                frm = frm or self._place(m, places)
                continue
            near = m.known or m.i - verb.tj <= 2 or self._preceded_by(m, TO_WORDS, 1)
            goes = ((verb.kind == "join" and (direct or self._preceded_by(m, TO_WORDS, 3) or self._owned_by(verb, m)))
                    or (verb.kind == "leave" and self._after_for(verb.tj, m)))
            if to is None and near and goes:
                to = self._place(m, places)
                to_org = to[0]
        if to is None and verb.match.group("venture"):
            to = self._named_later(verb)
        return to, frm

    def _from_word_before(self, m: Mention) -> bool:
        """"from OpenAI", "depuis Apple", "former OpenAI researcher" (but not "their former employer, OpenAI")."""
        return self._folded(m.i - 1) in FROM_WORDS or (
            self._folded(m.i - 2) in ("from", "depuis") and self._folded(m.i - 1) in ("the", "la", "le", "l"))

    def _owned_by(self, verb: _Verb, m: Mention) -> bool:
        """"a rejoint le laboratoire de superintelligence de Meta", "joined the research team of Meta": a known
        org closing a short noun phrase right after the verb, with nothing else named between."""
        return m.known and m.i - verb.tj <= 7 and self._folded(m.i - 1) in ("de", "d", "of", "du") and not any(
            verb.tj <= o.i < m.i for o in self.mentions) and not any(
            self._folded(i) in FROM_WORDS | TO_WORDS for i in range(verb.tj, m.i))

    def _named_later(self, verb: _Verb) -> Place | None:
        """A new company named after the verb, here or in the next sentences ("sa société, baptisée X")."""
        for text in (self.text[verb.match.end():], self.ctx.following):
            found = CALLED.search(text)
            if found:
                name = found.group("name")
                hits = [h for h in self.ctx.finder.index.exact(name, ["org"])]
                return (hits[0].name if hits else name), None
        return None

    def _after_for(self, tj: int, m: Mention) -> bool:
        """A place after "for"/"pour"/"to join", or right after "to", once the verb is "leave": where they went
        ("moved from Google to Apple"; not "to play a role as Meta's chief scientist")."""
        between = [self._folded(i) for i in range(tj, m.i)]
        return self._folded(m.i - 1) == "to" or any(w in ("for", "pour", "rejoindre", "join") for w in between) or (
            "to" in between and self._folded(m.i - 1) in ("at", "with"))  # "left to take senior jobs at Anysphere"

    def _from_near(self, lo: int, hi: int, exclude: str | None) -> Place | None:
        """Where the people came from, when the clause says so around them: "Apple researchers X", "X, qui
        dirigeait l'équipe AFM d'Apple", "X from OpenAI"."""
        places = [m for m in self.mentions if lo <= m.i < hi and m.kind in ("org", "team") and m.known
                  and not self._preceded_by(m, frozenset({"by", "par"}), 1) and not self._preceded_by(m, _EARLIER, 3)]
        for m in places:
            org, team = self._place(m, places)
            if org and org != exclude:
                return org, team or next((p.name for p in places if p.kind == "team" and p.org == org), None)
        return None

    # -- verbs ----------------------------------------------------------------------------------------------

    def _end(self, verb: _Verb) -> int:
        return self.ws[verb.hi - 1].end if verb.hi > 0 else len(self.text)

    def _arrive_or_leave(self, verb: _Verb, previous: tuple[list[Mention], bool]
                         ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        people, background = self._subjects(verb, previous)
        if people and verb.kind == "join" and self._folded(verb.tj) in ("by", "par"):
            return self._joined_by(verb, people[0]), previous
        to, frm = self._destination(verb)
        if not people:
            return self._group_move(verb, to, frm), previous
        if frm is None and self._here(people[0]) and people[0].i >= verb.lo:  # (a subject of this clause)
            frm = self._from_near(verb.lo, verb.ti, to[0] if to else None)
        role = role_as(self.text, verb.match.end(), self._end(verb))
        bare = verb.kind == "leave" and to is None and frm is None and bool(BARE_LEAVE.match(self.text,
                                                                                               verb.match.end()))
        return (self._found(people, frm, to, role, verb, background, bare=bare),
                (people, background))

    def _joined_by(self, verb: _Verb, host: Mention) -> list[Found]:
        """"He is joined by X": X makes the move the story gave him."""
        move = next((f for f in reversed(self.ctx.found) if f.person == host.name and f.to_org), None)
        first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - verb.tj <= 2), None)
        if move is None or first is None:
            return []
        return [replace(move, person=p.name, person_known=p.known, from_role=None, to_role=None, evidence=self.text)
                for p in self._list_forward(first, verb.hi) if _is_person(p)]

    def _org_before(self, verb: _Verb) -> Mention | None:
        """The org that hires: the nearest before the verb that no preposition governs ("Meta invested in Scale AI
        and brought in X": Meta), or "it" / "the company" for the story's own org ("It also named X")."""
        before = [self._folded(i) for i in range(verb.lo, verb.ti) if self._folded(i) not in AUX]
        if self.ctx.main_org and before and (before[-1] == "it" or before[-2:] == ["the", "company"] or (
                len(before) <= 6 and before[0] in ("the", "le", "la", "l") and EPITHETS & set(before)
                and not any(m.known and m.kind != "team" for m in self.mentions if verb.lo <= m.i < verb.ti))):
            return Mention("org", self.ctx.main_org, verb.ti - 1, verb.ti, True)
        for m in reversed([m for m in self.mentions if verb.lo <= m.i and m.j <= verb.ti]):
            leader = LEADERS.get(fold(m.name).split()[-1]) if m.kind != "team" else None
            if (leader and m.kind == "person") or (m.kind == "org" and not m.known and leader):
                m = Mention("org", leader, m.i, m.j, True)  # "Zuckerberg personally recruited X": Meta
            if m.kind == "person" and not self._gap_ok(self._between(m.j, verb.ti), 12):
                return None
            if m.kind in ("org", "team") and m.known and not self._preceded_by(m, _PREPOSITIONS, 1):
                gap = self._between(m.j, verb.ti)
                return m if len(fold(gap).split()) <= 10 and not NEGATED.search(gap) else None
        return None

    def _hire(self, verb: _Verb, previous: tuple[list[Mention], bool]
              ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        background = self._background(verb)
        person = self._person_before(verb)
        leader = LEADERS.get(fold(person.name).split()[-1]) if person else None  # "Zuckerberg a embauché X"
        subject = Mention("org", leader, person.i, person.j, True) if person and leader else (
            None if person else self._org_before(verb))
        if subject is not None:
            to = self._place(subject, [m for m in self.mentions if m.i >= subject.j])
            objects = [m for m in self.mentions if verb.tj <= m.i < verb.hi and m.kind == "person"
                       and m.i - verb.tj <= 12]
            if not objects:
                return [], previous
            people = [m for m in self._list_forward(objects[0], verb.hi) if _is_person(m)]
            if to[1] is None:  # "Meta a recruté X ... pour ses Superintelligence Labs"
                to = to[0], next((m.name for m in self.mentions if m.kind == "team" and m.org == to[0]
                                  and verb.tj <= m.i < verb.hi), None)
            frm = self._from_each(people, verb.tj, verb.hi, to[0])
            role = None
        else:  # passive: "X was hired by Meta", "X a été nommé directeur de Y"
            people, background = self._subjects(verb, ([], False))
            if not people:
                return [], previous
            places = self._places(verb.tj, verb.hi)
            by = [m for m in places if self._preceded_by(m, frozenset({"by", "par"}), 1)]
            near = by or [m for m in places if m.i - verb.tj <= 8 and not self._preceded_by(m, FROM_WORDS)]
            if not near:
                return [], (people, background)
            to = self._place(near[0], places)
            frm = self._from_near(verb.lo, verb.ti, to[0])
            role = (named_role(self.text[verb.match.end():self.ws[near[0].i].start])
                    if _NAMING.match(verb.match.group()) else None)
        return self._found(people, frm, to, role, verb, background), (people, background)

    def _lose(self, verb: _Verb, previous: tuple[list[Mention], bool]
              ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        """"Apple has lost another AI researcher, X, to Meta": the subject is where they left, "to" where they
        went."""
        subject = self._org_before(verb)
        objects = [m for m in self.mentions if verb.tj <= m.i < verb.hi and m.kind == "person" and m.i - verb.tj <= 8]
        if subject is None or not objects:
            return [], previous
        people = [m for m in self._list_forward(objects[0], verb.hi) if _is_person(m)]
        places = self._places(people[-1].j, verb.hi)
        to = next((self._place(m, places) for m in places if self._preceded_by(m, frozenset({"to", "profit", "a"}))),
                  None)
        frm = self._place(subject, [m for m in self.mentions if m.i >= subject.j])
        return self._found(people, frm, to, None, verb, self._background(verb)), (people, False)

    def _here(self, m: Mention) -> bool:
        """`m` is a name of this sentence (not a "he" resolved to the previous one)."""
        return any(m is other for other in self.mentions)

    def _start_of(self, subject: Mention, verb: _Verb) -> int:
        """Where the move's words begin: its subject here, else its verb."""
        i = subject.i if self._here(subject) and subject.i < verb.ti else verb.ti
        return self.ws[i].start if i < len(self.ws) else len(self.text)

    def _follow(self, verb: _Verb, previous: tuple[list[Mention], bool]
                ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        """"X left in 2024, followed by Y and Z": they left the org X left; "Y a fait de même, tout comme Z": they
        made X's move. Each at the date this sentence gives, if any."""
        same = bool(re.search(r"m[eê]me|same|suit", verb.match.group(), re.IGNORECASE))
        model = next((f for f in reversed(self.ctx.found) if same or f.to_org is None), None)
        if model is None or model.background:
            return [], previous
        if re.search(r"\b(?:by|par|de)$", verb.match.group()):
            first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - verb.tj <= 3), None)
            people = [m for m in self._list_forward(first, verb.hi) if _is_person(m)] if first else []
        else:  # "Jimmy Ba followed.", "Zhiqing Sun a fait de même, tout comme Hyung Won Chung"
            people = self._subjects(verb, previous)[0]
            like = _LIKE.match(self.text, verb.match.end())
            if people and like:
                first = next((m for m in self.mentions if m.kind == "person" and m.i == self._word_at(like.end())),
                             None)
                people += [m for m in self._list_forward(first, len(self.ws)) if _is_person(m)] if first else []
        when = date_in(self.text, verb.match.start(), self._end(verb), self.ctx.published)
        return [replace(model, person=p.name, person_known=p.known, from_role=None, date=when or model.date,
                        evidence=self.text) for p in people], (people, False)

    def _from_each(self, people: list[Mention], tj: int, hi: int, exclude: str) -> list[Place | None]:
        """Where each person of a hired list came from: "from X" after the name, or a description before it
        ("OpenAI researcher Y"); else the description before the whole list ("Apple researchers X and Y")."""
        out: list[Place | None] = []
        for k, p in enumerate(people):
            start = people[k - 1].j if k else tj
            end = people[k + 1].i if k + 1 < len(people) else hi
            trailing = [m for m in self._known_places(p.j, end) if k + 1 == len(people) or self._preceded_by(m, _OF)]
            leading = [m for m in self._known_places(start, p.i) if not (k and self._preceded_by(m, _OF))]
            own = next((self._place(m, self.mentions) for m in trailing + leading[::-1]
                        if (m.org or m.name) != exclude), None)
            shared = out[0] if out and self._between(people[0].j, p.i).strip(" ,").lower() in ("and", "et") else None
            out.append(own or shared)
        return out

    def _known_places(self, lo: int, hi: int) -> list[Mention]:
        return [m for m in self.mentions if lo <= m.i < hi and m.kind in ("org", "team") and m.known]

    def _found(self, people: list[Mention], frm: list[Place | None] | Place | None, to: Place | None,
               to_role: str | None, verb: _Verb, background: bool, bare: bool = False) -> list[Found]:
        """One move a person; `bare`: a departure that names no org ("left in August"), kept for the people on
        record, whose org the record gives (see `extract.resolve`)."""
        froms = frm if isinstance(frm, list) else [frm] * len(people)
        out = []
        for p, frm in zip(people, froms, strict=True):
            if to and frm and frm[0] == to[0] and (to[1] is None or frm[1] == to[1]):
                frm = None  # the org named twice, or a move within one org: not where they came from
            if to is None and frm is None and not (bare and p.known):
                continue
            surname = fold(p.name).split()[-1]
            about = re.search(rf"^\W*(?:he|she|il|elle|they|ils)\b|\b{re.escape(surname)}\b",
                              fold(self.ctx.following))
            out.append(Found(
                person=p.name, person_known=p.known, from_org=frm[0] if frm else None,
                from_team=frm[1] if frm else None, from_role=role_after_name(self.text[self.ws[p.j - 1].end:]),
                to_org=to[0] if to else None, to_team=to[1] if to else None, to_role=clean_role(to_role),
                date=date_in(self.text, verb.match.start(), self._end(verb), self.ctx.published,
                             self._start_of(people[0], verb), self.ws[verb.lo].start if verb.lo < len(self.ws) else 0),
                status=status_of(self.text, self.ctx.following if about else ""), evidence=self.text,
                background=background))
        return out


def _is_person(m: Mention) -> bool:
    """A known person, or a new name of two words or more."""
    return m.kind == "person" and (m.known or len(m.name.split()) >= 2)
