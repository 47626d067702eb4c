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
from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.news.article import Article
from bot.news.clause import Context, Found
from bot.news.mentions import MentionFinder, sentences
from bot.news.sentence import SentenceReader
from bot.records import MoveRecord
from bot.search import NameIndex


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


_NICKNAME = re.compile(r"\b([A-Z][a-z]+) \(([A-Z][a-z]+)\) ([A-Z][a-z]+)\b")  # "Yuhuai (Tony) Wu": Tony Wu
KnownMoves = Callable[[str], Iterable[MoveRecord]]


def extract_candidates(article: Article, index: NameIndex, known_moves: KnownMoves | None = None) -> list[Candidate]:
    """The moves `article` reports, best first (the order the story tells them); `known_moves(person)` gives the
    moves on record of a person by canonical name (none when omitted: every move is then new)."""
    return resolve(find_moves(article, index), known_moves or (lambda _name: ()), article.published)


async def extract_with_store(article: Article, index: NameIndex, store: Any) -> list[Candidate]:
    """`extract_candidates` with the moves on record read from `store` (only those of the people named)."""
    found = find_moves(article, index)
    records: dict[str, list[MoveRecord]] = {}
    for name in {f.person for f in found if f.person_known}:
        hits = [m for m in index.exact(name, ["person"]) if m.name == name]
        if hits:
            records[name], _ = await store.moves(person_id=hits[0].id, limit=200)
    return resolve(found, lambda name: records.get(name, ()), article.published)


def find_moves(article: Article, index: NameIndex) -> list[Found]:
    """Every move each sentence tells, in order, repeats included."""
    ctx = Context(MentionFinder(index), article.published)
    parts = sentences(_NICKNAME.sub(r"\2 \3", article.text))
    readers = [SentenceReader(sentence, ctx) for sentence in parts]  # names first: the story's own org is known
    ctx.main_org = _most_named_org(readers)
    out: list[Found] = ctx.found  # each sentence's reader adds its moves
    movers: tuple[int, list] | None = None
    for k, reader in enumerate(readers):
        ctx.following = " ".join(parts[k + 1:k + 3])
        found = reader.moves()
        ctx.group = reader.group or next((f for f in reversed(found) if f.to_org), found[-1] if found else None)
        named = [m for m in reader.mentions if m.kind == "person"]
        ctx.last_named = named or ctx.last_named
        people = reader.subjects or named
        if reader.subjects or (people and not (movers and k - movers[0] <= 2)):
            ctx.last_people = people  # ("Il a décidé de rejoindre Anthropic": the mover of a sentence ago, not the
        if reader.subjects:           # person merely named in between)
            movers = (k, reader.subjects)
    for f in out:
        if not f.person_known and (known := ctx.finder.person_on_record(f.person)):
            f.person, f.person_known = known, True
    return out


def _most_named_org(readers: list[SentenceReader]) -> str | None:
    """The story's own org, what "the company" and "the social media giant" stand for: the first org its headline
    (first sentence) names as itself ("Apple hires Meta's top lawyer": Apple), else the one it names most often."""
    headline = [m.name if m.kind == "org" else m.org for m in readers[0].mentions if m.kind in ("org", "team")
                and m.known and not m.possessive and (m.kind == "org" or m.org)] if readers else []
    names = [m.name for r in readers for m in r.mentions if m.kind == "org" and m.known]
    return headline[0] if headline else max(dict.fromkeys(names), key=names.count) if names else None


def resolve(found: Sequence[Found], known_moves: KnownMoves, published: str | None = None) -> list[Candidate]:
    """Merge the sentences' readings of one move, link them to the moves on record, and drop background moves
    that are not on record; a move no sentence dates takes the publication date."""
    merged: dict[tuple[str, str | None], Found] = {}
    for f in found:
        key = (f.person, f.to_org)
        if f.to_org is None:  # a departure: folded into the same person's arrival elsewhere, if the story gives one
            key = next((k for k in merged if k[0] == f.person and k[1] is not None and k[1] != f.from_org), key)
        elif (f.person, None) in merged and merged[(f.person, None)].from_org != f.to_org:
            merged[key] = _merge(merged.pop((f.person, None)), f, published)  # the arrival after the departure
            continue
        merged[key] = _merge(merged[key], f, published) if key in merged else f
    out = []
    for f in merged.values():
        records = list(known_moves(f.person))
        if f.to_org is None and f.from_org is None:
            f = _left_where(f if f.date else replace(f, date=published), records)
            if f is None:
                continue
        move_id = _known_move(f, records)
        if move_id is None and (f.background or _history(f.date, published)):
            continue  # recalled, or long past: history, not news (unless on record, as a source for it)
        record = next((r for r in records if r.id == move_id), None)
        if record is not None and f.to_org is None and record.to_org is not None:  # "the departure of X": the move
            f = replace(f, to_org=record.to_org, to_team=record.to_team)  # on record knows where X went
        if record is not None and f.to_org is not None:  # the same move on record: what the story leaves out
            f = replace(f, from_org=f.from_org or record.from_org,
                        from_team=f.from_team or (record.from_team if (f.from_org or record.from_org) == record.from_org
                                                  else None),
                        to_team=f.to_team or record.to_team)
        out.append(Candidate(f.person, f.from_org, f.from_team, f.from_role, f.to_org, f.to_team, f.to_role,
                             f.date or published, f.status, f.evidence, move_id))
    return out


def _history(date: str | None, published: str | None) -> bool:
    """A move the text dates three calendar years or more before the story ("joined Apple in 2018", in 2025)."""
    return bool(date and published and int(date[:4]) <= int(published[:4]) - 3)


def _left_where(f: Found, records: list[MoveRecord]) -> Found | None:
    """A departure that names no org ("Kosic left in 2024"): the org the record says the person left that year,
    else the one the record says they are at; None for a person without a record."""
    year = (f.date or "")[:4]
    records = [r for r in records if not f.date or r.date[:len(f.date)] <= f.date]  # none the story could not know
    same = next((r for r in records if year and r.date[:4] == year and r.from_org), None)
    if same is not None:
        return replace(f, from_org=same.from_org, from_team=same.from_team)
    latest = max((r for r in records if r.to_org), key=lambda r: r.date, default=None)
    return replace(f, from_org=latest.to_org, from_team=latest.to_team) if latest else None


def _merge(a: Found, b: Found, published: str | None = None) -> Found:
    """One move told twice: the first telling's evidence (unless it was only background), every field either gives,
    the more precise date, and 'confirmed' if either is."""
    first, second = (b, a) if a.background and not b.background else (a, b)
    values = {name: getattr(first, name) or getattr(second, name)
              for name in ("from_org", "from_team", "from_role", "to_org", "to_team", "to_role")}
    dates = [d for d in (first.date, second.date) if d]
    if (a.to_org is None) != (b.to_org is None):  # a departure and the arrival: the arrival's date, else the
        arrival, departure = (b, a) if a.to_org is None else (a, b)  # departure's if of the story's year
        recent = departure.evidence == arrival.evidence or (departure.date and published
                                                             and departure.date[:4] == published[:4])
        dates = [d for d in ([arrival.date] if arrival.date else [departure.date] if recent else []) if d]
    return replace(first, **values, date=max(dates, key=len) if dates else None,  # the more precise
                   status="confirmed" if "confirmed" in (a.status, b.status) else "reported",
                   background=a.background and b.background)


def _known_move(f: Found, records: list[MoveRecord]) -> str | None:
    """The move on record that this one is: same person and destination org, or for a departure without one, the
    same person leaving the same org. The latest such, when the person made it twice."""
    for record in sorted(records, key=lambda r: r.date, reverse=True):
        if f.to_org is not None and record.to_org == f.to_org:
            return record.id
        if f.to_org is None and f.from_org is not None and record.from_org == f.from_org:
            return record.id
    return None
