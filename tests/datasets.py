"""A whole dataset in memory, for tests that look at what a dataset says (the product streams it: `DatasetReader`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.dataset import DatasetReader
from bot.models import Move, Org, Person, RoleHolding, Team
from bot.rows import SOURCE_FIELDS, MoveRow


class Dataset:
    """Every move of a dataset (as `MoveRow`s and as `Move` models) with its people, orgs, teams and roles."""

    def __init__(self, moves: list[Move] | None = None, people: list[Person] | None = None,
                 orgs: list[Org] | None = None, teams: list[Team] | None = None,
                 roles: list[RoleHolding] | None = None, *, rows: list[MoveRow] | None = None):
        self.rows: list[MoveRow] = rows if rows is not None else [MoveRow.of(m) for m in moves or ()]
        self.moves: list[Move] = moves if moves is not None else [_model(row) for row in self.rows]
        self.people = people or []
        self.orgs = orgs or []
        self.teams = teams or []
        self.roles = roles or []

    def __len__(self) -> int:
        return len(self.rows)


def _model(row: MoveRow) -> Move:
    return Move.model_validate({
        "id": row.id, "person": row.person,
        "from": {"org": row.from_org, "team": row.from_team, "role": row.from_role},
        "to": {"org": row.to_org, "team": row.to_team, "role": row.to_role} if row.to_org else None,
        "date": row.date, "date_basis": row.date_basis, "status": row.status, "notes": row.notes,
        "sources": [dict(zip(SOURCE_FIELDS, s, strict=True)) for s in row.sources]})


def read_dataset(data_dir: Path | str, progress: Callable[[int], None] | None = None) -> Dataset:
    """Read a dataset folder through the product's reader; raises `DatasetInvalid` as a load would."""
    reader = DatasetReader(data_dir, progress)
    rows = [row for chunk in reader.moves() for row in chunk]
    by_move: dict[str, list[tuple]] = {}
    for chunk in reader.sources():
        for move_id, _, *values in chunk:
            by_move.setdefault(move_id, []).append(tuple(values))
    reader.check()
    return Dataset(rows=[row._replace(sources=tuple(by_move[row.id])) for row in rows], people=reader.people,
                   orgs=reader.orgs, teams=reader.teams, roles=reader.roles)
