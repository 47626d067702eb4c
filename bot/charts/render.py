"""Drawing the charts with matplotlib's object API: a `Figure` on an Agg canvas, never pyplot's global state.

Made to be read on a phone in Discord's dark and light themes alike: an opaque light card with near-black text
(contrast above 15:1), large type, the two directions in the blue and vermilion of the Okabe-Ito palette (told
apart with every common colour blindness), and DejaVu Sans (matplotlib's own font: accents and most Latin,
Greek and Cyrillic names). Imported only when a chart is drawn: matplotlib costs a process about 30 MB.
"""

from __future__ import annotations

import io
import textwrap
import threading

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure

from bot.answers.i18n import format_date, t
from bot.answers.render import shorten
from bot.charts.data import FlowsData, TimelineData, WarData
from bot.charts.words import Chart, caption, month_label, row_label, summary, title

BACKGROUND, INK, MUTED, GRID = "#F4F5F7", "#1E1F22", "#4E5058", "#D5D7DB"
ARRIVALS, DEPARTURES = "#0072B2", "#D55E00"
WIDTH, DPI = 7.2, 160   # inches and dots per inch: 1,152 pixels wide, sharp on a phone, far under 1 MB
NAME_WIDTH = 26         # characters of an org name on an axis
_LOCK = threading.Lock()  # matplotlib's text and font caches are not thread-safe: one drawing at a time


def render_png(chart: Chart) -> bytes:
    """The chart as PNG bytes (call it off the event loop: it takes tens of milliseconds)."""
    with _LOCK:
        return png_of(draw(chart))


def png_of(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": "movesbot"})
    return buffer.getvalue()


def draw(chart: Chart) -> Figure:
    """The figure of a chart (tests inspect its artists: one bar or cell per number)."""
    if isinstance(chart, FlowsData):
        return _flows(chart)
    if isinstance(chart, TimelineData):
        return _timeline(chart)
    return _war(chart)


def _figure(chart: Chart, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(WIDTH, height), dpi=DPI, facecolor=BACKGROUND, layout="constrained")
    fig.get_layout_engine().set(h_pad=0.08, w_pad=0.08)
    fig.suptitle(shorten(title(chart), 70), fontsize=15, fontweight="bold", color=INK, x=0.02, ha="left")
    fig.supxlabel("\n".join(textwrap.wrap(caption(chart), 95)), fontsize=8.5, color=MUTED, x=0.02, ha="left")
    ax = fig.add_subplot()
    ax.set_facecolor(BACKGROUND)
    ax.tick_params(colors=INK, labelsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    return fig, ax


def _flows(chart: FlowsData) -> Figure:
    loc = chart.locale
    fig, ax = _figure(chart, 2.4 + 0.42 * len(chart.rows))
    ax.set_title("\n".join(textwrap.wrap(summary(chart), 80)), fontsize=11, color=MUTED, loc="left")
    y = np.arange(len(chart.rows))[::-1]   # the most active counterpart on top
    joined = [r.joined for r in chart.rows]
    left = [-r.left for r in chart.rows]
    arrivals = ax.barh(y, joined, color=ARRIVALS, height=0.7, label=t(loc, "chart_arrivals"), gid="arrivals")
    departures = ax.barh(y, left, color=DEPARTURES, height=0.7, label=t(loc, "chart_departures"), gid="departures")
    ax.bar_label(arrivals, labels=[str(v) if v else "" for v in joined], padding=3, fontsize=10, color=INK)
    ax.bar_label(departures, labels=[str(-v) if v else "" for v in left], padding=3, fontsize=10, color=INK)
    ax.set_yticks(y, [shorten(row_label(r, loc), NAME_WIDTH) for r in chart.rows])
    reach = max([*joined, *(-v for v in left), 1])
    ax.set_xlim(-reach * 1.18, reach * 1.18)
    ax.axvline(0, color=INK, linewidth=1)
    ax.xaxis.set_major_formatter(lambda value, _: f"{abs(value):g}")
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xlabel(" ")  # room for the two directions, written under each half
    for x, text, colour in ((0.25, f"◀ {t(loc, 'chart_departures')}", DEPARTURES),
                            (0.75, f"{t(loc, 'chart_arrivals')} ▶", ARRIVALS)):
        ax.annotate(text, xy=(x, 0), xycoords="axes fraction", xytext=(0, -24), textcoords="offset points",
                    ha="center", va="top", fontsize=11, fontweight="bold", color=colour)
    return fig


def _timeline(chart: TimelineData) -> Figure:
    loc = chart.locale
    fig, ax = _figure(chart, 4.8)
    ax.set_title("\n".join(textwrap.wrap(summary(chart), 80)), fontsize=11, color=MUTED, loc="left")
    x = np.arange(len(chart.months))
    joined = [m[1] for m in chart.months]
    left = [-m[2] for m in chart.months]
    width = 0.8 if len(x) > 1 else 0.5
    ax.bar(x, joined, width=width, color=ARRIVALS, label=t(loc, "chart_arrivals"), gid="arrivals")
    ax.bar(x, left, width=width, color=DEPARTURES, label=t(loc, "chart_departures"), gid="departures")
    ax.axhline(0, color=INK, linewidth=1)
    ax.yaxis.set_major_formatter(lambda value, _: f"{abs(value):g}")
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ticks = _month_ticks([m[0] for m in chart.months])
    ax.set_xticks([i for i, _ in ticks], [label if len(label) == 4 else month_label(label, loc) for _, label in ticks])
    up, down = max([*joined, 1]), max([*(-v for v in left), 1])
    reach = max(up, down)
    ax.set_ylim(-max(down, reach * 0.25) * 1.2, max(up, reach * 0.25) * 1.5)
    ax.set_xlim(-0.8, len(x) - 0.2)
    _mark_latest(ax, chart, [joined[i] if chart.latest_arrived else left[i] for i in x], max(up, reach * 0.25) * 1.35)
    for y, va, text, colour in ((1, "top", f"▲ {t(loc, 'chart_arrivals')}", ARRIVALS),
                                (0, "bottom", f"▼ {t(loc, 'chart_departures')}", DEPARTURES)):
        ax.text(0.01, y, text, transform=ax.transAxes, ha="left", va=va, fontsize=10.5, fontweight="bold",
                color=colour)
    return fig


def _mark_latest(ax: Axes, chart: TimelineData, tops: list[int], height: float) -> None:
    """An arrow from a label down to the bar of the latest move's month (none for a move dated to the year)."""
    latest, months = chart.latest, [m[0] for m in chart.months]
    if latest is None or latest.date[:7] not in months:
        return
    i = months.index(latest.date[:7])
    mark = t(chart.locale, "chart_latest_mark", person=shorten(latest.person, 30),
             date=format_date(latest.date, latest.date_precision, chart.locale))
    ax.annotate(mark, xy=(i, tops[i]), xytext=(i, height), ha="right" if i > len(months) / 2 else "left",
                va="center", fontsize=10, color=INK, gid="latest",
                arrowprops={"arrowstyle": "-|>", "color": INK, "linewidth": 1})


def _month_ticks(months: list[str]) -> list[tuple[int, str]]:
    """Ticks that fit a phone: every month, every 2nd, 3rd or 6th month, or (over three years) each January,
    labelled with its year."""
    if len(months) > 36:
        return [(i, m[:4]) for i, m in enumerate(months) if m.endswith("-01")] or [(0, months[0][:4])]
    step = next(s for s in (1, 2, 3, 6) if len(months) / s <= 7)
    return [(i, m) for i, m in enumerate(months) if (int(m[5:7]) - 1) % step == 0] or [(0, months[0])]


def _war(chart: WarData) -> Figure:
    n = len(chart.orgs)
    fig, ax = _figure(chart, 2.6 + 0.48 * n)
    ax.set_title("\n".join(textwrap.wrap(summary(chart), 58)), fontsize=10.5, color=MUTED, loc="left")
    net = np.array([[chart.net(row, col) if row != col else 0 for col in chart.orgs] for row in chart.orgs])
    cells = np.ma.masked_array(net, mask=np.eye(n, dtype=bool))
    reach = max(int(np.abs(net).max()), 1)
    cmap = LinearSegmentedColormap.from_list("war", [DEPARTURES, "#FFFFFF", ARRIVALS]).with_extremes(bad=GRID)
    ax.pcolormesh(cells, cmap=cmap, vmin=-reach, vmax=reach, edgecolors=BACKGROUND, linewidth=2, gid="net")
    for i in range(n):
        for j in range(n):
            if i != j:
                value = int(net[i, j])
                strong = abs(value) > reach * 0.6
                ax.text(j + 0.5, i + 0.5, f"{value:+d}" if value else "0", ha="center", va="center", fontsize=10.5,
                        color="#FFFFFF" if strong else (INK if value else MUTED))
    names = [shorten(name, 18) for name in chart.orgs]
    ax.set_xticks(np.arange(n) + 0.5, names, rotation=40, ha="left", rotation_mode="anchor")
    ax.set_yticks(np.arange(n) + 0.5, names)
    ax.xaxis.tick_top()
    ax.invert_yaxis()
    ax.set_aspect("equal")
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig
