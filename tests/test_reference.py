"""The default dataset says what the reference facts say (`../shared/reference/`, beside the project), no more.

The bot never reads the reference; these tests hold `data/` to it when it is there (a developer's or CI's
checkout) and skip, saying why, when it is not. `scripts/sync_reference.py` rebuilds `data/` from it.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import DATA_DIR
from tests.datasets import read_dataset

REFERENCE = DATA_DIR.parent.parent / "shared" / "reference"
pytestmark = pytest.mark.skipif(not (REFERENCE / "moves.csv").is_file(),
                                reason=f"no reference facts at {REFERENCE} (a checkout without ../shared)")
MOVE_FIELDS = ("person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role", "date",
               "date_basis", "status", "notes")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _aliases(text: str) -> set[str]:
    return {a.strip() for a in text.split(";") if a.strip()}


def test_every_reference_move_is_in_the_dataset_as_the_reference_has_it():
    ours = {row["id"]: row for row in _rows(DATA_DIR / "moves.csv")}
    theirs = {row["move_id"]: row for row in _rows(REFERENCE / "moves.csv")}
    assert sorted(set(theirs) - set(ours)) == [], "reference moves missing from data/moves.csv"
    assert sorted(set(ours) - set(theirs)) == [], "moves in data/ that no reference row supports"
    differ = [(mid, f, ours[mid][f], row[f]) for mid, row in theirs.items() for f in MOVE_FIELDS
              if ours[mid][f] != row[f]]
    assert differ == []


def test_every_reference_source_and_no_other():
    def pages(path: Path) -> set[tuple[str, str]]:
        return {(row["move_id"], row["url"]) for row in _rows(path)}

    assert pages(DATA_DIR / "sources.csv") == pages(REFERENCE / "sources.csv")


def test_every_reference_role_and_no_other():
    def roles(path: Path) -> set[tuple[str, ...]]:
        return {(r["person"], r["org"], r["team"], r["role"], r["as_of"], r["url"]) for r in _rows(path)}

    assert roles(DATA_DIR / "roles.csv") == roles(REFERENCE / "roles.csv")


def test_every_reference_person_and_alias_is_known():
    people = {row["name"]: _aliases(row["aliases"]) for row in _rows(DATA_DIR / "people.csv")}
    for row in _rows(REFERENCE / "moves.csv") + _rows(REFERENCE / "roles.csv"):
        assert row["person"] in people, row["person"]
        assert _aliases(row["aliases"]) - {row["person"]} <= people[row["person"]], row["person"]


def test_departures_follow_the_reference_convention():
    """No departure row next to a known later move of the same person from the same org."""
    data = read_dataset(DATA_DIR)
    departures = [m for m in data.moves if m.to is None]
    assert departures, "the reference has departures without a known destination"
    for left in departures:
        assert "-left-" in left.id, left.id
        later = [m for m in data.moves if m.person == left.person and m.from_.org == left.from_.org
                 and m.to is not None and m.date >= left.date]
        assert later == [], left.id
