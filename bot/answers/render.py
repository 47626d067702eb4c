"""Plain-text rendering of answers (console, `ask`); the Discord embeds reuse `move_line` and `place`."""

from __future__ import annotations

from bot.answers.i18n import format_date, t
from bot.answers.model import Answer, Fact
from bot.records import MoveRecord

ROLE_WIDTH = 90


def place(org: str | None, team: str | None) -> str:
    """"Apple (Foundation Models)", or just "Apple"; "?" for a destination not reported."""
    if org is None:
        return "?"
    return f"{org} ({team})" if team else org


def shorten(text: str, width: int = ROLE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def move_sentence(move: MoveRecord, locale: str, with_roles: bool = False) -> str:
    """Who went from where to where, "reportedly" if only reported; a departure whose destination is not
    reported says so ("Kevin Weil left OpenAI (destination not reported)")."""
    src = place(move.from_org, move.from_team)
    reported = "_reported" if move.status == "reported" else ""
    if move.to_org is None:
        return t(locale, "departed" + reported, person=move.person, src=src)
    dst = place(move.to_org, move.to_team)
    if with_roles and move.to_role:
        dst = f"{dst}, {t(locale, 'as_role', role=shorten(move.to_role, 60))}"
    return t(locale, "moved" + reported, person=move.person, src=src, dst=dst)


def move_line(move: MoveRecord, locale: str, with_roles: bool = False) -> str:
    """One line per move: its sentence and when, at the date's precision."""
    when = format_date(move.date, move.date_precision, locale)
    return f"{move_sentence(move, locale, with_roles)} ({when})"


def render_text(answer: Answer, max_sources: int = 3) -> str:
    """The whole answer as plain text: title, summary, one line per fact with its source links."""
    lines = [answer.title, answer.summary] if answer.title != answer.summary else [answer.summary]
    if answer.order:
        lines.append(answer.order)
    for fact in answer.facts:
        lines.append(f"• {fact.text}")
        if fact.detail:
            lines.append(f"    {fact.detail}")
        lines.extend(f"    {s.url}" for s in fact.sources[:max_sources])
        if len(fact.sources) > max_sources:
            lines.append(f"    (+{len(fact.sources) - max_sources})")
    if answer.has_more:
        lines.append(t(answer.locale, "more", count=answer.total - answer.offset - len(answer.facts)))
    if answer.suggestions:
        lines.append(t(answer.locale, "did_you_mean", names=", ".join(answer.suggestions)))
    return "\n".join(line for line in lines if line)


def fact_for_move(move: MoveRecord, locale: str, with_notes: bool = False) -> Fact:
    detail = shorten(move.notes, 300) if with_notes and move.notes else None
    return Fact(move_line(move, locale, with_roles=with_notes), move.sources, move, detail)


_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "*_~|`>[]\\"})


def escape_markdown(text: str) -> str:
    """Text shown as is in Markdown (Discord): its asterisks, underscores and the like lose their meaning."""
    return text.translate(_MARKDOWN)


def compact_line(move: MoveRecord, locale: str, short_teams: dict[tuple[str, str], str]) -> str:
    """One move on one line, for lists read on a phone: **who** · from → to · when · "reported" if only
    reported. Teams go by their short form where there is one ("Apple (AFM) → Meta (MSL)")."""
    def where(org: str, team: str | None) -> str:
        return escape_markdown(place(org, short_teams.get((org, team), team) if team else None))

    dst = where(move.to_org, move.to_team) if move.to_org else t(locale, "unknown_destination")
    parts = [f"**{escape_markdown(move.person)}**", f"{where(move.from_org, move.from_team)} → {dst}",
             format_date(move.date, move.date_precision, locale)]
    if move.status == "reported":
        parts.append(t(locale, "reported_short"))
    return " · ".join(parts)
