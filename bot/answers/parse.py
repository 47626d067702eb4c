"""Chat questions (English and French) -> a `Query`: what is asked, about whom, over which period.

The parser does not guess names from grammar: it finds the names through the search index (exact n-grams
first, then fuzzy on what is left), and reads the intent from keywords and the small words around each name
("from OpenAI", "pour Meta"). That keeps it robust to word order, typos and mixed languages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from bot.search import ACCEPT, Lookup, Match, NameIndex
from bot.text import fold


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEFT = _words("""
left leave leaves leaving quit quits quitting departed departure departures exit exits exited exodus lost lose
loses losing quitte quitter quittent quittes quittees parti partie partis parties partir partent depart departs fled
perd perdu perdent perdre
""")
JOINED = _words("""
joined join joins joining hired hire hires hiring recruited recruit recruits recruiting poached poach poaches
poaching arrivals arrival arrived rejoint rejoindre rejoignent rejoints recrute recrutes
recrutee recrutees recrutement recrue recrues embauche embauches embauchee embauchees arrive arrivee arrivees
arrives debauche debauches debauchee attire attires signed signe
""")
ROLE = _words("""
ceo cto coo cfo cso president vp director founder founders cofounder co-founder founded cofounded fondateur
fondateurs fondatrice cofondateur fonde
leads lead leading led heads head heading runs run running charge manages manage boss chief chiefs dirige
dirigent diriger chef chefs patron patronne responsable tete leader leaders
""")
RANKING = _words("""
most top biggest largest fewest least winning winners winner losing losers loser gagnant gagnants perdant perdants
""")
WIN = _words("""
winning winners winner gagnant gagnants gagne gagnent war guerre
""")
RECENT = _words("""
recent latest newest new news lately derniers dernieres recents recentes nouveaux neuf
""")
SUMMARY = _words("""
summary overview stats statistics flow flows bilan resume balance net
""")
HELP = _words("""
help aide commands commandes
""")
PERSON_Q = _words("""
where wheres ou whereabouts happened devenu devenue travaille works working
""")
FROM_MARK = _words("""
from de d du des depuis venant provenance ex former formerly quittant via
""")
TO_MARK = _words("""
to for pour vers chez a au aux into towards toward at
""")
STOP = _words("""
many much number count combien nombre last next over ever also just like know said says year years month
week today
who whom whose what which when why how is are was were did do does has have had the a an of in on at to for from
and or by with about me tell show list give get find any all people person someone anyone researchers researcher
engineers engineer employees staff team teams org orgs company companies lab labs moves move movement movements
now currently current today still ever so far yet please pls thanks recently there their they he she his her it
its that this those these s d l qui que quoi quel quelle quels quelles est sont a ont ete le la les un une des
du de au aux en dans pour par avec sur chez et ou qu il elle ils elles son sa ses leur leurs ce cette ces equipe
equipes entreprise societe gens personnes chercheurs chercheur ingenieurs mouvements mouvement depart
actuellement maintenant aujourd hui encore svp merci moi dis montre liste quoi y since until before after
between during depuis avant apres entre pendant durant jusqu than go going left joined
""")
MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)
    },
    **{
        m: i
        for i, m in enumerate(
            [
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            ],
            1,
        )
    },
}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_WHEN = rf"(?:({_MONTH})\s+)?((?:19|20)\d\d)"
_RANGE = re.compile(rf"\b(?:between|entre|from|de)\s+{_WHEN}\s+(?:and|et|to|a)\s+{_WHEN}\b")
_SINCE_WORDS = ("since", "depuis", "after", "apres", "starting", "des")
_AFTER_WORDS = ("after", "apres")  # strict: the period named is not included
_BEFORE_WORDS = ("before", "avant", "until", "till")
_SINCE = re.compile(rf"\b(?:{'|'.join(_SINCE_WORDS)}|from)\s+{_WHEN}\b")
_BEFORE = re.compile(rf"\b(?:{'|'.join(_BEFORE_WORDS)}|prior to|jusqu en|jusqu a)\s+{_WHEN}\b")
_IN = re.compile(rf"\b(?:in|en|during|pendant|durant|of|de)?\s*{_WHEN}\b")
_YEAR = r"((?:19|20)\d\d)"
# "between June and August 2025", "entre juin et août 2025": two months of one year
_MONTH_RANGE = re.compile(rf"\b(?:between|entre|from|de|du)\s+({_MONTH})\s+(?:and|et|to|a|au)\s+({_MONTH})\s+{_YEAR}\b")
# "Q3 2025", "T3 2025" (trimestre), "2025 Q3"; seasons of the northern hemisphere, where the talent war is reported
_QUARTER = re.compile(rf"\b(?:(?:in|en|au|during)\s+)?(?:the\s+)?"
                      rf"(?:[qt]([1-4])\s+(?:of\s+)?{_YEAR}|{_YEAR}\s+[qt]([1-4]))\b")
# "H1 2025", "S2 2025" (semestre), "first half of 2025", "second semestre 2025"
_HALF = re.compile(rf"\b(?:(?:in|en|au|during|the)\s+)*(?:[hs]([12])\s+(?:of\s+)?{_YEAR}|{_YEAR}\s+[hs]([12])"
                   rf"|(first|1st|premier|1er|second|2nd|deuxieme|2e)\s+(?:half|semestre)\s+(?:of\s+|de\s+)?{_YEAR})\b")
_FIRST = frozenset({"first", "1st", "premier", "1er"})
_SEASONS = {"spring": 3, "printemps": 3, "summer": 6, "ete": 6, "fall": 9, "autumn": 9, "automne": 9}
_SEASON = re.compile(rf"\b(?:(?:in|en|au|during|over|l|at)\s+)?(?:the\s+)?({'|'.join(_SEASONS)})\s+(?:of\s+)?{_YEAR}\b")
_THIS_YEAR = re.compile(r"\b(this year|cette annee)\b")
_LAST_YEAR = re.compile(r"\b(last year|l annee derniere|annee derniere)\b")
_FRENCH = _words("""
qui quoi ou est sont ont quitte rejoint parti partie partis depuis chez vers pour equipe les des une dirige
aujourd dernier derniers recents aide quel quelle quels arrivees departs mouvements recrues passe bonjour
""")
# Neutral verbs of movement: the small words around the names say which way ("moved to Meta", "went from X").
MOVED = _words("""
moved move went gone switched jumped defected passe passes passee passees alle allee alles
""")


# Words of chat that is not about people moving: never taken as (part of) a name to suggest.
CHAT = _words("""
hello hi hey hiya yo sup you your yours i im my we our us ok okay thanks thank cool nice good great bad fine
weather rain sunny forecast temperature joke jokes funny lol haha time today tomorrow day night morning evening
bonjour salut coucou bonsoir merci ca va vas allez comment tu toi vous votre nous meteo temps pluie soleil blague
blagues drole heure demain jour nuit matin soir bien mal super cool oui non yes no paris london
""")


def content_words(text: str) -> list[str]:
    """The words of a question that could be (part of) a name: not function words, keywords, dates or chat."""
    folded = fold(text[:500])
    _, rest = parse_period(folded)
    return [w for w in rest.split() if len(w) >= 2 and w not in STOP and w not in CHAT and not _keyword(w)
            and not w.isdigit() and w not in LEFT and w not in JOINED and w not in RANKING]


def resembles_typed(typed: list[str], name: str) -> bool:
    """Whether a name has a word like one typed ("pnag" ~ Pang, "giannaandrea" ~ Giannandrea): a suggestion
    must resemble what was typed, word by word, not merely score well against the whole sentence."""
    from rapidfuzz import fuzz

    words = fold(name).split()
    return any(fuzz.ratio(w, n) >= 75 or (len(w) >= 3 and n.startswith(w)) for w in typed for n in words)


@dataclass
class Period:
    """A date window as partial ISO strings: `start` inclusive, `end` exclusive; labels for display."""

    start: str | None = None
    end: str | None = None
    label_kind: str | None = None  # "in" | "since" | "until" | "between"
    label_values: tuple[tuple[str, str], ...] = ()  # (value, precision) pairs to format


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


def detect_locale(question: str) -> str:
    """French when the question has French function words or accents typical of French."""
    words = set(fold(question).split())
    if len(words & _FRENCH) >= 1 and not words & {"who", "what", "where", "the", "did", "left", "joined"}:
        return "fr"
    # accents typical of French, in a word that is not capitalized (a capital starts a name: "Baptiste Rozière")
    accented = any(re.search(r"[éèêàùç]", w) and not w[:1].isupper() for w in question.split())
    return "fr" if accented and not words & {"who", "the"} else "en"


def _bound(month: str | None, year: str) -> tuple[str, str]:
    if month:
        return f"{year}-{MONTHS[month]:02d}", "month"
    return year, "year"


def _after(value: str) -> str:
    """The first partial date after the period `value` ("2025" -> "2026", "2025-12" -> "2026-01")."""
    if len(value) == 4:
        return str(int(value) + 1)
    year, month = int(value[:4]), int(value[5:7])
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def parse_period(text: str, today: date | None = None) -> tuple[Period, str]:
    """Find a date window in folded text; return it and the text without it."""
    today = today or date.today()
    months: tuple[int, int, str] | None = None  # first month, last month, year
    if m := _MONTH_RANGE.search(text):
        months = (MONTHS[m.group(1)], MONTHS[m.group(2)], m.group(3))
    elif m := _HALF.search(text):
        half = int(m.group(1) or m.group(4) or (1 if m.group(5) in _FIRST else 2))
        months = (6 * half - 5, 6 * half, m.group(2) or m.group(3) or m.group(6))
    elif m := _QUARTER.search(text):
        quarter = int(m.group(1) or m.group(4))
        months = (3 * quarter - 2, 3 * quarter, m.group(2) or m.group(3))
    elif m := _SEASON.search(text):
        first = _SEASONS[m.group(1)]
        months = (first, first + 2, m.group(2))
    if m and months and months[0] <= months[1]:
        a, b = f"{months[2]}-{months[0]:02d}", f"{months[2]}-{months[1]:02d}"
        head = text[: m.start()].split()
        while head and head[-1] in ("the", "le", "la", "l"):
            head.pop()
        rest = " ".join(head[:-1]) + " " + text[m.end() :]
        if head and head[-1] in _AFTER_WORDS:  # "after summer 2025": strictly after its last month
            after = _after(b)
            return Period(after, None, "since", ((after, "month"),)), rest
        if head and head[-1] in _SINCE_WORDS:  # "since summer 2025": from its first month on
            return Period(a, None, "since", ((a, "month"),)), rest
        if head and head[-1] in _BEFORE_WORDS:
            return Period(None, a, "until", ((a, "month"),)), rest
        return Period(a, _after(b), "between", ((a, "month"), (b, "month"))), text[: m.start()] + text[m.end() :]
    if m := _RANGE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        b, pb = _bound(m.group(3), m.group(4))
        return Period(a, _after(b), "between", ((a, pa), (b, pb))), text[: m.start()] + text[m.end() :]
    if m := _SINCE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        if text[m.start():].split(None, 1)[0] in _AFTER_WORDS:  # "after June 2025" leaves June out
            a = _after(a)
        return Period(a, None, "since", ((a, pa),)), text[: m.start()] + text[m.end() :]
    if m := _BEFORE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        return Period(None, a, "until", ((a, pa),)), text[: m.start()] + text[m.end() :]
    if m := _THIS_YEAR.search(text):
        y = str(today.year)
        return Period(y, _after(y), "in", ((y, "year"),)), text[: m.start()] + text[m.end() :]
    if m := _LAST_YEAR.search(text):
        y = str(today.year - 1)
        return Period(y, _after(y), "in", ((y, "year"),)), text[: m.start()] + text[m.end() :]
    if m := _IN.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        return Period(a, _after(a), "in", ((a, pa),)), text[: m.start()] + text[m.end() :]
    return Period(), text


@dataclass
class _Mention:
    start: int
    end: int
    match: Match
    alternatives: list[Match] = field(default_factory=list)  # other entities with the same spelling


def _mentions(tokens: list[str], index: NameIndex) -> tuple[list[_Mention], list[Lookup]]:
    """Names in the question: exact n-grams (longest first), then fuzzy on the runs of words left over."""
    used = [False] * len(tokens)
    found: list[_Mention] = []
    unresolved: list[Lookup] = []
    for size in range(min(index.max_words, 6), 0, -1):
        for i in range(len(tokens) - size + 1):
            if any(used[i : i + size]):
                continue
            words = tokens[i : i + size]
            if size == 1 and (words[0] in STOP or words[0] in LEFT or words[0] in JOINED or len(words[0]) < 2):
                continue
            hits = index.exact(" ".join(words))
            if not hits:
                continue
            found.append(_Mention(i, i + size, _prefer(hits), hits if len(hits) > 1 else []))
            used[i : i + size] = [True] * size
    run: list[int] = []
    for i, token in enumerate([*tokens, ""]):
        skip = (not token or used[i] if i < len(tokens) else True) or token in STOP or _keyword(token)
        if not skip:
            run.append(i)
            continue
        if run:
            text = " ".join(tokens[j] for j in run)
            # In a longer question, a lone word under 4 letters is more likely English or French than a name
            # (and a longer one is only taken when it looks like a whole word of the name: search.covers).
            whole = len(run) == len(tokens)
            if len(text) >= 3 and (whole or len(run) > 1 or len(text) >= 4):
                if _extends_a_neighbour(run, tokens, found, index):
                    run = []
                    continue
                hit = index.lookup(text)
                if hit.best is not None:
                    found.append(_Mention(run[0], run[-1] + 1, hit.best))
                elif hit.candidates and hit.candidates[0].score >= ACCEPT - 15:
                    unresolved.append(hit)
            run = []
    found.sort(key=lambda m: m.start)
    named_orgs = {m.match.name for m in found if m.match.kind == "org"}
    for mention in found:
        if mention.alternatives:
            in_named_org = [h for h in mention.alternatives if h.org in named_orgs]
            if len(in_named_org) == 1:
                mention.match = in_named_org[0]
            elif len({h.kind for h in mention.alternatives}) == 1 or all(
                h.kind == "team" for h in mention.alternatives
            ):
                unresolved.append(Lookup(" ".join(tokens[mention.start : mention.end]), None, mention.alternatives))
    return found, unresolved


_NAME_WORDS = frozenset({"lab", "labs", "team", "teams", "research", "inc"})  # stop words that end many names


def _extends_a_neighbour(run: list[int], tokens: list[str], found: list[_Mention], index: NameIndex) -> bool:
    """"gogle deepmind", "meta superintelligense labs": a misspelled word next to a name it belongs to widens
    that name (or makes it that org's team), rather than standing as a second, wrong name."""
    for mention in found:
        if mention.start == run[-1] + 1 or mention.end == run[0]:
            start, end = min(run[0], mention.start), max(run[-1] + 1, mention.end)
            spans = [(start, end)]
            if end < len(tokens) and tokens[end] in _NAME_WORDS:
                spans.insert(0, (start, end + 1))
            for a, b in spans:
                hit = index.lookup(" ".join(tokens[a:b]))
                best = hit.best
                if best is not None and (best.key == mention.match.key or (
                        mention.match.kind == "org" and best.kind == "team" and best.org == mention.match.name)):
                    mention.start, mention.end, mention.match = a, b, best
                    return True
    return False


def _prefer(hits: list[Match]) -> Match:
    """Among entities sharing one spelling, people and orgs before teams (a team is usually named with its org)."""
    order = {"person": 0, "org": 1, "team": 2}
    return min(hits, key=lambda m: (order[m.kind], m.label))


def _keyword(token: str) -> bool:
    return any(token in group for group in (LEFT, JOINED, MOVED, ROLE, RECENT, SUMMARY, HELP, PERSON_Q))


def parse_question(question: str, index: NameIndex, locale: str | None = None, today: date | None = None) -> Query:
    """Understand one question; names come resolved (or listed as unresolved for "did you mean")."""
    loc = locale or detect_locale(question)
    folded = fold(question[:500])
    period, rest = parse_period(folded, today)
    tokens = rest.split()
    words = set(tokens)
    mentions, unresolved = _mentions(tokens, index)
    query = Query(intent="unknown", locale=loc, period=period, unresolved=unresolved, text=question)

    people = [m for m in mentions if m.match.kind == "person"]
    places = [m for m in mentions if m.match.kind in ("org", "team")]
    places = _merge_org_and_team(places)

    def marker(m: _Mention) -> str | None:
        before = tokens[m.start - 1] if m.start > 0 else ""
        before2 = tokens[m.start - 2] if m.start > 1 else ""
        if before in FROM_MARK or before2 in ("venant", "provenance", "coming"):
            return "from"
        if before in TO_MARK or before in JOINED or before2 in ("join", "rejoindre"):
            return "to"
        if before in ("by", "par"):  # the one who hired: "hired by Meta", "recruté chez OpenAI par Meta"
            return "by"
        return None

    left, joined, moved = bool(words & LEFT), bool(words & JOINED), bool(words & MOVED)
    ranked = bool(words & RANKING) or any(a in ("le", "la", "les") and b == "plus" for a, b in pairwise(tokens))
    if words & HELP and not mentions:
        query.intent = "help"
    elif ranked and not mentions and (left or joined or words & WIN):
        query.intent = "ranking"  # "which company lost the most researchers?", "qui recrute le plus ?"
        query.measure = "left" if left and not joined else "joined" if joined and not left else "net"
    elif people:
        query.intent = "person"
        query.person = people[0].match
    elif places and words & ROLE and not (left or joined):
        query.intent = "role"
        query.subject = places[0].match
        query.role_words = tuple(w for w in tokens if w in ROLE)
    elif left and places:
        to = [p for p in places if marker(p) == "to"]
        subject = next((p for p in places if p not in to), places[0])
        query.subject = subject.match
        other = next((p for p in places if p is not subject), None)
        if other is not None:
            query.intent, query.other = "between", other.match
        else:
            query.intent = "left"
    elif joined and places and all(marker(p) == "from" for p in places):
        query.intent, query.subject = "left", places[0].match  # "poached from Apple": Apple's departures
    elif joined and places:
        src = [p for p in places if marker(p) == "from"]
        by = [p for p in places if marker(p) == "by"]
        subject = by[0] if by else next((p for p in places if p not in src), places[0])
        query.intent, query.subject = "joined", subject.match
        other = next((p for p in places if p is not subject), None)
        query.other = other.match if other is not None else None
    elif moved and len(places) == 1 and marker(places[0]) in ("to", "from"):
        query.intent = "joined" if marker(places[0]) == "to" else "left"
        query.subject = places[0].match
    elif len(places) >= 2:
        first, second = places[0], places[1]
        if marker(first) == "to" and marker(second) == "from":
            first, second = second, first
        query.intent, query.subject, query.other = "between", first.match, second.match
    elif places:
        query.intent = "recent" if words & RECENT else "org"
        query.subject = places[0].match
    elif words & RECENT or (period.start and not unresolved):
        query.intent = "recent"
    elif unresolved:
        query.intent = "ambiguous"
    query.newest_first = bool(words & RECENT)
    return query


def _merge_org_and_team(places: list[_Mention]) -> list[_Mention]:
    """ "Apple's AFM team" names one place: keep the team and drop its org when both are mentioned."""
    teams_orgs = {m.match.org for m in places if m.match.kind == "team"}
    return [m for m in places if not (m.match.kind == "org" and m.match.name in teams_orgs)]
