"""The words of every answer in English and French, and dates at their precision in each language."""

from __future__ import annotations

import re

from bot.answers.catalogue import answers, charts, digests, faces

LOCALES = ("en", "fr")

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
}

MESSAGES: dict[str, dict[str, str]] = {
    "en": {**answers.EN, **charts.EN, **digests.EN, **faces.EN},
    "fr": {**answers.FR, **charts.FR, **digests.FR, **faces.FR},
}
MONTHS_SHORT = charts.MONTHS_SHORT



def normalize_locale(locale: str | None) -> str:
    """Map Discord locales ("fr", "en-US", "en-GB") and anything else onto the languages we speak."""
    return "fr" if locale and locale.lower().startswith("fr") else "en"


_ELIDE = re.compile(r"\b([dD])e ([AEIOUYaeiouyÉé])")


_PLURAL = re.compile(r"\b(\d+) (\w+)\(s\)")


def _plural(m: re.Match[str]) -> str:
    """"1 arrivée(s)" -> "1 arrivée", "3 arrivée(s)" -> "3 arrivées" (French: 0 and 1 take the singular)."""
    return f"{m.group(1)} {m.group(2)}" + ("" if int(m.group(1)) <= 1 else "s")


def t(locale: str, key: str, **values: object) -> str:
    """The message `key` in `locale`, filled in; French elides "de Apple" into "d'Apple" and writes real
    plurals for the catalogue's "N mot(s)"."""
    loc = normalize_locale(locale)
    if values.get("count") == 1 and f"{key}_one" in MESSAGES[loc]:
        key = f"{key}_one"
    if key == "as_of" and loc == "fr":  # "au 7 octobre 2025" but "en octobre 2025", never "au octobre"
        date = str(values.get("date", ""))
        return f"au {date}" if date[:1].isdigit() and len(date.split()) == 3 else f"en {date}"
    text = MESSAGES[loc][key].format(**values)
    return _PLURAL.sub(_plural, _ELIDE.sub(r"\1'\2", text)) if loc == "fr" else text


def format_date(value: str | None, precision: str | None, locale: str) -> str:
    """A date at the precision the sources support: "2025", "July 2025" / "juillet 2025", "7 July 2025"."""
    if not value:
        return "?"
    loc = normalize_locale(locale)
    parts = value.split("-")
    if precision == "year" or len(parts) == 1:
        return parts[0]
    month = MONTHS[loc][int(parts[1]) - 1]
    if precision == "month" or len(parts) == 2:
        return f"{month} {parts[0]}"
    day = int(parts[2])
    if loc == "fr":
        return f"{'1er' if day == 1 else day} {month} {parts[0]}"
    return f"{day} {month} {parts[0]}"


def date_phrase(value: str | None, precision: str | None, locale: str) -> str:
    """A date as a sentence says it: "in July 2025", "on 7 July 2025"; "en juillet 2025", "le 7 juillet 2025"."""
    text = format_date(value, precision, locale)
    day = precision == "day" and bool(value) and len(value or "") == 10
    if normalize_locale(locale) == "fr":
        return f"le {text}" if day else f"en {text}"
    return f"on {text}" if day else f"in {text}"


def format_iso(value: str | None, locale: str) -> str:
    """A stored partial date ("2026", "2026-07", "2026-07-15") at the precision its length gives."""
    precision = {4: "year", 7: "month", 10: "day"}.get(len(value or ""), "day")
    return format_date(value, precision, locale)
