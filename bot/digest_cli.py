"""`movesbot digest preview SUBSCRIPTION` and `movesbot subscriptions cadence SUBSCRIPTION …`: digests from a
shell, on the same database the bot uses (also while it runs: the bot reads the cadence at its next pass)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from bot.cli_options import DbOpt
from bot.config import get_settings
from bot.digests import BadCadence, changed_cadence, describe_cadence, iso, preview_digest, utc_now
from bot.store import Store
from bot.store.errors import StoreError, describe

T = TypeVar("T")
digest_app = typer.Typer(help="Daily and weekly digests of a subscription.", no_args_is_help=True)
SubArg = Annotated[int, typer.Argument(help="The subscription's number (see `movesbot subscriptions list`).")]


def _with_store(db: str | None, work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` on the store; a database that cannot do it is one sentence and exit 1."""
    path = db or get_settings().db

    async def go() -> T:
        async with await Store.open(path, timeout=get_settings().db_timeout) as store:
            return await work(store)

    try:
        return asyncio.run(go())
    except (StoreError, sqlite3.Error) as exc:
        problem = describe(exc, path, timeout=get_settings().db_timeout)
        typer.echo(str(problem) if problem is not None else f"the database {path} failed (SQLite: {exc}).", err=True)
        raise typer.Exit(1) from None


def _no_such(sub_id: int) -> None:
    typer.echo(f"There is no subscription #{sub_id} (`movesbot subscriptions list` shows them).", err=True)
    raise typer.Exit(1)


@digest_app.command("preview")
def digest_preview(subscription: SubArg, db: DbOpt = None) -> None:
    """The subscription's next digest as it stands now (the moves recorded since the last one), and when it is
    due."""

    async def work(store: Store) -> str | None:
        sub = await store.subscription(subscription)
        return None if sub is None else await preview_digest(store, sub, utc_now())

    text = _with_store(db, work)
    if text is None:
        _no_such(subscription)
    typer.echo(text)


def subscriptions_cadence(
        subscription: SubArg,
        cadence: Annotated[str, typer.Argument(help="instant, daily or weekly.")],
        hour: Annotated[int | None, typer.Option("--hour", help="Local hour of the digest, 0-23 (default 9).")]
        = None,
        timezone: Annotated[str | None, typer.Option("--timezone", help="IANA time zone (default UTC).")] = None,
        weekday: Annotated[str | None, typer.Option("--weekday", help="Day of a weekly digest (default monday).")]
        = None,
        db: DbOpt = None) -> None:
    """Post an alert per move (instant) or a digest a day or a week at a local hour; options left out keep the
    subscription's own."""

    async def work(store: Store) -> str | None:
        sub = await store.subscription(subscription)
        if sub is None:
            return None
        try:
            new = changed_cadence(sub, cadence, hour, timezone, weekday)
        except BadCadence as exc:
            typer.echo(f"{exc} Nothing was changed.", err=True)
            raise typer.Exit(2) from None
        done = await store.set_cadence(sub.id, new, iso(utc_now()))
        assert done is not None
        return f"#{done.id} ({done.describe()}): {describe_cadence(new, 'en')}."

    text = _with_store(db, work)
    if text is None:
        _no_such(subscription)
    typer.echo(text)
