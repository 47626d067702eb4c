"""`make bench` (and `make bench-quick`, the same at a tenth of the sizes): movesbot's speed and memory, each figure
next to a reference measured in the same run on the same machine (these machines are noisy).

    python -m bench.run [--quick] [--only load,lookup,...]

Prints a table and writes the same figures to bench/results.json (bench/results-quick.json for --quick): a list
of {name, value, unit, reference, ratio, goal, met}. Datasets and databases go under bench/out/ (git-ignored) and
are reused while their generator inputs stay the same.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import (
    FULL,
    OUT,
    QUICK,
    ROOT,
    Figure,
    Scale,
    ask_figures,
    label,
    machine,
    percentile,
    run_child,
    time_asks,
)
from bench.generate import generate
from bench.queries import question_mix

STEPS = ("load", "reload", "incremental", "lookup", "answer", "charts", "roundtrip", "fanout", "fanout_sharded",
         "memory", "news", "feeds", "pg_load", "pg_answer")


# -- datasets and databases ---------------------------------------------------------------------------------------

def dataset(moves: int) -> Path:
    """The synthetic dataset of `moves` moves (made once; the generator is deterministic)."""
    folder = OUT / f"data-{label(moves)}"
    stamp = folder / ".complete"
    want = f"moves={moves} seed=7 generator={_generator_digest()}"
    if stamp.is_file() and stamp.read_text() == want:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    generate(moves, folder)
    stamp.write_text(want)
    print(f"  generated {folder.relative_to(ROOT)} in {time.perf_counter() - started:.1f} s", flush=True)
    return folder


def _generator_digest() -> str:
    import hashlib

    return hashlib.sha256((ROOT / "bench" / "generate.py").read_bytes()).hexdigest()[:12]


def loaded_db(moves: int) -> Path:
    """A database with the dataset of `moves` moves loaded by `movesbot load` (made once per dataset)."""
    data = dataset(moves)
    db = OUT / f"db-{label(moves)}.sqlite"
    stamp = db.with_suffix(".loaded")
    want = (data / ".complete").read_text() + " schema=" + _schema_digest()
    if db.is_file() and stamp.is_file() and stamp.read_text() == want:
        return db
    _remove_db(db)
    run = movesbot_load(data, db)
    if run.returncode != 0:
        raise RuntimeError(f"movesbot load failed:\n{run.output[-2000:]}")
    stamp.write_text(want)
    print(f"  loaded {db.relative_to(ROOT)} in {run.seconds:.1f} s", flush=True)
    return db


def _schema_digest() -> str:
    import hashlib

    folder = ROOT / "bot" / "store" / "migrations"
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(folder.glob("*.sql")))).hexdigest()[:12]


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def copy_db(db: Path, name: str) -> Path:
    target = OUT / "tmp" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_db(target)
    shutil.copyfile(db, target)
    return target


def movesbot_load(data: Path, db: Path):
    return run_child([sys.executable, "-m", "bot", "load", "--data", str(data), "--db", str(db)], cwd=OUT)


def sqlite_import(data: Path, db: Path):
    """The sqlite3 command-line tool importing the same two CSV files into bare tables (the load's floor is
    bench/floor.py: the same tables as movesbot's, built with SQL)."""
    _remove_db(db)
    script = (f".mode csv\n.import '{data / 'moves.csv'}' moves\n.import '{data / 'sources.csv'}' sources\n")
    return run_child(["sqlite3", str(db)], stdin=script, cwd=OUT)


# -- load: bench/load_bench.py --------------------------------------------------------------------------------------

def bench_load(scale: Scale) -> list[Figure]:
    from bench.load_bench import bench_load as run

    return run(scale, dataset, movesbot_load, sqlite_import, _remove_db, _stamp_loaded)


def bench_reload(scale: Scale) -> list[Figure]:
    from bench.load_bench import bench_reload as run

    return run(scale, dataset, loaded_db, movesbot_load)


def _stamp_loaded(db: Path) -> None:
    """`db` holds the big dataset as `movesbot load` made it (`loaded_db` takes it as it is)."""
    data = OUT / f"data-{db.stem.removeprefix('db-')}"
    db.with_suffix(".loaded").write_text((data / ".complete").read_text() + " schema=" + _schema_digest())


# -- incremental --------------------------------------------------------------------------------------------------

def bench_incremental(scale: Scale) -> list[Figure]:
    """One move recorded (with its alerts queued) in a loaded database, as `movesbot add` and `/move add` do."""
    return asyncio.run(_incremental(scale))


async def _incremental(scale: Scale) -> list[Figure]:
    from bench.queries import dataset_names
    from bot.models import Move
    from bot.store import Store

    db = copy_db(loaded_db(scale.mid), "incremental.sqlite")
    people, orgs, _ = dataset_names(dataset(scale.mid))
    rng = random.Random(5)
    store = await Store.open(db)
    ours, floor = [], []
    try:
        entries = {(e.kind, e.name): e.id for e in await store.name_entries() if e.kind == "org"}
        for i in range(20):  # channels waiting for alerts: the queueing is part of the figure
            target = rng.choice(orgs)
            await store.add_subscription(guild_id=1, channel_id=1000 + i, target_kind="org" if i % 2 else "all",
                                         target_id=entries["org", target] if i % 2 else None,
                                         target_name=target if i % 2 else "everything")
        for i in range(60):
            src, dst = rng.sample(orgs, 2)
            move = Move.model_validate({
                "id": f"bench-{i:04d}", "person": rng.choice(people), "from": {"org": src}, "to": {"org": dst},
                "date": f"2026-0{1 + i % 9}", "status": "reported",
                "sources": [{"url": f"https://bench.example.com/{i}"}]})
            started = time.perf_counter()
            await store.record_move(move, origin="cli", actor="bench")
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            async with store._transaction() as conn:  # the floor: one write transaction of one row
                await conn.execute("INSERT INTO meta VALUES ('bench', ?) ON CONFLICT (key) DO UPDATE"
                                   " SET value = excluded.value", (str(i),))
            floor.append(time.perf_counter() - started)
        queued = (await store._db.execute_fetchall("SELECT count(*) FROM outbox"))[0][0]
    finally:
        await store.close()
    name = f"record_move_{label(scale.mid)}"
    figures = [
        Figure(f"{name}_p50", percentile(ours, 50) * 1000, "ms", percentile(floor, 50) * 1000, None, None,
               note="reference: one single-row write transaction"),
        Figure(f"{name}_p99", percentile(ours, 99) * 1000, "ms", percentile(floor, 99) * 1000, "p99 < 100 ms",
               percentile(ours, 99) < 0.1, note=f"{queued} alerts queued"),
    ]
    figures.append(_reload_one_more(scale))
    return figures


def _reload_one_more(scale: Scale) -> Figure:
    """`movesbot load` of the mid dataset with one more move, over the loaded database (informational: the whole
    dataset is validated again)."""
    data = dataset(scale.mid)
    copy = OUT / "tmp" / "data-plus-one"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(data, copy)
    with (copy / "moves.csv").open("a", encoding="utf-8") as fh:
        fh.write("bench-plus-one,Grace Cox,Apple,,,Meta,,,2026-02,announced,reported,\n")
    with (copy / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("bench-plus-one,https://bench.example.com/plus-one,One more,,,en,\n")
    db = copy_db(loaded_db(scale.mid), "plus-one.sqlite")
    ours = movesbot_load(copy, db)
    reference = sqlite_import(data, OUT / "tmp" / "import-mid.sqlite")
    added = "1 added" in ours.output
    return Figure(f"reload_plus_one_{label(scale.mid)}", ours.seconds, "s", reference.seconds, None, None,
                  note="informational" + ("" if added else " (the move was not added!)"))


# -- lookup and autocomplete: bench/lookup_bench.py ---------------------------------------------------------------

def bench_lookup(scale: Scale) -> list[Figure]:
    from bench.lookup_bench import lookup

    return lookup(scale)


# -- answers -------------------------------------------------------------------------------------------------------

def bench_answer(scale: Scale) -> list[Figure]:
    return asyncio.run(_answer(scale))


async def _answer(scale: Scale) -> list[Figure]:
    """`ask` for a fixed mix of questions at the mid size, in-process; and the plan of every statement it ran."""
    from bot.answers import Engine
    from bot.store import Store

    db = copy_db(loaded_db(scale.mid), "answer.sqlite")
    questions = question_mix(dataset(scale.mid), scale.asks)
    store = await Store.open(db)
    try:
        engine = await Engine.create(store)
        ids = [r[0] for r in await store._db.execute_fetchall("SELECT id FROM moves ORDER BY random() LIMIT 200")]
        seen: list[tuple[str, tuple]] = []
        real = store._db.execute_fetchall

        async def spy(sql, parameters=None):
            seen.append((sql, tuple(parameters or ())))
            return await real(sql, parameters)

        store._db.execute_fetchall = spy  # a first pass warms up, and records every statement for its plan
        try:
            for q in questions:
                await engine.ask(q)
        finally:
            store._db.execute_fetchall = real
        times, floor = await time_asks(engine, store, questions, ids)
        unindexed = []
        for sql, params in {s: p for s, p in seen}.items():
            plan = [row[3] for row in await real(f"EXPLAIN QUERY PLAN {sql}", params)]
            # (a subquery's rows, "CO-ROUTINE flows" then "SCAN flows", are no table's)
            subqueries = {step.split()[-1] for step in plan if step.startswith(("CO-ROUTINE ", "MATERIALIZE "))}
            scans = [step for step in plan if step.startswith("SCAN ") and "USING" not in step
                     and not step.startswith(("SCAN CONSTANT", "SCAN (subquery")) and step.split()[1] not in subqueries]
            if scans:
                unindexed.append((sql.strip().splitlines()[0][:80], scans))
    finally:
        await store.close()
    for sql, scans in unindexed:
        print(f"  unindexed: {sql} -> {scans}", flush=True)
    return ask_figures(f"ask_{label(scale.mid)}", times, floor, unindexed, str(len({s for s, _ in seen})))


# -- charts: bench/charts_bench.py -----------------------------------------------------------------------------------

def bench_charts(scale: Scale) -> list[Figure]:
    from bench.charts_bench import charts

    return asyncio.run(charts(scale, copy_db(loaded_db(scale.mid), "charts.sqlite"), dataset(scale.mid)))


# -- the Discord side (round trip, fan-out, memory): bench/discord_bench.py -----------------------------------------

def bench_roundtrip(scale: Scale) -> list[Figure]:
    from bench.discord_bench import roundtrip

    return asyncio.run(roundtrip(scale, copy_db(loaded_db(scale.mid), "roundtrip.sqlite"), dataset(scale.mid)))


def bench_fanout(scale: Scale) -> list[Figure]:
    from bench.discord_bench import fanout

    return asyncio.run(fanout(scale, copy_db(loaded_db(scale.small), "fanout.sqlite"), dataset(scale.small)))


def bench_fanout_sharded(scale: Scale) -> list[Figure]:
    from bench.fanout_sharded import fanout_sharded

    return fanout_sharded(scale, dataset(scale.small))


def bench_memory(scale: Scale) -> list[Figure]:
    from bench.discord_bench import memory

    empty = OUT / "tmp" / "empty.sqlite"
    _remove_db(empty)
    return asyncio.run(memory(scale, copy_db(loaded_db(scale.big), "memory.sqlite"), empty))


def bench_news(scale: Scale) -> list[Figure]:
    from bench.news import bench_news as run

    return run(scale, loaded_db(scale.mid))


def bench_feeds(scale: Scale) -> list[Figure]:
    from bench.feeds_bench import feeds

    return asyncio.run(feeds(scale))


# -- the PostgreSQL store: bench/pg_bench.py --------------------------------------------------------------------------

def bench_pg_load(scale: Scale) -> list[Figure]:
    from bench.pg_bench import bench_pg_load as run

    return run(scale, dataset(scale.big))


def bench_pg_answer(scale: Scale) -> list[Figure]:
    from bench.pg_bench import bench_pg_answer as run

    return run(scale, dataset(scale.mid), question_mix(dataset(scale.mid), scale.asks))


# -- the run -------------------------------------------------------------------------------------------------------

BENCHES: dict[str, Callable[[Scale], list[Figure]]] = {
    "load": bench_load, "reload": bench_reload, "incremental": bench_incremental, "lookup": bench_lookup,
    "answer": bench_answer, "charts": bench_charts, "roundtrip": bench_roundtrip, "fanout": bench_fanout,
    "fanout_sharded": bench_fanout_sharded, "memory": bench_memory,
    "news": bench_news,
    "feeds": bench_feeds,
    "pg_load": bench_pg_load, "pg_answer": bench_pg_answer,
}


def table(figures: list[Figure]) -> str:
    """The figures as a Markdown table (README and the issue note)."""
    lines = ["| figure | value | reference | ratio | goal | met |", "|---|---:|---:|---:|---|---|"]
    for f in figures:
        ratio = f.ratio
        met = {True: "yes", False: "**no**", None: ""}[f.met]
        lines.append(f"| {f.name} | {_fmt(f.value, f.unit)} | {_fmt(f.reference, f.unit)} | "
                     f"{'' if ratio is None else f'{ratio:.2f}'} | {f.goal or ''} | {met} |")
    return "\n".join(lines)


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "share":
        return f"{value:.1%}"
    if unit == "count":
        return f"{value:.0f}"
    if unit == "articles/s":
        return f"{value:.0f} {unit}"
    return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes (under two minutes)")
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated, from: {', '.join(STEPS)}")
    args = parser.parse_args()
    scale = QUICK if args.quick else FULL
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in steps if s not in BENCHES]
    if unknown:
        parser.error(f"unknown step(s): {', '.join(unknown)}")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "tmp").mkdir(exist_ok=True)
    info = machine()
    print(f"movesbot bench ({scale.name}) on {info['cpu']}, {info['memory']}, Python {info['python']}, "
          f"SQLite {info['sqlite (python)']}", flush=True)
    started = time.perf_counter()
    figures: list[Figure] = []
    for step in steps:
        step_started = time.perf_counter()
        print(f"[{step}]", flush=True)
        found = BENCHES[step](scale)
        for f in found:
            print(f"  {f.name}: {_fmt(f.value, f.unit)} (reference {_fmt(f.reference, f.unit)})"
                  f"{'' if f.goal is None else f'  goal {f.goal}: ' + ('met' if f.met else 'NOT MET')}"
                  f"{'  - ' + f.note if f.note else ''}", flush=True)
        print(f"  ({time.perf_counter() - step_started:.0f} s)", flush=True)
        figures.extend(found)
    results = ROOT / "bench" / ("results-quick.json" if args.quick else "results.json")
    if set(steps) == set(STEPS):
        results.write_text(json.dumps([f.as_json() for f in figures], indent=2) + "\n")
        (OUT / f"machine-{scale.name}.json").write_text(json.dumps(info, indent=2) + "\n")
    else:
        results = OUT / f"results-{scale.name}-partial.json"
        results.write_text(json.dumps([f.as_json() for f in figures], indent=2) + "\n")
    print()
    print(table(figures))
    print(f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s; written to "
          f"{results.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    main()
