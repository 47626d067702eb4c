"""Why the database cannot be used, one sentence each: what the CLI prints and the bot logs, instead of a traceback.

Every write of the store is one transaction, so when any of these is raised the database is as it was.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

UNCHANGED = "The database was not changed."


class StoreError(Exception):
    """The database cannot do what was asked; `str()` is one sentence for the person running the command."""


class DatabaseUnavailable(StoreError):
    """The file cannot be opened or written (a folder, no permission, an I/O error)."""


class DatabaseLocked(StoreError):
    """Another process kept the database locked past the timeout."""


class DatabaseDamaged(StoreError):
    """The file is not a SQLite database, or SQLite found it damaged."""


class DatabaseNewer(StoreError):
    """The database was written by a newer movesbot, whose schema this one does not know."""


class DiskFull(StoreError):
    """No room left on the disk (or the file system) holding the database."""


class TooManyRemovals(StoreError):
    """A load would withdraw more than `REMOVAL_SHARE` of the record: a truncated file is more likely than that."""

    def __init__(self, removed: int, live: int):
        self.removed, self.live = removed, live
        super().__init__(f"this load would withdraw {removed} of the {live} moves that came from the dataset (more "
                         f"than {REMOVAL_SHARE:.0%}): is a file cut short? If it is meant, load again with "
                         f"--allow-removals. {UNCHANGED}")


REMOVAL_SHARE = 0.5


def shown(target: Path | str) -> str:
    """A database as messages and logs name it: a file's path, or a URL without its password."""
    text = str(target)
    if not text.startswith(("postgresql://", "postgres://")):
        return text
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        netloc = f"{parts.username}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "the PostgreSQL URL given"


def describe(exc: BaseException, path: Path | str, *, timeout: float | None = None) -> StoreError | None:
    """The `StoreError` an SQLite, PostgreSQL or OS error stands for, worded for `path` (a file or a URL); None when
    it is none of the known faults (a bug: let it show as one)."""
    if isinstance(exc, StoreError):
        return exc
    if str(path).startswith(("postgresql://", "postgres://")):
        from bot.store.pg_errors import describe_pg
        return describe_pg(exc, str(path), timeout=timeout)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        base = code & 0xFF if isinstance(code, int) else None
        text = str(exc).lower()
        if base in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
            wait = f" (MOVESBOT_DB_TIMEOUT sets how long to wait for it: {timeout:g} s)" if timeout is not None else ""
            return DatabaseLocked(f"{path} is locked by another process (a load, `movesbot add` or the bot): try "
                                  f"again when it has finished{wait}. {UNCHANGED}")
        if base == sqlite3.SQLITE_FULL or "disk is full" in text:
            return DiskFull(f"the disk holding {path} is full: free some space and try again. {UNCHANGED}")
        if base in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "not a database" in text or "malformed" in text:
            return DatabaseDamaged(f"{path} is damaged or is not a movesbot database (SQLite: {exc}): restore it "
                                   "from a backup, or move it away to start a new one.")
        if base == sqlite3.SQLITE_CANTOPEN:
            return DatabaseUnavailable(f"cannot open the database {path} (SQLite: {exc}): check the path and its "
                                       "permissions.")
        if base in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH):
            return DatabaseUnavailable(f"cannot read or write the database {path} (SQLite: {exc}). {UNCHANGED}")
        return None
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DiskFull(f"the disk holding {path} is full: free some space and try again. {UNCHANGED}")
        return DatabaseUnavailable(f"cannot use the database {path}: {exc.strerror or exc}.")
    return None


def store_problem(exc: BaseException, path: Path | str) -> str:
    """One sentence for any failure met while using the database (a `StoreError`'s, or the exception's own)."""
    found = describe(exc, path)
    return str(found) if found is not None else f"{type(exc).__name__}: {exc}"


def damaged(path: Path | str, report: str) -> DatabaseDamaged:
    """`report` is what quick_check said; its first problem is quoted."""
    lines = [line.strip() for line in report.splitlines() if line.strip() and not line.startswith("***")]
    return DatabaseDamaged(f"{path} is damaged (PRAGMA quick_check: {(lines or [report])[0]}): restore it from a "
                           "backup, or move it away to start a new one. Nothing was written to it.")


def newer(path: Path | str, found: int, known: int) -> DatabaseNewer:
    return DatabaseNewer(f"{path} was written by a newer movesbot (schema version {found}; this one knows up to "
                         f"{known}): upgrade movesbot to use it. Nothing was written to it.")
