"""Wiring shared by the CLI, the console and the bot: open the store, load the dataset, build the engine."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bot.answers import Engine
from bot.datafiles import csv_files, open_regular
from bot.dataset import DatasetReader
from bot.dataset_reload import plan
from bot.records import LoadReport
from bot.store import Store


async def load_dataset(store: Store, data_dir: Path, progress: Callable[[int], None] | None = None, *,
                       force: bool = False, allow_removals: bool = False) -> LoadReport:
    """Validate `data_dir` and apply it in one transaction (`DatasetInvalid`, and nothing written, on any error).

    Skipped when the files are byte for byte those of the last load (unless `force`): a bot restarting over a
    big dataset does not read a million rows again to find nothing changed. Otherwise only what changed since the
    last load is read, when the record says what that was (bot.dataset_reload; `force` reads everything). The
    database's own check (a big one is not checked at open), the files' digest and that plan run side by side.
    """
    failed = None
    try:
        state, token = (None, None) if force else await store.reload_state()
    except Exception as exc:  # (a damaged database: its check below says so)
        state, token, failed = None, None, exc
    steps = [asyncio.to_thread(dataset_digest, data_dir),  # (a big dataset's bytes: off the event loop)
             asyncio.to_thread(plan, data_dir, state, token) if state is not None else asyncio.sleep(0)]
    if not store.checked:  # a database too big to check at open: never report a damaged one "unchanged"
        steps.append(store.quick_check())
    digest, reload, *checked = await asyncio.gather(*steps, return_exceptions=True)
    for outcome in (*checked, failed, digest, reload):
        if isinstance(outcome, BaseException):
            raise outcome
    notices = tuple(csv_files(data_dir)[1])
    if not force and digest and await store.get_meta("dataset_digest") == digest:
        return LoadReport(added=[], changed=[], removed=[], first_load=False, unchanged=True, notices=notices)
    reader = (DatasetReader(data_dir, progress) if reload is None
              else DatasetReader(data_dir, progress, given=reload.given(), names=reload.names))
    report = await store.apply_dataset(reader, meta={"dataset_digest": digest} if digest else None,
                                       allow_removals=allow_removals, reload=reload)
    return replace(report, notices=notices)


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
    for file in csv_files(path)[0]:  # regular files only: a FIFO would block, a folder cannot be read
        try:
            with open_regular(file, "rb") as fh:
                digest.update(f"\0{file.name}\0".encode() + hashlib.file_digest(fh, "sha256").digest())
        except OSError:  # gone or replaced since listed: no digest, so the reader reads and reports it
            return None
    return digest.hexdigest()


def data_fingerprint(data_dir: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Names, sizes and modification times of the dataset files: cheap change detection for the watcher."""
    out = []
    try:
        entries = [e for e in os.scandir(data_dir) if e.name.endswith(".csv")]
    except OSError:
        return ()
    for entry in entries:  # anything may be there (a dangling link, a FIFO): its stat or its absence counts
        try:
            st = os.stat(entry.path)
            out.append((entry.name, st.st_mode, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((entry.name, 0, -1, -1))
    return tuple(sorted(out))


async def open_engine(db: Path, data_dir: Path, *, timeout: float = 10.0) -> Engine:
    """An engine over `db`, loading `data_dir` first if this database has never been loaded (`timeout`: seconds to
    wait for a database another process holds)."""
    store = await Store.open(db, timeout=timeout)
    try:
        if not await store.is_loaded():
            await load_dataset(store, data_dir)
        return await Engine.create(store)
    except BaseException:
        await store.close()
        raise
