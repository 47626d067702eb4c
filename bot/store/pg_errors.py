"""PostgreSQL's failures in one sentence each, for `bot.store.errors.describe`: a wrong URL, a refused login, a server
that is down, or one that goes away mid-run. The URL is shown without its password."""

from __future__ import annotations

import asyncio
import socket
from urllib.parse import urlsplit

import asyncpg

from bot.store.errors import UNCHANGED, DatabaseLocked, DatabaseUnavailable, DiskFull, StoreError, shown


def check_url(url: str) -> None:
    """A URL asyncpg could not parse, refused before connecting, with what is wrong. (No host means the local
    socket and no database name the user's own, as for psql.)"""
    try:
        urlsplit(url).port  # noqa: B018 (parsing the port is the check)
    except ValueError as exc:
        raise DatabaseUnavailable(f"MOVESBOT_DB is not a usable PostgreSQL URL ({exc}): write it as "
                                  "postgresql://user:password@host:5432/database.") from None


def describe_pg(exc: BaseException, url: str, *, timeout: float | None = None) -> StoreError | None:
    """The `StoreError` an asyncpg or connection error stands for; None when it is none of the known faults."""
    where = shown(url)
    if isinstance(exc, asyncpg.InvalidPasswordError | asyncpg.InvalidAuthorizationSpecificationError):
        return DatabaseUnavailable(f"PostgreSQL refused the login at {where} ({exc}): check the user and password "
                                   "in MOVESBOT_DB.")
    if isinstance(exc, asyncpg.InvalidCatalogNameError):
        return DatabaseUnavailable(f"PostgreSQL at {where} has no such database ({exc}): create it first "
                                   "(createdb, or CREATE DATABASE).")
    if isinstance(exc, asyncpg.InsufficientPrivilegeError):
        return DatabaseUnavailable(f"the PostgreSQL user of {where} may not do this ({exc}): grant it the rights "
                                   f"on its database. {UNCHANGED}")
    if isinstance(exc, asyncpg.DiskFullError):
        return DiskFull(f"the disk of the PostgreSQL server at {where} is full. {UNCHANGED}")
    if isinstance(exc, asyncpg.LockNotAvailableError | asyncpg.DeadlockDetectedError):
        return DatabaseLocked(f"the database at {where} is busy ({exc}): try again. {UNCHANGED}")
    if isinstance(exc, asyncpg.CannotConnectNowError | asyncpg.AdminShutdownError | asyncpg.CrashShutdownError):
        return DatabaseUnavailable(f"the PostgreSQL server at {where} is starting or shutting down ({exc}): try "
                                   f"again shortly. {UNCHANGED}")
    if isinstance(exc, ConnectionRefusedError | socket.gaierror):
        return DatabaseUnavailable(f"cannot reach PostgreSQL at {where} ({exc.strerror or exc}): is the server "
                                   "running, and does the URL name the right host and port?")
    if isinstance(exc, asyncpg.ObjectNotInPrerequisiteStateError):
        return DatabaseUnavailable(f"PostgreSQL at {where} does not accept connections now ({exc}): try again "
                                   f"shortly. {UNCHANGED}")
    if isinstance(exc, asyncpg.ConnectionDoesNotExistError | asyncpg.InterfaceError | asyncpg.InternalClientError
                  | ConnectionError) or (
            isinstance(exc, asyncpg.PostgresError) and str(getattr(exc, "sqlstate", "")).startswith("08")):
        return DatabaseUnavailable(f"lost the connection to PostgreSQL at {where} ({exc or type(exc).__name__}): "
                                   f"it reconnects when the server is back. {UNCHANGED}")
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        wait = f" within {timeout:g} s" if timeout is not None else ""
        return DatabaseUnavailable(f"PostgreSQL at {where} did not answer{wait}: is the server up and reachable? "
                                   f"(MOVESBOT_DB_TIMEOUT sets the wait.) {UNCHANGED}")
    if isinstance(exc, OSError):
        return DatabaseUnavailable(f"cannot reach PostgreSQL at {where} ({exc.strerror or exc}): is the server "
                                   "running, and does the URL name the right host and port?")
    return None
