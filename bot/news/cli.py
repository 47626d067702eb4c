"""`movesbot feeds add|list|remove|enable` and `movesbot candidates list|reject`: news feeds and the candidate
moves found in them, from a shell (the same store the bot reads, also while it runs)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer

from bot.cli_options import DbOpt
from bot.config import get_settings
from bot.news.records import CandidateRecord, Feed
from bot.store import Store
from bot.store.news import UnknownCandidate

T = TypeVar("T")
feeds_app = typer.Typer(help="News feeds (RSS, Atom) polled for candidate moves.", no_args_is_help=True)
candidates_app = typer.Typer(help="Candidate moves found in articles, waiting for a moderator.",
                             no_args_is_help=True)

GuildOpt = Annotated[int | None, typer.Option("--guild", help="A server's id (default: every server).")]
FeedArg = Annotated[str, typer.Argument(help="The feed's id (see `movesbot feeds list`) or its URL.")]
ENABLE_HINT = "`movesbot feeds enable {id}` (or `/feeds add` again)"


def _with_store(db: str | None, work: Callable[[Store], Awaitable[T]]) -> T:
    async def go() -> T:
        async with await Store.open(db or get_settings().db) as store:
            return await work(store)

    return asyncio.run(go())


async def _find(store: Store, feed: str) -> Feed:
    """A feed by id or URL; a clear message and exit 1 when there is none (or the URL is in several servers)."""
    found = [f for f in await store.feeds() if str(f.id) == feed.lstrip("#") or f.url == feed]
    if len(found) != 1:
        why = "no feed" if not found else f"{len(found)} feeds (one per server); give the id"
        typer.echo(f"{feed}: {why}. `movesbot feeds list` shows every feed with its id.", err=True)
        raise typer.Exit(1)
    return found[0]


def _feed_line(feed: Feed) -> str:
    where = f"server {feed.guild_id}" if feed.guild_id else "every server"
    if feed.disabled:
        state = f"DISABLED: {feed.disabled_reason}; re-enable with {ENABLE_HINT.format(id=feed.id)}"
    elif feed.failures:
        state = f"{feed.failures} failure(s) in a row (last: {feed.last_error}); next try {feed.next_poll_at}"
    else:
        state = f"ok, last polled {feed.last_polled_at or 'never'}, next {feed.next_poll_at}"
    return f"#{feed.id} {feed.title or '(no title)'} <{feed.url}> — {where}; {state}"


@feeds_app.command("add")
def feeds_add(url: Annotated[str, typer.Argument(help="The feed's http(s) URL (RSS or Atom).")],
              guild: GuildOpt = None, db: DbOpt = None) -> None:
    """Add a feed; what it holds now is taken as history (a baseline), only later stories are news."""
    from bot.news.feeds import FeedPoller  # aiohttp and feedparser: only for the commands that fetch
    from bot.news.fetch import Fetcher, FetchError

    settings = get_settings()

    async def work(store: Store) -> tuple[Feed, bool, dict[str, int]]:
        async with Fetcher(allow_private=settings.allow_private_urls) as fetcher:
            poller = FeedPoller(store, fetcher, _no_items, poll_seconds=settings.feed_poll_seconds)
            feed, created = await poller.add(url, guild_id=guild, added_by="cli")
        return feed, created, await store.feed_item_states(feed.scope)

    try:
        feed, created, states = _with_store(db, work)
    except FetchError as exc:
        typer.echo(f"Not added: {exc}", err=True)
        raise typer.Exit(1) from None
    if created:
        typer.echo(f"Added feed #{feed.id} {feed.title or feed.url}: its {states.get('seen', 0)} current "
                   f"item(s) are the baseline; polled every {settings.feed_poll_seconds:g} s.")
    else:
        typer.echo(f"Feed #{feed.id} {feed.title or feed.url} was already there; it is enabled.")


async def _no_items(*_: object) -> None:
    """`feeds add` only takes the baseline: no item is handed on."""


@feeds_app.command("list")
def feeds_list(guild: GuildOpt = None, db: DbOpt = None) -> None:
    """Every feed with its state: last poll, failures, or why it was disabled."""
    feeds = _with_store(db, lambda store: store.feeds(guild_id=guild))
    for feed in feeds:
        typer.echo(_feed_line(feed))
    if not feeds:
        typer.echo("No feeds. Add one with `movesbot feeds add URL`.")


@feeds_app.command("remove")
def feeds_remove(feed: FeedArg, db: DbOpt = None) -> None:
    """Stop polling a feed (the stories it brought stay known: they are not news again elsewhere)."""

    async def work(store: Store) -> Feed:
        found = await _find(store, feed)
        await store.remove_feed(found.id)
        return found

    found = _with_store(db, work)
    typer.echo(f"Removed feed #{found.id} {found.title or found.url}.")


@feeds_app.command("enable")
def feeds_enable(feed: FeedArg, db: DbOpt = None) -> None:
    """Re-enable a feed that was disabled after failing: it is polled at the next round."""

    async def work(store: Store) -> Feed | None:
        return await store.enable_feed((await _find(store, feed)).id)

    found = _with_store(db, work)
    assert found is not None
    typer.echo(f"Feed #{found.id} {found.title or found.url} is enabled; it is polled at the next round.")


@candidates_app.command("list")
def candidates_list(state: Annotated[str, typer.Option(help="pending, accepted, rejected or all.")] = "pending",
                    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
                    limit: Annotated[int, typer.Option(help="At most this many, newest first.")] = 50,
                    db: DbOpt = None) -> None:
    """Candidate moves, newest first, with their articles."""
    if state not in ("pending", "accepted", "rejected", "all"):
        typer.echo(f"--state must be pending, accepted, rejected or all, not {state!r}.", err=True)
        raise typer.Exit(2)
    found = _with_store(db, lambda store: store.candidates(state=None if state == "all" else state, limit=limit))
    if as_json:
        typer.echo(json.dumps({"candidates": [_candidate_json(c) for c in found]}, ensure_ascii=False, indent=2))
        return
    for c in found:
        decided = f" — {c.state} by {c.decided_by} at {c.decided_at}" if c.state != "pending" else ""
        known = f" (already on record: {c.known_move_id})" if c.known_move_id else ""
        typer.echo(f"#{c.id} {c.describe()}{known}{decided}")
        if c.evidence:
            typer.echo(f"    “{c.evidence}”")
        for source in c.sources:
            typer.echo(f"    {source.url}")
    if not found:
        typer.echo(f"No {'' if state == 'all' else state + ' '}candidates.")


def _candidate_json(c: CandidateRecord) -> dict[str, object]:
    return {"id": c.id, "person": c.person, "from_org": c.from_org, "from_team": c.from_team,
            "from_role": c.from_role, "to_org": c.to_org, "to_team": c.to_team, "to_role": c.to_role, "date": c.date,
            "status": c.status, "evidence": c.evidence, "known_move_id": c.known_move_id, "state": c.state,
            "decided_by": c.decided_by, "decided_at": c.decided_at, "move_id": c.move_id,
            "sources": [s.url for s in c.sources]}


@candidates_app.command("reject")
def candidates_reject(candidate_id: Annotated[int, typer.Argument(metavar="ID", help="The candidate's id.")],
                      by: Annotated[str, typer.Option("--by", help="Who decides (kept with the decision).")] = "cli",
                      db: DbOpt = None) -> None:
    """Reject a pending candidate: the same move is never proposed again."""
    try:
        found, changed = _with_store(db, lambda store: store.decide_candidate(candidate_id, "rejected", by))
    except UnknownCandidate:
        typer.echo(f"No candidate #{candidate_id}. `movesbot candidates list --state all` shows them.", err=True)
        raise typer.Exit(1) from None
    if not changed:
        typer.echo(f"Candidate #{candidate_id} was already {found.state} by {found.decided_by}; nothing changed.",
                   err=True)
        raise typer.Exit(1)
    typer.echo(f"Rejected #{found.id} {found.describe()}; it will not be proposed again.")


@candidates_app.command("accept")
def candidates_accept(candidate_id: Annotated[int, typer.Argument(metavar="ID", help="The candidate's id.")],
                      by: Annotated[str, typer.Option("--by", help="Who decides (kept with the decision).")] = "cli",
                      db: DbOpt = None) -> None:
    """Record a pending candidate as a move, its articles as sources (alerts follow, as for `movesbot add`)."""
    from bot.news.review import Review
    from bot.recording import MoveInputError
    from bot.service import open_engine

    async def work() -> object:
        engine = await open_engine(db or get_settings().db, get_settings().data)
        try:
            return await Review(engine).accept(candidate_id, by)
        finally:
            await engine.store.close()

    try:
        decision = asyncio.run(work())
    except UnknownCandidate:
        typer.echo(f"No candidate #{candidate_id}. `movesbot candidates list --state all` shows them.", err=True)
        raise typer.Exit(1) from None
    except MoveInputError as exc:
        for error in exc.errors:
            typer.echo(f"  {error}", err=True)
        typer.echo(f"Nothing was recorded; #{candidate_id} is still pending (`movesbot add` records it by hand).",
                   err=True)
        raise typer.Exit(1) from None
    found = decision.candidate
    if not decision.changed:
        typer.echo(f"Candidate #{candidate_id} was already {found.state} by {found.decided_by}; nothing changed.",
                   err=True)
        raise typer.Exit(1)
    outcome = f" ({decision.recorded.outcome.replace('_', ' ')})" if decision.recorded else ""
    typer.echo(f"Accepted #{found.id} {found.describe()}: move {found.move_id}{outcome}.")
