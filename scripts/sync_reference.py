"""Rebuild `data/` from the reference facts (`../shared/reference/` by default), in the dataset's own format.

A maintainer's tool, run by hand when the reference grows; the bot never reads the reference. Moves, sources and
roles are copied as the reference has them; people get the aliases the reference gives (its `aliases` columns);
orgs and teams keep the aliases `data/` already has (naming conventions: Facebook -> Meta, AFM, MSL) and gain a
row for every org and team the reference names, so a near-spelling is caught as a typo by the loader.

    python scripts/sync_reference.py [REFERENCE_DIR] [DATA_DIR]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOVE_COLUMNS = ("id", "person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role", "date",
                "date_basis", "status", "notes")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _aliases(text: str) -> list[str]:
    return [a.strip() for a in text.split(";") if a.strip()]


def sync(reference: Path, data: Path) -> None:
    moves, roles = _read(reference / "moves.csv"), _read(reference / "roles.csv")
    _write(data / "moves.csv", MOVE_COLUMNS, [{**m, "id": m["move_id"]} for m in moves])
    _write(data / "sources.csv", ("move_id", "url", "title", "publisher", "published", "language", "supports"),
           _read(reference / "sources.csv"))
    _write(data / "roles.csv", ("person", "org", "team", "role", "as_of", "url", "supports"), roles)
    people: dict[str, dict[str, None]] = {}
    for row in moves + roles:
        people.setdefault(row["person"], {}).update(dict.fromkeys(_aliases(row["aliases"])))
    _write(data / "people.csv", ("name", "aliases"),
           [{"name": name, "aliases": "; ".join(a for a in aliases if a != name)}
            for name, aliases in sorted(people.items())])
    orgs = {r["name"]: r["aliases"] for r in _read(data / "orgs.csv")}
    for row in moves:
        for org in (row["from_org"], row["to_org"]):
            if org:
                orgs.setdefault(org, "")
    for row in roles:
        orgs.setdefault(row["org"], "")
    _write(data / "orgs.csv", ("name", "aliases"),
           [{"name": n, "aliases": a} for n, a in sorted(orgs.items(), key=lambda kv: kv[0].lower())])
    teams = {(r["org"], r["name"]): r["aliases"] for r in _read(data / "teams.csv")}
    for row in moves:
        for org, team in ((row["from_org"], row["from_team"]), (row["to_org"], row["to_team"])):
            if team:
                teams.setdefault((org, team), "")
    for row in roles:
        if row["team"]:
            teams.setdefault((row["org"], row["team"]), "")
    _write(data / "teams.csv", ("org", "name", "aliases"),
           [{"org": o, "name": n, "aliases": a} for (o, n), a in sorted(teams.items(), key=lambda kv: kv[0])])


if __name__ == "__main__":
    args = sys.argv[1:]
    sync(Path(args[0]) if args else ROOT.parent / "shared" / "reference", Path(args[1]) if len(args) > 1
         else ROOT / "data")
