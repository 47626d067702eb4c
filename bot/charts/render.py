"""Drawing the charts with matplotlib's object API: a `Figure` on an Agg canvas, never pyplot's global state.

Made to be read on a phone in Discord's dark and light themes alike: an opaque light card with near-black text
(contrast above 15:1), large type, the two directions in the blue and vermilion of the Okabe-Ito palette (told
apart with every common colour blindness), and DejaVu Sans (matplotlib's own font: accents and most Latin,
Greek and Cyrillic names). Imported only when a chart is drawn: matplotlib costs a process about 30 MB.
"""

from __future__ import annotations

import gc
import io
import textwrap
import threading

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

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
    """The chart as PNG bytes (call it off the event loop: it takes tens of milliseconds).

    The cyclic garbage collector is paused while drawing: a figure makes thousands of objects, whose
    allocations otherwise start full collections over every object of the bot (its name index among them) in
    the middle of a chart (at 100k moves, the slowest of 80 flows charts: 478-622 ms -> 201-236 ms).
    """
    with _LOCK:
        paused = gc.isenabled()
        gc.disable()
        try:
            return png_of(draw(chart))
        finally:
            if paused:
                gc.enable()


def png_of(fig: Figure) -> bytes:
    """PNG at zlib level 3: flat colours compress well at any level, and level 6 takes twice the time."""
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": "movesbot"}, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def draw(chart: Chart) -> Figure:
    """The figure of a chart (tests inspect its artists: one bar or cell per number)."""
    if isinstance(chart, FlowsData):
        return _flows(chart)
    if isinstance(chart, TimelineData):
        return _timeline(chart)
    return _war(chart)


class _Frame:
    """A figure laid out by hand, in inches: title and summary on top, the caption at the bottom, the axes
    between, its margins measured from the labels they must hold (matplotlib's constrained layout draws the
    figure twice more to find them: half the time of a chart)."""

    PAD, TITLE, LINE, CAPTION = 0.18, 0.34, 0.21, 0.16

    def __init__(self, chart: Chart, wrap: int = 78):
        self.fig = Figure(figsize=(WIDTH, 4), dpi=DPI, facecolor=BACKGROUND)
        self.renderer = FigureCanvasAgg(self.fig).get_renderer()
        self.summary = textwrap.wrap(summary(chart), wrap)
        self.caption = textwrap.wrap(caption(chart), 95)
        self.title = shorten(title(chart), 70)
        self.top = self.PAD + self.TITLE + self.LINE * len(self.summary) + 0.12
        self.bottom = self.PAD + self.CAPTION * len(self.caption) + 0.12

    def width(self, texts: list[str], size: float, weight: str = "normal") -> float:
        """The widest of `texts` in inches, as Agg will draw them."""
        prop = FontProperties(size=size, weight=weight)
        return max((self.renderer.get_text_width_height_descent(s, prop, ismath=False)[0] for s in texts),
                   default=0) / DPI

    def axes(self, height: float, left: float, *, top: float = 0, bottom: float = 0, right: float = 0.35) -> Axes:
        """The axes `height` inches tall, with room for `top`/`bottom` inches of labels and `left` of names."""
        total = self.top + top + height + bottom + self.bottom
        fig = self.fig
        fig.set_size_inches(WIDTH, total)
        fig.text(self.PAD / WIDTH, 1 - self.PAD / total, self.title, fontsize=15, fontweight="bold", color=INK,
                 va="top")
        fig.text(self.PAD / WIDTH, 1 - (self.PAD + self.TITLE) / total, "\n".join(self.summary), fontsize=11,
                 color=MUTED, va="top", linespacing=1.25)
        fig.text(self.PAD / WIDTH, self.PAD / total, "\n".join(self.caption), fontsize=8.5, color=MUTED,
                 va="bottom")
        left = max(left + 0.15, 0.5)
        ax = fig.add_axes((left / WIDTH, (self.bottom + bottom) / total, 1 - (left + right) / WIDTH,
                           height / total))
        ax.set_facecolor(BACKGROUND)
        ax.tick_params(colors=INK, labelsize=11)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_color(GRID)
        return ax


def _flows(chart: FlowsData) -> Figure:
    loc = chart.locale
    frame = _Frame(chart)
    names = [shorten(row_label(r, loc), NAME_WIDTH) for r in chart.rows]
    ax = frame.axes(0.42 * len(chart.rows) + 0.2, frame.width(names, 11), bottom=0.62)
    y = np.arange(len(chart.rows))[::-1]   # the most active counterpart on top
    joined = [r.joined for r in chart.rows]
    left = [-r.left for r in chart.rows]
    arrivals = ax.barh(y, joined, color=ARRIVALS, height=0.7, gid="arrivals")
    departures = ax.barh(y, left, color=DEPARTURES, height=0.7, gid="departures")
    ax.bar_label(arrivals, labels=[str(v) if v else "" for v in joined], padding=3, fontsize=10, color=INK)
    ax.bar_label(departures, labels=[str(-v) if v else "" for v in left], padding=3, fontsize=10, color=INK)
    ax.set_yticks(y, names)
    ax.set_ylim(-0.6, len(y) - 0.4)
    reach = max([*joined, *(-v for v in left), 1])
    ax.set_xlim(-reach * 1.18, reach * 1.18)
    ax.axvline(0, color=INK, linewidth=1)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))  # people come whole
    ax.xaxis.set_major_formatter(lambda value, _: f"{abs(value):g}")
    ax.grid(axis="x", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    for x, text, colour in ((0.25, f"◀ {t(loc, 'chart_departures')}", DEPARTURES),
                            (0.75, f"{t(loc, 'chart_arrivals')} ▶", ARRIVALS)):
        ax.annotate(text, xy=(x, 0), xycoords="axes fraction", xytext=(0, -24), textcoords="offset points",
                    ha="center", va="top", fontsize=11, fontweight="bold", color=colour)
    return frame.fig


def _timeline(chart: TimelineData) -> Figure:
    """Arrivals up, departures down, one bar per month and direction with a move (no bar for none)."""
    loc = chart.locale
    frame = _Frame(chart)
    ticks = _month_ticks([m[0] for m in chart.months])
    labels = [label if len(label) == 4 else month_label(label, loc) for _, label in ticks]
    joined = np.array([m[1] for m in chart.months])
    left = -np.array([m[2] for m in chart.months])
    ax = frame.axes(3.4, frame.width([str(max(joined.max(), -left.min()) * 2)], 11), bottom=0.35)
    x = np.arange(len(chart.months))
    width = 0.8 if len(x) > 1 else 0.5
    ax.bar(x[joined > 0], joined[joined > 0], width=width, color=ARRIVALS, gid="arrivals")
    ax.bar(x[left < 0], left[left < 0], width=width, color=DEPARTURES, gid="departures")
    ax.axhline(0, color=INK, linewidth=1)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.yaxis.set_major_formatter(lambda value, _: f"{abs(value):g}")
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)
    ax.set_xticks([i for i, _ in ticks], labels)
    up, down = max(int(joined.max()), 1), max(int(-left.min()), 1)
    reach = max(up, down)
    ax.set_ylim(-max(down, reach * 0.25) * 1.2, max(up, reach * 0.25) * 1.5)
    ax.set_xlim(-0.8, len(x) - 0.2)
    _mark_latest(ax, chart, [int(joined[i]) if chart.latest_arrived else int(left[i]) for i in x],
                 max(up, reach * 0.25) * 1.35)
    for y, va, text, colour in ((1, "top", f"▲ {t(loc, 'chart_arrivals')}", ARRIVALS),
                                (0, "bottom", f"▼ {t(loc, 'chart_departures')}", DEPARTURES)):
        ax.text(0.01, y, text, transform=ax.transAxes, ha="left", va=va, fontsize=10.5, fontweight="bold",
                color=colour)
    return frame.fig


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
    """A cell per ordered pair: what the row's org gained from (+, blue) or lost to (−, vermilion) the column's;
    the diagonal is grey, a zero left blank."""
    n = len(chart.orgs)
    frame = _Frame(chart, wrap=88)
    names = [shorten(name, 18) for name in chart.orgs]
    left = frame.width(names, 11)
    cell = min((WIDTH - left - 0.5) / n, 0.55)
    ax = frame.axes(cell * n, left, top=frame.width(names, 11) * 0.65 + 0.3, right=WIDTH - left - 0.15 - cell * n)
    net = np.array([[chart.net(row, col) if row != col else 0 for col in chart.orgs] for row in chart.orgs])
    reach = max(int(np.abs(net).max()), 1)
    cmap = LinearSegmentedColormap.from_list("war", [DEPARTURES, "#FFFFFF", ARRIVALS]).with_extremes(bad=GRID)
    ax.pcolormesh(np.ma.masked_array(net, mask=np.eye(n, dtype=bool)), cmap=cmap, vmin=-reach, vmax=reach,
                  edgecolors=BACKGROUND, linewidth=2, gid="net")
    for (i, j), value in np.ndenumerate(net):
        if value:
            ax.text(j + 0.5, i + 0.5, f"{value:+d}", ha="center", va="center", fontsize=10.5,
                    color="#FFFFFF" if abs(value) > reach * 0.6 else INK)
    ax.set_xticks(np.arange(n) + 0.5, names, rotation=40, ha="left", rotation_mode="anchor")
    ax.set_yticks(np.arange(n) + 0.5, names)
    ax.xaxis.tick_top()
    ax.set_xlim(0, n)
    ax.set_ylim(n, 0)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return frame.fig
