"""What every benchmark shares: sizes, figures (each with its reference), percentiles, timing child processes."""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sqlite3
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


@dataclass(frozen=True)
class Scale:
    """The sizes of one run; `make bench-quick` is `make bench` at a tenth of them."""

    name: str
    small: int         # moves: the fan-out database
    mid: int           # moves: incremental load, answers, round trips
    big: int           # moves: full load, memory
    people: int        # people in the lookup and autocomplete index
    queries: int       # misspelled names asked (each also checked against a full scan)
    asks: int          # questions asked of the engine
    interactions: int  # slash commands and autocompletes through the fake Discord
    channels: int      # subscribed channels in the fan-out
    rate: int          # messages per second the fake Discord allows on the channel-message route


FULL = Scale("full", small=1_000, mid=100_000, big=1_000_000, people=100_000, queries=500, asks=300,
             interactions=200, channels=1_000, rate=50)
QUICK = Scale("quick", small=100, mid=10_000, big=100_000, people=10_000, queries=200, asks=150,
              interactions=100, channels=100, rate=20)  # 20/s: 100 channels take 4 s at least, not 1


def label(n: int) -> str:
    """1000 -> "1k", 1000000 -> "1M"."""
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


@dataclass
class Figure:
    """One line of the results: a value, the reference measured in the same run, and the goal it is held to."""

    name: str
    value: float | None
    unit: str
    reference: float | None = None
    goal: str | None = None
    met: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference

    def as_json(self) -> dict:
        ratio = self.ratio
        return {"name": self.name, "value": _round(self.value), "unit": self.unit, "reference": _round(self.reference),
                "ratio": None if ratio is None else round(ratio, 3), "goal": self.goal, "met": self.met}


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    return round(value, 3) if abs(value) < 1000 else round(value, 1)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by the nearest-rank method: p99 of 200 values is the 198th smallest."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def run_child(cmd: Sequence[str], *, stdin: str | None = None, cwd: Path | None = None,
              env: dict[str, str] | None = None, timeout: float = 3600) -> ChildRun:
    """Run a command to its end: its wall time, its own peak RSS (from wait4), its exit code and output."""
    with tempfile.TemporaryFile("w+") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, cwd=cwd, env=env, text=True)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            if stdin is not None and proc.stdin is not None:
                proc.stdin.write(stdin)
                proc.stdin.close()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return ChildRun(seconds, usage.ru_maxrss / 1024, proc.returncode, out.read())


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
                break
    except OSError:
        pass
    sqlite_cli = "?"
    with contextlib.suppress(OSError, IndexError):
        sqlite_cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True,
                                    check=False).stdout.split()[0]

    return {"cpu": f"{cpu} x {os.cpu_count()}", "memory": memory, "os": platform.platform(),
            "python": platform.python_version(), "sqlite (python)": sqlite3.sqlite_version,
            "sqlite3 cli": sqlite_cli}


def ask_figures(name: str, times: Sequence[float], floor: Sequence[float], unindexed: Sequence[object],
                distinct: str, where: str = "") -> list[Figure]:
    """The `ask` figures of either backend: p50 and p99 against one store call, and the statements whose plan reads
    a table without an index (goal: none)."""
    return [
        Figure(f"{name}_p50", percentile(times, 50) * 1000, "ms", percentile(floor, 50) * 1000, None, None,
               note=f"{where}reference: one store call (a move and its sources)"),
        Figure(f"{name}_p99", percentile(times, 99) * 1000, "ms", percentile(floor, 99) * 1000, "p99 < 20 ms",
               percentile(times, 99) < 0.020),
        Figure(f"{name}_statements_without_index", len(unindexed), "count", None, "0", not unindexed,
               note=f"of {distinct} distinct statements"),
    ]


async def time_asks(engine: Any, store: Any, questions: Sequence[str], move_ids: Sequence[str]
                    ) -> tuple[list[float], list[float]]:
    """Seconds of each `engine.ask`, and of each single store call (a move with its sources) as the reference."""
    times, floor = [], []
    for q in questions:
        started = time.perf_counter()
        await engine.ask(q)
        times.append(time.perf_counter() - started)
    for move_id in move_ids:
        started = time.perf_counter()
        await store.move(move_id)
        floor.append(time.perf_counter() - started)
    return times, floor
