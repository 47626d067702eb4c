"""One sentence read for moves: who (a person before a join/leave verb, or after an org's hiring verb), where
from, where to (`clause`), when, and how sure. `extract` runs it over an article's sentences."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.news.clause import Found, Place, Verb
from bot.news.dates import date_in, status_of
from bot.news.lexicon import (
    AUX,
    BARE_JOIN,
    BARE_LEAVE,
    BULLET,
    COMPANIONS,
    CONTINUES,
    DEPARTURES,
    EPITHETS,
    FROM_WORDS,
    GROUP,
    HEDGED,
    INCLUDING,
    INTENT,
    LEADERS,
    LIST_SEP,
    NAMED_AS,
    NEGATED,
    NTH,
    OF_WHOM,
    RECRUITS,
    RELATIVE,
    TEMPORAL,
)
from bot.news.mentions import Mention
from bot.news.nouns import destination, hire_nouns, noun_moves
from bot.news.quotes import speaker
from bot.news.roles import clean_role, named_role, role_after_name, role_as
from bot.news.verbs import LIKE, OtherVerbs, is_person
from bot.text import fold

_BOSS = frozenset(fold("ceo chief executive head boss president founder cofounder co-founder co founder pdg patron "
                       "patronne directeur directrice general générale leader lead cto and of ai").split())
_FORMER = frozenset(fold("former ex formerly previously once ancien ancienne").split())
_BE = re.compile(r"\b(?:are|were|is|was|will\s+be)\b", re.IGNORECASE)
_HE = frozenset(["he", "she", "il", "elle"])
_THEY = frozenset(["they", "ils", "elles"])
_PREPOSITIONS = frozenset(fold("in from at of with into for to by de d chez dans par pour sur en").split())
_CONNECTORS = frozenset(["and", "et", "to", "pour", "then", "puis", "before", "avant"])
# an apposition: "(...)", ", ... ,", "— ... —", or ", an OpenAI co-founder" up to its "who"
_APPOSITION = re.compile(r"\([^()]*\)|,[^,]*,|—[^—]*—|,[^,]*?(?=\b(?:who|qui)\b)")
# appositions one after another right after the name: "X, formerly head of Y's team, in charge of Z, has joined"
_APPOSITIONS = re.compile(r"^\s*(?:,[^,;()]{1,100}){2,3},")
_PARTICIPLE = re.compile(r"\w+(?:i|ie|is|ies|é|ée|és|ées|ed)\b", re.IGNORECASE)
_NAMING = re.compile(r"^(?:nam|nomm|appoint)", re.IGNORECASE)


class SentenceReader(OtherVerbs):
    """A sentence's moves: who, from where, to where, when, how sure."""

    def moves(self) -> list[Found]:
        out: list[Found] = self._named_group()
        self.ctx.found.extend(out)
        previous: tuple[list[Mention], bool] = ([], False)
        self.group: Found | None = None
        for verb in self.verbs:
            readers = {"hire": self._hire, "lose": self._lose, "follow": self._follow, "welcome": self._welcome}
            read = readers.get(verb.kind, self._arrive_or_leave)
            found, previous = read(verb, previous)
            out.extend(found)
            self.ctx.found.extend(found)  # (the story's moves so far, this sentence's included)
            if found:
                self.subjects = previous[0]
        nouns = noun_moves(self) + hire_nouns(self) + destination(self, self.ctx.last_people)  # "the hiring of X"
        self.ctx.found.extend(nouns)
        return out + nouns

    def _named_group(self) -> list[Found]:
        """The people a sentence lists right after a group's move ("Parmi eux, X, accompagné de Y et Z")."""
        group = self.ctx.group
        if DEPARTURES.match(self.text):  # each a departure whose org the record gives (see `extract.resolve`)
            return [Found(person=p.name, person_known=True, evidence=self.text, status=status_of(self.text))
                    for p in self.mentions if is_person(p) and p.known]
        if RECRUITS.match(self.text) and self.ctx.main_org and (group is None or group.to_org is None):
            group = Found(person="", person_known=False, to_org=self.ctx.main_org, evidence="",
                          status=status_of(self.text, self.ctx.following))  # "Parmi les nouvelles recrues figurent"
        elif group is not None and group.to_org and (named := NAMED_AS.search(self.text)):
            start = self._word_at(named.end())  # "The Information identified those four as X, Y, Z and W"
            first = next((m for m in self.mentions if m.i >= start and is_person(m)), None)
            people = [m for m in self._list_forward(first, len(self.ws)) if is_person(m)] if first else []
            return [replace(group, person=p.name, person_known=p.known, evidence=f"{group.evidence} {self.text}")
                    for p in people if first is not None and first.i - start <= 2]
        elif group is None or not (GROUP.match(self.text) or CONTINUES.match(self.text)):
            return []
        people = [m for m in self.mentions if is_person(m)]
        when = date_in(self.text, 0, len(self.text), self.ctx.published) or group.date  # "débauchés dès juin 2023"
        return [replace(group, person=p.name, person_known=p.known, evidence=f"{group.evidence} {self.text}".strip(),
                        date=when) for p in people]

    def _group_move(self, verb: Verb, to: Place | None, frm: Place | None) -> list[Found]:
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
                people = [m for m in self._list_forward(first, len(self.ws)) if is_person(m)]
                return [replace(template, person=p.name, person_known=p.known) for p in people]
        earlier = self.group  # "quitter leur unité AFM pour rejoindre Meta": one move, told by two verbs
        self.group = template if earlier is None else replace(
            template, from_org=template.from_org or earlier.from_org, from_team=template.from_team or earlier.from_team,
            to_org=template.to_org or earlier.to_org, to_team=template.to_team or earlier.to_team)
        return []


    def _gap_ok(self, gap: str, limit: int = 6) -> bool:
        """Only auxiliaries and adverbs between a subject and its verb (appositions and companions taken out):
        anything else is another clause."""
        if BULLET.match(gap) and not NEGATED.search(gap):  # "X (June 18): Transformer co-author, went to Y"
            return True
        gap = COMPANIONS.sub(" ", _APPOSITION.sub(" ", _APPOSITIONS.sub(" ", gap)))
        if NTH.match(gap) or OF_WHOM.match(gap) or INTENT.match(gap) or HEDGED.match(gap):
            return True
        gap_words = fold(gap).split()
        return len(gap_words) <= limit and all(w in AUX or w in RELATIVE for w in gap_words) \
            and not NEGATED.search(gap)

    def _person_before(self, verb: Verb) -> Mention | None:
        """The nearest person before the verb in its clause with only auxiliaries between (appositions aside, and
        the people named inside them: "X, a co-founder of Y's startup, has left"); not "Elon Musk's company"."""
        participle = bool(_PARTICIPLE.match(verb.match.group()))
        for m in reversed([m for m in self.mentions if verb.lo <= m.i and m.j <= verb.ti and m.kind == "person"]):
            gap = self._between(m.j, verb.ti)
            if self._gap_ok(gap) or (participle and re.fullmatch(r"\s*,[^,;()]{1,80}", gap)):
                return None if m.possessive else m  # (", ingénieur basé à New York parti chez X": a modifier)
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

    def _background(self, verb: Verb) -> bool:
        """The verb sits in a relative or temporal clause: "who joined", "qui a rejoint", "after leaving"."""
        i = verb.ti - 1
        while i >= verb.lo and self._folded(i) in AUX and self._folded(i) not in RELATIVE:
            i -= 1
        if self._folded(i) in ("and", "et"):  # "who co-invented the Transformer and returned to ...": still recalled
            ends = {m.j - 1 for m in self.mentions if m.kind == "person"}
            for j in range(i - 1, max(-1, i - 11), -1):
                if j in ends:
                    break
                if self._folded(j) in RELATIVE:
                    return True
        return i >= 0 and self._folded(i) in RELATIVE

    def _subjects(self, verb: Verb, previous: tuple[list[Mention], bool]) -> tuple[list[Mention], bool]:
        """Who moves, and whether the move is only recalled: a person (or a list) before the verb; a pronoun; or
        the previous verb's subject ("quitte Apple pour rejoindre Meta", "left Apple and joined Meta")."""
        background = self._background(verb)
        last = self._person_before(verb)
        if last is not None:
            people = [m for m in self._list_back(last, verb.lo) if is_person(m)]
            if people:  # "when co-founder Noam Shazeer went back to Google": recalled
                i = people[0].i - 1
                while i >= max(verb.lo, people[0].i - 4) and self._folded(i) not in TEMPORAL | {"when", "quand"}:
                    i -= 1
                background = background or (i >= verb.lo and self._folded(i) in TEMPORAL | {"when", "quand"}
                                            and "," not in self._between(i + 1, people[0].i))
            return people, background
        before = [self._folded(i) for i in range(verb.lo, verb.ti)]
        pronoun_at = next((k for k in range(len(before) - 1, -1, -1) if before[k] not in AUX), None)
        pronoun = before[pronoun_at] if pronoun_at is not None else None
        latter = pronoun in ("dernier", "derniere", "latter") and pronoun_at and before[pronoun_at - 1] in ("ce", "the")
        if latter and self._gap_ok(" ".join(before[pronoun_at + 1:])):  # "Ce dernier avait quitté": the last named
            here = [m for m in self.mentions if m.i < verb.lo + pronoun_at and is_person(m) and not m.possessive]
            return (here or [m for m in self.ctx.last_named if is_person(m)])[-1:], background
        if (quoted := speaker(self, verb, self.ctx.last_people)) is not None:
            return [m for m in quoted if is_person(m)], background  # '"I'm joining Anthropic," X wrote'
        if pronoun in _HE | _THEY and self._gap_ok(" ".join(before[pronoun_at + 1:])):
            i = verb.lo + pronoun_at
            here = [m for m in self.mentions if m.j <= i and m.kind == "person" and is_person(m) and not m.possessive]
            if pronoun in _THEY:  # "X and Y said they were leaving", else the previous verb's or sentence's people
                listed = self._list_back(here[-1], verb.lo) if here else []
                return (listed if len(listed) > 1 else previous[0] or [m for m in self.ctx.last_people
                                                                        if is_person(m)]), background or previous[1]
            background = background or any(self._folded(i - k) in TEMPORAL for k in (1, 2))  # "après qu'il a"
            return (here[-1:] or [m for m in self.ctx.last_people[:1] if is_person(m)]), background
        if self._folded(verb.ti - 1) in TEMPORAL | {"briefly", "later"} and (
                verb.match.group().lower().endswith("ing") or self._folded(verb.ti - 1) == "avoir"):
            # "X spent 16 years at Google before briefly joining Microsoft": X, recalled
            first = next((m for m in self.mentions if m.kind == "person" and m.i < verb.ti and not m.possessive), None)
            if first is not None and is_person(first):
                return [first], True
        if previous[0] and verb.lo > 0 and not verb.after_break and self._continues(verb) and not any(
                m.kind == "person" for m in self.mentions if verb.lo <= m.i < verb.ti):
            same_clause = "," not in self._between(verb.lo, verb.ti)  # "who left X and joined Y": both recalled
            return previous[0], (previous[1] and same_clause) or background
        return [], background

    def _continues(self, verb: Verb) -> bool:
        """The verb goes on from the previous one: "quitte Apple pour rejoindre", "and then promptly returned",
        "left in 2024 to found X"."""
        if re.match(r"(?:to|pour)\s", verb.match.group(), re.IGNORECASE):
            return True
        i = verb.ti - 1
        while i > verb.lo and (self._folded(i).endswith(("ly", "ment")) and self._folded(i) not in _CONNECTORS):
            i -= 1
        return self._folded(i) in _CONNECTORS | AUX


    def _arrive_or_leave(self, verb: Verb, previous: tuple[list[Mention], bool]
                         ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        people, background = self._subjects(verb, previous)
        if re.match(r"(?:re)?join", verb.match.group(), re.IGNORECASE) and self._folded(verb.tj) in ("by", "par") \
                and (people or previous[0]):
            # (", joined by X and Y" after the verb of the host's own move)
            return self._joined_by(verb, (people or previous[0])[0]), previous
        to, frm = self._destination(verb)
        if not people and to is not None and (people := self._inverted(verb)):
            background = False  # "Also joining Meta's lab were X and Y"
        if not people:
            return self._group_move(verb, to, frm), previous
        if to is None and frm is None and verb.kind == "join" and BARE_JOIN.match(self.text, verb.match.end()):
            here = next((f for f in reversed(self.ctx.found) if f.evidence == self.text and f.to_org), None)
            to = (here.to_org, here.to_team) if here else None  # "..., while Gunter is set to begin shortly"
        if frm is None and self._here(people[0]) and people[0].i >= verb.lo:  # (a subject of this clause)
            frm = self._from_near(self._phrase_start(people[0], verb.lo), verb.ti, to[0] if to else None)
        role = role_as(self.text, verb.match.end(), self._end(verb))
        bare = verb.kind == "leave" and to is None and frm is None and bool(BARE_LEAVE.match(self.text,
                                                                                               verb.match.end()))
        like = LIKE.search(self.text, self.ws[verb.tj - 1].end if verb.tj else 0, self._end(verb) + 1)
        if like:  # "Jan Leike est parti pour rejoindre Anthropic, tout comme Schulman"
            also = next((m for m in self.mentions if m.kind == "person" and m.i == self._word_at(like.end())), None)
            people = people + ([m for m in self._list_forward(also, len(self.ws)) if is_person(m)] if also else [])
        return (self._found(people, frm, to, role, verb, background, bare=bare),
                (people, background))

    def _inverted(self, verb: Verb) -> list[Mention]:
        """The people after "are"/"were" when a sentence opens on the move: "Also recently joining Microsoft AI's
        health unit were X, the co-founder of Y, and Z"."""
        if not verb.match.group().lower().endswith("ing") or any(
                self._folded(i) not in AUX for i in range(verb.lo, verb.ti)):
            return []
        start = self.ws[verb.tj].start if verb.tj < len(self.ws) else len(self.text)
        be = _BE.search(self.text, start, self._end(verb))
        first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - self._word_at(be.end()) <= 3),
                     None) if be else None
        return [m for m in self._list_forward(first, verb.hi) if is_person(m)] if first else []

    def _joined_by(self, verb: Verb, host: Mention) -> list[Found]:
        """"He is joined by X": X makes the move the story gave him."""
        move = next((f for f in reversed(self.ctx.found) if f.person == host.name and f.to_org), None)
        first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - verb.tj <= 2), None)
        if move is None or first is None:
            return []
        return [replace(move, person=p.name, person_known=p.known, from_role=None, to_role=None, evidence=self.text)
                for p in self._list_forward(first, verb.hi) if is_person(p)]

    def _org_before(self, verb: Verb) -> Mention | None:
        """The org that hires: the nearest before the verb that no preposition governs ("Meta invested in Scale AI
        and brought in X": Meta), or "it" / "the company" for the story's own org ("It also named X")."""
        before = [self._folded(i) for i in range(verb.lo, verb.ti) if self._folded(i) not in AUX]
        if before[-1:] == ["on"] and self._folded(verb.ti - 1) in AUX:
            before.pop()  # "The company on Friday signed on X"
        if self.ctx.main_org and before and (before[-1] == "it" or before[-2:] == ["the", "company"] or (
                len(before) <= 6 and before[0] in ("the", "le", "la", "l") and EPITHETS & set(before)
                and not any(m.known and m.kind != "team" for m in self.mentions if verb.lo <= m.i < verb.ti))):
            return Mention("org", self.ctx.main_org, verb.ti - 1, verb.ti, True)
        if re.search(r"(?:ant|ing)$", verb.match.group()) and self._folded(verb.ti - 1) in ("en", "by"):
            # "Meta vient de marquer un point en débauchant X": the sentence's subject
            return next((m for m in self.mentions if m.kind == "org" and m.known and not m.possessive
                         and m.i < verb.ti), None)
        clause = [m for m in self.mentions if verb.lo <= m.i and m.j <= verb.ti]
        first = next((m for m in clause if m.kind == "org" and m.known and not m.possessive and not self._governed(m)),
                     None)  # "OpenAI is acquiring Statsig and hiring X": OpenAI, not the org it buys
        for m in ([first] if first else []) + list(reversed(clause)):
            leader = LEADERS.get(fold(m.name).split()[-1]) if m.kind != "team" else None
            if (leader and m.kind == "person") or (m.kind == "org" and not m.known and leader):
                m = Mention("org", leader, m.i, m.j, True)  # "Zuckerberg personally recruited X": Meta
            if m.kind == "person" and not self._gap_ok(self._between(m.j, verb.ti), 12):
                return None
            if m.kind in ("org", "team") and m.known and not self._governed(m):
                gap = self._between(m.j, verb.ti)
                return m if len(fold(gap).split()) <= (14 if m is first else 10) and not NEGATED.search(gap) else None
        return None

    def _employer(self, person: Mention) -> str | None:
        """The org a person who hires leads, as the sentence describes them: "Thinking Machines CEO Mira Murati",
        "OpenAI's Sam Altman" (a former employer, "ex-Google X", is not one)."""
        start = self._phrase_start(person, 0)
        org = next((m for m in reversed(self.mentions) if m.kind in ("org", "team") and m.known
                    and start <= m.i and m.j <= person.i), None)
        if org is None or self._preceded_by(org, _FORMER, 2):
            return None
        between = set(fold(self._between(org.j, person.i)).split())
        return (org.org if org.kind == "team" else org.name) if (org.possessive and not between) or (
            between and between <= _BOSS) else None

    def _phrase_start(self, subject: Mention, lo: int) -> int:
        """Where the subject's noun phrase starts: a few words of description before the name ("Apple's top AI
        executive Ruoming Pang"), not past a comma ("Gross's new role at Meta was confirmed, ..., Gross had")."""
        start = max(lo, subject.i - 5)
        commas = [i + 1 for i in range(start, subject.i) if "," in self._between(i + 1, i + 1)]
        return commas[-1] if commas else start

    def _governed(self, m: Mention) -> bool:
        """A preposition governs the org ("in Scale AI", "dans la startup Scale AI"): it does not hire."""
        for k in range(1, 4):
            word = self._folded(m.i - k)
            if word in _PREPOSITIONS:
                return True
            if word not in ("the", "la", "le", "l", "les", "startup", "start", "up", "company", "firm", "lab",
                            "societe", "entreprise", "its", "their", "sa", "son", "ses"):
                return False
        return False

    def _hire(self, verb: Verb, previous: tuple[list[Mention], bool]
              ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        background = self._background(verb)
        person = self._person_before(verb)
        leader = (LEADERS.get(fold(person.name).split()[-1]) or self._employer(person)) if person else None
        # ("Zuckerberg a embauché X", "Thinking Machines CEO Mira Murati recruited X")
        subject = Mention("org", leader, person.i, person.j, True) if person and leader else (
            None if person else self._org_before(verb))
        if subject is not None:
            to = self._place(subject, [m for m in self.mentions if m.i >= subject.j])
            objects = [m for m in self.mentions if verb.tj <= m.i < verb.hi and m.kind == "person"
                       and m.i - verb.tj <= 12]
            if not objects:  # "hired four researchers for its new lab, naming X and Y", or named next sentence
                return self._group_move(verb, to, None), previous
            people = [m for m in self._list_forward(objects[0], verb.hi) if is_person(m)]
            if to[1] is None:  # "Meta a recruté X ... pour ses Superintelligence Labs"
                to = to[0], next((m.name for m in self.mentions if m.kind == "team" and m.org == to[0]
                                  and verb.tj <= m.i < verb.hi), None)
            frm = self._from_each(people, verb.tj, verb.hi, to[0])
            role = None
        else:  # passive: "X was hired by Meta", "X a été nommé directeur de Y"
            people, background = self._subjects(verb, ([], False))
            if not people or any(m.kind == "person" and 0 <= m.i - verb.tj <= 1 for m in self.mentions):
                return [], previous  # ("Yann LeCun a choisi de nommer Alexandre Lebrun": a person hires, for whom?)
            if _NAMING.match(verb.match.group()) and people[0].j <= verb.ti and self._here(people[0]) and \
                    self._between(people[0].j, verb.ti).lstrip().startswith(","):
                background = True  # "X, fraîchement nommé patron de la recherche chez Apple, ...": who X is
            places = self._places(verb.tj, verb.hi)
            by = [m for m in places if self._preceded_by(m, frozenset({"by", "par"}), 1)]
            near = by or [m for m in places if m.i - verb.tj <= 8 and m.known and not self._preceded_by(m, FROM_WORDS)]
            if not near:
                return [], (people, background)
            to = self._place(near[0], places)
            frm = self._from_near(self._phrase_start(people[0], verb.lo), verb.ti, to[0]) if self._here(
                people[0]) else None
            role = (named_role(self.text[verb.match.end():self.ws[near[0].i].start])
                    if _NAMING.match(verb.match.group()) else None)
        return self._found(people, frm, to, role, verb, background), (people, background)

    def _found(self, people: list[Mention], frm: list[Place | None] | Place | None, to: Place | None,
               to_role: str | None, verb: Verb, background: bool, bare: bool = False) -> list[Found]:
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
            from_role = role_after_name(self.text[self.ws[p.j - 1].end:]) if self._here(p) else None
            out.append(Found(
                person=p.name, person_known=p.known, from_org=frm[0] if frm else None,
                from_team=frm[1] if frm else None, from_role=from_role,
                to_org=to[0] if to else None, to_team=to[1] if to else None, to_role=clean_role(to_role),
                date=date_in(self.text, verb.match.start(), self._end(verb), self.ctx.published,
                             self._start_of(people[0], verb), self.ws[verb.lo].start if verb.lo < len(self.ws) else 0),
                status=status_of(self.text, self.ctx.following if about else ""), evidence=self.text,
                background=background))
        return out

