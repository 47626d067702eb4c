"""The charts at the mid size (100k moves): each chart built from the store and drawn to PNG, against the store
queries alone (the same chart's data, not drawn), timed in the same run."""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.common import Figure, Scale, label, percentile


async def charts(scale: Scale, db: Path, data: Path) -> list[Figure]:
    from bench.queries import dataset_names
    from bot.answers import Engine
    from bot.charts import flows_data, render_png, timeline_data, war_data
    from bot.store import Store

    _, orgs, teams = dataset_names(data)
    rng = random.Random(11)
    count = max(50, scale.asks * 2 // 3)  # 200 at 100k: p99 is the 198th, not the single slowest
    requests = {  # (org, team, since, top)
        "flows": [(rng.choice(orgs), None, rng.choice([None, "2019", "2023-06"]), None) for _ in range(count)],
        "timeline": [(org, team if rng.random() < 0.3 else None, rng.choice([None, "2020"]), None)
                     for org, team in (rng.choice(teams) for _ in range(count))],
        "war": [(None, None, rng.choice([None, *map(str, range(2015, 2027))]), rng.choice([5, 8, 12]))
                for _ in range(count)],
    }
    builders = {"flows": lambda e, a: flows_data(e, *a[:3]), "timeline": lambda e, a: timeline_data(e, *a[:3]),
                "war": lambda e, a: war_data(e, a[2], a[3])}
    store = await Store.open(db)
    figures: list[Figure] = []
    try:
        engine = await Engine.create(store)
        for kind, args in requests.items():  # untimed: matplotlib's first import and font cache, SQLite's pages
            for a in args[:3]:
                render_png(await builders[kind](engine, a))
        for kind, args in requests.items():
            queries, drawn, sizes, empty = [], [], [], 0
            for a in args:
                started = time.perf_counter()
                await builders[kind](engine, a)
                queries.append(time.perf_counter() - started)
                started = time.perf_counter()
                chart = await builders[kind](engine, a)
                # An empty chart is a sentence in the product; a matrix of zeros is still drawn here, as the
                # synthetic moves (uniform over 2,000 orgs) seldom join two of the top ones.
                empty += chart.empty
                png = render_png(chart) if kind == "war" or not chart.empty else b""
                drawn.append(time.perf_counter() - started)
                sizes.append(len(png))
            name = f"chart_{kind}_{label(scale.mid)}"
            p99 = percentile(drawn, 99)
            figures += [
                Figure(f"{name}_p50", percentile(drawn, 50) * 1000, "ms", percentile(queries, 50) * 1000, None, None,
                       note="store queries + drawing to PNG; reference: the store queries alone"),
                Figure(f"{name}_p99", p99 * 1000, "ms", percentile(queries, 99) * 1000, "p99 < 300 ms", p99 < 0.3,
                       note=f"{len(args)} charts ({empty} with no move), largest PNG {max(sizes) // 1024} KB"),
            ]
    finally:
        await store.close()
    return figures
