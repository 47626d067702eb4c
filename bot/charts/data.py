"""What each chart shows, read from the store: plain data that the renderer draws and the alt text states.

Names typed by a user resolve through the engine's name index, as in the lookup commands ("AFM", "openai");
an unsure or unknown name comes back as the engine's "did you mean" / "not found" `Answer`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.answers import Answer, Engine
from bot.answers.i18n import format_date, t
from bot.models import parse_partial_date
from bot.records import MoveRecord

MAX_ROWS = 12        # counterparts in a flows chart; the rest are summed into one row
DEFAULT_TOP = 8      # orgs in the talent-war matrix
TOP_RANGE = (2, 12)  # more than 12 rows and columns no longer read on a phone


class BadChartInput(ValueError):
    """A chart option that is not understood (a `since` that is not a date, a `top` out of range)."""


@dataclass(frozen=True)
class Period:
    """The window of a chart: moves dated on or after `start` (a partial ISO date), or all of them."""

    start: str | None = None
    precision: str | None = None

    @classmethod
    def since(cls, value: str | None) -> Period:
        """`since` as typed: YYYY, YYYY-MM or YYYY-MM-DD (`BadChartInput` otherwise)."""
        if not value or not value.strip():
            return cls()
        try:
            start, precision = parse_partial_date(value)
        except ValueError as exc:
            raise BadChartInput(str(exc)) from None
        return cls(start, precision)

    def suffix(self, locale: str) -> str:
        """" since July 2025" for sentences ("" for all time)."""
        if self.start is None:
            return ""
        return t(locale, "period_since", date=format_date(self.start, self.precision, locale))

    def label(self, locale: str) -> str:
        """"since July 2025", or "all moves on record" (the caption)."""
        return self.suffix(locale).strip() or t(locale, "chart_all_time")


@dataclass(frozen=True)
class ChartBase:
    locale: str
    period: Period
    record_date: str | None  # the latest move on record: how current the source is


@dataclass(frozen=True)
class FlowRow:
    """One counterpart: its name (None: destination not reported; `others` > 0: that many orgs summed)."""

    counterpart: str | None
    joined: int
    left: int
    others: int = 0


@dataclass(frozen=True)
class FlowsData(ChartBase):
    subject: str
    rows: tuple[FlowRow, ...]
    joined: int
    left: int

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True)
class TimelineData(ChartBase):
    subject: str
    months: tuple[tuple[str, int, int], ...]  # ("YYYY-MM", arrivals, departures), every month first to last
    year_only: tuple[int, int]                 # arrivals, departures dated only to the year (not drawn)
    latest: MoveRecord | None
    latest_arrived: bool = False               # the latest move is an arrival (else a departure)

    @property
    def empty(self) -> bool:
        return not self.months


@dataclass(frozen=True)
class WarData(ChartBase):
    orgs: tuple[str, ...]                              # the top orgs, most active first
    moves: dict[tuple[str, str], int] = field(default_factory=dict)  # (from, to) -> moves between them

    def net(self, row: str, column: str) -> int:
        """People `row` gained from `column` (negative: lost to it)."""
        return self.moves.get((column, row), 0) - self.moves.get((row, column), 0)

    @property
    def empty(self) -> bool:
        return len(self.orgs) < 2 or not self.moves


async def flows_data(engine: Engine, org: str, team: str | None = None, since: str | None = None,
                     locale: str = "en") -> FlowsData | Answer:
    """Arrivals and departures of an org or team by counterpart org: at most `MAX_ROWS` rows, the most active
    counterparts first, then departures whose destination was not reported, then the rest summed into one."""
    period = Period.since(since)
    subject, problem = engine.resolve_place(org, team, locale)
    if subject is None:
        assert problem is not None
        return problem
    flows = await engine.store.chart_flows(subject.kind, subject.id, date_from=period.start)
    named = [f for f in flows if f[0] is not None]
    room = MAX_ROWS - (len(named) < len(flows))  # departures to an unreported destination keep their own row
    shown = named if len(named) <= room else named[:room - 1]
    rows = [FlowRow(name, joined, left) for name, joined, left in shown]
    rows += [FlowRow(None, joined, left) for name, joined, left in flows if name is None]
    rest = named[len(shown):]
    if rest:
        rows.append(FlowRow(None, sum(f[1] for f in rest), sum(f[2] for f in rest), others=len(rest)))
    return FlowsData(locale, period, await engine.store.latest_move_date(), subject.label, tuple(rows),
                     sum(f[1] for f in flows), sum(f[2] for f in flows))


async def timeline_data(engine: Engine, org: str, team: str | None = None, since: str | None = None,
                        locale: str = "en") -> TimelineData | Answer:
    """Arrivals and departures of an org or team per month, every month from the first to the last, and the
    latest move (marked on the chart)."""
    period = Period.since(since)
    subject, problem = engine.resolve_place(org, team, locale)
    if subject is None:
        assert problem is not None
        return problem
    counts = await engine.store.chart_months(subject.kind, subject.id, date_from=period.start)
    by_month = {m: (j, lft) for m, j, lft in counts if len(m) == 7}
    year_only = (sum(j for m, j, _ in counts if len(m) == 4), sum(lft for m, _, lft in counts if len(m) == 4))
    months = tuple((m, *by_month.get(m, (0, 0))) for m in _month_range(min(by_month), max(by_month))) \
        if by_month else ()
    side = f"{subject.kind}_id"
    latest, arrived = None, False
    for direction in ("from", "to"):
        found, _ = await engine.store.moves(**{f"{direction}_{side}": subject.id}, date_from=period.start,
                                            newest_first=True, limit=1)
        if found and (latest is None or (found[0].date, found[0].id) > (latest.date, latest.id)):
            latest, arrived = found[0], direction == "to"
    return TimelineData(locale, period, await engine.store.latest_move_date(), subject.label, months, year_only,
                        latest, arrived)


async def war_data(engine: Engine, since: str | None = None, top: int | None = None,
                   locale: str = "en") -> WarData:
    """The `top` most active orgs of the period (arrivals plus departures; ties by name) and the moves between
    each ordered pair of them."""
    period = Period.since(since)
    top = DEFAULT_TOP if top is None else top
    if not TOP_RANGE[0] <= top <= TOP_RANGE[1]:
        raise BadChartInput(t(locale, "chart_bad_top", low=TOP_RANGE[0], high=TOP_RANGE[1]))
    totals = await engine.store.org_totals(date_from=period.start)
    ranked = sorted(totals, key=lambda f: (-(f.joined + f.left), f.counterpart))[:top]
    orgs = tuple(f.counterpart for f in ranked)
    pairs = await engine.store.chart_pairs(orgs, date_from=period.start)
    return WarData(locale, period, await engine.store.latest_move_date(), orgs,
                   {(src, dst): n for src, dst, n in pairs if src != dst})


def _month_range(first: str, last: str) -> list[str]:
    """"2025-11", "2026-02" -> every month from the one to the other."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while (stamp := f"{year:04d}-{month:02d}") <= last:
        out.append(stamp)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
