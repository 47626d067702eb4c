"""How the tests' `pg_url` fixture should make its fresh database: PostgreSQL 15's two CREATE DATABASE strategies
(FILE_COPY: checkpoint then copy the files; WAL_LOG, the default: copy block by block through the WAL), from
template0 or from an empty template of our own, with the server's folder in RAM (/dev/shm) or on disk (the temp
folder), each against the default (WAL_LOG from template0, on disk) measured in the same run.

    python -m bench.pg_create_db [--rounds 20]

Each round, each way in turn: create a database, fill it a little as a test would (a table, 2,000 rows over TCP),
drop it. Prints each server's start time (initdb included), then the median create and drop times.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import asyncpg

from tests.pg_server import PgServer, temp_base

WAYS = [("WAL_LOG", "template0"), ("FILE_COPY", "template0"), ("WAL_LOG", "movesbot_empty"),
        ("FILE_COPY", "movesbot_empty")]


async def _fill(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CREATE TABLE t (id int PRIMARY KEY, name text)")
        await conn.executemany("INSERT INTO t VALUES ($1, $2)", [(i, f"name {i}") for i in range(2000)])
    finally:
        await conn.close()


async def _measure(server: PgServer, rounds: int) -> dict[tuple[str, str], tuple[list[float], list[float]]]:
    times: dict[tuple[str, str], tuple[list[float], list[float]]] = {way: ([], []) for way in WAYS}
    async with server.admin() as admin:
        await admin.execute("CREATE DATABASE movesbot_empty TEMPLATE template0 IS_TEMPLATE true")
        for n in range(rounds):
            for strategy, template in WAYS:
                name = f"bench_{n}_{strategy}_{template}".lower()
                began = time.perf_counter()
                await admin.execute(f"CREATE DATABASE {name} OWNER movesbot TEMPLATE {template} STRATEGY {strategy}")
                created = time.perf_counter()
                await _fill(server.url(name))
                dropping = time.perf_counter()
                await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
                times[strategy, template][0].append(created - began)
                times[strategy, template][1].append(time.perf_counter() - dropping)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    disk = Path(tempfile.gettempdir())
    results = {}
    for base in dict.fromkeys([disk, temp_base()]):
        server = PgServer(base=base).start()
        try:
            print(f"server in {base}: started in {server.start_seconds * 1000:.0f} ms (initdb included)", flush=True)
            results[base] = asyncio.run(_measure(server, args.rounds))
        finally:
            server.stop()
    reference = statistics.median(results[disk][WAYS[0]][0])
    print(f"{'folder':<10} {'strategy':<10} {'template':<15} {'create ms':>10} {'ratio':>6} {'drop ms':>8}")
    for base, times in results.items():
        for (strategy, template), (creates, drops) in times.items():
            create = statistics.median(creates)
            print(f"{base!s:<10} {strategy:<10} {template:<15} {create * 1000:>10.1f} {create / reference:>6.2f} "
                  f"{statistics.median(drops) * 1000:>8.1f}")


if __name__ == "__main__":
    main()
