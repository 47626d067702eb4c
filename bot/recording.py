"""Recording a move typed by a person (`movesbot add`, `/move add`, `/move edit`): one validation for all.

Names go through the same aliases as the dataset ("Facebook" -> Meta, "AFM" -> Foundation Models), and a
spelling close to a known org or team is refused as a likely typo instead of creating a near-duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from bot.dataset import TYPO_CUTOFF, plain_errors
from bot.models import Move, move_id_for
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
    to_org: str
    date: str
    sources: list[str]
    from_team: str | None = None
    from_role: str | None = None
    to_team: str | None = None
    to_role: str | None = None
    status: str = "reported"
    note: str | None = None
    date_basis: str | None = None


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
    to_org = _org(index, data.to_org, new_org, errors, "to_org")
    from_team = _team(index, from_org, data.from_team, errors, "from_team")
    to_team = _team(index, to_org, data.to_team, errors, "to_team")
    if not data.sources:
        errors.append("sources: at least one source URL is required")
    raw = {
        "id": move_id or "pending-id",
        "person": person,
        "from": {"org": from_org, "team": from_team, "role": data.from_role},
        "to": {"org": to_org, "team": to_team, "role": data.to_role},
        "date": data.date, "status": data.status, "notes": data.note, "date_basis": data.date_basis,
        "sources": [{"url": u} for u in data.sources] or [{"url": "https://placeholder.invalid"}],
    }
    move = None
    try:
        move = Move.model_validate(raw)
    except ValidationError as exc:
        errors.extend(f"{field}: {msg}" if field else msg for field, msg in plain_errors(exc))
    if errors or move is None:
        raise MoveInputError(errors)
    if move_id is None:
        base = move_id_for(move.person, move.to.org, move.date)
        candidate, n = base, 1
        while await store.move_exists(candidate):
            n += 1
            candidate = f"{base}-{n}"
        move = move.model_copy(update={"id": candidate})
    return move
