"""Wiring shared by the CLI, the console and the bot: open the store, load the dataset, build the engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.answers import Engine
from bot.dataset import read_dataset
from bot.records import LoadReport
from bot.store import Store


async def load_dataset(store: Store, data_dir: Path, progress: Callable[[int], None] | None = None) -> LoadReport:
    """Validate `data_dir` completely, then apply it in one transaction (raises `DatasetInvalid` first)."""
    dataset = read_dataset(data_dir, progress)
    return await store.apply_dataset(dataset, progress)


def data_fingerprint(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of the dataset files: cheap change detection for the watcher."""
    path = Path(data_dir)
    if not path.is_dir():
        return ()
    return tuple(sorted((f.name, f.stat().st_size, f.stat().st_mtime_ns) for f in path.glob("*.csv")))


async def open_engine(db: Path, data_dir: Path) -> Engine:
    """An engine over `db`, loading `data_dir` first if this database has never been loaded."""
    store = await Store.open(db)
    try:
        if not await store.is_loaded():
            await load_dataset(store, data_dir)
        return await Engine.create(store)
    except BaseException:
        await store.close()
        raise
