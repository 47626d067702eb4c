"""`movesbot extract FILE|-`: the candidate moves of one article, from a shell (the JSON contract is in the
README, "News extraction")."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli import DataOpt, DbOpt, _paths, _run_with_dataset
from bot.service import open_engine


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

    candidates = _run_with_dataset(go(), db_path)
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
