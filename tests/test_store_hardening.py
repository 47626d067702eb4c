"""A truncated dataset is not taken at its word (big removals need `allow_removals`), and a move that comes back
after being withdrawn is not news."""

from __future__ import annotations

import pytest

from bot.dataset import COLUMNS, DatasetReader
from bot.store.errors import TooManyRemovals
from tests.conftest import DATA_DIR, read_rows, write_dataset

MOVES = len(read_rows(DATA_DIR / "moves.csv"))  # the default dataset's moves


def header_only(folder, base=DATA_DIR):
    """The default dataset with moves.csv and sources.csv cut to their header rows."""
    import shutil

    shutil.copytree(base, folder)
    for name in ("moves.csv", "sources.csv"):
        write_dataset(folder, {name: ",".join(COLUMNS[name]) + "\n"})
    return folder


async def _counts(store) -> tuple[int, int, int]:
    rows = await store._db.execute_fetchall(
        "SELECT (SELECT count(*) FROM moves WHERE retracted_at IS NULL), (SELECT count(*) FROM move_events),"
        " (SELECT count(*) FROM outbox)")
    return tuple(rows[0])


async def subscribe_everything(store) -> None:
    await store.add_subscription(guild_id=1, channel_id=2, target_kind="all", target_id=None,
                                 target_name="everything")


async def test_a_truncated_dataset_is_refused_and_changes_nothing(store, tmp_path):
    before = await _counts(store)
    with pytest.raises(TooManyRemovals) as info:
        await store.apply_dataset(DatasetReader(header_only(tmp_path / "cut")))
    assert f"{MOVES} of the {MOVES}" in str(info.value) and "--allow-removals" in str(info.value)
    assert await _counts(store) == before


async def test_big_removals_pass_when_allowed(store, tmp_path):
    report = await store.apply_dataset(DatasetReader(header_only(tmp_path / "cut")), allow_removals=True)
    assert len(report.removed) == MOVES
    assert (await store.info())["moves"] == 0


async def test_removing_half_or_less_needs_no_flag(empty_store, make_dataset):
    await empty_store.apply_dataset(DatasetReader(make_dataset()))
    report = await empty_store.apply_dataset(DatasetReader(make_dataset(lambda files: {
        **files, "moves.csv": files["moves.csv"][:2], "sources.csv": files["sources.csv"][:3]}, name="v2")))
    assert report.removed == ["ada-example-anthropic-2024"]


async def test_moves_put_back_after_a_truncation_are_not_alerted_again(store, tmp_path):
    await subscribe_everything(store)
    await store.apply_dataset(DatasetReader(header_only(tmp_path / "cut")), allow_removals=True)
    report = await store.apply_dataset(DatasetReader(DATA_DIR))
    assert report.added == [] and len(report.restored) == MOVES
    assert (await store.info())["moves"] == MOVES
    assert await store.due_deliveries() == []
    assert (await _counts(store))[2] == 0


async def test_a_restored_move_is_not_news_but_a_new_one_is(empty_store, make_dataset):
    from tests.conftest import move_row, source_row

    await empty_store.apply_dataset(DatasetReader(make_dataset()))
    await subscribe_everything(empty_store)
    await empty_store.apply_dataset(DatasetReader(make_dataset(lambda files: {
        **files, "moves.csv": files["moves.csv"][1:], "sources.csv": files["sources.csv"][2:]}, name="v2")))
    report = await empty_store.apply_dataset(DatasetReader(make_dataset(lambda files: {
        **files, "moves.csv": [*files["moves.csv"], move_row("ada-example-meta-2026", "Ada Example", "Anthropic",
                                                              "Meta", "2026")],
        "sources.csv": [*files["sources.csv"], source_row("ada-example-meta-2026", "https://example.com/a")]},
        name="v3")))
    assert report.restored == ["ruoming-pang-meta-2025"] and report.added == ["ada-example-meta-2026"]
    assert [d.move_id for d in await empty_store.due_deliveries()] == ["ada-example-meta-2026"]


async def test_a_damaged_database_too_big_to_check_at_open_is_caught_by_a_load(db_path, monkeypatch):
    import sqlite3

    from bot.service import load_dataset
    from bot.store import Store
    from bot.store import sqlite as store_module
    from bot.store.errors import DatabaseDamaged

    with sqlite3.connect(db_path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = bytearray(db_path.read_bytes())
    for n in range(30, len(raw) // 4096 - 1, 3):  # data pages, past the schema
        raw[n * 4096 + 100:n * 4096 + 400] = bytes(300)
    db_path.write_bytes(bytes(raw))
    monkeypatch.setattr(store_module, "QUICK_CHECK_MAX_BYTES", 0)
    store = await Store.open(db_path)
    try:
        assert not store.checked
        with pytest.raises(DatabaseDamaged):
            await load_dataset(store, DATA_DIR)
    finally:
        await store.close()
