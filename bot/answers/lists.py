"""The list answers of the engine (who left, who joined, between two orgs, recent moves, an org's flows, the
rankings, returns, where people went): one page of moves, newest first, over the store's queries."""

from __future__ import annotations

from bot.answers.i18n import format_date, t
from bot.answers.model import Answer, Fact
from bot.answers.parse import Period
from bot.answers.render import compact_line, fact_for_move
from bot.records import Flow, MoveRecord
from bot.search import Match
from bot.store import Store

PAGE = 10


class ListAnswers:
    """Mixed into `Engine`, which provides the store."""

    store: Store
    short_teams: dict[tuple[str, str], str]

    def _fact(self, move: MoveRecord, locale: str) -> Fact:
        """A move in a list: its sentence (console, JSON) and its compact line (Discord)."""
        fact = fact_for_move(move, locale)
        return Fact(fact.text, fact.sources, move, fact.detail, compact_line(move, locale, self.short_teams))

    def _list_answer(self, intent: str, locale: str, title: str, summary: str, moves: list[MoveRecord],
                     total: int, offset: int, page_size: int, request: dict) -> Answer:
        people = list(dict.fromkeys(m.person for m in moves))
        facts = [self._fact(m, locale) for m in moves]
        order = t(locale, "newest_first") if total > 1 else ""  # lists run newest first, and say so
        return Answer("", intent, locale, title, summary, facts, people, total=total, offset=offset,
                      page_size=page_size, request=request, order=order)

    async def _left(self, subject: Match, other: Match | None, period: Period, locale: str, page_size: int,
                    offset: int, newest_first: bool = True, status: str | None = None,
                    exclude: Match | None = None, no_destination: bool = False) -> Answer:
        filters: dict = _side(subject, "from")
        if no_destination and other is None:
            filters["no_destination"] = True
        if other is not None:
            filters.update(_side(other, "to"))
        if exclude is not None and exclude.kind == "org":
            filters["not_to_org_id"] = exclude.id
        moves, total = await self.store.moves(**filters, date_from=period.start, date_before=period.end,
                                              newest_first=newest_first, limit=page_size, offset=offset,
                                              status=status)
        when = _period_label(period, locale) + _qualifiers(locale, status, exclude)
        if filters.get("no_destination"):
            when += t(locale, "only_no_destination")
        request = {"method": "_left", "args": {"subject": subject, "other": other, "period": period,
                                               "locale": locale, "page_size": page_size,
                                               "newest_first": newest_first, "status": status,
                                               "exclude": exclude, "no_destination": no_destination}}
        if other is None:
            title = t(locale, "left_title", place=subject.label)
            summary = t(locale, "left_summary" if total else "none_left", count=total, place=subject.label,
                        period=when)
            intent = "left"
        else:
            title = t(locale, "between_title", src=subject.label, dst=other.label)
            summary = t(locale, "between_summary" if total else "none_between", count=total, src=subject.label,
                        dst=other.label, period=when)
            intent = "between"
        return self._list_answer(intent, locale, title, summary, moves, total, offset, page_size, request)

    async def _joined(self, subject: Match, other: Match | None, period: Period, locale: str, page_size: int,
                      offset: int, newest_first: bool = True, status: str | None = None) -> Answer:
        filters = _side(subject, "to")
        if other is not None:
            filters.update(_side(other, "from"))
        moves, total = await self.store.moves(**filters, date_from=period.start, date_before=period.end,
                                              newest_first=newest_first, limit=page_size, offset=offset,
                                              status=status)
        when = _period_label(period, locale) + _qualifiers(locale, status, None)
        if not total:
            summary = t(locale, "none_joined", place=subject.label, period=when)
        elif other is not None:
            summary = t(locale, "joined_from_summary", count=total, place=subject.label, src=other.label, period=when)
        else:
            summary = t(locale, "joined_summary", count=total, place=subject.label, period=when)
        request = {"method": "_joined", "args": {"subject": subject, "other": other, "period": period,
                                                 "locale": locale, "page_size": page_size,
                                                 "newest_first": newest_first, "status": status}}
        return self._list_answer("joined", locale, t(locale, "joined_title", place=subject.label), summary, moves,
                            total, offset, page_size, request)

    async def _org(self, subject: Match, period: Period, locale: str, page_size: int, offset: int) -> Answer:
        if subject.kind == "team":
            return await self._team(subject, period, locale)
        flows = await self.store.org_flows(subject.id, date_from=period.start, date_before=period.end)
        joined, left = sum(f.joined for f in flows), sum(f.left for f in flows)
        facts = [_flow_fact(f, locale) for f in flows[:15]]
        latest, _ = await self._involving(subject, period, 5, 0)
        facts.extend(self._fact(m, locale) for m in latest)
        summary = t(locale, "org_summary", org=subject.name, joined=joined, left=left, net=joined - left,
                    period=_period_label(period, locale))
        return Answer("", "org", locale, t(locale, "org_title", org=subject.name), summary, facts,
                      list(dict.fromkeys(m.person for m in latest)), total=len(facts), page_size=len(facts) or PAGE)

    async def _ranking(self, measure: str, period: Period, locale: str, size: int = 10) -> Answer:
        """The talent war's table: the orgs that lost, hired or gained the most people (ties by name)."""
        totals = await self.store.org_totals(date_from=period.start, date_before=period.end)
        value = {"left": lambda f: f.left, "joined": lambda f: f.joined, "net": lambda f: f.net}[measure]
        top = sorted(totals, key=lambda f: (-value(f), f.counterpart))[:size]
        when = _period_label(period, locale)
        facts = [_flow_fact(f, locale) for f in top]
        summary = (t(locale, "ranking_summary", measure=t(locale, f"measure_{measure}"), period=when,
                     count=len(totals)) if totals else t(locale, "ranking_none", period=when))
        return Answer("", "ranking", locale, t(locale, f"ranking_title_{measure}"), summary, facts, [],
                      total=len(facts), page_size=len(facts) or PAGE)

    async def _team(self, subject: Match, period: Period, locale: str) -> Answer:
        """A team: its departures, then its arrivals, each in date order."""
        dates = {"date_from": period.start, "date_before": period.end}
        out, left = await self.store.moves(from_team_id=subject.id, limit=25, **dates)
        came, joined = await self.store.moves(to_team_id=subject.id, limit=25, **dates)
        moves = out + [m for m in came if m.id not in {o.id for o in out}]
        summary = t(locale, "org_summary", org=subject.label, joined=joined, left=left, net=joined - left,
                    period=_period_label(period, locale))
        facts = [self._fact(m, locale) for m in moves]
        return Answer("", "org", locale, subject.label, summary, facts, list(dict.fromkeys(m.person for m in moves)),
                      total=len(facts), page_size=len(facts) or PAGE)

    async def _returns(self, subject: Match | None, period: Period, locale: str, page_size: int,
                       offset: int) -> Answer:
        """Returns to a former org ("boomerang hires"): moves back to an org the person had left before."""
        filters = _side(subject, "to") if subject is not None else {}
        moves, total = await self.store.moves(**filters, returns=True, date_from=period.start,
                                              date_before=period.end, newest_first=True, limit=page_size,
                                              offset=offset)
        when = _period_label(period, locale)
        if subject is None:
            title = t(locale, "returns_title_any")
            summary = t(locale, "returns_summary_any" if total else "returns_none_any", count=total, period=when)
        else:
            title = t(locale, "returns_title", place=subject.label)
            summary = t(locale, "returns_summary" if total else "returns_none", count=total, place=subject.label,
                        period=when)
        request = {"method": "_returns", "args": {"subject": subject, "period": period, "locale": locale,
                                                  "page_size": page_size}}
        return self._list_answer("returns", locale, title, summary, moves, total, offset, page_size, request)

    async def _counterparts(self, subject: Match, came: bool, period: Period, locale: str) -> Answer:
        """Where an org's people went, or where its hires came from: counterpart orgs ranked by count."""
        flows = await self.store.org_flows(subject.id, date_from=period.start, date_before=period.end)
        count = (lambda f: f.joined) if came else (lambda f: f.left)
        ranked = sorted((f for f in flows if count(f)), key=lambda f: (-count(f), f.counterpart or "~"))
        total = sum(count(f) for f in ranked)
        facts = []
        for f in ranked[:15]:
            other = f.counterpart or t(locale, "unknown_destination")
            facts.append(Fact(t(locale, "counterpart_line", other=other, count=count(f)),
                              cells=(f.counterpart or t(locale, "unknown_short"), str(count(f)))))
        kind = "came_from" if came else "went_to"
        summary = t(locale, f"{kind}_summary" if total else f"{kind}_none", count=total, place=subject.label,
                    period=_period_label(period, locale))
        return Answer("", kind, locale, t(locale, f"{kind}_title", place=subject.label), summary, facts, [],
                      total=len(facts), page_size=len(facts) or PAGE)

    async def _involving(self, subject: Match, period: Period, limit: int, offset: int) -> tuple[list[MoveRecord], int]:
        """Moves into or out of an org or team, newest first (one page of the merged two lists)."""
        dates = {"date_from": period.start, "date_before": period.end, "newest_first": True,
                 "limit": limit + offset, "offset": 0}
        came, n_in = await self.store.moves(**_side(subject, "to"), **dates)
        out, n_out = await self.store.moves(**_side(subject, "from"), **dates)
        merged = {m.id: m for m in [*came, *out]}
        ordered = sorted(merged.values(), key=lambda m: (m.date, m.id), reverse=True)
        return ordered[offset:offset + limit], n_in + n_out

    async def _recent(self, subject: Match | None, period: Period, locale: str, page_size: int,
                      offset: int) -> Answer:
        if subject is None:
            moves, total = await self.store.moves(date_from=period.start, date_before=period.end, newest_first=True,
                                                  limit=page_size, offset=offset)
            title = t(locale, "recent_title")
        else:
            moves, total = await self._involving(subject, period, page_size, offset)
            title = t(locale, "recent_at_title", place=subject.label)
        request = {"method": "_recent", "args": {"subject": subject, "period": period, "locale": locale,
                                                 "page_size": page_size}}
        if period.label_kind:  # "moves in July 2025": how many in all, and when
            summary = t(locale, "recent_period_summary" if total else "recent_period_none", count=total,
                        period=_period_label(period, locale))
        else:
            summary = t(locale, "recent_summary", count=len(moves))
        return self._list_answer("recent", locale, title, summary, moves, total, offset, page_size, request)



def _side(match: Match, side: str) -> dict[str, int]:
    return {f"{side}_team_id": match.id} if match.kind == "team" else {f"{side}_org_id": match.id}


def _period_label(period: Period, locale: str) -> str:
    if not period.label_kind:
        return ""
    values = [format_date(v, p, locale) for v, p in period.label_values]
    if period.label_kind == "between":
        return t(locale, "period_between", start=values[0], end=values[1])
    return t(locale, f"period_{period.label_kind}", date=values[0])


def _qualifiers(locale: str, status: str | None, exclude: Match | None) -> str:
    """" (confirmed moves only)", " (destinations other than Meta)": the filters a list answer was asked with."""
    out = t(locale, f"only_{status}") if status else ""
    return out + (t(locale, "excluding", place=exclude.label) if exclude is not None else "")


def _flow_fact(f: Flow, locale: str) -> Fact:
    """An org's flow with one counterpart (or, in a ranking, its own totals): a sentence and a table row."""
    other = f.counterpart or t(locale, "unknown_destination")
    return Fact(t(locale, "flow_line", other=other, joined=f.joined, left=f.left, net=f.net),
                cells=(f.counterpart or t(locale, "unknown_short"), str(f.joined), str(f.left), f"{f.net:+d}"))
