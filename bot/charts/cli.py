"""`movesbot chart flows|timeline|war … --out FILE.png`: the charts as PNG files, from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli import DataOpt, DbOpt, _paths, _run_with_dataset
from bot.service import open_engine

chart_app = typer.Typer(help="Charts as PNG files: flows of an org, its timeline, the talent war.",
                        no_args_is_help=True)
OutOpt = Annotated[Path, typer.Option("--out", help="PNG file to write.")]
TeamOpt = Annotated[str | None, typer.Option("--team", help="A team inside the org.")]
SinceOpt = Annotated[str | None, typer.Option("--since", help="Only moves since YYYY, YYYY-MM or YYYY-MM-DD.")]
LocaleOpt = Annotated[str, typer.Option("--locale", help="Words of the chart: 'en' or 'fr'.")]


def _chart(kind: str, out: Path, db: Path | None, data: Path | None, **options: Any) -> None:
    """Write one chart; an unknown org or a bad option exits 1, an org with no move in the period prints why."""
    from bot.charts.files import write_chart

    db_path, data_dir = _paths(db, data)

    async def go():
        engine = await open_engine(db_path, data_dir)
        try:
            return await write_chart(engine, kind, out, **options)
        finally:
            await engine.store.close()

    written = _run_with_dataset(go(), db_path)
    typer.echo(written.text, err=not written.ok)
    if not written.ok:
        raise typer.Exit(1)


@chart_app.command("flows")
def chart_flows(org: Annotated[str, typer.Argument(help="Org (aliases and misspellings are fine).")], out: OutOpt,
                team: TeamOpt = None, since: SinceOpt = None, locale: LocaleOpt = "en", db: DbOpt = None,
                data: DataOpt = None) -> None:
    """Arrivals and departures of an org (or a team) by counterpart org."""
    _chart("flows", out, db, data, org=org, team=team, since=since, locale=locale)


@chart_app.command("timeline")
def chart_timeline(org: Annotated[str, typer.Argument(help="Org (aliases and misspellings are fine).")],
                   out: OutOpt, team: TeamOpt = None, since: SinceOpt = None, locale: LocaleOpt = "en",
                   db: DbOpt = None, data: DataOpt = None) -> None:
    """Departures and arrivals of an org (or a team) per month, the latest move marked."""
    _chart("timeline", out, db, data, org=org, team=team, since=since, locale=locale)


@chart_app.command("war")
def chart_war(out: OutOpt, since: SinceOpt = None,
              top: Annotated[int, typer.Option("--top", help="How many of the most active orgs (2-12).")] = 8,
              locale: LocaleOpt = "en", db: DbOpt = None, data: DataOpt = None) -> None:
    """Net flows between the most active orgs of the period."""
    _chart("war", out, db, data, since=since, top=top, locale=locale)

