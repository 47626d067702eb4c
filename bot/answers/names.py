"""Finding the names in a question: exact n-grams of the name index first (longest first), then fuzzy on the
runs of words left over; multi-word org and team names are joined before the question is read as two places."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answers.periods import parse_period
from bot.answers.words import (
    CAME,
    CHAT,
    CONFIRMED,
    HELP,
    JOINED,
    LEFT,
    MOVED,
    PERSON_Q,
    RANKING,
    RECENT,
    REPORTED,
    RETURNS,
    ROLE,
    STOP,
    SUMMARY,
    WHERE,
    WIN,
)
from bot.search import ACCEPT, Lookup, Match, NameIndex
from bot.text import fold


@dataclass
class Mention:
    start: int
    end: int
    match: Match
    alternatives: list[Match] = field(default_factory=list)  # other entities with the same spelling


def find_mentions(tokens: list[str], index: NameIndex) -> tuple[list[Mention], list[Lookup]]:
    """Names in the question: exact n-grams (longest first), then fuzzy on the runs of words left over."""
    used = [False] * len(tokens)
    found: list[Mention] = []
    unresolved: list[Lookup] = []
    for size in range(min(index.max_words, 6), 0, -1):
        for i in range(len(tokens) - size + 1):
            if any(used[i : i + size]):
                continue
            words = tokens[i : i + size]
            if size == 1 and (words[0] in STOP or is_keyword(words[0]) or len(words[0]) < 2):
                continue
            hits = index.exact(" ".join(words))
            if not hits and len(words[-1]) > 3 and words[-1].endswith("s"):  # "ruoming pangs": a lost apostrophe
                hits = index.exact(" ".join([*words[:-1], words[-1][:-1]]))
            if not hits:
                continue
            found.append(Mention(i, i + size, _prefer(hits), hits if len(hits) > 1 else []))
            used[i : i + size] = [True] * size
    run: list[int] = []
    for i, token in enumerate([*tokens, ""]):
        skip = (not token or used[i] if i < len(tokens) else True) or token in STOP or is_keyword(token)
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
                    found.append(Mention(run[0], run[-1] + 1, hit.best))
                elif hit.candidates and hit.candidates[0].score >= ACCEPT - 15:
                    unresolved.append(hit)
            run = []
    found.sort(key=lambda m: m.start)
    found = _join_org_and_team(found)
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


def _join_org_and_team(found: list[Mention]) -> list[Mention]:
    """"Google Brain", "Meta FAIR": an org named right before a team of it (or of an org whose name starts with
    it: Brain is Google DeepMind's) is one place, the team, not a move between two."""
    out: list[Mention] = []
    for mention in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.end == mention.start and prev.match.kind == "org"
                and mention.match.kind == "team" and mention.match.org
                and fold(mention.match.org).split()[0] == fold(prev.match.name).split()[0]):
            out[-1] = Mention(prev.start, mention.end, mention.match, mention.alternatives)
            continue
        out.append(mention)
    return out


_NAME_WORDS = frozenset({"lab", "labs", "team", "teams", "research", "inc"})  # stop words that end many names


def _extends_a_neighbour(run: list[int], tokens: list[str], found: list[Mention], index: NameIndex) -> bool:
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


_KEYWORDS = (LEFT, JOINED, MOVED, ROLE, RECENT, SUMMARY, HELP, PERSON_Q, RANKING, WIN, CONFIRMED, REPORTED, RETURNS,
             WHERE, CAME)


def is_keyword(token: str) -> bool:
    """A word that tells what is asked, never (part of) a name."""
    return any(token in group for group in _KEYWORDS)



def merge_org_and_team(places: list[Mention]) -> list[Mention]:
    """ "Apple's AFM team" names one place: keep the team and drop its org when both are mentioned."""
    teams_orgs = {m.match.org for m in places if m.match.kind == "team"}
    return [m for m in places if not (m.match.kind == "org" and m.match.name in teams_orgs)]


def content_words(text: str) -> list[str]:
    """The words of a question that could be (part of) a name: not function words, keywords, dates or chat."""
    folded = fold(text[:500])
    _, rest = parse_period(folded)
    return [w for w in rest.split() if len(w) >= 2 and w not in STOP and w not in CHAT and not is_keyword(w)
            and not w.isdigit() and w not in LEFT and w not in JOINED and w not in RANKING]


def resembles_typed(typed: list[str], name: str) -> bool:
    """Whether a name has a word like one typed ("pnag" ~ Pang, "giannaandrea" ~ Giannandrea): a suggestion
    must resemble what was typed, word by word, not merely score well against the whole sentence."""
    from rapidfuzz import fuzz

    words = fold(name).split()
    return any(fuzz.ratio(w, n) >= 75 or (len(w) >= 3 and n.startswith(w)) for w in typed for n in words)

