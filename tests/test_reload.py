"""A load over an earlier one reads only the chunks of moves.csv and sources.csv that changed (bot/dataset_reload.py).

Each case edits a copy of the default dataset and loads it twice over the same record: once as `load` does (only
what changed is read) and once with `--force` (everything read, compared in SQL, as before). The two must agree on
everything: the report, the moves and their sources, the events, the history, the alerts queued, the errors. Chunks
are made small here (a few rows), so that the default dataset has dozens of them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import dataset_chunks
from bot.dataset import DatasetInvalid
from bot.models import Move
from bot.service import load_dataset
from bot.store import Store
from tests.conftest import DATA_DIR, move_row, read_rows, source_row, write_rows

Edit = Callable[[Path], None]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(dataset_chunks, "CHUNK_ROWS", 4)


async def _dump(store: Store) -> dict[str, list]:
    """Everything a load writes, without the times it wrote it."""
    q = store._db.execute_fetchall
    return {
        "moves": await q("SELECT m.id, p.name, fo.name, ft.name, m.from_role, tor.name, tt.name, m.to_role, m.date,"
                         " m.date_precision, m.date_basis, m.status, m.notes, m.origin, m.retracted_at IS NULL"
                         " FROM moves m JOIN people p ON p.id = m.person_id JOIN orgs fo ON fo.id = m.from_org_id"
                         " LEFT JOIN teams ft ON ft.id = m.from_team_id LEFT JOIN orgs tor ON tor.id = m.to_org_id"
                         " LEFT JOIN teams tt ON tt.id = m.to_team_id ORDER BY m.id"),
        "sources": await q("SELECT * FROM sources ORDER BY move_id, position"),
        "events": await q("SELECT move_id, kind, origin, news FROM move_events ORDER BY seq"),
        "history": await q("SELECT move_id, actor, action, changes FROM move_history ORDER BY id"),
        "outbox": await q("SELECT move_id, channel_id, kind, state FROM outbox ORDER BY id"),
        "roles": await q("SELECT p.name, o.name, r.role, r.as_of, r.url FROM roles r JOIN people p ON"
                         " p.id = r.person_id JOIN orgs o ON o.id = r.org_id ORDER BY r.id"),
        "aliases": await q("SELECT p.name, a.alias FROM person_aliases a JOIN people p ON p.id = a.person_id"
                           " UNION ALL SELECT o.name, a.alias FROM org_aliases a JOIN orgs o ON o.id = a.org_id"
                           " ORDER BY 1, 2"),
    }


async def _twins(tmp_path: Path, edit: Edit, before: Callable | None = None):
    """(report or error, dump) of the edited dataset loaded over the default one: as `load` does, then forced."""
    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    out = []
    for name, force in (("fast", False), ("full", True)):
        async with await Store.open(tmp_path / f"{name}.db") as store:
            await load_dataset(store, DATA_DIR)
            await store.add_subscription(guild_id=1, channel_id=7, target_kind="all", target_id=None,
                                         target_name="everything")
            if before is not None:
                await before(store)
            if name == "fast":
                edit(data)
            try:
                result = await load_dataset(store, data, force=force)
            except DatasetInvalid as exc:
                result = [str(e) for e in exc.errors]
            out.append((result, await _dump(store)))
    (fast, fast_dump), (full, full_dump) = out
    if not isinstance(fast, list):
        for field in ("added", "changed", "removed", "restored", "first_load", "roles", "unchanged"):
            assert getattr(fast, field) == getattr(full, field), field
    else:
        assert fast == full
    for table in fast_dump:
        assert fast_dump[table] == full_dump[table], table
    return fast, full


def _edit(name: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> Edit:
    def edit(data: Path) -> None:
        write_rows(data / name, change(read_rows(data / name)))
    return edit


def _row(rows: list[dict[str, str]], index: int, **values: str) -> list[dict[str, str]]:
    rows[index] = {**rows[index], **values}
    return rows


# -- what only a part of the files holds ------------------------------------------------------------------------

async def test_a_changed_row_far_down_is_read_and_reported(tmp_path):
    fast, full = await _twins(tmp_path, _edit("moves.csv", lambda rows: _row(rows, 150, notes="A corrected note.")))
    moved = read_rows(DATA_DIR / "moves.csv")[150]["id"]
    assert fast.changed == [moved] and full.read > fast.read > 0


async def test_a_removed_row_with_its_sources_is_withdrawn(tmp_path):
    gone = read_rows(DATA_DIR / "moves.csv")[100]["id"]

    def edit(data: Path) -> None:
        write_rows(data / "moves.csv", [r for r in read_rows(data / "moves.csv") if r["id"] != gone])
        write_rows(data / "sources.csv", [r for r in read_rows(data / "sources.csv") if r["move_id"] != gone])

    fast, _ = await _twins(tmp_path, edit)
    assert fast.removed == [gone] and fast.read < 50


async def test_a_changed_source_alone_changes_its_move(tmp_path):
    rows = read_rows(DATA_DIR / "sources.csv")
    fast, _ = await _twins(tmp_path, _edit("sources.csv", lambda rows: _row(rows, 300, title="A better title")))
    assert fast.changed == [rows[300]["move_id"]] and fast.read < 50


async def test_a_new_move_at_the_end_and_a_quoted_line_break(tmp_path):
    def edit(data: Path) -> None:
        write_rows(data / "moves.csv", [*read_rows(data / "moves.csv"), move_row(
            "ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026-02", notes="Two\nlines, quoted")])
        write_rows(data / "sources.csv", [*read_rows(data / "sources.csv"),
                                          source_row("ada-example-meta-2026", "https://example.com/ada")])

    fast, _ = await _twins(tmp_path, edit)
    assert fast.added == ["ada-example-meta-2026"] and fast.read < 50


async def test_rows_moved_around_change_nothing(tmp_path):
    def edit(data: Path) -> None:
        rows = read_rows(data / "moves.csv")
        write_rows(data / "moves.csv", rows[120:] + rows[:120])

    fast, _ = await _twins(tmp_path, edit)
    assert fast.total_changes == 0


async def test_a_source_moved_away_from_its_move_s_others(tmp_path):
    def edit(data: Path) -> None:
        rows = read_rows(data / "sources.csv")
        write_rows(data / "sources.csv", [*rows[:10], *rows[11:], rows[10]])

    await _twins(tmp_path, edit)


# -- what another path changed since the last load --------------------------------------------------------------

async def test_a_move_a_moderator_edited_is_put_back_by_a_later_load(tmp_path):
    target = next(r["id"] for r in read_rows(DATA_DIR / "moves.csv")[40:] if r["to_org"])

    async def moderate(store: Store) -> None:
        found = await store.move(target)
        move = Move.model_validate({
            "id": found.id, "person": found.person, "date": found.date, "status": found.status,
            "from": {"org": found.from_org, "team": found.from_team, "role": found.from_role},
            "to": {"org": found.to_org, "team": found.to_team, "role": found.to_role},
            "notes": "edited on Discord", "sources": [{"url": s.url} for s in found.sources]})
        await store.edit_move(move, actor="moderator")

    fast, _ = await _twins(tmp_path, _edit("moves.csv", lambda rows: _row(rows, 200, notes="Elsewhere.")),
                           before=moderate)
    assert target in fast.changed


async def test_a_move_a_moderator_withdrew_stays_withdrawn(tmp_path):
    target = read_rows(DATA_DIR / "moves.csv")[60]["id"]

    async def withdraw(store: Store) -> None:
        await store.retract_move(target, actor="moderator", reason="wrong")

    fast, _ = await _twins(tmp_path, _edit("moves.csv", lambda rows: _row(rows, 61, notes="Next door.")),
                           before=withdraw)
    assert target not in fast.changed + fast.restored


# -- the small files ---------------------------------------------------------------------------------------------

async def test_an_alias_in_people_csv_renames_the_moves_of_that_spelling(tmp_path):
    moves = read_rows(DATA_DIR / "moves.csv")
    person = moves[90]["person"]

    def edit(data: Path) -> None:
        people = [p for p in read_rows(data / "people.csv") if p["name"] != person]
        write_rows(data / "people.csv", [*people, {"name": "Someone Renamed", "aliases": person}])

    fast, _ = await _twins(tmp_path, edit)
    assert moves[90]["id"] in fast.changed


@pytest.mark.parametrize("name", ["orgs.csv", "teams.csv", "roles.csv"])
async def test_a_change_to_a_small_file_is_loaded(tmp_path, name):
    def edit(data: Path) -> None:
        rows = read_rows(data / name)
        if name == "roles.csv":
            rows = rows[1:]
        else:
            rows[0] = {**rows[0], "aliases": "A New Spelling Of It"}
        write_rows(data / name, rows)

    fast, _ = await _twins(tmp_path, edit)
    if name == "roles.csv":
        assert fast.roles == len(read_rows(DATA_DIR / "roles.csv")) - 1


# -- errors: the whole dataset refused, the same errors ----------------------------------------------------------

async def test_a_removed_move_whose_sources_stay_is_refused(tmp_path):
    gone = read_rows(DATA_DIR / "moves.csv")[100]["id"]
    fast, _ = await _twins(tmp_path, _edit("moves.csv", lambda rows: [r for r in rows if r["id"] != gone]))
    assert any("sources.csv" in e and gone in e for e in fast)


async def test_a_move_that_lost_its_sources_is_refused(tmp_path):
    target = read_rows(DATA_DIR / "moves.csv")[30]["id"]
    fast, _ = await _twins(tmp_path, _edit("sources.csv", lambda rows: [r for r in rows if r["move_id"] != target]))
    assert any("has no source" in e and target in e for e in fast)


async def test_an_id_used_again_far_away_is_refused(tmp_path):
    fast, _ = await _twins(tmp_path, _edit("moves.csv", lambda rows: _row(rows, 200, id=rows[3]["id"])))
    assert any("is already used" in e for e in fast)


async def test_the_same_move_under_another_id_is_refused(tmp_path):
    rows = read_rows(DATA_DIR / "moves.csv")
    copy = {**rows[5], "id": "another-id-for-the-same-move"}

    def edit(data: Path) -> None:
        write_rows(data / "moves.csv", [*read_rows(data / "moves.csv"), copy])
        write_rows(data / "sources.csv", [*read_rows(data / "sources.csv"),
                                          source_row(copy["id"], "https://example.com/same")])

    fast, _ = await _twins(tmp_path, edit)
    assert any("duplicates the move" in e for e in fast)


async def test_an_org_that_now_makes_an_unchanged_row_a_typo_is_refused(tmp_path):
    """moves.csv is the same; orgs.csv's new org makes one of its rows a likely typo: refused, as a full read says."""
    org = read_rows(DATA_DIR / "moves.csv")[20]["to_org"]
    fast, _ = await _twins(tmp_path, _edit("orgs.csv", lambda rows: [
        {**r, "name": org + "x"} if r["name"] == org else r for r in rows]))
    assert any(e.startswith("moves.csv") and "looks like a typo" in e for e in fast)


async def test_a_cut_inside_a_quoted_cell_reads_the_whole_file(tmp_path):
    """An opening quote left unclosed: every later line is one cell; the reader's error, as a full read gives it."""
    rows = read_rows(DATA_DIR / "moves.csv")

    def edit(data: Path) -> None:
        text = (data / "moves.csv").read_text(encoding="utf-8")
        (data / "moves.csv").write_text(text.replace(f"\n{rows[100]['id']},", f'\n"{rows[100]["id"]},', 1),
                                        encoding="utf-8")

    fast, _ = await _twins(tmp_path, edit)
    assert isinstance(fast, list) and fast


async def test_a_plan_made_before_another_load_is_not_used(tmp_path):
    """Planned, then another process loads (its chunks are not those planned over): everything is read again."""
    from bot.dataset import DatasetReader
    from bot.dataset_reload import plan

    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    other = Path(shutil.copytree(DATA_DIR, tmp_path / "other"))
    _edit("moves.csv", lambda rows: _row(rows, 150, notes="Planned."))(data)
    _edit("moves.csv", lambda rows: rows[::-1])(other)
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await load_dataset(store, DATA_DIR)
        state, token = await store.reload_state()
        reload = plan(data, state, token)
        assert reload is not None and sum(map(len, reload.rows.values())) < 100
        await load_dataset(store, other)  # (rows reversed: new chunks, no event)
        report = await store.apply_dataset(DatasetReader(data, given=reload.given(), names=reload.names),
                                           reload=reload)
    assert report.changed == [read_rows(DATA_DIR / "moves.csv")[150]["id"]]
    assert report.read == len(read_rows(DATA_DIR / "moves.csv"))


async def test_a_record_made_under_another_schema_is_not_used(tmp_path):
    """A migration may rewrite moves: the chunks recorded before it are not trusted; everything is read."""
    import json

    data = Path(shutil.copytree(DATA_DIR, tmp_path / "data"))
    _edit("moves.csv", lambda rows: _row(rows, 150, notes="After a migration."))(data)
    async with await Store.open(tmp_path / "db.sqlite") as store:
        await load_dataset(store, DATA_DIR)
        info = json.loads(await store.get_meta("dataset_chunks"))
        await store.set_meta("dataset_chunks", json.dumps({**info, "schema": info["schema"] - 1}))
        report = await load_dataset(store, data)
    assert report.changed == [read_rows(DATA_DIR / "moves.csv")[150]["id"]]
    assert report.read == len(read_rows(DATA_DIR / "moves.csv"))
