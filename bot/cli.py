"""`movesbot`: load, validate, ask, console, run (and the alert commands). A public interface: see README."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from tqdm import tqdm

from bot.config import get_settings
from bot.dataset import DatasetInvalid, read_dataset
from bot.service import load_dataset, open_engine
from bot.store import Store

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
def load(db: DbOpt = None, data: DataOpt = None) -> None:
    """Validate the dataset and apply it to the database in one transaction (all or nothing)."""
    db_path, data_dir = _paths(db, data)

    async def go() -> None:
        bar = tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc="loading", leave=False)
        store = await Store.open(db_path)
        try:
            report = await load_dataset(store, data_dir, bar.update)
        finally:
            bar.close()
            await store.close()
        typer.echo(f"Loaded {data_dir}: {len(report.added)} added, {len(report.changed)} changed, "
                   f"{len(report.removed)} removed; {report.roles} role holdings.")
        _ids("added", report.added)
        _ids("changed", report.changed)
        _ids("removed", report.removed)
        if report.first_load and report.added:
            typer.echo("  First load into an empty database: recorded as history, no alerts.")
        elif report.added:
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
        ds = read_dataset(data_dir)
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None
    sources = sum(len(m.sources) for m in ds.moves)
    typer.echo(f"{data_dir} is valid: {len(ds.moves)} moves, {sources} sources, {len(ds.people)} people, "
               f"{len(ds.orgs)} orgs, {len(ds.teams)} teams, {len(ds.roles)} role holdings.")


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


def _run_with_dataset(coro: object) -> None:
    try:
        asyncio.run(coro)  # type: ignore[arg-type]
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None


if __name__ == "__main__":
    app()
