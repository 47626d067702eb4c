"""The files of a dataset folder: only regular files are ever opened; a folder, a FIFO or a device named `*.csv`
is skipped with a notice (opening a FIFO waits forever for a writer, and a folder cannot be read)."""

from __future__ import annotations

import fcntl
import os
import stat
from pathlib import Path
from typing import IO, Any

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))


class NotRegularFile(OSError):
    """A dataset path that is not a regular file; `str()` says what it is."""


def kind_of(mode: int) -> str | None:
    """None for a regular file, else what it is ("a folder", "a FIFO", ...)."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def skipped_notice(name: str, kind: str) -> str:
    return f"{name} is not a regular file ({kind}): skipped" if kind != "a folder" else \
        f"{name} is a folder, not a file: skipped"


def csv_files(folder: Path | str) -> tuple[list[Path], list[str]]:
    """The regular `*.csv` files of `folder`, by name, and a notice for each other entry named `*.csv` (never
    opened). No folder: nothing, and no notice (the reader says the folder is missing)."""
    files: list[Path] = []
    notices: list[str] = []
    try:
        entries = sorted((e for e in os.scandir(folder) if e.name.endswith(".csv")), key=lambda e: e.name)
    except OSError:
        return [], []
    for entry in entries:
        try:
            mode = os.stat(entry.path).st_mode  # (follows a symbolic link: what it points to is what is read)
        except OSError as exc:
            notices.append(f"{entry.name} cannot be read ({exc.strerror}): skipped")
            continue
        kind = kind_of(mode)
        if kind is None:
            files.append(Path(entry.path))
        else:
            notices.append(skipped_notice(entry.name, kind))
    return files, notices


def open_regular(path: Path | str, mode: str = "rb", **kwargs: Any) -> IO[Any]:
    """`open(path, mode)` for a regular file only (`NotRegularFile` otherwise), checked on the opened descriptor:
    opened without waiting (O_NONBLOCK), so a FIFO put there since the folder was listed cannot block."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        kind = kind_of(os.fstat(fd).st_mode)
        if kind is not None:
            raise NotRegularFile(f"{Path(path).name} is not a regular file ({kind})")
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        return open(fd, mode, **kwargs)
    except BaseException:
        os.close(fd)
        raise
