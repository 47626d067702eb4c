"""Time each lookup and completion of `make bench`'s lookup step, query by query, to find the slow tail.

    python -m bench.profile_lookup [--people 100000] [--runs 3] [--against path/to/search] [--slowest 20]

Builds the same index and queries as `bench.run.bench_lookup`; with `--against`, also an index from another copy of
the bot/search package (say, the last commit's: `git archive HEAD bot/search | tar -x -C /tmp/then`, then
`--against /tmp/then/bot/search`) or of the single file bot/search.py it was before, timed in the same run, query by
query, and checked to answer the same.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from pathlib import Path
from types import ModuleType

from bench.common import percentile
from bench.generate import person_names
from bench.queries import misspell
from bot.records import NameEntry


def _load(path: str) -> ModuleType:
    """Another copy of the index, beside this one: a single file, or the package, imported as `bot.search` (its
    modules import each other by that name) and then put aside, the live package back in its place."""
    if not Path(path).is_dir():
        spec = importlib.util.spec_from_file_location("search_against", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        return module
    live = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[:2] == ["bot", "search"]}
    try:
        spec = importlib.util.spec_from_file_location("bot.search", Path(path) / "__init__.py",
                                                      submodule_search_locations=[path])
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        for name in [name for name in sys.modules if name.split(".")[:2] == ["bot", "search"]]:
            del sys.modules[name]
        sys.modules.update(live)


def _workload(people: int) -> tuple[list[NameEntry], list[str], list[str]]:
    """The entries, misspelled names and completion prefixes of `bench_lookup`, drawn in its order."""
    rng = random.Random(11)
    names = person_names(people, rng)
    entries = [NameEntry("person", i + 1, n, n) for i, n in enumerate(names)]
    for i, n in enumerate(names[: len(names) // 10]):
        first, _, last = n.rpartition(" ")
        entries.append(NameEntry("person", i + 1, n, f"{last} {first}"))
    queries = [misspell(rng.choice(names), rng) for _ in range(500 if people >= 100_000 else 200)]
    prefixes = [q[: rng.randint(3, max(3, len(q)))] for q in queries]
    return entries, queries, prefixes


def _times(calls: list, texts: list[str], runs: int) -> list[list[float]]:
    """For each call, each text's fastest of `runs` timings, in seconds (the tail that remains is the code's, not the
    machine's). The calls take turns on each text, so a busy moment of the machine slows them alike."""
    best = [[float("inf")] * len(texts) for _ in calls]
    for _ in range(runs):
        for i, text in enumerate(texts):
            for j, call in enumerate(calls):
                started = time.perf_counter()
                call(text)
                best[j][i] = min(best[j][i], time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against")
    parser.add_argument("--slowest", type=int, default=20)
    args = parser.parse_args()
    from bot.search import NameIndex

    entries, queries, prefixes = _workload(args.people)
    indexes = {"now": NameIndex(entries)}
    if args.against:
        indexes["against"] = _load(args.against).NameIndex(entries)
    looks = _times([lambda t, ix=ix: ix.lookup(t, ["person"]) for ix in indexes.values()], queries, args.runs)
    comps = _times([lambda t, ix=ix: ix.complete(t, ["person"]) for ix in indexes.values()], prefixes, args.runs)
    for name, look, comp in zip(indexes, looks, comps, strict=True):
        print(f"{name:8} lookup p50 {percentile(look, 50) * 1000:.2f} p99 {percentile(look, 99) * 1000:.2f} max "
              f"{max(look) * 1000:.2f} ms | complete p50 {percentile(comp, 50) * 1000:.2f} p99 "
              f"{percentile(comp, 99) * 1000:.2f} max {max(comp) * 1000:.2f} ms")
        if name == "now":
            slow = sorted(zip(look, queries, strict=True), reverse=True)[:args.slowest]
            print("  slowest lookups:", ", ".join(f"{q!r} {t * 1000:.1f}" for t, q in slow))
            slow = sorted(zip(comp, prefixes, strict=True), reverse=True)[:args.slowest]
            print("  slowest completions:", ", ".join(f"{q!r} {t * 1000:.1f}" for t, q in slow))
    if args.against:
        now, then = indexes["now"], indexes["against"]
        for q in queries:
            a, b = now.lookup(q, ["person"]), then.lookup(q, ["person"])
            if repr(a) != repr(b):
                print(f"  lookup differs: {q!r}\n    now     {a}\n    against {b}")
        for p in prefixes:
            a, b = now.complete(p, ["person"]), then.complete(p, ["person"])
            if repr(a) != repr(b):
                print(f"  complete differs: {p!r}\n    now {[m.name for m in a]}\n    against {[m.name for m in b]}")


if __name__ == "__main__":
    main()
