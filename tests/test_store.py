"""The SQLite store: schema and pragmas, incremental loads with an event log, and indexed queries."""

from __future__ import annotations

import pytest

from bot.answers import Engine
from bot.dataset import DatasetInvalid, DatasetReader
from bot.models import Move
from bot.store import Store
from bot.store import sqlite as store_module
from tests.conftest import DATA_DIR, move_row, read_rows, source_row, write_rows
from tests.store_helpers import full_scans_of_moves, index_definitions, plan, temporary_tables


async def _load(store: Store, folder):
    return await store.apply_dataset(DatasetReader(folder))


async def _events(store: Store):
    return [(m, k, o, n) for _, m, k, o, n in await store.events_since(0)]


async def _ids(store: Store) -> set[str]:
    moves, _ = await store.moves(limit=10_000)
    return {m.id for m in moves}


# -- schema ------------------------------------------------------------------------------------------------------

async def test_pragmas_wal_and_foreign_keys(tmp_path):
    async with await Store.open(tmp_path / "wal.db") as store:
        assert (await store._db.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
        assert (await store._db.execute_fetchall("PRAGMA foreign_keys"))[0][0] == 1


async def test_migrations_are_recorded_once(tmp_path):
    path = tmp_path / "m.db"
    files = [(version, name) for version, name, _ in store_module.migrations()]
    assert files[0] == (1, "0001_initial.sql")
    async with await Store.open(path) as store:
        assert await store.schema_version() == files[-1][0]
        rows = await store._db.execute_fetchall("SELECT version, name FROM schema_migrations ORDER BY version")
        assert rows == files
    async with await Store.open(path) as store:  # reopening applies nothing twice
        assert await store._db.execute_fetchall("SELECT count(*) FROM schema_migrations") == [(len(files),)]
        tables = {r[0] for r in await store._db.execute_fetchall("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"moves", "sources", "people", "orgs", "teams", "roles", "move_events", "meta"} <= tables


async def test_a_failing_migration_raises_and_releases_the_connection(tmp_path, monkeypatch):
    """A broken migration must fail loudly, leave earlier ones applied, and not leak the connection's thread
    (a leaked aiosqlite thread keeps the process from exiting)."""
    import sqlite3
    import threading

    good = store_module.migrations()
    monkeypatch.setattr(store_module, "migrations", lambda: [*good, (999, "0999_bad.sql", "CREATE TABLE (;")])
    threads = set(threading.enumerate())
    with pytest.raises(sqlite3.OperationalError):
        await Store.open(tmp_path / "bad.db")
    started = [t for t in threading.enumerate() if t not in threads]
    for thread in started:  # a closed connection's worker ends promptly; a leaked one never does
        thread.join(timeout=5)
    assert not [t for t in started if t.is_alive()]
    monkeypatch.undo()
    async with await Store.open(tmp_path / "bad.db") as store:
        assert await store.schema_version() == good[-1][0]


async def test_foreign_keys_are_enforced(empty_store):
    import sqlite3

    import asyncpg

    with pytest.raises((sqlite3.IntegrityError, asyncpg.ForeignKeyViolationError)):
        await empty_store._db.execute(
            "INSERT INTO sources (move_id, position, url) VALUES ('no-such-move', 0, 'https://example.com')")


# -- loading -----------------------------------------------------------------------------------------------------

async def test_first_load_into_empty_db_is_history_not_news(empty_store, make_dataset):
    assert not await empty_store.is_loaded()
    report = await _load(empty_store, make_dataset())
    assert report.first_load
    assert sorted(report.added) == ["ada-example-anthropic-2024", "ruoming-pang-meta-2025", "tom-gunter-meta-2025"]
    assert report.changed == [] and report.removed == [] and report.roles == 1
    events = await _events(empty_store)
    assert sorted(events) == sorted((m, "added", "dataset", False) for m in report.added)
    assert await empty_store.is_loaded()


async def test_default_dataset_first_load_logs_no_news(store):
    events = await _events(store)
    assert len(events) == (await store.info())["moves"] > 150
    assert not any(news for *_, news in events)


async def test_second_load_changes_nothing(store):
    before = await store.events_since(0)
    report = await _load(store, DATA_DIR)
    assert report.total_changes == 0 and not report.first_load
    assert await store.events_since(0) == before


async def test_reordering_rows_changes_nothing(empty_store, data_copy):
    """The id is written in the dataset: moving rows around never makes a move look new."""
    await _load(empty_store, data_copy)
    for name in ("moves.csv", "sources.csv", "people.csv"):
        rows = read_rows(data_copy / name)
        if name == "sources.csv":  # sources keep their order within a move (best first)
            by_move: dict[str, list] = {}
            for row in rows:
                by_move.setdefault(row["move_id"], []).append(row)
            rows = [r for mid in reversed(list(by_move)) for r in by_move[mid]]
        else:
            rows.reverse()
        write_rows(data_copy / name, rows)
    report = await _load(empty_store, data_copy)
    assert (report.added, report.changed, report.removed) == ([], [], [])


async def test_edit_a_note_is_one_change_with_the_same_id(empty_store, data_copy):
    await _load(empty_store, data_copy)
    seq = (await empty_store.events_since(0))[-1][0]
    rows = read_rows(data_copy / "moves.csv")
    target = next(r for r in rows if r["id"] == "bowen-zhang-meta-2025")
    target["notes"] = "Edited note."
    write_rows(data_copy / "moves.csv", rows)
    report = await _load(empty_store, data_copy)
    assert (report.added, report.changed, report.removed) == ([], ["bowen-zhang-meta-2025"], [])
    assert (await empty_store.move("bowen-zhang-meta-2025")).notes == "Edited note."
    assert [(m, k, n) for _, m, k, _, n in await empty_store.events_since(seq)] == \
        [("bowen-zhang-meta-2025", "changed", True)]


async def test_editing_a_source_is_a_change(empty_store, make_dataset):
    await _load(empty_store, make_dataset())
    report = await _load(empty_store, make_dataset(lambda files: {**files, "sources.csv": [
        *files["sources.csv"], source_row("tom-gunter-meta-2025", "https://example.com/gunter-2")]}))
    assert report.changed == ["tom-gunter-meta-2025"]
    move = await empty_store.move("tom-gunter-meta-2025")
    assert [s.url for s in move.sources] == ["https://example.com/gunter", "https://example.com/gunter-2"]


async def test_removed_row_is_retracted_and_no_longer_answered(empty_store, make_dataset):
    await _load(empty_store, make_dataset())
    report = await _load(empty_store, make_dataset(lambda files: {
        **files, "moves.csv": files["moves.csv"][:2], "sources.csv": files["sources.csv"][:3]}))
    assert (report.added, report.changed, report.removed) == ([], [], ["ada-example-anthropic-2024"])
    assert "ada-example-anthropic-2024" not in await _ids(empty_store)
    assert (await empty_store.info())["moves"] == 2
    engine = await Engine.create(empty_store)
    assert (await engine.ask("who left OpenAI?")).summary == "No one is on record as having left OpenAI."
    profile = await engine.ask("Ada Example")
    assert profile.moves == []
    assert profile.summary.startswith("Ada Example: no recorded move. Latest role on record: Anthropic, researcher")
    events = await _events(empty_store)
    assert events[-1] == ("ada-example-anthropic-2024", "removed", "dataset", True)
    # and a second identical load does not remove it again
    again = await _load(empty_store, make_dataset(lambda files: {
        **files, "moves.csv": files["moves.csv"][:2], "sources.csv": files["sources.csv"][:3]}, name="again"))
    assert again.total_changes == 0


async def test_added_row_is_news(empty_store, make_dataset):
    await _load(empty_store, make_dataset())
    seq = (await empty_store.events_since(0))[-1][0]
    report = await _load(empty_store, make_dataset(lambda files: {
        **files,
        "moves.csv": [*files["moves.csv"], move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta",
                                                    "2026-01")],
        "sources.csv": [*files["sources.csv"], source_row("ada-example-meta-2026", "https://example.com/ada-2")]}))
    assert (report.added, report.changed, report.removed, report.first_load) == \
        (["ada-example-meta-2026"], [], [], False)
    assert [(m, k, o, n) for _, m, k, o, n in await empty_store.events_since(seq)] == \
        [("ada-example-meta-2026", "added", "dataset", True)]
    assert "ada-example-meta-2026" in await _ids(empty_store)


async def test_readding_a_removed_move_restores_it(empty_store, make_dataset):
    await _load(empty_store, make_dataset())
    await _load(empty_store, make_dataset(lambda files: {
        **files, "moves.csv": files["moves.csv"][1:], "sources.csv": files["sources.csv"][2:]}))
    report = await _load(empty_store, make_dataset(name="back"))
    assert report.restored == ["ruoming-pang-meta-2025"] and report.added == []  # back, but not news
    assert "ruoming-pang-meta-2025" in await _ids(empty_store)


async def test_a_moderators_retraction_holds_until_the_dataset_row_changes(empty_store, make_dataset):
    """A dataset move retracted from Discord or the CLI stays retracted when the dataset is loaded again for other
    reasons (it would otherwise come back at every change of data/); once its own row is edited, the dataset's new
    version is taken, as a restored move (withdrawn before: not news again)."""
    await _load(empty_store, make_dataset())
    await empty_store.retract_move("tom-gunter-meta-2025", actor="moderator", reason="not confirmed")

    def edit(move_id: str, note: str):
        def change(files):
            return {**files, "moves.csv": [{**row, "notes": note} if row["id"] == move_id else row
                                           for row in files["moves.csv"]]}
        return change

    report = await _load(empty_store, make_dataset(edit("ruoming-pang-meta-2025", "other note"), name="v2"))
    assert report.changed == ["ruoming-pang-meta-2025"] and report.added == []
    assert "tom-gunter-meta-2025" not in await _ids(empty_store)
    sourced = make_dataset(lambda files: {**edit("ruoming-pang-meta-2025", "other note")(files), "sources.csv": [
        *files["sources.csv"], source_row("tom-gunter-meta-2025", "https://example.com/gunter-2")]}, name="v3")
    report = await _load(empty_store, sourced)  # a new source for the retracted move: its row changed
    assert report.restored == ["tom-gunter-meta-2025"] and report.added == report.changed == []
    assert "tom-gunter-meta-2025" in await _ids(empty_store)


async def test_moves_recorded_elsewhere_survive_a_load(empty_store, make_dataset):
    """Only dataset moves can be removed by a dataset: a move recorded from Discord or the CLI stays."""
    await _load(empty_store, make_dataset())
    move = Move.model_validate({"id": "tom-gunter-anthropic-2026", "person": "Tom Gunter", "from": {"org": "Meta"},
                                "to": {"org": "Anthropic"}, "date": "2026", "status": "reported",
                                "sources": [{"url": "https://example.com/discord"}]})
    await empty_store.record_move(move, origin="discord", actor="discord:1")
    report = await _load(empty_store, make_dataset(name="again"))
    assert report.total_changes == 0
    assert "tom-gunter-anthropic-2026" in await _ids(empty_store)
    rows = await empty_store._db.execute_fetchall(
        "SELECT origin, retracted_at FROM moves WHERE id = 'tom-gunter-anthropic-2026'")
    assert rows == [("discord", None)]


async def test_failed_apply_rolls_back_everything(empty_store, make_dataset, monkeypatch):
    await _load(empty_store, make_dataset())
    before = await empty_store._db.execute_fetchall("SELECT * FROM moves ORDER BY id")
    events = await empty_store.events_since(0)

    async def boom(db, at, allow_removals):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_apply_changes", staticmethod(boom))
    changed = make_dataset(lambda files: {**files, "moves.csv": [
        {**files["moves.csv"][0], "notes": "new note"}, *files["moves.csv"][1:]]}, name="changed")
    with pytest.raises(RuntimeError):
        await _load(empty_store, changed)
    assert await empty_store._db.execute_fetchall("SELECT * FROM moves ORDER BY id") == before
    assert await empty_store.events_since(0) == events


# -- reading -----------------------------------------------------------------------------------------------------

async def test_info_counts(store):
    info = await store.info()
    assert info["moves"] == len(read_rows(DATA_DIR / "moves.csv"))
    assert info["sources"] == len(read_rows(DATA_DIR / "sources.csv"))
    assert info["people"] >= len(read_rows(DATA_DIR / "people.csv"))
    assert info["latest_move"] >= "2026" and info["loaded_at"]


async def test_moves_filters_order_and_total(store):
    entries = {(e.kind, e.name): e.id for e in await store.name_entries()}
    apple, meta = entries["org", "Apple"], entries["org", "Meta"]
    first, total = await store.moves(from_org_id=apple, to_org_id=meta, limit=3)
    rest, total2 = await store.moves(from_org_id=apple, to_org_id=meta, limit=50, offset=3)
    everything, total3 = await store.moves(from_org_id=apple, to_org_id=meta, limit=100)
    assert total == total2 == total3 == len(everything) > 10
    assert [m.id for m in first + rest] == [m.id for m in everything]
    assert [m.date for m in everything] == sorted(m.date for m in everything)
    assert all(m.from_org == "Apple" and m.to_org == "Meta" and m.sources for m in everything)
    newest, _ = await store.moves(newest_first=True, limit=5)
    assert [m.date for m in newest] == sorted((m.date for m in newest), reverse=True)
    in_2025, _ = await store.moves(from_org_id=apple, date_from="2025", date_before="2026", limit=100)
    assert in_2025 and all(m.date.startswith("2025") for m in in_2025)


async def test_team_filter_and_sources_in_order(store):
    team = next(e.id for e in await store.name_entries() if e.kind == "team" and e.name == "Foundation Models")
    moves, _ = await store.moves(from_team_id=team, limit=100)
    assert {"Ruoming Pang", "Tom Gunter", "Mark Lee", "Bowen Zhang"} <= {m.person for m in moves}
    pang = next(m for m in moves if m.id == "ruoming-pang-meta-2025")
    expected = [r["url"] for r in read_rows(DATA_DIR / "sources.csv") if r["move_id"] == "ruoming-pang-meta-2025"]
    assert [s.url for s in pang.sources] == expected


async def test_org_flows_counts_both_ways(empty_store, make_dataset):
    await _load(empty_store, make_dataset())
    ids = {e.name: e.id for e in await empty_store.name_entries() if e.kind == "org"}
    flows = await empty_store.org_flows(ids["Meta"])
    assert [(f.counterpart, f.joined, f.left, f.net) for f in flows] == [("Apple", 2, 0, 2)]
    flows = await empty_store.org_flows(ids["Apple"])
    assert [(f.counterpart, f.joined, f.left, f.net) for f in flows] == [("Meta", 0, 2, -2)]
    assert await empty_store.org_flows(ids["Apple"], date_from="2026") == []


async def test_name_entries_hold_aliases(store):
    entries = await store.name_entries()
    spellings = {(e.kind, e.spelling): e for e in entries}
    assert spellings["person", "Pang Ruoming"].name == "Ruoming Pang"
    assert spellings["org", "Facebook"].name == "Meta"
    assert spellings["team", "AFM"].name == "Foundation Models" and spellings["team", "AFM"].org == "Apple"


async def test_roles_latest_first(store):
    person = next(e.id for e in await store.name_entries() if e.kind == "person" and e.name == "Zhifeng Chen")
    roles = await store.roles(person_id=person)
    assert [r.as_of for r in roles] == sorted((r.as_of for r in roles), reverse=True)
    assert roles[0].team == "Foundation Models" and roles[0].url.startswith("https://")


# -- indexes -----------------------------------------------------------------------------------------------------

async def test_main_move_queries_use_an_index(engine, monkeypatch):
    """Record the SQL the engine really runs, then check its plan: no full scan of moves."""
    db = engine.store._db
    seen: list[tuple[str, tuple]] = []
    real = db.execute_fetchall

    async def spy(sql, parameters=None):
        seen.append((sql, tuple(parameters or ())))
        return await real(sql, parameters)

    monkeypatch.setattr(db, "execute_fetchall", spy)
    for question in ("who left Apple's AFM team?", "who left Apple since 2025?", "where did Bowen Zhang go?",
                     "who joined Meta from OpenAI in 2025?", "OpenAI to Meta", "recent moves", "Meta",
                     "who joined Apple?"):
        answer = await engine.ask(question)
        assert answer.total, question
    assert (await engine.joined("Meta", "Superintelligence Labs")).total  # the to_team index
    monkeypatch.undo()
    queries = [(sql, params) for sql, params in seen if "FROM moves" in sql]
    assert len(queries) >= 8
    # Counting every live move (the total of "recent moves") has to visit every row: the one scan allowed.
    unfiltered = [sql for sql, params in queries if sql.strip().endswith("WHERE m.retracted_at IS NULL")]
    assert all(sql.startswith("SELECT count(*)") for sql in unfiltered)
    for sql, params in queries:
        if sql in unfiltered:
            continue
        steps = await plan(engine.store, sql, params)
        assert not full_scans_of_moves(engine.store, steps), (sql, steps)
        assert any("moves" in step or " m " in f"{step} " for step in steps), steps


async def test_first_load_builds_every_index_of_the_schema(empty_store, make_dataset):
    """The first load writes the moves before their indexes (in the same transaction): they all exist after it."""
    expected = await index_definitions(empty_store)
    await _load(empty_store, make_dataset())
    assert await index_definitions(empty_store) == expected
    assert any(name == "moves_live_date" for name, _ in expected)
    if empty_store.backend == "sqlite":
        assert (await empty_store._db.execute_fetchall("PRAGMA ignore_check_constraints"))[0][0] == 0


async def test_name_entry_rows_are_the_name_entries(store):
    rows = [row async for batch in store.name_entry_rows(batch=50) for row in batch]
    assert [tuple(r) for r in rows] == [(e.kind, e.id, e.name, e.spelling, e.org) for e in await store.name_entries()]


async def test_recent_moves_read_the_live_index(store):
    """Every live move newest first, and how many: from the partial index, not a sort or a scan of the table."""
    for sql in ("SELECT m.id FROM moves m WHERE m.retracted_at IS NULL ORDER BY m.date DESC, m.id DESC LIMIT 10",
                "SELECT count(*) FROM moves m WHERE m.retracted_at IS NULL"):
        steps = " ".join(await plan(store, sql))
        assert "moves_live_date" in steps and "TEMP B-TREE" not in steps and "Sort" not in steps, steps


async def test_a_bad_row_after_many_good_ones_leaves_the_database_as_it_was(empty_store, make_dataset):
    """Rows are written as they are read; an error further down rolls all of them back."""
    await _load(empty_store, make_dataset())
    before = await empty_store._db.execute_fetchall("SELECT * FROM moves ORDER BY id")
    bad = make_dataset(lambda files: {**files, "moves.csv": [
        {**files["moves.csv"][0], "notes": "changed"}, *files["moves.csv"][1:],
        move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026-13")],
        "sources.csv": [*files["sources.csv"], source_row("ada-example-meta-2026", "https://example.com/n")]},
        name="bad")
    with pytest.raises(DatasetInvalid):
        await _load(empty_store, bad)
    assert await empty_store._db.execute_fetchall("SELECT * FROM moves ORDER BY id") == before
    assert not await temporary_tables(empty_store)


async def test_a_bad_first_load_leaves_an_empty_database_with_its_indexes(empty_store, make_dataset):
    indexes = await index_definitions(empty_store)
    with pytest.raises(DatasetInvalid):
        await _load(empty_store, make_dataset(lambda files: {**files, "moves.csv": [
            *files["moves.csv"], move_row("x-y-2026", "X Y", "Apple", "Meta", "not a date")]}))
    assert await empty_store._db.execute_fetchall("SELECT count(*) FROM moves") == [(0,)]
    assert await index_definitions(empty_store) == indexes


async def test_unchanged_files_are_not_read_again(empty_store, make_dataset, monkeypatch):
    """A restart over the same files skips the load (a million rows would take a while to say nothing)."""
    from bot import service

    folder = make_dataset()
    assert (await service.load_dataset(empty_store, folder)).first_load
    monkeypatch.setattr(service, "DatasetReader", None)  # reading now would fail
    report = await service.load_dataset(empty_store, folder)
    assert report.unchanged and report.total_changes == 0
    monkeypatch.undo()
    rows = read_rows(folder / "moves.csv")
    rows[0]["notes"] = "edited"
    write_rows(folder / "moves.csv", rows)
    report = await service.load_dataset(empty_store, folder)
    assert report.changed == ["ruoming-pang-meta-2025"] and not report.unchanged
    assert (await service.load_dataset(empty_store, folder, force=True)).total_changes == 0


async def test_a_first_load_leaves_the_database_in_wal_mode(tmp_path, make_dataset):
    """The first load may write through a rollback journal; the database is in WAL mode again after it, and a
    load with another connection open (the switch is refused then) works the same."""
    import sqlite3

    async with await Store.open(tmp_path / "alone.db") as alone:
        await _load(alone, make_dataset())
        assert (await alone._db.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
    async with await Store.open(tmp_path / "shared.db") as shared:
        other = sqlite3.connect(tmp_path / "shared.db")
        try:
            other.execute("SELECT count(*) FROM moves").fetchall()
            await _load(shared, make_dataset())
            assert (await shared._db.execute_fetchall("PRAGMA journal_mode"))[0][0] == "wal"
            assert other.execute("SELECT count(*) FROM moves").fetchone()[0] == 3
        finally:
            other.close()


async def test_names_of_an_org_and_a_team(store):
    ids = {(e.kind, e.name): e.id for e in await store.name_entries()}
    assert set(await store.names_of("team", ids["team", "Foundation Models"])) == {
        "Foundation Models", "AFM", "Apple Foundation Models", "Foundation Models team"}
    assert {"Meta", "Facebook"} <= set(await store.names_of("org", ids["org", "Meta"]))
    with pytest.raises(ValueError):
        await store.names_of("person", ids["person", "Ruoming Pang"])


async def test_org_totals_count_live_moves_by_side_and_period(store):
    """The talent war's table: arrivals and departures per org, a retracted move no longer counted."""
    totals = {f.counterpart: (f.joined, f.left) for f in await store.org_totals()}
    moves, _ = await store.moves(limit=10_000)
    assert totals["Meta"] == (sum(m.to_org == "Meta" for m in moves), sum(m.from_org == "Meta" for m in moves))
    in_2025 = {f.counterpart: f.joined for f in await store.org_totals(date_from="2025", date_before="2026")}
    assert in_2025["Meta"] == sum(m.to_org == "Meta" and m.date.startswith("2025") for m in moves)
    await store.retract_move("ruoming-pang-meta-2025", actor="moderator", reason="test")
    after = {f.counterpart: (f.joined, f.left) for f in await store.org_totals()}
    assert after["Meta"] == (totals["Meta"][0] - 1, totals["Meta"][1])
    assert after["Apple"] == (totals["Apple"][0], totals["Apple"][1] - 1)


async def test_one_process_leads_a_job_on_sqlite_too(tmp_path):
    """The dataset watcher and the feed poller run in one process at a time: a lock file beside the database,
    which the kernel lets go when its holder closes or dies."""
    first, second = await Store.open(tmp_path / "lead.db"), await Store.open(tmp_path / "lead.db")
    try:
        assert await first.try_lead("feeds") and await first.try_lead("feeds")
        assert not await second.try_lead("feeds")
        assert await second.try_lead("dataset-watch")
        await first.close()
        assert await second.try_lead("feeds")
    finally:
        await second.close()
