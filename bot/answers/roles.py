"""Role answers: "who leads AFM now?", "OpenAI chief scientist", "qui dirige Meta ?". The title asked comes
first, current holders before former ones; someone whose later move took them out of the org holds no role
there any more, and is shown as former."""

from __future__ import annotations

import re

from bot.answers.i18n import format_date, t
from bot.answers.model import Answer, Fact
from bot.answers.render import shorten
from bot.records import MoveRecord, RoleRecord, SourceRecord
from bot.search import Match
from bot.store import Store
from bot.text import fold

PAGE = 10
_TITLE_STEMS = {"fondateur": "found", "fondateurs": "found", "fondatrice": "found", "cofondateur": "found",
                "fonde": "found", "cofounded": "found", "cofounder": "found", "founded": "found", "patron": "ceo",
                "patronne": "ceo", "dirige": "ceo", "chef": "head", "responsable": "head", "pdg": "ceo",
                "directeur": "direc", "directrice": "direc", "scientifique": "scien", "recherche": "resea"}
# words that ask who leads, without naming a title
_GENERIC = frozenset({"lead", "leads", "leading", "led", "head", "heads", "heading", "runs", "run", "running",
                      "charge", "boss", "leader", "leaders", "dirige", "dirigent", "diriger", "tete", "manages",
                      "manage", "now", "currently", "current", "today"})
LEAD_WORDS = ("lead", "head", "chief", "ceo", "cto", "director", "president", "vice president", "vp", "founder",
              "svp", "manager", "runs", "in charge")


class RoleAnswers:
    """Mixed into `Engine`, which provides the store."""

    store: Store

    async def _role(self, subject: Match, locale: str, asked: tuple[str, ...] = ()) -> Answer:
        kind = {"team_id": subject.id} if subject.kind == "team" else {"org_id": subject.id}
        titles = [_TITLE_STEMS.get(w, w[:5]) for w in asked if w not in _GENERIC]
        held: dict[str, list[RoleRecord]] = {}
        for r in await self.store.roles(**kind):  # newest first
            held.setdefault(r.person, []).append(r)
        # each person's latest holding of the title asked, else their latest holding
        latest = {p: next((r for r in rs if _holds(r.role, titles)), rs[0]) for p, rs in held.items()}
        former = {p for p, r in latest.items() if left_since(r, await self.store.moves_of_person(p))}
        heads = _heads_of(await self.store.names_of(subject.kind, subject.id))
        ranked = sorted(latest.values(), key=lambda r: (
            not _holds(r.role, titles), r.person in former, not heads.search(fold(r.role)),
            not any(w in r.role.lower() for w in LEAD_WORDS), "" if r.as_of is None else _neg(r.as_of)))
        label = subject.label
        facts = [role_fact(r, locale, r.person in former) for r in ranked]
        title = " ".join(w for w in asked if w not in _GENERIC)
        if not facts:
            summary = t(locale, "role_none", place=label)
        elif titles and not _holds(ranked[0].role, titles):
            # "who is the CEO of Apple?" with no CEO on record: say so, then show who is
            summary = t(locale, "role_asked_none", title=title.upper() if len(title) <= 3 else title, place=label)
        elif ranked[0].person in former:
            summary = t(locale, "role_only_former", place=label)
        else:
            summary = t(locale, "role_summary", place=label)
        return Answer("", "role", locale, t(locale, "role_title", place=label), summary, facts,
                      [r.person for r in ranked], total=len(facts), page_size=len(facts) or PAGE)


def left_since(role: RoleRecord, moves: list[MoveRecord]) -> bool:
    """Whether the person's last move involving the role's org took them out of it, after the role's date."""
    involving = [m for m in moves if role.org in (m.from_org, m.to_org)]
    if not involving:
        return False
    last = max(involving, key=lambda m: (m.date, m.id))
    return last.from_org == role.org and (role.as_of is None or last.date[:len(role.as_of)] >= role.as_of)


def role_fact(r: RoleRecord, locale: str, former: bool, who: str | None = None) -> Fact:
    """"Zhifeng Chen: leads the Foundation Models team (as of 3 February 2026)" with its source; `who` in place
    of the person (a person's card names the org instead), "(former)" once they have left."""
    when = f" ({t(locale, 'as_of', date=format_date(r.as_of, r.as_of_precision, locale))})" if r.as_of else ""
    key = "role_line_former" if former else "role_line"
    return Fact(t(locale, key, person=who or r.person, role=shorten(r.role)) + when, (SourceRecord(r.url),))


# A title's acronym and its words: "CFO" is also written "Chief Financial Officer".
_ACRONYMS = {"ceo": ("chief", "execu"), "cfo": ("chief", "finan"), "cto": ("chief", "techn"), "coo": ("chief", "opera"),
             "cpo": ("chief", "produ"), "cro": ("chief", "resea"), "cso": ("chief", "scien"), "caio": ("chief", "ai"),
             "cmo": ("chief", "marke"), "pdg": ("chief", "execu")}


def _holds(role: str, titles: list[str]) -> bool:
    """Whether a role text has every word of the asked title (as stems: "found" is founder, co-founder, founded;
    not the Foundation Models team): "chief scientist" is not "chief research officer"; an acronym matches
    itself or its words ("CFO", "Chief Financial Officer")."""
    words = fold(role).replace("co ", "").split()

    def has(stem: str) -> bool:
        return any(word.startswith(stem) and not word.startswith("foundation") for word in words)

    return bool(titles) and all(has(t) or (t in _ACRONYMS and all(has(w) for w in _ACRONYMS[t])) for t in titles)


def _heads_of(names: list[str]) -> re.Pattern[str]:
    """Matches a (folded) role that leads the place itself, by any of its `names`: "leader of MSL", "leads the
    Foundation Models team", "head of AFM, reporting to ..."; not "head of MSL Infra" (a part of it)."""
    keys = sorted({re.escape(fold(n)) for n in names if fold(n)}, key=len, reverse=True)
    return re.compile(rf"\b(?:leads?|leader|leading|head|heads|heading|runs|running|in charge of)\s+(?:of\s+)?"
                      rf"(?:the\s+)?(?:{'|'.join(keys) or '(?!)'})(?:\s+team)?(?:\s+(?:at|in|for|since|from|"
                      rf"reporting|and|as|until|with|under)\b|$)")


def _neg(value: str) -> str:
    """Sort key that puts later partial dates first."""
    return "".join(chr(255 - ord(c)) for c in value)
