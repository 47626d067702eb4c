"""Recording a move typed by a person (`movesbot add`, `/move add`, `/move edit`): one validation for all.

Names go through the same aliases as the dataset ("Facebook" -> Meta, "AFM" -> Foundation Models), and a
spelling close to a known org or team is refused as a likely typo instead of creating a near-duplicate.

`record` is the one door for a new move: the same move recorded again (same person, orgs and a compatible date)
stays one move (a new source is added to it, nothing is announced twice), and a move whose person left the same
org in a departure with no destination on record completes that departure instead of becoming a second move.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.dataset import TYPO_CUTOFF, plain_errors
from bot.models import Move, move_id_for
from bot.records import MoveRecord
from bot.search import NameIndex
from bot.store import Store
from bot.text import fold


class MoveInputError(Exception):
    """What is wrong with a typed move, in plain words, one line per problem."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass
class MoveInput:
    person: str
    from_org: str
    to_org: str | None  # None or empty: left, destination not reported
    date: str
    sources: list[str]
    from_team: str | None = None
    from_role: str | None = None
    to_team: str | None = None
    to_role: str | None = None
    status: str = "reported"
    note: str | None = None
    date_basis: str | None = None
    # What is known of a source page beyond its URL (an accepted candidate's article): url -> title, publisher,
    # published, language.
    source_details: dict[str, dict[str, str | None]] = field(default_factory=dict)


def _org(index: NameIndex, name: str, new_org: bool, errors: list[str], label: str) -> str:
    name = name.strip()
    exact = index.exact(name, ["org"])
    if exact:
        return exact[0].name
    if name and not new_org:
        known = index.spellings("org")
        hit = process.extractOne(fold(name), list(known), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if hit is not None:
            errors.append(f"{label}: '{name}' looks like a typo of the known org '{known[hit[0]]}'"
                          " (use the known name, or confirm a new org)")
    return name


def _team(index: NameIndex, org: str, name: str | None, errors: list[str], label: str) -> str | None:
    if not name or not name.strip():
        return None
    name = name.strip()
    teams = [m for m in index.exact(name, ["team"]) if m.org == org]
    if teams:
        return teams[0].name
    known = {fold(s): canonical for s, canonical in index.spellings("team", org=org).items()}
    hit = process.extractOne(fold(name), list(known), scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF) if known else None
    if hit is not None:
        errors.append(f"{label}: '{name}' looks like a typo of {org}'s team '{known[hit[0]]}'")
    return name


async def build_move(store: Store, index: NameIndex, data: MoveInput, *, move_id: str | None = None,
                     new_org: bool = False) -> Move:
    """A validated `Move` with canonical names and a fresh stable id (or `move_id` for an edit)."""
    errors: list[str] = []
    person_hits = index.exact(data.person, ["person"])
    person = person_hits[0].name if len(person_hits) == 1 else data.person.strip()
    from_org = _org(index, data.from_org, new_org, errors, "from_org")
    to_org = _org(index, data.to_org, new_org, errors, "to_org") if (data.to_org or "").strip() else None
    from_team = _team(index, from_org, data.from_team, errors, "from_team")
    to_team = _team(index, to_org, data.to_team, errors, "to_team") if to_org else None
    if to_org is None and ((data.to_team or "").strip() or (data.to_role or "").strip()):
        errors.append("to_org: a team or role was given without the org (leave all three empty for a departure"
                      " whose destination is not reported)")
    if not data.sources:
        errors.append("sources: at least one source URL is required")
    raw = {
        "id": move_id or "pending-id",
        "person": person,
        "from": {"org": from_org, "team": from_team, "role": data.from_role},
        "to": {"org": to_org, "team": to_team, "role": data.to_role} if to_org else None,
        "date": data.date, "status": data.status, "notes": data.note, "date_basis": data.date_basis,
        "sources": [{**data.source_details.get(u, {}), "url": u} for u in data.sources]
        or [{"url": "https://placeholder.invalid"}],
    }
    move = None
    try:
        move = Move.model_validate(raw)
    except ValidationError as exc:
        errors.extend(f"{field}: {msg}" if field else msg for field, msg in plain_errors(exc))
    if errors or move is None:
        raise MoveInputError(errors)
    if move_id is None:
        base = move_id_for(move.person, move.to.org if move.to else None, move.date, move.from_.org)
        candidate, n = base, 1
        while await store.move_exists(candidate):
            n += 1
            candidate = f"{base}-{n}"
        move = move.model_copy(update={"id": candidate})
    return move


@dataclass(frozen=True)
class Recorded:
    """What `record` did: `outcome` is "recorded" (a new move), "completed" (a departure's destination filled in),
    "source_added" (the same move again, with a source it lacked) or "unchanged" (the same move, nothing new)."""

    move: MoveRecord
    outcome: str


def _same_date(a: str, b: str) -> bool:
    """Dates that can name the same day: equal, or one a coarser form of the other ("2025-07" and "2025-07-07")."""
    return a.startswith(b) or b.startswith(a)


def _near_date(a: str, b: str) -> bool:
    """A departure and a move of the same person from the same org within a year: one event, told twice."""
    return abs(int(a[:4]) - int(b[:4])) <= 1


def _twin(move: Move, known: list[MoveRecord]) -> tuple[MoveRecord | None, str]:
    """The recorded move that `move` repeats or completes, and how: "same" or "completes"."""
    to_org = move.to.org if move.to else None
    for old in known:
        if old.from_org != move.from_.org:
            continue
        if old.to_org == to_org and _same_date(old.date, move.date):
            return old, "same"
        if old.to_org is None and to_org is not None and _near_date(old.date, move.date):
            return old, "completes"
        if to_org is None and old.to_org is not None and _near_date(old.date, move.date):
            return old, "same"  # the departure of a move already on record with its destination
    return None, ""


def _merged(old: MoveRecord, move: Move, completes: bool) -> Move:
    """`old` with the sources of `move` it lacks; completing a departure, with the destination of `move` too."""
    urls = {s.url for s in old.sources}
    sources = [{"url": s.url, "title": s.title, "publisher": s.publisher, "published": s.published,
                "language": s.language} for s in old.sources]
    sources += [s.model_dump() for s in move.sources if s.url not in urls]
    to = move.to if completes else (
        {"org": old.to_org, "team": old.to_team, "role": old.to_role} if old.to_org else None)
    status = "reported" if "reported" in (old.status, move.status) and completes else old.status
    return Move.model_validate({
        "id": old.id, "person": old.person,
        "from": {"org": old.from_org, "team": old.from_team, "role": old.from_role or move.from_.role},
        "to": to, "date": old.date, "date_basis": old.date_basis, "status": status, "notes": old.notes,
        "sources": sources})


async def record(store: Store, index: NameIndex, data: MoveInput, *, origin: str, actor: str,
                 new_org: bool = False) -> Recorded:
    """Record a typed move through every check, as one move whatever door it came through (see module doc)."""
    move = await build_move(store, index, data, new_org=new_org)
    old, how = _twin(move, await store.moves_of_person(move.person))
    if old is None:
        return Recorded(await store.record_move(move, origin=origin, actor=actor), "recorded")
    merged = _merged(old, move, how == "completes")
    if how == "completes":
        found, _ = await store.edit_move(merged, actor=actor)
        return Recorded(found, "completed")
    if len(merged.sources) == len(old.sources):
        return Recorded(old, "unchanged")
    found, _ = await store.edit_move(merged, actor=actor, quiet=True)
    return Recorded(found, "source_added")
