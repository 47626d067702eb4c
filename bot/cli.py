"""`movesbot`: load, validate, ask, console, run, extract (and the alert commands). A public interface: see README."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from tqdm import tqdm

from bot.cli_options import DbOpt
from bot.config import SettingsError, get_settings
from bot.dataset import DatasetInvalid, DatasetReader
from bot.digest_cli import digest_app, subscriptions_cadence
from bot.news.cli import candidates_app, feeds_app
from bot.service import load_dataset, open_engine
from bot.store import Store
from bot.store.errors import StoreError, describe, shown

T = TypeVar("T")
app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)

DataOpt = Annotated[Path | None, typer.Option("--data", help="Dataset folder (default: MOVESBOT_DATA).")]


@app.callback()
def _settings_first() -> None:
    """Every command starts by reading the settings: a bad one is one line naming it and its rule, exit 2."""
    try:
        get_settings()
    except SettingsError as exc:
        _fail(str(exc), 2)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _paths(db: str | None, data: Path | None) -> tuple[str, Path]:
    settings = get_settings()
    return db or settings.db, data or settings.data


def _timeout() -> float:
    """Seconds to wait for a database another process holds (MOVESBOT_DB_TIMEOUT) before giving up."""
    return get_settings().db_timeout


def _print_errors(exc: DatasetInvalid) -> None:
    for error in exc.errors:
        typer.echo(f"  {error}", err=True)
    typer.echo(f"{len(exc.errors)} error(s); nothing was loaded.", err=True)


def _notices(notices: list[str] | tuple[str, ...]) -> None:
    for notice in notices:
        typer.echo(f"  notice: {notice}", err=True)


def _ids(label: str, ids: list[str], limit: int = 20) -> None:
    if ids:
        shown = ", ".join(ids[:limit]) + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
        typer.echo(f"  {label}: {shown}")


@app.command()
def load(db: DbOpt = None, data: DataOpt = None,
         force: Annotated[bool, typer.Option("--force", help="Read the files even if unchanged since the last load.")]
         = False,
         allow_removals: Annotated[bool, typer.Option(
             "--allow-removals", help="Apply a load that withdraws more than half of the dataset's moves.")] = False,
         ) -> None:
    """Validate the dataset and apply it to the database in one transaction (all or nothing)."""
    db_path, data_dir = _paths(db, data)

    async def go() -> None:
        bar = tqdm(unit=" rows", disable=not sys.stderr.isatty(), desc="loading", leave=False)
        store = await Store.open(db_path, timeout=_timeout())
        try:
            report = await load_dataset(store, data_dir, bar.update, force=force, allow_removals=allow_removals)
        finally:
            bar.close()
            await store.close()
        _notices(report.notices)
        if report.unchanged:
            typer.echo(f"{data_dir} is unchanged since the last load: nothing to do (--force reads it again).")
            return
        restored = f", {len(report.restored)} restored" if report.restored else ""
        typer.echo(f"Loaded {data_dir}: {len(report.added)} added, {len(report.changed)} changed, "
                   f"{len(report.removed)} removed{restored}; {report.roles} role holdings.")
        if report.first_load and report.added:
            typer.echo("  First load into an empty database: recorded as history, no alerts.")
            return
        _ids("added", report.added)
        _ids("changed", report.changed)
        _ids("removed", report.removed)
        _ids("restored (withdrawn before; not announced again)", report.restored)
        if report.added:
            typer.echo(f"  {len(report.added)} new move(s) marked for alerts.")

    _run_with_dataset(go(), db_path)


@app.command()
def validate(data: DataOpt = None) -> None:
    """Check the dataset without touching any database; list every error."""
    _, data_dir = _paths(None, data)
    try:
        reader = DatasetReader(data_dir)
        _notices(reader.notices)
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
        engine = await open_engine(db_path, data_dir, timeout=_timeout())
        try:
            answer = await engine.ask(question, locale)
        finally:
            await engine.store.close()
        if as_json:
            typer.echo(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
        else:
            from bot.answers import render_text

            typer.echo(render_text(answer))

    _run_with_dataset(go(), db_path)


@app.command()
def console(locale: Annotated[str | None, typer.Option(help="Answer in 'en' or 'fr'.")] = None,
            db: DbOpt = None, data: DataOpt = None) -> None:
    """Interactive console: the bot's commands and free questions, without Discord."""
    db_path, data_dir = _paths(db, data)
    _run_with_dataset(_console(db_path, data_dir, locale), db_path)


async def _console(db_path: str, data_dir: Path, locale: str | None) -> None:
    from bot.console import Console

    engine = await open_engine(db_path, data_dir, timeout=_timeout())
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
        _run_with_dataset(_console(db_path, data_dir, None), db_path)
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
        engine = await open_engine(db_path, data_dir, timeout=_timeout())
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
        _run_with_dataset(go(), db_path)
    except MoveInputError as exc:
        for error in exc.errors:
            typer.echo(f"  {error}", err=True)
        typer.echo("Nothing was recorded.", err=True)
        raise typer.Exit(1) from None


@app.command()
def export(data: Annotated[Path, typer.Option("--data", help="Folder to write the dataset files into.")],
           db: DbOpt = None) -> None:
    """Write the whole record (moves recorded anywhere, their sources, people, orgs, teams, roles) as dataset
    files, to commit them: loading them into the same database changes nothing."""
    from bot.export import ExportError, export_dataset

    db_path, _ = _paths(db, None)

    async def go() -> dict[str, int]:
        async with await Store.open(db_path, timeout=_timeout()) as store:
            return await export_dataset(store, data)

    try:
        counts = _run_with_dataset(go(), db_path)
    except ExportError as exc:
        _fail(str(exc))
    typer.echo(f"Exported to {data}: {counts['moves.csv']} moves, {counts['sources.csv']} sources, "
               f"{counts['people.csv']} people, {counts['orgs.csv']} orgs, {counts['teams.csv']} teams, "
               f"{counts['roles.csv']} role holdings.")



subscriptions_app = typer.Typer(help="Alert subscriptions: list, export and import as JSON.", no_args_is_help=True)
app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(feeds_app, name="feeds")
app.add_typer(candidates_app, name="candidates")
app.add_typer(digest_app, name="digest")


@subscriptions_app.command("list")
def subscriptions_list(db: DbOpt = None) -> None:
    """Every subscription with its state and last delivery."""
    db_path, _ = _paths(db, None)

    async def go() -> None:
        async with await Store.open(db_path, timeout=_timeout()) as store:
            subs = await store.subscriptions()
        for sub in subs:
            state = sub.state + (f" ({sub.paused_reason})" if sub.paused_reason else "")
            typer.echo(f"#{sub.id} guild {sub.guild_id} channel {sub.channel_id}: {sub.describe()} — {state}; "
                       f"last delivery {sub.last_delivery_at or 'never'}")
        if not subs:
            typer.echo("No subscriptions.")

    _run_with_dataset(go(), db_path)


subscriptions_app.command("cadence")(subscriptions_cadence)


@subscriptions_app.command("export")
def subscriptions_export(file: Annotated[Path | None, typer.Option("--file", help="Write here instead of stdout.")]
                         = None, db: DbOpt = None) -> None:
    """All subscriptions as a JSON list (targets by name, so they import into another database)."""
    db_path, _ = _paths(db, None)

    async def go() -> str:
        async with await Store.open(db_path, timeout=_timeout()) as store:
            return json.dumps(await store.export_subscriptions(), ensure_ascii=False, indent=2)

    text = _run_with_dataset(go(), db_path)
    if file:
        try:
            file.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {file}: {exc.strerror or exc}.")
    else:
        typer.echo(text)


@subscriptions_app.command("import")
def subscriptions_import(file: Annotated[Path, typer.Argument(help="A JSON file made by export.")],
                         db: DbOpt = None, data: DataOpt = None) -> None:
    """Add the subscriptions of an export, all or none: every entry is checked first; targets unknown to this
    database are reported and skipped."""
    from bot.datafiles import open_regular
    from bot.subscriptions_io import parse_entries

    db_path, data_dir = _paths(db, data)
    try:
        with open_regular(file, "r", encoding="utf-8") as fh:  # (a FIFO would block: refused)
            entries, errors = parse_entries(json.loads(fh.read()))
    except (OSError, ValueError) as exc:
        _fail(f"{file} is not a JSON list made by `movesbot subscriptions export` ({exc}).")
    if errors:
        for error in errors:
            typer.echo(f"  {error}", err=True)
        _fail(f"{len(errors)} problem(s) in {file}. Nothing was imported.")

    async def go() -> tuple[int, int, int]:
        engine = await open_engine(db_path, data_dir, timeout=_timeout())
        try:
            rows = []
            for entry in entries:
                values = {k: v for k, v in vars(entry).items() if k != "target_name"}
                target_id = await engine.store.resolve_target(entry.target_kind, entry.target_name, entry.target_org)
                if entry.target_kind != "all" and target_id is None:
                    typer.echo(f"  skipped: unknown {entry.target_kind} {entry.target_name!r}", err=True)
                    continue
                rows.append({**values, "target_id": target_id, "target_name": entry.target_name})
            added, updated = await engine.store.import_subscriptions(rows)
        finally:
            await engine.store.close()
        return added, updated, len(entries) - len(rows)

    added, updated, skipped = _run_with_dataset(go(), db_path)
    typer.echo(f"Subscriptions: {added} imported, {updated} updated, {skipped} skipped.")


def _run_with_dataset(coro: Coroutine[Any, Any, T], db_path: str | None = None) -> T:
    """Run a command's coroutine; a broken dataset becomes the list of its errors, a database that cannot do the
    job (damaged, newer, locked, disk full...) one sentence; both exit with status 1, the database as it was."""
    try:
        return asyncio.run(coro)
    except DatasetInvalid as exc:
        _print_errors(exc)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except (StoreError, sqlite3.Error) as exc:
        problem = describe(exc, db_path or "the database", timeout=_timeout())
        _fail(str(problem) if problem is not None else
              f"the database {shown(db_path or '')} failed ({exc}). The database was not changed.")
    raise AssertionError("unreachable")


if __name__ == "__main__":
    app()


# Commands of their own modules, registered once everything above (their shared helpers) is defined.
from bot.charts.cli import chart_app  # noqa: E402
from bot.migrate_cli import migrate_db  # noqa: E402
from bot.news.extract_cli import extract  # noqa: E402

app.add_typer(chart_app, name="chart")
app.command()(extract)
app.command("migrate-db")(migrate_db)
