"""`movesbot`: load, validate, ask, console, run, extract (and the alert commands). A public interface: see README."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from tqdm import tqdm

from bot.config import get_settings
from bot.dataset import DatasetInvalid, DatasetReader
from bot.news.cli import candidates_app, feeds_app
from bot.service import load_dataset, open_engine
from bot.store import Store

T = TypeVar("T")
app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

DbOpt = Annotated[Path | None, typer.Option("--db", help="SQLite database file (default: MOVESBOT_DB).")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: MOVESBOT_DATA).")]


def _paths(db: Path | None, data: Path | None) -> tuple[Path, Path]:
    settings = get_settings()
    return db or settings.db, data or settings.data


def _print_errors(exc: DatasetInvalid) -> None:
    for error in exc.errors:
        typer.echo(f"  {error}", err=True)
    typer.echo(f"{len(exc.errors)} error(s); nothing was loaded.", err=True)


def _ids(label: str, ids: list[str], limit: int = 20) -> None:
    if ids:
        shown = ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
        typer.echo(f"  {label}: {shown}")


@app.command()
def load(db: DbOpt = None, data: DataOpt = None,
         force: Annotated[bool, typer.Option("--force", help="Read the files even if unchanged since the last load.")]
         = False) -> None:
    """Validate the dataset and apply it to the database in one transaction (all or nothing)."""
    db_path, data_dir = _paths(db, data)

    async def go() -> None:
        bar = tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc="loading", leave=False)
        store = await Store.open(db_path)
        try:
            report = await load_dataset(store, data_dir, bar.update, force=force)
        finally:
            bar.close()
            await store.close()
        if report.unchanged:
            typer.echo(f"{data_dir} is unchanged since the last load: nothing to do (--force reads it again).")
            return
        typer.echo(f"Loaded {data_dir}: {len(report.added)} added, {len(report.changed)} changed, "
                   f"{len(report.removed)} removed; {report.roles} role holdings.")
        if report.first_load and report.added:
            typer.echo("  First load into an empty database: recorded as history, no alerts.")
            return
        _ids("added", report.added)
        _ids("changed", report.changed)
        _ids("removed", report.removed)
        if report.added:
            typer.echo(f"  {len(report.added)} new move(s) marked for alerts.")

    try:
        asyncio.run(go())
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None


@app.command()
def validate(data: DataOpt = None) -> None:
    """Check the dataset without touching any database; list every error."""
    _, data_dir = _paths(None, data)
    try:
        reader = DatasetReader(data_dir)
        for _ in reader.moves():  # read as a load reads, a chunk at a time, keeping nothing
            pass
        for _ in reader.sources():
            pass
        reader.check()
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None
    typer.echo(f"{data_dir} is valid: {len(reader.move_lines)} moves, {reader.sources_read} sources, "
               f"{len(reader.people)} people, {len(reader.orgs)} orgs, {len(reader.teams)} teams, "
               f"{len(reader.roles)} role holdings.")


@app.command()
def ask(question: Annotated[str, typer.Argument(help="A question or a name, in English or French.")],
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (stable schema).")] = False,
        locale: Annotated[str | None, typer.Option(help="Answer in 'en' or 'fr' (default: as asked).")] = None,
        db: DbOpt = None, data: DataOpt = None) -> None:
    """Answer one question and exit."""
    db_path, data_dir = _paths(db, data)

    async def go() -> None:
        engine = await open_engine(db_path, data_dir)
        try:
            answer = await engine.ask(question, locale)
        finally:
            await engine.store.close()
        if as_json:
            typer.echo(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
        else:
            from bot.answers import render_text

            typer.echo(render_text(answer))

    _run_with_dataset(go())


@app.command()
def console(locale: Annotated[str | None, typer.Option(help="Answer in 'en' or 'fr'.")] = None,
            db: DbOpt = None, data: DataOpt = None) -> None:
    """Interactive console: the bot's commands and free questions, without Discord."""
    db_path, data_dir = _paths(db, data)
    _run_with_dataset(_console(db_path, data_dir, locale))


async def _console(db_path: Path, data_dir: Path, locale: str | None) -> None:
    from bot.console import Console

    engine = await open_engine(db_path, data_dir)
    try:
        await Console(engine, locale).run()
    finally:
        await engine.store.close()


@app.command()
def run(db: DbOpt = None, data: DataOpt = None) -> None:
    """The main job: the Discord bot when DISCORD_TOKEN is set, the local console otherwise."""
    settings = get_settings()
    db_path, data_dir = _paths(db, data)
    if not settings.has_token:
        typer.echo("No DISCORD_TOKEN in the environment or .env: starting the local console instead of the bot.\n"
                   "(Set DISCORD_TOKEN to run the Discord bot; see README.)", err=True)
        _run_with_dataset(_console(db_path, data_dir, None))
        return
    from bot.discord_bot.runner import run_bot

    run_bot(settings, db_path, data_dir)


@app.command()
def add(person: Annotated[str, typer.Option(help="Who moved (canonical name or a known alias).")],
        from_org: Annotated[str, typer.Option("--from-org", help="Org they left.")],
        date: Annotated[str, typer.Option(help="YYYY, YYYY-MM or YYYY-MM-DD: only the precision the sources give.")],
        source: Annotated[list[str], typer.Option("--source", help="Source URL (repeat for several; one required).")],
        to_org: Annotated[str | None, typer.Option(
            "--to-org", help="Org they joined; leave out for a departure whose destination is not reported.")] = None,
        from_team: Annotated[str | None, typer.Option("--from-team")] = None,
        from_role: Annotated[str | None, typer.Option("--from-role")] = None,
        to_team: Annotated[str | None, typer.Option("--to-team")] = None,
        to_role: Annotated[str | None, typer.Option("--to-role")] = None,
        status: Annotated[str, typer.Option(help="reported or confirmed.")] = "reported",
        note: Annotated[str | None, typer.Option("--note")] = None,
        new_org: Annotated[bool, typer.Option("--new-org", help="Accept an org name close to a known one.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the recorded move as JSON.")] = False,
        db: DbOpt = None, data: DataOpt = None) -> None:
    """Record one move (also while the bot runs: it announces it within seconds). Prints the move's id.

    The same move again adds only its new sources; a destination for a departure on record completes it."""
    from bot.answers.i18n import t
    from bot.recording import MoveInput, MoveInputError, record

    db_path, data_dir = _paths(db, data)
    entry = MoveInput(person=person, from_org=from_org, to_org=to_org, date=date, sources=source,
                      from_team=from_team, from_role=from_role, to_team=to_team, to_role=to_role, status=status,
                      note=note)

    async def go() -> None:
        engine = await open_engine(db_path, data_dir)
        try:
            done = await record(engine.store, engine.index, entry, origin="cli", actor="cli", new_org=new_org)
        finally:
            await engine.store.close()
        if as_json:
            typer.echo(json.dumps(done.move.as_json(), ensure_ascii=False, indent=2))
            return
        typer.echo(done.move.id)
        if done.outcome != "recorded":
            typer.echo(t("en", f"recorded_{done.outcome}", id=done.move.id), err=True)

    try:
        _run_with_dataset(go())
    except MoveInputError as exc:
        for error in exc.errors:
            typer.echo(f"  {error}", err=True)
        typer.echo("Nothing was recorded.", err=True)
        raise typer.Exit(1) from None


@app.command()
def extract(file: Annotated[str, typer.Argument(help="An article as plain text or HTML; '-' reads standard input.")],
            url: Annotated[str | None, typer.Option("--url", help="The article's address (shown as its source).")]
            = None,
            published: Annotated[str | None, typer.Option(
                "--published", help="Publication date YYYY-MM-DD (default: the page's own, if HTML).")] = None,
            as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object (stable schema).")] = False,
            db: DbOpt = None, data: DataOpt = None) -> None:
    """Print the candidate moves an article reports (people, from, to, date, status, evidence, known or new)."""
    from bot.news import article_from_html, article_from_text
    from bot.news.article import looks_like_html

    if published is not None and _day(published) is None:
        typer.echo(f"--published {published!r} is not a date YYYY-MM-DD.", err=True)
        raise typer.Exit(2)
    try:
        raw = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        typer.echo(f"Cannot read {file}: {exc.strerror or exc}.", err=True)
        raise typer.Exit(1) from None
    if "\x00" in raw or raw.count("\ufffd") > len(raw) // 20:
        typer.echo(f"{file} is neither text nor HTML (binary data?): nothing was extracted.", err=True)
        raise typer.Exit(1)
    if looks_like_html(raw):
        article = article_from_html(raw, url=url, published=published)
    else:
        article = article_from_text(raw, url=url, published=published)
    db_path, data_dir = _paths(db, data)

    async def go() -> list:
        from bot.news import extract_with_store

        engine = await open_engine(db_path, data_dir)
        try:
            return await extract_with_store(article, engine.index, engine.store)
        finally:
            await engine.store.close()

    candidates = _run_with_dataset(go())
    if as_json:
        typer.echo(json.dumps({"candidates": [c.as_json() for c in candidates]}, ensure_ascii=False, indent=2))
        return
    _print_candidates(article, candidates)


def _day(value: str) -> str | None:
    try:
        return dt.date.fromisoformat(value).isoformat() if len(value) == 10 else None
    except ValueError:
        return None


def _print_candidates(article: Any, candidates: list) -> None:
    head = " · ".join(x for x in (article.title, article.site, article.published, article.language) if x)
    typer.echo(head or "(untitled article)")
    if not candidates:
        typer.echo("No candidate moves.")
    for n, c in enumerate(candidates, 1):
        side = [f"{c.from_org or '?'}" + (f" ({c.from_team})" if c.from_team else ""),
                f"{c.to_org or 'destination not reported'}" + (f" ({c.to_team})" if c.to_team else "")]
        known = f"on record as {c.known_move_id}" if c.known_move_id else "new"
        typer.echo(f"{n}. {c.person}: {side[0]} → {side[1]}, {c.date or 'no date'}, {c.status}; {known}")
        typer.echo(f"   “{c.evidence}”")


subscriptions_app = typer.Typer(help="Alert subscriptions: list, export and import as JSON.", no_args_is_help=True)
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(feeds_app, name="feeds")
app.add_typer(candidates_app, name="candidates")


@subscriptions_app.command("list")
def subscriptions_list(db: DbOpt = None) -> None:
    """Every subscription with its state and last delivery."""
    db_path, _ = _paths(db, None)

    async def go() -> None:
        async with await Store.open(db_path) as store:
            subs = await store.subscriptions()
        for sub in subs:
            state = sub.state + (f" ({sub.paused_reason})" if sub.paused_reason else "")
            typer.echo(f"#{sub.id} guild {sub.guild_id} channel {sub.channel_id}: {sub.describe()} — {state}; "
                       f"last delivery {sub.last_delivery_at or 'never'}")
        if not subs:
            typer.echo("No subscriptions.")

    asyncio.run(go())


@subscriptions_app.command("export")
def subscriptions_export(file: Annotated[Path | None, typer.Option("--file", help="Write here instead of stdout.")]
                         = None, db: DbOpt = None) -> None:
    """All subscriptions as a JSON list (targets by name, so they import into another database)."""
    db_path, _ = _paths(db, None)

    async def go() -> str:
        async with await Store.open(db_path) as store:
            return json.dumps(await store.export_subscriptions(), ensure_ascii=False, indent=2)

    text = asyncio.run(go())
    if file:
        file.write_text(text + "\n", encoding="utf-8")
    else:
        typer.echo(text)


@subscriptions_app.command("import")
def subscriptions_import(file: Annotated[Path, typer.Argument(help="A JSON file made by export.")],
                         db: DbOpt = None, data: DataOpt = None) -> None:
    """Add the subscriptions of an export; targets unknown to this database are reported and skipped."""
    db_path, data_dir = _paths(db, data)
    try:
        items = json.loads(file.read_text(encoding="utf-8"))
        assert isinstance(items, list)
    except (OSError, ValueError, AssertionError):
        typer.echo(f"{file} is not a JSON list made by `movesbot subscriptions export`.", err=True)
        raise typer.Exit(1) from None

    async def go() -> tuple[int, int]:
        engine = await open_engine(db_path, data_dir)
        added = skipped = 0
        try:
            for item in items:
                kind = item.get("target_kind")
                target_id = await engine.store.resolve_target(kind, item.get("target_name", ""),
                                                              item.get("target_org"))
                if kind != "all" and target_id is None:
                    typer.echo(f"  skipped: unknown {kind} {item.get('target_name')!r}", err=True)
                    skipped += 1
                    continue
                await engine.store.add_subscription(
                    guild_id=int(item["guild_id"]), channel_id=int(item["channel_id"]), target_kind=kind,
                    target_id=target_id, target_name=item.get("target_name") or "everything",
                    target_org=item.get("target_org"), direction=item.get("direction", "both"),
                    mention_role_id=item.get("mention_role_id"), corrections=bool(item.get("corrections")),
                    locale=item.get("locale", "en"))
                if item.get("state") == "paused":
                    await engine.store.pause_channel(int(item["channel_id"]),
                                                     item.get("paused_reason") or "paused before the export")
                added += 1
        finally:
            await engine.store.close()
        return added, skipped

    added, skipped = _run_with_dataset(go())
    typer.echo(f"Imported {added} subscription(s); {skipped} skipped.")


def _run_with_dataset(coro: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a broken dataset becomes the list of its errors and exit status 1."""
    try:
        return asyncio.run(coro)
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


if __name__ == "__main__":
    app()
