"""The date a sentence gives a move, at the precision it gives it ("7 July 2025", "in July", "le 7 juillet",
"on Monday"), with the article's publication date filling in a missing year; and the move's status."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.news.lexicon import MONTHS, NOT_ON_RECORD, ON_RECORD, REPORTED, WEEKDAYS

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_FIRST = re.compile(rf"\b(?:le\s+)?(?P<d>\d{{1,2}})(?:er|st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?"
                        rf"(?:,?\s+(?P<y>(?:19|20)\d\d))?\b", re.IGNORECASE)
_MONTH_FIRST = re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d))?",
                          re.IGNORECASE)
_MONTH_ONLY = re.compile(rf"\b(?:in|en|since|depuis|début|fin|mi-|early|late|mid-?)\s*(?:of\s+|de\s+|d['’])?"
                         rf"(?P<m>{_MONTH})(?:\s+(?:of\s+)?(?P<y>(?:19|20)\d\d))?\b|\b(?P<m2>{_MONTH})\s+(?P<y2>(?:19|20)\d\d)\b",
                         re.IGNORECASE)
_LAST_MONTH = re.compile(rf"\blast\s+(?P<m>{_MONTH})\b|\b(?P<m2>{_MONTH})\s+dernier\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:in|en|since|depuis|early|late|début|fin|mid)(?:\s+|-)(?P<y>(?:19|20)\d\d)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:(?P<last>last)|this)\s+(?P<unit>year|month)\b|\b(?:l['’]|le\s+|cette\s+|ce\s+)"
                       r"(?P<unite>année|an|mois)(?:\s+(?P<dernier>dernier|dernière|passé))?\b", re.IGNORECASE)
_WEEKDAY = re.compile(rf"\b(?:on\s+|last\s+|ce\s+|le\s+)?(?P<w>{'|'.join(WEEKDAYS)})\b", re.IGNORECASE)


def _year_for(month: int, published: date | None) -> int | None:
    """A month without a year is the latest such month not after publication."""
    if published is None:
        return None
    return published.year if month <= published.month else published.year - 1


def _found(sentence: str, published: date | None) -> list[tuple[int, str]]:
    """(position, date) for every date the sentence gives, most precise reading of each place."""
    out: list[tuple[int, str]] = []
    taken: list[range] = []

    def add(m: re.Match, value: str | None) -> None:
        if value and not any(m.start() in r for r in taken):
            out.append((m.start(), value))
            taken.append(range(m.start(), m.end()))

    for rx in (_DAY_FIRST, _MONTH_FIRST):
        for m in rx.finditer(sentence):
            month, day = MONTHS[m["m"].casefold().rstrip(".")], int(m["d"])
            if m["m"].casefold() == "may" and rx is _MONTH_FIRST and not m["y"]:
                continue  # "may 5 people" is not a date
            year = int(m["y"]) if m["y"] else _year_for(month, published)
            add(m, _valid(year, month, day))
    for m in _LAST_MONTH.finditer(sentence):  # "last December", "en décembre dernier": before this month
        month = MONTHS[(m["m"] or m["m2"]).casefold()]
        if published is not None:
            year = published.year if month < published.month else published.year - 1
            add(m, f"{year}-{month:02d}")
    for m in _MONTH_ONLY.finditer(sentence):
        name, y = (m["m"], m["y"]) if m["m"] else (m["m2"], m["y2"])
        if name.casefold() in ("may", "mars", "mar") and not y:
            continue  # "may" the verb, "mars" the planet: only with a year
        month = MONTHS[name.casefold()]
        year = int(y) if y else _year_for(month, published)
        add(m, f"{year}-{month:02d}" if year else None)
    for m in _YEAR.finditer(sentence):
        add(m, m["y"])
    if published is not None:
        for m in _RELATIVE.finditer(sentence):  # "last year", "le mois dernier"
            back = 1 if (m["last"] or m["dernier"]) else 0
            if (m["unit"] or m["unite"]).lower().startswith(("y", "an")):
                add(m, str(published.year - back))
            else:
                first = published.replace(day=1)
                add(m, (first - timedelta(days=1)).strftime("%Y-%m") if back else first.strftime("%Y-%m"))
        for m in _WEEKDAY.finditer(sentence):
            back = (published.weekday() - WEEKDAYS[m["w"].casefold()]) % 7
            add(m, (published - timedelta(days=back)).isoformat())
    return sorted(out)


def _valid(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_in(sentence: str, start: int, end: int, published: str | None, subject: int = 0,
            clause: int = 0) -> str | None:
    """The first date in the move's clause after its verb (`start:end`), else one that opens the sentence before its
    subject ("In July, X joined Y"); None when the text gives none. A date between the subject and the verb belongs
    to an apposition ("X, who led the team since 2021, has joined")."""
    pub = date.fromisoformat(published) if published else None
    found = _found(sentence, pub)
    after = [value for at, value in found if start <= at < end]
    before = [value for at, value in found if clause <= at < subject]
    return (after or before[-1:] or [None])[0]


def status_of(sentence: str, following: str = "") -> str:
    """'confirmed' when someone says so on record (here or in the next sentence about it), else 'reported' (the
    press citing unnamed people or another outlet, the conditional, or no attribution at all)."""
    for text in (sentence, following):
        if ON_RECORD.search(text) and not NOT_ON_RECORD.search(text):
            if REPORTED.search(text) and not re.search(
                    r"\bconfirm|\bannounc|\bannonc|\bin\s+a\s+post|\bsur\s+(?:X|LinkedIn)", text, re.IGNORECASE):
                return "reported"  # "said" in "Bloomberg said, citing people..." is not on record
            return "confirmed"
    return "reported"
