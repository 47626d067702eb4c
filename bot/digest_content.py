"""What a digest says: its title, the window in the subscription's time zone, one compact line per move (newest
first), and the flows chart of the window when it holds more than `CHART_OVER` moves. Core: no Discord here;
the Discord layer turns a `DigestMessage` into an embed with the chart attached, the CLI into text."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.answers.i18n import format_date, t
from bot.answers.render import move_line
from bot.charts.data import DEFAULT_TOP, MAX_ROWS, FlowRow, FlowsData, Period, WarData
from bot.charts.words import Chart
from bot.records import MoveRecord, Subscription

CHART_OVER = 5      # a window with more moves than this gets its flows chart attached
TEST_LATEST = 5     # a test digest of an empty window shows the latest moves instead


@dataclass(frozen=True)
class RecordedPeriod(Period):
    """A chart's period as a digest says it: when the moves were recorded, not when they happened."""

    text: str = ""

    def suffix(self, locale: str) -> str:
        return f" {self.text}"

    def label(self, locale: str) -> str:
        return self.text


@dataclass(frozen=True)
class DigestMessage:
    """One digest to post (or preview): the words, the moves newest first, and the chart's data (drawn later,
    off the event loop, into `png`)."""

    channel_id: int
    guild_id: int
    batch: str
    kind: str                   # digest | test
    locale: str
    title: str
    summary: str
    moves: tuple[MoveRecord, ...]
    short_teams: dict[tuple[str, str], str]
    chart: Chart | None
    mention_role_id: int | None = None
    png: bytes | None = None

    @property
    def chart_name(self) -> str:
        return f"digest-{self.batch}.png"


def local_time(iso: str, timezone: str, locale: str) -> str:
    """"5 December 2026, 09:00" in the subscription's time zone."""
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone))
    return f"{format_date(moment.date().isoformat(), 'day', locale)}, {moment:%H:%M}"


def target_label(sub: Subscription, locale: str) -> str:
    """"Meta (arrivals)", "Foundation Models (Apple)", "everything" in the subscription's language."""
    if sub.target_kind == "all":
        return t(locale, "digest_everything")
    name = f"{sub.target_name} ({sub.target_org})" if sub.target_org else sub.target_name
    if sub.target_kind in ("org", "team") and sub.direction != "both":
        name = f"{name} ({t(locale, 'digest_' + sub.direction)})"
    return name


def window_words(sub: Subscription, start: str, end: str) -> str:
    """"recorded from 28 March 2026, 09:00 to 29 March 2026, 09:00 (Europe/Paris)"."""
    return t(sub.locale, "digest_window", start=local_time(start, sub.timezone, sub.locale),
             end=local_time(end, sub.timezone, sub.locale), tz=sub.timezone)


def compose(sub: Subscription, moves: list[MoveRecord], start: str, end: str, *, kind: str, batch: str,
            short_teams: dict[tuple[str, str], str], latest_instead: bool = False,
            mention_role_id: int | None = None) -> DigestMessage:
    """The digest of `moves` (newest first) recorded in [start, end); `latest_instead`: a test digest of an
    empty window, showing the latest moves on record."""
    loc = sub.locale
    title_key = "digest_title_test" if kind == "test" else f"digest_title_{sub.cadence}"
    words = window_words(sub, start, end)
    summary = t(loc, "digest_test_latest") if latest_instead else t(loc, "digest_summary", count=len(moves),
                                                                     window=words)
    chart = window_chart(sub, moves, words) if len(moves) > CHART_OVER and not latest_instead else None
    title = t(loc, title_key, target=target_label(sub, loc))
    return DigestMessage(sub.channel_id, sub.guild_id, batch, kind, loc, title, summary, tuple(moves), short_teams,
                         chart, mention_role_id)


def window_chart(sub: Subscription, moves: list[MoveRecord], words: str) -> Chart | None:
    """The flows of the subscribed org or team over the window's moves; for a person or everything, the net
    flows between the window's most active orgs. None when there is nothing to draw."""
    period = RecordedPeriod(text=t(sub.locale, "digest_period", window=words))
    record_date = max((m.date for m in moves), default=None)
    if sub.target_kind in ("org", "team"):
        joined: Counter[str | None] = Counter()
        left: Counter[str | None] = Counter()
        for move in moves:
            if _is(sub, move.to_org, move.to_team):
                joined[move.from_org] += 1
            if _is(sub, move.from_org, move.from_team):
                left[move.to_org] += 1
        names = sorted(set(joined) | set(left), key=lambda n: (-(joined[n] + left[n]), n is None, n or ""))
        rows = [FlowRow(n, joined[n], left[n]) for n in names]
        if len(rows) > MAX_ROWS:
            rest = rows[MAX_ROWS - 1:]
            rows = [*rows[:MAX_ROWS - 1], FlowRow(None, sum(r.joined for r in rest), sum(r.left for r in rest),
                                                  others=len(rest))]
        chart: Chart = FlowsData(sub.locale, period, record_date, target_label(sub, sub.locale), tuple(rows),
                                 sum(joined.values()), sum(left.values()))
    else:
        activity = Counter(o for m in moves for o in (m.from_org, m.to_org) if o is not None)
        orgs = tuple(sorted(activity, key=lambda o: (-activity[o], o))[:DEFAULT_TOP])
        pairs = Counter((m.from_org, m.to_org) for m in moves if m.from_org in orgs and m.to_org in orgs
                        and m.from_org != m.to_org)
        chart = WarData(sub.locale, period, record_date, orgs, dict(pairs))
    return None if chart.empty else chart


def _is(sub: Subscription, org: str | None, team: str | None) -> bool:
    """Whether a move's side is the subscribed org or team."""
    if sub.target_kind == "org":
        return org == sub.target_name
    return team == sub.target_name and org == sub.target_org


def digest_text(message: DigestMessage) -> str:
    """The digest as plain text (`movesbot digest preview`): title, summary, a line per move."""
    lines = [message.title, message.summary, *(f"• {move_line(m, message.locale)}" for m in message.moves)]
    if message.chart is not None:
        lines.append(t(message.locale, "digest_chart_note"))
    return "\n".join(lines)
