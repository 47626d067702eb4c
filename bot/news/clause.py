"""A sentence's words, names and move verbs, and where its moves go from and to: the places after a verb, "the
company", "for"/"pour", "from", a leader standing for the org. `sentence.SentenceReader` reads the moves on top."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.news.lexicon import (
    CALLED,
    CLAUSE_BREAK,
    FROM_WORDS,
    LEADERS,
    NOT_A_MOVE,
    THE_COMPANY,
    TO_WORDS,
    TRIGGERS,
)
from bot.news.mentions import Mention, MentionFinder, Word, words
from bot.text import fold

_OF = frozenset(fold("from depuis ex former formerly of at de d chez").split())
_EARLIER = frozenset(fold("previously formerly once earlier auparavant précédemment autrefois").split())
_TO_AFTER_LEAVE = TO_WORDS - {"at", "chez"}  # "left his job at Apple", "met fin à douze ans chez Meta": where they were
Place = tuple[str, str | None]  # (org, team)
_MODIFIED = frozenset(fold("rival rivals competitor concurrent spinout spin off alum alumni veteran backed").split())


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
    last_named: list[Mention] = field(default_factory=list)   # the people the last sentence named: "ce dernier"
    group: Found | None = None           # the last sentence's move: "Parmi eux, X, Y et Z" / "Ainsi que X" add people
    found: list[Found] = field(default_factory=list)  # the story's moves so far: "He is joined by X"


@dataclass
class Verb:
    kind: str
    ti: int      # first word of the verb
    tj: int      # first word after it
    lo: int      # its clause, words lo..hi
    hi: int
    match: re.Match
    after_break: bool = False  # its clause starts at a "but", "while", ";": it shares no subject with the verb before


class Clause:
    """One sentence's words, names and move verbs (each with its clause), and the places around them."""

    def __init__(self, text: str, ctx: Context):
        self.text, self.ctx = text, ctx
        self.ws: list[Word] = words(text)
        self.mentions = ctx.finder.find(text, self.ws)
        self.subjects: list[Mention] = []  # of the last move read: "he" in the next sentence
        breaks = [self._word_at(m.start()) for m in CLAUSE_BREAK.finditer(text)]
        found = [m for m in TRIGGERS.finditer(text) if not NOT_A_MOVE.match(text, m.end())]
        self.verbs: list[Verb] = []
        for n, m in enumerate(found):
            ti, tj = self._word_at(m.start()), self._word_at(m.end())
            after = self._word_at(found[n - 1].end()) if n else 0
            lo = max([after] + [b for b in breaks if b <= ti])
            hi = min([self._word_at(found[n + 1].start()) if n + 1 < len(found) else len(self.ws)]
                     + [b for b in breaks if b >= tj])
            kind = next(k for k in ("join", "leave", "hire", "lose", "follow", "welcome") if m.group(k))
            self.verbs.append(Verb(kind, ti, tj, lo, hi, m, any(after <= b <= ti for b in breaks)))

    def _word_at(self, pos: int) -> int:
        """The first word starting at or after `pos`."""
        return next((n for n, w in enumerate(self.ws) if w.start >= pos), len(self.ws))

    def _folded(self, i: int) -> str:
        return self.ws[i].folded if 0 <= i < len(self.ws) else ""

    def _between(self, i: int, j: int) -> str:
        """The text from the end of word i-1 to the start of word j."""
        start = self.ws[i - 1].end if i > 0 else 0
        return self.text[start:self.ws[j].start] if j < len(self.ws) else self.text[start:]

    def _preceded_by(self, m: Mention, vocabulary: frozenset[str], reach: int = 2) -> bool:
        return any(self._folded(m.i - k) in vocabulary for k in range(1, reach + 1))

    def _end(self, verb: Verb) -> int:
        return self.ws[verb.hi - 1].end if verb.hi > 0 else len(self.text)

    def _here(self, m: Mention) -> bool:
        """`m` is a name of this sentence (not a "he" resolved to the previous one)."""
        return any(m is other for other in self.mentions)

    def _start_of(self, subject: Mention, verb: Verb) -> int:
        """Where the move's words begin: its subject here, else its verb."""
        i = subject.i if self._here(subject) and subject.i < verb.ti else verb.ti
        return self.ws[i].start if i < len(self.ws) else len(self.text)

    def _places(self, tj: int, hi: int, leaving: bool = False) -> list[Mention]:
        """Orgs and teams after the verb in the clause; a leader's name in a possessive stands for the org ("le
        projet de Zuckerberg"); "the company" right after the verb is the story's own org."""
        out = []
        if 0 < tj < len(self.ws) and (the := THE_COMPANY.match(self.text, self.ws[tj - 1].end)):
            org = self.ctx.main_org if the.group("epithet") else self._the_company(tj, leaving)
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

    def _the_company(self, before: int, leaving: bool = False) -> str | None:
        """What "the company" stands for: the last org the sentence named before it as itself (not "Meta's
        lawyer", who "will join the company"), or for one leaving it, any ("Apple's researcher X has left the
        company"); else the story's own org."""
        named = [m for m in self.mentions if m.j <= before and m.kind == "org" and m.known
                 and (leaving or not m.possessive)]
        return named[-1].name if named else self.ctx.main_org

    @staticmethod
    def _place(m: Mention, places: list[Mention]) -> Place:
        """(org, team) of a place, with the team that follows its org ("Meta's Superintelligence Labs")."""
        if m.kind == "team":
            return m.org or "", m.name
        after = next((p for p in places if p.i >= m.j and p.i - m.j <= 3 and p.kind == "team" and p.org == m.name),
                     None)
        return m.name, after.name if after else None

    def _destination(self, verb: Verb) -> tuple[Place | None, Place | None]:
        """(to, from) for a join or leave verb, from the places after it."""
        places = self._places(verb.tj, verb.hi, verb.kind == "leave")
        to = frm = None
        to_org = None
        launch = bool(verb.match.group("launch"))  # "launched Thinking Machines Lab", not "launched Claude Code"
        for m in places:
            if (m.kind == "team" and m.org == to_org) or (launch and (m.kind != "org" or m.i - verb.tj > 1)):
                continue
            if self._folded(m.j) in _MODIFIED and any(p.i in (m.j + 1, m.j + 2) for p in places):
                continue  # "joined OpenAI rival Anthropic": Anthropic
            direct = m.i - verb.tj <= 3 and all(self._folded(i) not in ("from", "depuis") for i in range(verb.tj, m.i))
            # a leaving verb's first org before any "for"/"to": where they were (not past a comma: another clause)
            first_after_leave = (verb.kind == "leave" and frm is None and not self._after_for(verb.tj, m)
                                 and not self._preceded_by(m, _TO_AFTER_LEAVE, 1)
                                 and (direct or (m.known and "," not in self._between(verb.tj, m.i))))
            if self._from_word_before(m) or first_after_leave:
                frm = frm or self._place(m, places)
                continue
            near = (m.known or m.i - verb.tj <= 2 or self._preceded_by(m, TO_WORDS, 1)) and (
                direct or "," not in self._between(verb.tj, m.i))  # (past a comma: another clause's place)
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

    def _owned_by(self, verb: Verb, m: Mention) -> bool:
        """"a rejoint le laboratoire de superintelligence de Meta", "joined the research team of Meta": a known
        org closing a short noun phrase right after the verb, with nothing else named between."""
        return m.known and m.i - verb.tj <= 7 and self._folded(m.i - 1) in ("de", "d", "of", "du") and not any(
            verb.tj <= o.i < m.i for o in self.mentions) and not any(
            self._folded(i) in FROM_WORDS | TO_WORDS for i in range(verb.tj, m.i))

    def _named_later(self, verb: Verb) -> Place | None:
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
            "to" in between and self._folded(m.i - 1) in ("at", "with") and m.known)  # "to take senior jobs at X"

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


    def _from_each(self, people: list[Mention], tj: int, hi: int, exclude: str) -> list[Place | None]:
        """Where each person of a hired list came from: "from X" after the name, or a description before it
        ("OpenAI researcher Y"); else the description before the whole list ("Apple researchers X and Y")."""
        out: list[Place | None] = []
        for k, p in enumerate(people):
            start = people[k - 1].j if k else tj
            end = people[k + 1].i if k + 1 < len(people) else hi
            aside = self._apposition_end(p, end)  # "X, the CEO of the startup SSI, and Y": SSI is X's
            trailing = [m for m in self._known_places(p.j, end)
                        if m.i < aside or k + 1 == len(people) or self._preceded_by(m, _OF)]
            start = max([start] + [i + 1 for i in range(start, p.i) if "," in self._between(i + 1, i + 1)])
            leading = [m for m in self._known_places(start, p.i) if not (k and self._preceded_by(m, _OF))]
            own = next((self._place(m, self.mentions) for m in trailing + leading[::-1]
                        if (m.org or m.name) != exclude), None)
            plain = out and self._between(people[k - 1].j, p.i).strip(" ,").lower() in ("and", "et", "")
            shared = out[-1] if plain else None  # "Apple researchers X, Y and Z": one description for all
            out.append(own or shared)
        return out

    def _apposition_end(self, p: Mention, end: int) -> int:
        """The word after the comma that closes an apposition right after `p` (", the CEO of SSI,"), else `p.j`."""
        if p.j >= len(self.ws) or "," not in self._between(p.j, p.j):
            return p.j
        return next((i for i in range(p.j + 1, end) if "," in self._between(i, i)), p.j)

    def _known_places(self, lo: int, hi: int) -> list[Mention]:
        return [m for m in self.mentions if lo <= m.i < hi and m.kind in ("org", "team") and m.known]
