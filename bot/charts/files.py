"""A chart written to a PNG file: what the CLI (`movesbot chart`) and the console (`/chart`) share."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from bot.answers import Answer, Engine
from bot.answers.render import render_text
from bot.charts.data import BadChartInput, flows_data, timeline_data, war_data
from bot.charts.words import Chart, alt_text, empty_sentence

KINDS = ("flows", "timeline", "war")


@dataclass(frozen=True)
class Written:
    """What became of a request: `path` is set when a file was written; `text` says what to print."""

    ok: bool
    text: str
    path: Path | None = None


async def build(engine: Engine, kind: str, org: str | None = None, team: str | None = None,
                since: str | None = None, top: int | None = None, locale: str = "en") -> Chart | Answer:
    """The chart's data, or the "did you mean" / "not found" answer for an unsure org (`BadChartInput` for a
    bad option)."""
    if kind == "war":
        return await war_data(engine, since, top, locale)
    if kind not in KINDS:
        raise BadChartInput(f"no chart called {kind!r}: {', '.join(KINDS)}")
    if not org or not org.strip():
        raise BadChartInput(f"a {kind} chart needs an org")
    maker = flows_data if kind == "flows" else timeline_data
    return await maker(engine, org, team, since, locale)


def default_path(kind: str, org: str | None = None, team: str | None = None) -> Path:
    """chart-flows-apple-afm.png, chart-war.png: in the current folder."""
    words = re.sub(r"[^a-z0-9]+", "-", " ".join(p for p in (org, team) if p).lower()).strip("-")[:60]
    return Path(f"chart-{kind}{'-' + words if words else ''}.png")


async def write_chart(engine: Engine, kind: str, out: Path, *, org: str | None = None, team: str | None = None,
                      since: str | None = None, top: int | None = None, locale: str = "en") -> Written:
    """Build the chart and write its PNG to `out`; an org with no move in the period writes nothing and says so."""
    try:
        chart = await build(engine, kind, org, team, since, top, locale)
    except BadChartInput as exc:
        return Written(False, str(exc))
    if isinstance(chart, Answer):
        return Written(False, render_text(chart))
    if chart.empty:
        return Written(True, empty_sentence(chart))
    from bot.charts import render_png

    png = await asyncio.to_thread(render_png, chart)
    try:
        out.write_bytes(png)
    except OSError as exc:
        return Written(False, f"could not write {out}: {exc.strerror or exc}")
    return Written(True, f"Wrote {out.resolve()} ({len(png) // 1024 + 1} KB). {alt_text(chart)}", out)


CONSOLE_USAGE = ("Usage: /chart flows ORG [--team T] [--since S] [--out FILE], /chart timeline ORG [--team T] "
                 "[--since S] [--out FILE], /chart war [--since S] [--top N] [--out FILE]")
_OPTIONS = ("--team", "--since", "--top", "--out")


async def console_chart(engine: Engine, line: str, locale: str) -> str:
    """The console's `/chart KIND ORG --option value …`: the org may be several words without quotes."""
    words = line.split()
    if not words or words[0].lower() not in KINDS:
        return CONSOLE_USAGE
    kind, name, options = words[0].lower(), [], {}
    rest = iter(words[1:])
    for word in rest:
        if word in _OPTIONS:
            value = next(rest, None)
            if value is None:
                return f"{word} needs a value. {CONSOLE_USAGE}"
            options[word[2:]] = value
        elif word.startswith("--"):
            return f"Unknown option {word}. {CONSOLE_USAGE}"
        else:
            name.append(word)
    org = " ".join(name) or None
    top = options.get("top")
    if top is not None and not top.isdigit():
        return f"--top takes a number: {top!r}."
    if (kind == "war") == bool(org):
        return CONSOLE_USAGE
    out = Path(options["out"]) if "out" in options else default_path(kind, org, options.get("team"))
    written = await write_chart(engine, kind, out, org=org, team=options.get("team"), since=options.get("since"),
                                top=int(top) if top is not None else None, locale=locale)
    return written.text
