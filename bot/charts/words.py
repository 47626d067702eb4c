"""The words around a chart, in the asker's language: its title, caption, summary, the alt text that states its
numbers for screen readers (Discord's attachment description: 1,024 characters at most), and the sentence that
replaces a chart with nothing to draw."""

from __future__ import annotations

from collections.abc import Callable

from bot.answers.i18n import MONTHS_SHORT, format_date, normalize_locale, t
from bot.answers.render import move_line
from bot.charts.data import FlowRow, FlowsData, TimelineData, WarData

ALT_LIMIT = 1024
Chart = FlowsData | TimelineData | WarData


def precision_of(value: str) -> str:
    """The precision a partial ISO date is written at."""
    return {4: "year", 7: "month"}.get(len(value), "day")


def row_label(row: FlowRow, locale: str) -> str:
    """A flows row's counterpart: the org, "destination not reported", or "12 other orgs"."""
    if row.others:
        return t(locale, "chart_others", count=row.others)
    return row.counterpart if row.counterpart is not None else t(locale, "chart_unknown")


def month_label(month: str, locale: str, with_year: bool = True) -> str:
    """"Jul 2025" / "juil. 2025" (an axis tick)."""
    name = MONTHS_SHORT[normalize_locale(locale)][int(month[5:7]) - 1]
    return f"{name} {month[:4]}" if with_year else name


def title(chart: Chart) -> str:
    loc = chart.locale
    if isinstance(chart, FlowsData):
        return t(loc, "chart_flows_title", place=chart.subject)
    if isinstance(chart, TimelineData):
        return t(loc, "chart_timeline_title", place=chart.subject)
    return t(loc, "chart_war_title", count=len(chart.orgs))


def caption(chart: Chart) -> str:
    """The source (the record, as of its latest move) and the period."""
    date = chart.record_date
    when = format_date(date, precision_of(date), chart.locale) if date else "?"
    return t(chart.locale, "chart_caption", date=when, period=chart.period.label(chart.locale))


def summary(chart: Chart) -> str:
    """One sentence under the title (the embed's description, the console's line)."""
    loc, period = chart.locale, chart.period.suffix(chart.locale)
    if isinstance(chart, FlowsData | TimelineData):
        joined, left = _totals(chart)
        text = t(loc, "org_summary", org=chart.subject, joined=joined, left=left, net=joined - left, period=period)
        if isinstance(chart, TimelineData) and sum(chart.year_only):
            text += " " + t(loc, "chart_year_only", count=sum(chart.year_only))
        return text
    return t(loc, "chart_war_legend") + "."


def empty_sentence(chart: Chart) -> str:
    """What to say instead of an empty chart."""
    loc, period = chart.locale, chart.period.suffix(chart.locale)
    if isinstance(chart, WarData):
        return t(loc, "chart_war_none", period=period)
    text = t(loc, "chart_none", place=chart.subject, period=period)
    if isinstance(chart, TimelineData) and sum(chart.year_only):
        text += " " + t(loc, "chart_year_only", count=sum(chart.year_only))
    return text


def alt_text(chart: Chart) -> str:
    """The chart's numbers in a sentence or two, within `ALT_LIMIT`."""
    loc, period = chart.locale, chart.period.suffix(chart.locale)
    if isinstance(chart, FlowsData):
        items = [t(loc, "chart_flow_words", other=row_label(r, loc), joined=r.joined, left=r.left)
                 for r in chart.rows]
        return _fit(lambda details: t(loc, "chart_flows_alt", place=chart.subject, period=period,
                                      joined=chart.joined, left=chart.left, net=chart.joined - chart.left,
                                      details=details), items, loc)
    if isinstance(chart, TimelineData):
        return _timeline_alt(chart)
    pairs = sorted(((chart.net(b, a), a, b) for i, a in enumerate(chart.orgs) for b in chart.orgs[i + 1:]),
                   key=lambda p: -abs(p[0]))
    items = [t(loc, "chart_war_pair", src=a, dst=b, count=n) if n > 0 else
             t(loc, "chart_war_pair", src=b, dst=a, count=-n) for n, a, b in pairs if n]
    return _fit(lambda details: t(loc, "chart_war_alt", count=len(chart.orgs), period=period,
                                  names=", ".join(chart.orgs), details=details or "0"), items, loc)


def _timeline_alt(chart: TimelineData) -> str:
    loc = chart.locale
    joined, left = _totals(chart)
    busiest = max(chart.months, key=lambda m: (m[1] + m[2], m[0]))
    parts = [t(loc, "chart_timeline_alt", place=chart.subject, period=chart.period.suffix(loc),
               first=format_date(chart.months[0][0], "month", loc), last=format_date(chart.months[-1][0], "month", loc),
               joined=joined, left=left, busiest=format_date(busiest[0], "month", loc), peak=busiest[1] + busiest[2])]
    if sum(chart.year_only):
        parts.append(t(loc, "chart_year_only", count=sum(chart.year_only)))
    if chart.latest is not None:
        parts.append(t(loc, "chart_latest", move=move_line(chart.latest, loc)))
    text = " ".join(parts)
    return text if len(text) <= ALT_LIMIT else text[:ALT_LIMIT - 1] + "…"


def _totals(chart: FlowsData | TimelineData) -> tuple[int, int]:
    if isinstance(chart, FlowsData):
        return chart.joined, chart.left
    return (sum(m[1] for m in chart.months) + chart.year_only[0],
            sum(m[2] for m in chart.months) + chart.year_only[1])


def _fit(sentence: Callable[[str], str], items: list[str], locale: str) -> str:
    """The sentence with as many of `items` as fit in `ALT_LIMIT`, then "and N more"."""
    for shown in range(len(items), -1, -1):
        rest = len(items) - shown
        more = [t(locale, "chart_and_more", count=rest)] if rest else []
        details = t(locale, "chart_sep").join(items[:shown] + more)
        text = sentence(details)
        if len(text) <= ALT_LIMIT:
            return text
    return text[:ALT_LIMIT - 1] + "…"
