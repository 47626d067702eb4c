"""Wiring shared by the CLI, the console and the bot: open the store, load the dataset, build the engine."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.answers import Engine
from bot.dataset import DatasetReader
from bot.records import LoadReport
from bot.store import Store


async def load_dataset(store: Store, data_dir: Path, progress: Callable[[int], None] | None = None, *,
                       force: bool = False) -> LoadReport:
    """Validate `data_dir` and apply it in one transaction (`DatasetInvalid`, and nothing written, on any error).

    Skipped when the files are byte for byte those of the last load (unless `force`): a bot restarting over a
    big dataset does not read a million rows again to find nothing changed.
    """
    digest = await asyncio.to_thread(dataset_digest, data_dir)  # (a big dataset's bytes: off the event loop)
    if not force and digest and await store.get_meta("dataset_digest") == digest:
        return LoadReport(added=[], changed=[], removed=[], first_load=False, unchanged=True)
    reader = DatasetReader(data_dir, progress)
    return await store.apply_dataset(reader, meta={"dataset_digest": digest} if digest else None)


def dataset_digest(data_dir: Path) -> str | None:
    """A digest of every CSV file of `data_dir` (names and bytes) and of this movesbot's version, whose checks
    and normalization made the database from them; None when there is no such folder."""
    path = Path(data_dir)
    if not path.is_dir():
        return None
    try:
        digest = hashlib.sha256(version("movesbot").encode())
    except PackageNotFoundError:
        digest = hashlib.sha256(b"movesbot")
    for file in sorted(path.glob("*.csv")):
        with file.open("rb") as fh:
            digest.update(f"\0{file.name}\0".encode() + hashlib.file_digest(fh, "sha256").digest())
    return digest.hexdigest()


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
