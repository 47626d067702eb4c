"""`movesbot export`: the whole record written in the dataset's own format (`data/*.csv`), so that moves recorded
outside `data/` (`movesbot add`, `/move add`) can be committed with it. Loading an export into the database it
came from changes nothing.

Each file is written next to its final name and renamed over it once complete: an interrupted export (a full
disk, a kill) leaves the folder's earlier files whole, never half-written ones.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from bot.dataset import COLUMNS
from bot.store import Store


class ExportError(Exception):
    """The export cannot be written; `str()` is one sentence."""


def _folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is not a folder.")
    if not folder.parent.is_dir():
        raise ExportError(f"the folder {folder.parent} does not exist: create it first, or choose another place.")
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc.strerror or exc}.") from None


async def export_dataset(store: Store, folder: Path) -> dict[str, int]:
    """Write every dataset file of the record into `folder` (created if its parent exists); rows per file."""
    _folder(folder)
    counts: dict[str, int] = {}
    for name, columns in COLUMNS.items():
        final, partial = folder / name, folder / f".{name}.partial"
        try:
            with partial.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, lineterminator="\n")
                writer.writerow(columns)
                counts[name] = 0
                async for rows in store.dataset_rows(name):
                    writer.writerows(["" if v is None else v for v in row] for row in rows)
                    counts[name] += len(rows)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, final)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise ExportError(f"cannot write {final}: {exc.strerror or exc}. The files already there are "
                              "unchanged.") from None
    return counts
