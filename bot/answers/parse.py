"""Chat questions (English and French) -> a `Query`: what is asked, about whom, over which period.

The parser does not guess names from grammar: it finds the names through the search index (`names.py`), and
reads the intent from keywords and the small words around each name ("from OpenAI", "pour Meta"). That keeps it
robust to word order, typos and mixed languages.

What is asked is decided by `RULES`, an ordered table of small rules: the first that matches wins. A new
phrasing is a new rule (or a word in `words.py`) and its test, never one more branch in a long chain.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from bot.answers.names import Mention, content_words, find_mentions, is_keyword, merge_org_and_team, resembles_typed
from bot.answers.periods import Period, parse_period
from bot.answers.words import (
    CAME,
    CHAT,
    CONFIRMED,
    FRENCH,
    FROM_MARK,
    HELP,
    HIRE_NOUNS,
    JOINED,
    LEFT,
    MOVED,
    NEGATION,
    POACH,
    RANKING,
    RECENT,
    REPORTED,
    RETURNS,
    ROLE,
    STOP,
    SUMMARY,
    TO_MARK,
    UNKNOWN_DESTINATION,
    WHERE,
    WIN,
)
from bot.search import Lookup, Match, NameIndex
from bot.text import fold

__all__ = ["Period", "Query", "content_words", "detect_locale", "parse_period", "parse_question",
           "resembles_typed"]


@dataclass
class Query:
    """What a question asks, with the names already resolved."""

    intent: str
    locale: str
    person: Match | None = None
    subject: Match | None = None  # org or team the question is about
    other: Match | None = None  # the counterpart org: where they went (left) or came from (joined)
    period: Period = field(default_factory=Period)
    unresolved: list[Lookup] = field(default_factory=list)
    text: str = ""
    role_words: tuple[str, ...] = ()  # "ceo", "head"...: which holders to list first
    newest_first: bool = False  # "latest hires at Meta", "derniers départs": the recent moves of an org
    measure: str = "net"  # a ranking's order: "left", "joined" or "net"
    status: str | None = None  # "confirmed moves from OpenAI to Anthropic": only moves of that status
    exclude: Match | None = None  # "other than Meta", "sauf Meta": a destination left out
    no_destination: bool = False  # "left OpenAI without a known destination": departures only


def detect_locale(question: str) -> str:
    """French when the question has French function words or accents typical of French."""
    words = set(fold(question).split())
    if len(words & FRENCH) >= 1 and not words & {"who", "what", "where", "the", "did", "left", "joined"}:
        return "fr"
    # accents typical of French, in a word that is not capitalized (a capital starts a name: "Baptiste Rozière")
    accented = any(re.search(r"[éèêàùç]", w) and not w[:1].isupper() for w in question.split())
    return "fr" if accented and not words & {"who", "the"} else "en"


@dataclass
class _Ctx:
    """A question read once: its words, the names in it, and the query the rules fill in."""

    tokens: list[str]
    words: set[str]
    people: list[Mention]
    places: list[Mention]
    query: Query

    def __post_init__(self) -> None:
        w = self.words
        self.left, self.joined, self.moved = bool(w & LEFT), bool(w & JOINED), bool(w & MOVED)
        self.ranked = bool(w & RANKING) or any(a in ("le", "la", "les") and b == "plus"
                                               for a, b in pairwise(self.tokens))

    def marker(self, m: Mention) -> str | None:
        """The small word before a name: "from" OpenAI, "to"/"chez" Meta, hired "by" Meta."""
        before = self.tokens[m.start - 1] if m.start > 0 else ""
        before2 = self.tokens[m.start - 2] if m.start > 1 else ""
        if before in FROM_MARK or before2 in ("venant", "provenance", "coming"):
            return "from"
        if before == "chez" and self.words & POACH:  # "débauché chez OpenAI": taken from OpenAI
            return "from"
        if before in TO_MARK or before in JOINED or before2 in ("join", "rejoindre"):
            return "to"
        if before in ("by", "par"):  # the one who hired: "hired by Meta", "recruté chez OpenAI par Meta"
            return "by"
        return None

    def one_place(self) -> Match | None:
        return self.places[0].match if len(self.places) == 1 else None


Rule = Callable[[_Ctx], bool]


def _help(c: _Ctx) -> bool:
    if c.words & HELP and not (c.people or c.places):
        c.query.intent = "help"
        return True
    return False


def _counterparts(c: _Ctx) -> bool:
    """Where an org's people went ("who poached the most from OpenAI?", "where did OpenAI's people go?"), or
    where its hires came from ("where did Meta's hires come from?", "d'où viennent les recrues de Meta ?")."""
    subject = c.one_place()
    if subject is None or c.people:
        return False
    place = c.places[0]
    came = bool(c.words & CAME) or (c.ranked and c.joined and c.marker(place) in (None, "by", "to")
                                    and "from" in c.tokens[place.end:])
    went = (c.ranked and (c.joined or c.left) and c.marker(place) == "from") or (
        bool(c.words & WHERE) and (c.left or c.moved or bool(c.words & {"go", "going", "partis", "vont"})))
    if not (came or went):
        return False
    c.query.intent, c.query.subject = ("came_from" if came else "went_to"), subject
    return True


def _ranking(c: _Ctx) -> bool:
    """"Which company lost the most researchers?", "qui recrute le plus ?", "best net talent flow"."""
    if not c.ranked or c.people or c.places or not (c.left or c.joined or c.words & (WIN | SUMMARY)):
        return False
    c.query.intent = "ranking"
    c.query.measure = "left" if c.left and not c.joined else "joined" if c.joined and not c.left else "net"
    return True


def _returns(c: _Ctx) -> bool:
    """"Boomerang hires", "who went back to OpenAI", "revenus chez Google": returns to a former org."""
    if not c.words & RETURNS or c.people or len(c.places) > 1:
        return False
    c.query.intent, c.query.subject = "returns", c.one_place()
    return True


def _person(c: _Ctx) -> bool:
    if not c.people:
        return False
    c.query.intent, c.query.person = "person", c.people[0].match
    return True


def _role(c: _Ctx) -> bool:
    if not (c.places and c.words & ROLE and not (c.left or c.joined)):
        return False
    c.query.intent, c.query.subject = "role", c.places[0].match
    in_names = {i for m in c.places for i in range(m.start, m.end)}
    # the title asked, in the question's words: "chief scientist", "ceo", "directeur scientifique", "leads"
    c.query.role_words = tuple(w for i, w in enumerate(c.tokens)
                               if i not in in_names and (w in ROLE or (w not in STOP and w not in CHAT
                                                                       and not is_keyword(w) and len(w) > 1)))
    return True


def _left(c: _Ctx) -> bool:
    """"Who left Apple?", "who left OpenAI for Meta?" (a second place: between the two)."""
    if not (c.left and c.places):
        return False
    to = [p for p in c.places if c.marker(p) == "to"]
    subject = next((p for p in c.places if p not in to), c.places[0])
    other = next((p for p in c.places if p is not subject), None)
    c.query.subject = subject.match
    c.query.intent, c.query.other = ("between", other.match) if other is not None else ("left", None)
    return True


def _poached_from(c: _Ctx) -> bool:
    """"Poached from Apple": Apple's departures."""
    if not (c.joined and c.places and all(c.marker(p) == "from" for p in c.places)):
        return False
    if c.words & HIRE_NOUNS and all(c.tokens[p.start - 1] in ("de", "d", "du", "des") for p in c.places):
        return False  # "les recrues de Meta": Meta's hires
    c.query.intent, c.query.subject = "left", c.places[0].match
    return True


def _joined(c: _Ctx) -> bool:
    """"Who joined Meta (from OpenAI)?", "hired by Meta"."""
    if not (c.joined and c.places):
        return False
    src = [p for p in c.places if c.marker(p) == "from"]
    by = [p for p in c.places if c.marker(p) == "by"]
    subject = by[0] if by else next((p for p in c.places if p not in src), c.places[0])
    other = next((p for p in c.places if p is not subject), None)
    c.query.intent, c.query.subject = "joined", subject.match
    c.query.other = other.match if other is not None else None
    return True


def _moved(c: _Ctx) -> bool:
    """"Moved to Meta", "went from X": the small word says which way."""
    if not (c.moved and len(c.places) == 1 and c.marker(c.places[0]) in ("to", "from")):
        return False
    before = c.tokens[c.places[0].start - 1]
    nouns = c.words & {"moves", "movers", "transfers", "mouvements", "transferts"}
    if before in ("at", "in", "dans") or (before == "chez" and nouns and not c.words & MOVED - nouns):
        return False  # "moves at Meta", "mouvements chez Meta": either way; "passé chez Meta" is a way
    c.query.intent = "joined" if c.marker(c.places[0]) == "to" else "left"
    c.query.subject = c.places[0].match
    return True


def _excluded_destination(c: _Ctx) -> bool:
    """"Which AFM people went somewhere other than Meta": departures of the one place left, Meta excluded."""
    if c.query.exclude is None or len(c.places) != 1:
        return False
    c.query.intent, c.query.subject = "left", c.places[0].match
    return True


def _two_places(c: _Ctx) -> bool:
    """"OpenAI to Meta", "de OpenAI à Meta"."""
    if len(c.places) < 2:
        return False
    first, second = c.places[0], c.places[1]
    if c.marker(first) == "to" and c.marker(second) == "from":
        first, second = second, first
    c.query.intent, c.query.subject, c.query.other = "between", first.match, second.match
    return True


def _place(c: _Ctx) -> bool:
    """A bare org or team: its flows ("Meta"), or its recent moves ("recent moves at Meta")."""
    if not c.places:
        return False
    c.query.intent = "recent" if c.words & RECENT else "org"
    c.query.subject = c.places[0].match
    return True


def _recent(c: _Ctx) -> bool:
    """"Recent moves", "moves in July 2025"."""
    if not (c.words & RECENT or (c.query.period.start and not c.query.unresolved)
            or (c.query.period.end and not c.query.unresolved) or c.query.status):
        return False
    c.query.intent = "recent"
    return True


def _unresolved(c: _Ctx) -> bool:
    if not c.query.unresolved:
        return False
    c.query.intent = "ambiguous"
    return True


RULES: tuple[Rule, ...] = (_help, _counterparts, _ranking, _returns, _person, _role, _left, _poached_from, _joined,
                           _moved, _excluded_destination, _two_places, _place, _recent, _unresolved)
"""The rules in order: the first that matches decides what is asked."""


def parse_question(question: str, index: NameIndex, locale: str | None = None, today: date | None = None) -> Query:
    """Understand one question; names come resolved (or listed as unresolved for "did you mean")."""
    loc = locale or detect_locale(question)
    period, rest = parse_period(fold(question[:500]), today)
    tokens = rest.split()
    words = set(tokens)
    mentions, unresolved = find_mentions(tokens, index)
    query = Query(intent="unknown", locale=loc, period=period, unresolved=unresolved, text=question)
    places = merge_org_and_team([m for m in mentions if m.match.kind in ("org", "team")])
    negated = [p for p in places if _negated(tokens, p)]
    if negated and len(places) > len(negated):
        query.exclude = negated[0].match
        places = [p for p in places if p not in negated]
    query.status = ("confirmed" if words & CONFIRMED and not words & {"not", "non", "pas", "unconfirmed"}
                    else "reported" if words & REPORTED or words >= {"non", "confirmes"} else None)
    query.no_destination = bool(words & UNKNOWN_DESTINATION) or (bool(words & {"without", "sans", "no"})
                                                                  and "destination" in words)
    ctx = _Ctx(tokens, words, [m for m in mentions if m.match.kind == "person"], places, query)
    next((rule for rule in RULES if rule(ctx)), None)
    query.newest_first = bool(words & RECENT)
    return query


def _negated(tokens: list[str], place: Mention) -> bool:
    """A place after "other than", "not (to)", "except", "sauf", "autre que" (within three words)."""
    before = tokens[max(0, place.start - 3):place.start]
    return bool(set(before) & NEGATION) and not (set(before) & {"only", "seulement", "uniquement"})
