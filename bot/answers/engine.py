"""The engine: resolves names, runs the store's queries and builds `Answer`s. Knows nothing of Discord."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.answers.i18n import date_phrase, format_date, format_iso, normalize_locale, t
from bot.answers.lists import PAGE, ListAnswers
from bot.answers.model import Answer
from bot.answers.parse import Period, Query, content_words, detect_locale, parse_period, parse_question, resembles_typed
from bot.answers.render import fact_for_move, place, shorten
from bot.answers.roles import RoleAnswers, left_since, role_fact
from bot.models import parse_partial_date
from bot.records import NameEntry
from bot.search import Lookup, Match, NameIndex
from bot.store import Store
from bot.text import fold


class Engine(ListAnswers, RoleAnswers):
    """Answers questions over one store; shared by the console, `ask`, and the Discord cogs."""

    def __init__(self, store: Store, index: NameIndex, short_teams: dict[tuple[str, str], str] | None = None,
                 indexed_seq: int = 0):
        self.store = store
        self.index = index
        self.short_teams = short_teams or {}
        self.indexed_seq = indexed_seq  # the event log's position when the index was read: later moves are news to it

    @classmethod
    async def create(cls, store: Store) -> Engine:
        seq = await store.last_event_seq()  # taken before the names are read: a move recorded meanwhile is re-read
        return cls(store, await _index_of(store), await store.team_short_names(), seq)

    async def refresh_index(self) -> None:
        """Rebuild the name index from the store (after a load or a new move)."""
        seq = await self.store.last_event_seq()
        self.index = await _index_of(self.store)
        self.short_teams = await self.store.team_short_names()
        self.indexed_seq = seq

    def add_names(self, entries: list[NameEntry]) -> None:
        for entry in entries:
            self.index.add(entry)

    # -- free text ----------------------------------------------------------------------------------------

    async def ask(self, question: str, locale: str | None = None, page_size: int = PAGE,
                  today: date | None = None) -> Answer:
        """Answer a chat question (English or French); unknown names get suggestions, never a guess."""
        question = question.strip()
        loc = normalize_locale(locale) if locale else detect_locale(question)
        if not question:
            return self.help(loc)
        q = parse_question(question, self.index, loc, today)
        answer = await self.run_query(q, page_size)
        answer.question = question
        return answer

    async def run_query(self, q: Query, page_size: int = PAGE, offset: int = 0) -> Answer:
        loc = q.locale
        if q.intent == "help":
            return self.help(loc)
        if q.intent == "person" and q.person is not None:
            return await self._person(q.person, loc)
        if q.intent == "role" and q.subject is not None:
            return await self._role(q.subject, loc, q.role_words)
        if q.intent == "left" and q.subject is not None:
            return await self._left(q.subject, None, q.period, loc, page_size, offset, status=q.status,
                                    exclude=q.exclude, no_destination=q.no_destination)
        if q.intent == "between" and q.subject is not None and q.other is not None:
            return await self._left(q.subject, q.other, q.period, loc, page_size, offset, status=q.status)
        if q.intent == "joined" and q.subject is not None:
            return await self._joined(q.subject, q.other, q.period, loc, page_size, offset, status=q.status)
        if q.intent == "returns":
            return await self._returns(q.subject, q.period, loc, page_size, offset)
        if q.intent in ("went_to", "came_from") and q.subject is not None and q.subject.kind == "org":
            return await self._counterparts(q.subject, q.intent == "came_from", q.period, loc)
        if q.intent == "org" and q.subject is not None:
            return await self._org(q.subject, q.period, loc, page_size, offset)
        if q.intent == "recent":
            return await self._recent(q.subject, q.period, loc, page_size, offset)
        if q.intent == "ranking":
            return await self._ranking(q.measure, q.period, loc)
        return self._not_found(q.text, q.unresolved, loc)

    # -- commands (the console's and the bot's slash commands) ---------------------------------------------

    async def person(self, name: str, locale: str = "en") -> Answer:
        hit = self.index.lookup(name, ["person"])
        if hit.best is None:
            return self._not_found(name, [hit], locale, "try_person")
        return await self._person(hit.best, locale)

    async def left(self, org: str, team: str | None = None, since: str | None = None, locale: str = "en",
                   to_org: str | None = None, page_size: int = PAGE, offset: int = 0) -> Answer:
        subject, problem = self._place(org, team, locale)
        if problem:
            return problem
        other = None
        if to_org:
            other, problem = self._place(to_org, None, locale)
            if problem:
                return problem
        return await self._left(subject, other, self._since(since), locale, page_size, offset)

    async def joined(self, org: str, team: str | None = None, from_org: str | None = None,
                     since: str | None = None, locale: str = "en", page_size: int = PAGE,
                     offset: int = 0) -> Answer:
        subject, problem = self._place(org, team, locale)
        if problem:
            return problem
        other = None
        if from_org:
            other, problem = self._place(from_org, None, locale)
            if problem:
                return problem
        return await self._joined(subject, other, self._since(since), locale, page_size, offset)

    async def between(self, from_org: str, to_org: str, since: str | None = None, locale: str = "en",
                      page_size: int = PAGE, offset: int = 0) -> Answer:
        src, problem = self._place(from_org, None, locale)
        if problem:
            return problem
        dst, problem = self._place(to_org, None, locale)
        if problem:
            return problem
        return await self._left(src, dst, self._since(since), locale, page_size, offset)

    async def recent(self, locale: str = "en", page_size: int = PAGE, offset: int = 0) -> Answer:
        return await self._recent(None, Period(), locale, page_size, offset)

    async def org(self, name: str, locale: str = "en", page_size: int = PAGE, offset: int = 0) -> Answer:
        subject, problem = self._place(name, None, locale)
        if problem:
            return problem
        return await self._org(subject, Period(), locale, page_size, offset)

    async def lookup(self, name: str, locale: str = "en") -> Answer:
        """Answer a bare name of a person, org or team (inline `[[name]]` lookups)."""
        hit = self.index.lookup(name)
        if hit.best is None:
            return self._not_found(name, [hit], locale)
        return await self.answer_for(hit.best, locale)

    async def answer_for(self, match: Match, locale: str = "en") -> Answer:
        """The answer about one resolved entity (after a "did you mean" choice)."""
        if match.kind == "person":
            return await self._person(match, locale)
        return await self._org(match, Period(), locale, PAGE, 0)

    async def page(self, request: dict[str, Any], offset: int) -> Answer:
        """Another page of an earlier list answer (`answer.request` says how it was asked)."""
        method = getattr(self, request["method"])
        return await method(**request["args"], offset=offset)

    @staticmethod
    def help(locale: str, commands: str | None = None) -> Answer:
        """What can be asked, with examples; then the commands (`commands`: the face's own list, such as the
        Discord command mentions in the user's language; by default the console's)."""
        return Answer("", "help", locale, t(locale, "help_title"),
                      f"{t(locale, 'help')}\n\n{commands or t(locale, 'help_console')}")

    async def about(self, locale: str = "en", stamp: Callable[[str], str] | None = None) -> Answer:
        """Counts and how current the record is; `stamp` writes the load time (Discord: a timestamp each reader
        sees in their own time zone), else its day."""
        info = await self.store.info()
        latest = format_iso(info["latest_move"], locale)
        loaded = info["loaded_at"]
        text = t(locale, "about", latest=latest, loaded=(stamp(loaded) if stamp and loaded else (loaded or "?")[:10]),
                 **{k: info[k] for k in ("moves", "people", "orgs", "sources")})
        return Answer("", "about", locale, "movesbot", text)

    def resolve_place(self, name: str, team: str | None, locale: str) -> tuple[Match | None, Answer | None]:
        """An org (and a team inside it) typed in an option, resolved as the commands do, for the other faces
        of the record (charts); the second value is the "did you mean" or "not found" answer."""
        return self._place(name, team, locale)

    def complete(self, text: str, kinds: list[str], limit: int = 25) -> list[Match]:
        """Autocomplete choices for a slash-command option."""
        return self.index.complete(text, kinds, limit)

    # -- building answers ----------------------------------------------------------------------------------

    def _place(self, name: str, team: str | None, locale: str) -> tuple[Match | None, Answer | None]:
        """Resolve an org (and optional team inside it) typed in a command option."""
        hit = self.index.lookup(name, ["org", "team"])
        if hit.best is None:
            return None, self._not_found(name, [hit], locale, "try_org")
        if not team:
            return hit.best, None
        org_name = hit.best.org if hit.best.kind == "team" else hit.best.name
        teams = [m for m in self.index.exact(team, ["team"]) if m.org == org_name]
        if len(teams) == 1:
            return teams[0], None
        fuzzy = [m for m in self.index.fuzzy(team, ["team"], limit=25) if m.org == org_name]
        if fuzzy and fuzzy[0].score >= 85 and (len(fuzzy) == 1 or fuzzy[0].score - fuzzy[1].score >= 4):
            return fuzzy[0], None
        return None, self._not_found(team, [Lookup(team, None, fuzzy)], locale, "try_org")

    @staticmethod
    def _since(since: str | None) -> Period:
        """A `since` option: a partial date keeps its precision ("2025-07-10" is not "2025"); other words
        ("March 2025") go through the question parser."""
        if not since:
            return Period()
        try:
            value, precision = parse_partial_date(since)
        except ValueError:
            period, _ = parse_period(fold(f"since {since}"))
            return period
        return Period(value, None, "since", ((value, precision),))

    async def _person(self, who: Match, locale: str) -> Answer:
        moves, total = await self.store.moves(person_id=who.id, limit=100)
        roles = await self.store.roles(person_id=who.id)
        facts = [fact_for_move(m, locale, with_notes=True) for m in moves]
        latest_role = roles[0] if roles else None
        last = moves[-1] if moves else None
        facts.extend(role_fact(r, locale, left_since(r, moves), place(r.org, r.team)) for r in roles)
        if last is not None and last.to_org is None and (latest_role is None or (latest_role.as_of or "") <= last.date
                                                          or latest_role.org == last.from_org):
            summary = t(locale, "person_summary_departed", person=who.name, count=total,
                        src=place(last.from_org, last.from_team),
                        when=date_phrase(last.date, last.date_precision, locale))
        elif last is not None and (latest_role is None or (latest_role.as_of or "") < last.date):
            where = place(last.to_org, last.to_team)
            summary = t(locale, "person_summary", person=who.name, count=total, where=where)
        elif latest_role is not None:
            where = place(latest_role.org, latest_role.team)
            if last is not None:
                summary = t(locale, "person_summary", person=who.name, count=total, where=where)
            else:
                when = (f" ({format_date(latest_role.as_of, latest_role.as_of_precision, locale)})"
                        if latest_role.as_of else "")
                summary = t(locale, "person_summary_role", person=who.name, role=shorten(latest_role.role, 100),
                            where=where, when=when)
        else:
            summary = t(locale, "not_found", query=who.name)
        return Answer("", "person", locale, who.name, summary, facts, [who.name], total=len(facts),
                      page_size=len(facts) or PAGE)

    def _not_found(self, query: str, lookups: list[Lookup], locale: str, advice: str = "try") -> Answer:
        """No sure answer: offer the names that resemble a word typed ("did you mean"), the people of a first
        name typed alone ("David"), or say plainly that nothing matched. Chat that names nobody ("hello how are
        you?") gets one line on what the bot answers, not a list of strangers."""
        typed = content_words(query)
        choices: dict[tuple[str, int], Match] = {}
        for lookup in lookups:
            for m in lookup.candidates:
                choices.setdefault(m.key, m)
        if len(typed) == 1:  # a first name alone ("David", "bowen"): the people who have it, and only them
            named = {m.key: m for m in (*choices.values(), *self.index.complete(typed[0], ["person"], limit=25))
                     if typed[0] in fold(m.name).split()}
            choices = named or choices
        if not choices and query:
            choices = {m.key: m for m in self.index.fuzzy(query, limit=5, cutoff=70)}
        picked = [m for m in choices.values() if resembles_typed(typed, m.name)][:5]
        shown = shorten(query, 80)
        if picked:
            return Answer(query, "ambiguous", locale, t(locale, "ambiguous_title"), t(locale, "several", query=shown),
                          suggestions=[m.label for m in picked], choices=picked)
        if advice == "try" and not typed:
            return Answer(query, "not_found", locale, "movesbot", t(locale, "off_topic"))
        return Answer(query, "not_found", locale, t(locale, "not_found", query=shown), t(locale, advice))


async def _index_of(store: Store) -> NameIndex:
    """The name index of everything in the store, read in batches."""
    index = NameIndex()
    with index.bulk() as add:
        async for rows in store.name_entry_rows():
            add(rows)
    return index


