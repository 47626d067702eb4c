"""The load benchmarks: `movesbot load` of the big dataset into a fresh database against the floor (bench/floor.py:
the sqlite3 tool building the same tables and indexes with SQL alone), and a one-row change reloaded over a loaded
database (only what changed is read) against the full reload of the same change (`load --force`)."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from contextlib import asynccontextmanager
from pathlib import Path

from bench.common import OUT, Figure, Scale, label, run_child
from bench.floor import empty_database, floor_script


def bench_load(scale: Scale, dataset, movesbot_load, sqlite_import, remove_db, loaded_stamp) -> list[Figure]:
    """`movesbot load` of the big dataset into a fresh database, against the floor, run before and after it (the
    faster of the two); the bare `.import` of the two big files as an extra figure."""
    data = dataset(scale.big)
    db, bare = OUT / f"db-{label(scale.big)}.sqlite", OUT / "tmp" / "import.sqlite"
    template, floor_db = OUT / "tmp" / "template.sqlite", OUT / "tmp" / "floor.sqlite"
    bare.parent.mkdir(parents=True, exist_ok=True)
    remove_db(template)
    asyncio.run(_migrated(template))
    script = floor_script(data.resolve(), template)
    floors = []
    for _ in range(2):
        empty_database(floor_db, template)
        floors.append(run_child(["sqlite3", str(floor_db)], stdin=script, cwd=OUT))
        if _ == 0:
            remove_db(db)
            ours = movesbot_load(data, db)
    imported = sqlite_import(data, bare)
    failed = [r for r in (ours, *floors, imported) if r.returncode != 0]
    if failed:
        raise RuntimeError("load failed:\n" + "\n".join(r.output[-2000:] for r in failed))
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM moves").fetchone()[0]
    floor_rows = sqlite3.connect(floor_db).execute("SELECT count(*) FROM moves").fetchone()[0]
    loaded_stamp(db)
    floor = min(floors, key=lambda r: r.seconds)
    name = f"load_{label(scale.big)}"
    return [
        Figure(name, ours.seconds, "s", floor.seconds, "ratio <= 1.5 (the sqlite3 tool, SQL alone)",
               ours.seconds <= 1.5 * floor.seconds,
               note=f"{rows} moves, validated, indexes included; the floor: {floor_rows} moves, same tables"),
        Figure(f"{name}_peak_rss", ours.peak_rss_mb, "MB", floor.peak_rss_mb, "ratio <= 1.2",
               ours.peak_rss_mb <= 1.2 * floor.peak_rss_mb, note="the load process against the floor's"),
        Figure(f"{name}_vs_bare_import", ours.seconds, "s", imported.seconds, None, None,
               note="reference: sqlite3 .import of moves.csv and sources.csv into bare tables (informational)"),
    ]


async def _migrated(path: Path) -> None:
    from bot.store import Store

    store = await Store.open(path)
    await store.close()


# -- one row changed ------------------------------------------------------------------------------------------------

def bench_reload(scale: Scale, dataset, loaded_db, movesbot_load) -> list[Figure]:
    """A note changed in the middle row of moves.csv, reloaded over the loaded database, at the mid and big sizes:
    in-process, as the bot's dataset watcher does (its database checked when it started), against `load --force`
    of the same change; the write lock's hold (BEGIN to COMMIT) of each; and `movesbot load` as a command (a new
    process, which checks a big database whole first)."""
    figures = []
    for moves in (scale.mid, scale.big):
        data, changed = _one_row_changed(dataset(moves), OUT / "tmp" / f"data-one-row-{label(moves)}")
        name = f"reload_one_row_{label(moves)}"
        fast = asyncio.run(_timed_reload(_copy(loaded_db(moves), "reload-fast.sqlite"), data, force=False))
        full = asyncio.run(_timed_reload(_copy(loaded_db(moves), "reload-full.sqlite"), data, force=True))
        command = movesbot_load(data, _copy(loaded_db(moves), "reload-cli.sqlite"))
        ok = fast[2] == full[2] == [changed]
        figures += [
            Figure(name, fast[0], "s", full[0], "<= 3 s", fast[0] <= 3.0,
                   note=f"reference: load --force of the same change; {fast[3]} of {moves} rows read"
                        + ("" if ok else f" (reported {fast[2]} / {full[2]}!)")),
            Figure(f"{name}_write_lock", fast[1], "s", full[1], "<= 1 s", fast[1] <= 1.0,
                   note="BEGIN IMMEDIATE to COMMIT; reference: the same for load --force"),
            Figure(f"{name}_command", command.seconds, "s", full[0], None, None,
                   note="movesbot load in a new process (quick_check of the whole database included)"),
        ]
    return figures


def _one_row_changed(data: Path, copy: Path) -> tuple[Path, str]:
    """A copy of `data` with the note of its middle row changed; and that row's id."""
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(data, copy)
    path = copy / "moves.csv"
    lines = path.read_bytes().split(b"\n")
    middle = len(lines) // 2
    cells = lines[middle].split(b",")
    lines[middle] = b",".join([*cells[:-1], b"a note changed by the benchmark"])
    path.write_bytes(b"\n".join(lines))
    return copy, cells[0].decode()


def _copy(db: Path, name: str) -> Path:
    target = OUT / "tmp" / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(db, target)
    return target


async def _timed_reload(db: Path, data: Path, *, force: bool) -> tuple[float, float, list[str], int]:
    """(seconds, write lock seconds, changed ids, rows read) of one load of `data` into `db`, in this process."""
    from bot.service import load_dataset
    from bot.store import Store

    store = await Store.open(db)
    await store.quick_check()  # (the bot checks a big database once, when it starts)
    real, held = store._transaction, []

    @asynccontextmanager
    async def timed(**kwargs):
        async with real(**kwargs) as conn:
            started = time.perf_counter()
            yield conn
        held.append(time.perf_counter() - started)  # (COMMIT included: it runs as the block exits)

    store._transaction = timed
    try:
        started = time.perf_counter()
        report = await load_dataset(store, data, force=force)
        seconds = time.perf_counter() - started
    finally:
        await store.close()
    return seconds, sum(held), report.changed, report.read
