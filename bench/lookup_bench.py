"""The lookup and autocomplete benchmark (`python -m bench.run --only lookup`): misspelled names against a plain
rapidfuzz full scan over the same names."""

from __future__ import annotations

import random
import time

from bench.common import Figure, Scale, label, percentile
from bench.generate import person_names
from bench.queries import misspell


def lookup(scale: Scale) -> list[Figure]:
    """Person lookup and autocomplete over `scale.people` people, with misspelled names: each answer against a
    plain rapidfuzz full scan (WRatio) over the same names."""
    from rapidfuzz import fuzz, process

    from bench.reference import FullScanIndex
    from bot.records import NameEntry
    from bot.search import SUGGEST, NameIndex
    from bot.text import fold

    rng = random.Random(11)
    names = person_names(scale.people, rng)
    entries = [NameEntry("person", i + 1, n, n) for i, n in enumerate(names)]
    for i, n in enumerate(names[: len(names) // 10]):  # other spellings, as people.csv has them
        first, _, last = n.rpartition(" ")
        entries.append(NameEntry("person", i + 1, n, f"{last} {first}"))
    started = time.perf_counter()
    index = NameIndex(entries)
    build = time.perf_counter() - started
    reference_index = FullScanIndex(entries)
    keys = [fold(e.spelling) for e in entries]
    queries = [misspell(rng.choice(names), rng) for _ in range(scale.queries)]

    # Ours, then the references, each in a pass of its own: a full scan reads all the names, and timed in turns it
    # would charge the next lookup for reloading the CPU caches, which a bot answering questions never does. A few
    # other names first, untimed, as a bot has answered some before (numpy sets up each function at its first call).
    warm = random.Random(12)
    for q in (misspell(warm.choice(names), warm) for _ in range(5)):
        index.lookup(q, ["person"])
        index.complete(q[:4], ["person"])
    ours, hits = [], []
    for q in queries:
        started = time.perf_counter()
        hits.append(index.lookup(q, ["person"]))
        ours.append(time.perf_counter() - started)
    scans, agree, decided = [], 0, 0
    for q, hit in zip(queries, hits, strict=True):
        started = time.perf_counter()
        top = process.extract(fold(q), keys, scorer=fuzz.WRatio, processor=None, limit=20)
        scans.append(time.perf_counter() - started)
        mine = hit.best or (hit.candidates[0] if hit.candidates else None)
        if not top or top[0][1] < SUGGEST:
            same = mine is None
        else:
            if top[-1][1] == top[0][1]:  # a tie wider than the first 20: all of it
                top = process.extract(fold(q), keys, scorer=fuzz.WRatio, processor=None, limit=None,
                                      score_cutoff=top[0][1])
            tied = {entries[i].id for _, score, i in top if score == top[0][1]}
            # an exact hit (any word order) wins by design, with 100; the full scan then ranks it first too
            same = mine is not None and mine.id in tied and (mine.exact or mine.score == top[0][1])
        agree += same
        if not same:
            print(f"  differs from the full scan: {q!r} -> {mine and (mine.name, round(mine.score, 2))}, full scan "
                  f"{[(entries[i].name, round(score, 2)) for _, score, i in top[:3]]}", flush=True)
        decided += (hit.best is None) == (reference_index.lookup(q, ["person"]).best is None)

    prefixes = [q[: rng.randint(3, max(3, len(q)))] for q in queries]
    completions, completed = [], []
    for prefix in prefixes:
        started = time.perf_counter()
        completed.append(index.complete(prefix, ["person"]))
        completions.append(time.perf_counter() - started)
    reference_completions, same_first = [], 0
    for prefix, mine in zip(prefixes, completed, strict=True):
        started = time.perf_counter()
        theirs = reference_index.complete(prefix, ["person"])
        reference_completions.append(time.perf_counter() - started)
        first, their_first = (mine[0] if mine else None), (theirs[0] if theirs else None)
        # the same entity, or (fuzzy fill-ups) the same score: the old index broke ties among its first 100 hits
        same = (first and first.key) == (their_first and their_first.key) or (
            first is not None and their_first is not None and not first.exact and first.score == their_first.score)
        same_first += same
        if not same:
            print(f"  autocomplete differs: {prefix!r} -> {first and (first.name, round(first.score, 2))}, full-scan "
                  f"index {their_first and (their_first.name, round(their_first.score, 2))}", flush=True)

    n = label(scale.people)
    count = len(queries)
    return [
        Figure(f"lookup_{n}_p50", percentile(ours, 50) * 1000, "ms", percentile(scans, 50) * 1000, None, None,
               note="reference: rapidfuzz process.extract, WRatio, over every name"),
        Figure(f"lookup_{n}_p99", percentile(ours, 99) * 1000, "ms", percentile(scans, 99) * 1000, "p99 < 5 ms",
               percentile(ours, 99) < 0.005),
        Figure(f"lookup_{n}_same_top_answer", agree / count, "share", 1.0, "every query", agree == count,
               note=f"{agree}/{count} misspelled names; sure-or-ask as the full-scan index on {decided}/{count}"),
        Figure(f"autocomplete_{n}_p50", percentile(completions, 50) * 1000, "ms",
               percentile(reference_completions, 50) * 1000, None, None, note="reference: the full-scan index"),
        Figure(f"autocomplete_{n}_p99", percentile(completions, 99) * 1000, "ms",
               percentile(reference_completions, 99) * 1000, "p99 < 5 ms", percentile(completions, 99) < 0.005),
        Figure(f"autocomplete_{n}_same_first_choice", same_first / count, "share", 1.0, None, None,
               note=f"{same_first}/{count} prefixes of misspelled names"),
        Figure(f"name_index_{n}_build", build, "s", None, None, None, note=f"{len(index)} spellings"),
    ]
