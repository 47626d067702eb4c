"""Dates in questions: "since 2025", "in July 2025", "Q3 2025", "H1 2025", "summer 2025", "between June and
August 2025", "after June 2025" (strict), in English and French, as a `Period` of partial ISO dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_NAMES = ("january february march april may june july august september october november december",
          "jan feb mar apr may jun jul aug sep oct nov dec",
          "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre")
MONTHS = {name: i for names in _NAMES for i, name in enumerate(names.split(), 1)}
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_WHEN = rf"(?:({_MONTH})\s+)?((?:19|20)\d\d)"
_RANGE = re.compile(rf"\b(?:between|entre|from|de)\s+{_WHEN}\s+(?:and|et|to|a)\s+{_WHEN}\b")
_SINCE_WORDS = ("since", "depuis", "after", "apres", "starting", "des")
_AFTER_WORDS = ("after", "apres")  # strict: the period named is not included
_BEFORE_WORDS = ("before", "avant", "until", "till")
_SINCE = re.compile(rf"\b(?:{'|'.join(_SINCE_WORDS)}|from)\s+{_WHEN}\b")
_BEFORE = re.compile(rf"\b(?:{'|'.join(_BEFORE_WORDS)}|prior to|jusqu en|jusqu a)\s+{_WHEN}\b")
_IN = re.compile(rf"\b(?:in|en|during|pendant|durant|of|de)?\s*{_WHEN}\b")
_YEAR = r"((?:19|20)\d\d)"
# "between June and August 2025", "entre juin et août 2025": two months of one year
_MONTH_RANGE = re.compile(rf"\b(?:between|entre|from|de|du)\s+({_MONTH})\s+(?:and|et|to|a|au)\s+({_MONTH})\s+{_YEAR}\b")
# "Q3 2025", "T3 2025" (trimestre), "2025 Q3"; seasons of the northern hemisphere, where the talent war is reported
_QUARTER = re.compile(rf"\b(?:(?:in|en|au|during)\s+)?(?:the\s+)?"
                      rf"(?:[qt]([1-4])\s+(?:of\s+)?{_YEAR}|{_YEAR}\s+[qt]([1-4]))\b")
# "H1 2025", "S2 2025" (semestre), "first half of 2025", "second semestre 2025"
_HALF = re.compile(rf"\b(?:(?:in|en|au|during|the)\s+)*(?:[hs]([12])\s+(?:of\s+)?{_YEAR}|{_YEAR}\s+[hs]([12])"
                   rf"|(first|1st|premier|1er|second|2nd|deuxieme|2e)\s+(?:half|semestre)\s+(?:of\s+|de\s+)?{_YEAR})\b")
_FIRST = frozenset({"first", "1st", "premier", "1er"})
_SEASONS = {"spring": 3, "printemps": 3, "summer": 6, "ete": 6, "fall": 9, "autumn": 9, "automne": 9}
_SEASON = re.compile(rf"\b(?:(?:in|en|au|during|over|l|at)\s+)?(?:the\s+)?({'|'.join(_SEASONS)})\s+(?:of\s+)?{_YEAR}\b")
_THIS_YEAR = re.compile(r"\b(this year|cette annee)\b")
_LAST_YEAR = re.compile(r"\b(last year|l annee derniere|annee derniere)\b")


@dataclass
class Period:
    """A date window as partial ISO strings: `start` inclusive, `end` exclusive; labels for display."""

    start: str | None = None
    end: str | None = None
    label_kind: str | None = None  # "in" | "since" | "until" | "between"
    label_values: tuple[tuple[str, str], ...] = ()  # (value, precision) pairs to format



def _bound(month: str | None, year: str) -> tuple[str, str]:
    if month:
        return f"{year}-{MONTHS[month]:02d}", "month"
    return year, "year"


def _after(value: str) -> str:
    """The first partial date after the period `value` ("2025" -> "2026", "2025-12" -> "2026-01")."""
    if len(value) == 4:
        return str(int(value) + 1)
    year, month = int(value[:4]), int(value[5:7])
    return f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"


def parse_period(text: str, today: date | None = None) -> tuple[Period, str]:
    """Find a date window in folded text; return it and the text without it."""
    today = today or date.today()
    months: tuple[int, int, str] | None = None  # first month, last month, year
    if m := _MONTH_RANGE.search(text):
        months = (MONTHS[m.group(1)], MONTHS[m.group(2)], m.group(3))
    elif m := _HALF.search(text):
        half = int(m.group(1) or m.group(4) or (1 if m.group(5) in _FIRST else 2))
        months = (6 * half - 5, 6 * half, m.group(2) or m.group(3) or m.group(6))
    elif m := _QUARTER.search(text):
        quarter = int(m.group(1) or m.group(4))
        months = (3 * quarter - 2, 3 * quarter, m.group(2) or m.group(3))
    elif m := _SEASON.search(text):
        first = _SEASONS[m.group(1)]
        months = (first, first + 2, m.group(2))
    if m and months and months[0] <= months[1]:
        a, b = f"{months[2]}-{months[0]:02d}", f"{months[2]}-{months[1]:02d}"
        head = text[: m.start()].split()
        while head and head[-1] in ("the", "le", "la", "l"):
            head.pop()
        rest = " ".join(head[:-1]) + " " + text[m.end() :]
        if head and head[-1] in _AFTER_WORDS:  # "after summer 2025": strictly after its last month
            after = _after(b)
            return Period(after, None, "since", ((after, "month"),)), rest
        if head and head[-1] in _SINCE_WORDS:  # "since summer 2025": from its first month on
            return Period(a, None, "since", ((a, "month"),)), rest
        if head and head[-1] in _BEFORE_WORDS:
            return Period(None, a, "until", ((a, "month"),)), rest
        return Period(a, _after(b), "between", ((a, "month"), (b, "month"))), text[: m.start()] + text[m.end() :]
    if m := _RANGE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        b, pb = _bound(m.group(3), m.group(4))
        return Period(a, _after(b), "between", ((a, pa), (b, pb))), text[: m.start()] + text[m.end() :]
    if m := _SINCE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        if text[m.start():].split(None, 1)[0] in _AFTER_WORDS:  # "after June 2025" leaves June out
            a = _after(a)
        return Period(a, None, "since", ((a, pa),)), text[: m.start()] + text[m.end() :]
    if m := _BEFORE.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        return Period(None, a, "until", ((a, pa),)), text[: m.start()] + text[m.end() :]
    if m := _THIS_YEAR.search(text):
        y = str(today.year)
        return Period(y, _after(y), "in", ((y, "year"),)), text[: m.start()] + text[m.end() :]
    if m := _LAST_YEAR.search(text):
        y = str(today.year - 1)
        return Period(y, _after(y), "in", ((y, "year"),)), text[: m.start()] + text[m.end() :]
    if m := _IN.search(text):
        a, pa = _bound(m.group(1), m.group(2))
        return Period(a, _after(a), "in", ((a, pa),)), text[: m.start()] + text[m.end() :]
    return Period(), text

