"""How long `movesbot migrate-db` takes to move a SQLite record to PostgreSQL, against the other way there measured
in the same run: `movesbot load` of the same dataset straight into a new PostgreSQL database.

    python -m bench.migrate_bench [--moves 100000] [--admin-url postgresql://postgres@127.0.0.1:55432/postgres]

Needs a PostgreSQL server whose `--admin-url` user may create databases (each run makes two, dropped after). Both
figures are whole commands (interpreter start included), so the ratio is what a person running them sees.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bench.common import OUT, ROOT, Figure, label, run_child
from bench.run import copy_db, dataset, loaded_db

ADMIN_URL = os.environ.get("MOVESBOT_BENCH_PG", "postgresql://postgres@127.0.0.1:55432/postgres")


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _database_url(admin_url: str, name: str) -> str:
    return urlunsplit(urlsplit(admin_url)._replace(path=f"/{name}"))


def measure(moves: int | None, admin_url: str) -> Figure:
    """migrate-db of a loaded SQLite database (default dataset when `moves` is None) vs a load into PostgreSQL."""
    data = ROOT / "data" if moves is None else dataset(moves)
    source = copy_db(loaded_db(moves) if moves is not None else _default_db(), "migrate-source.sqlite")
    size = "default dataset" if moves is None else f"{label(moves)} moves"
    names = ("bench_migrate_copy", "bench_migrate_load")
    for name in names:
        asyncio.run(_admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        asyncio.run(_admin(admin_url, f"CREATE DATABASE {name}"))
    try:
        copy = run_child([sys.executable, "-m", "bot", "migrate-db", "--from", str(source), "--to",
                          _database_url(admin_url, names[0])], cwd=OUT)
        load = run_child([sys.executable, "-m", "bot", "load", "--data", str(data), "--db",
                          _database_url(admin_url, names[1])], cwd=OUT)
    finally:
        for name in names:
            asyncio.run(_admin(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    for what, run in (("migrate-db", copy), ("load", load)):
        if run.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{run.output[-2000:]}")
    return Figure(f"migrate-db, {size}", copy.seconds, "s", reference=load.seconds,
                  note=f"reference: movesbot load into PostgreSQL; peak RSS {copy.peak_rss_mb:.0f} MB")


def _default_db() -> Path:
    """The default dataset loaded into a SQLite file (made each run: it is small)."""
    db = OUT / "tmp" / "default.sqlite"
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        db.with_name(db.name + suffix).unlink(missing_ok=True)
    run = run_child([sys.executable, "-m", "bot", "load", "--data", str(ROOT / "data"), "--db", str(db)], cwd=OUT)
    if run.returncode != 0:
        raise RuntimeError(f"movesbot load failed:\n{run.output[-2000:]}")
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=100_000, help="moves of the synthetic dataset")
    parser.add_argument("--admin-url", default=ADMIN_URL, help="a PostgreSQL URL whose user may create databases")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for moves in (None, args.moves):
        figure = measure(moves, args.admin_url)
        print(f"{figure.name}: {figure.value:.2f} s; {figure.note} {figure.reference:.2f} s "
              f"(ratio {figure.ratio:.2f})", flush=True)


if __name__ == "__main__":
    main()
