"""Lists and tables in an embed's description, for a phone: one line per move with at most two masked source
links, and aligned tables (an org's flows, the rankings) in a code block."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers import Answer, Fact
from bot.answers.i18n import t
from bot.answers.render import escape_markdown, shorten

LINE_BUDGET = 200   # characters a move's line may take with its links: ten lines stay well under 2,500
NAME_WIDTH = 22     # a table's first column, cut beyond that (a phone shows about 40 monospace characters)
Link = Callable[[str, str | None], str]  # (url, publisher) -> a masked link


def is_compact(answer: Answer) -> bool:
    """Answers drawn as a compact description rather than fields: lists of moves, flows, rankings."""
    return any(f.line or f.cells for f in answer.facts)


def compact_description(answer: Answer, link: Link, limit: int = 4096) -> str:
    """The summary, then the table (if any), then the moves under a heading when both are there."""
    rows = [f for f in answer.facts if f.cells]
    moves = [f for f in answer.facts if f.line]
    parts = [answer.summary]
    if rows:
        parts.append(_table(rows, answer.locale))
    if moves:
        if rows:
            parts.append(f"**{t(answer.locale, 'latest_moves')}**")
        parts.append("\n".join(_move_line(f, link) for f in moves))
    text = "\n\n".join(p for p in parts if p)
    return text if len(text) <= limit else shorten(text, limit)


def _move_line(fact: Fact, link: Link) -> str:
    """The move's line and its best source links that fit the line's budget (at least one, the shortest)."""
    line = fact.line or ""
    links: list[str] = []
    for source in fact.sources:
        masked = link(source.url, source.publisher)
        if len(links) < 2 and len(line) + sum(len(x) + 3 for x in links) + len(masked) + 3 <= LINE_BUDGET:
            links.append(masked)
    if not links and fact.sources:
        links.append(min((link(s.url, s.publisher) for s in fact.sources), key=len))
    return " · ".join([line, *links])


def _table(rows: list[Fact], locale: str) -> str:
    """Rows of (name, number, ...) aligned in a code block, with a header naming the number columns."""
    width = min(NAME_WIDTH, max(len(r.cells[0]) for r in rows))
    columns = len(rows[0].cells) - 1
    header = t(locale, "flow_columns").split("|") if columns == 3 else [""] * columns
    sizes = [max(len(h), *(len(r.cells[i + 1]) for r in rows)) for i, h in enumerate(header)]
    lines = [" " * width + "".join(f"  {h:>{n}}" for h, n in zip(header, sizes, strict=True))] if any(header) else []
    for r in rows:
        name = shorten(r.cells[0], width).ljust(width)
        lines.append(name + "".join(f"  {c:>{n}}" for c, n in zip(r.cells[1:], sizes, strict=True)))
    body = "\n".join(lines).replace("`", "'")
    return f"```\n{body}\n```"


__all__ = ["compact_description", "escape_markdown", "is_compact"]
