"""The records movesbot keeps: people, orgs, teams, moves, their sources, and role holdings.

These pydantic models are the one definition of a valid record: the dataset loader, `movesbot add` and the
Discord `/move add` form all validate through them, so a move is checked the same way whichever door it uses.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date as _date
from functools import lru_cache
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DatePrecision = Literal["day", "month", "year"]
Status = Literal["reported", "confirmed"]
DateBasis = Literal["announced", "reported", "effective"]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,119}$")
_MAX_TEXT = 2000
# Characters that change how text reads without being seen: bidirectional controls (U+202E shows "gpj.exe" as
# "exe.jpg") and zero-width ones (two names that look alike but differ, a URL that is not the one shown).
_INVISIBLE_CHARS = "\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# control characters other than tab and newline, and the invisible ones (the quick paths refuse both at once)
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f{_INVISIBLE_CHARS}]")
# A name that is not one: a spreadsheet formula (=, +, -, @ first), more than one line, a Discord mention.
_NOT_A_NAME = re.compile(r"^[=+\-@]|[\n\t]|<[@#][!&]?\d|@(?:everyone|here)\b")
# URLs of this shape pass `check_url`'s rules by construction (scheme http(s), a dotted ASCII host, nothing that
# `urlsplit` would treat specially): checked with one regex instead of `urlsplit`. Anything else takes the full path.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?"
                        f"(?:[/?#][^\\s\\x00-\\x1f\\x7f{_INVISIBLE_CHARS}]*)?")


@lru_cache(maxsize=65_536)  # a dataset has few distinct dates and many rows: one check (and one string) each
def parse_partial_date(value: str) -> tuple[str, DatePrecision]:
    """Check `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and return it normalized with its precision.

    Raises ValueError with a message a maintainer can act on ("'2025-13-01' is not a valid month").
    """
    text = value.strip()
    m = _DATE_RE.match(text)
    if not m:
        raise ValueError(f"date '{value}' is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = m.group(1), m.group(2), m.group(3)
    if not 1900 <= int(year) <= 2100:
        raise ValueError(f"date '{value}' has an unlikely year")
    if month is None:
        return year, "year"
    if not 1 <= int(month) <= 12:
        raise ValueError(f"date '{value}' is not a valid month")
    if day is None:
        return f"{year}-{int(month):02d}", "month"
    try:
        _date(int(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"date '{value}' is not a valid day of that month") from None
    return f"{year}-{int(month):02d}-{int(day):02d}", "day"


def check_url(value: str) -> str:
    """Accept an absolute http(s) URL, kept exactly as written (sources are cited verbatim)."""
    url = value.strip()
    if len(url) <= 1000 and _PLAIN_URL.fullmatch(url):
        return url
    _refuse_invisible(url)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url or "." not in parts.netloc:
        raise ValueError(f"'{value}' is not an http(s) URL")
    if len(url) > 1000:
        raise ValueError("URL is longer than 1000 characters")
    return url


def clean_text(value: str | None, *, limit: int = _MAX_TEXT) -> str | None:
    """Strip, turn empty into None, make every line break a newline (a spreadsheet's CRLF inside a quoted note is
    one), and refuse control and invisible characters and absurd lengths."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > limit:
        raise ValueError(f"is longer than {limit} characters")
    if _CONTROL.search(text):
        _refuse_invisible(text)
        raise ValueError("contains control characters")
    return text


def _refuse_invisible(text: str) -> None:
    found = _INVISIBLE.search(text)
    if found:
        raise ValueError(f"contains an invisible or direction-changing character (U+{ord(found.group()):04X}): "
                         "type it again without it")


def check_name(text: str) -> str:
    """A name of a person, org or team (or an alias): one line, with a letter or digit, not read as a formula by
    a spreadsheet nor as a mention by Discord. `text` is already cleaned (`clean_text`)."""
    bad = _NOT_A_NAME.search(text)
    if bad is not None:
        if bad.start() == 0 and text[0] in "=+-@":
            raise ValueError(f"'{text[:40]}' starts with '{text[0]}', which spreadsheets read as a formula")
        if bad.group() in ("\n", "\t"):
            raise ValueError("contains a line break or a tab: a name is one line")
        raise ValueError(f"'{text[:40]}' looks like a Discord mention, not a name")
    if not any(c.isalnum() for c in text):
        raise ValueError(f"'{text[:40]}' has no letter or digit: it is not a name")
    return text


def has_hidden(text: str) -> bool:
    """Whether `text` holds a control or an invisible character (which `clean_text` refuses)."""
    return _CONTROL.search(text) is not None


def name_ok(text: str) -> bool:
    """`check_name` as a yes/no, for the quick paths."""
    return _NOT_A_NAME.search(text) is None and (text[:1].isalnum() or any(c.isalnum() for c in text))


def _names(values: tuple[str, ...] | str, limit: int) -> tuple[str, ...] | str:
    """Clean and check a name or a tuple of names (aliases)."""
    if isinstance(values, str):
        return check_name(clean_text(values, limit=limit) or "")
    return tuple(check_name(clean_text(v, limit=limit) or "") for v in values)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Source(_Record):
    """One public page that supports a move or a role."""

    url: str
    title: str | None = None
    publisher: str | None = None
    published: str | None = None
    language: str | None = None
    supports: str | None = None

    _url = field_validator("url")(lambda v: check_url(v))

    @field_validator("title", "publisher", "supports", "language", mode="before")
    @classmethod
    def _text(cls, v: str | None) -> str | None:
        return clean_text(v)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, v: str | None) -> str | None:
        v = clean_text(v)
        return None if v is None else parse_partial_date(v)[0]


class Place(_Record):
    """Where someone was or went: an org, optionally a team inside it and a role."""

    org: str = Field(min_length=1, max_length=200)
    team: str | None = None
    role: str | None = None

    @field_validator("team", "role", mode="before")
    @classmethod
    def _text(cls, v: str | None) -> str | None:
        return clean_text(v, limit=300)

    @field_validator("team")
    @classmethod
    def _team(cls, v: str | None) -> str | None:
        return None if v is None else check_name(v)

    @field_validator("org", mode="before")
    @classmethod
    def _org(cls, v: str) -> str:
        text = clean_text(v, limit=200)
        if text is None:
            raise ValueError("is required")
        return check_name(text)


class Move(_Record):
    """A person leaving one place for another, with at least one source.

    `id` is a stable slug (person + destination + year by convention) written in the dataset, so re-ordering
    rows or editing a note never changes it, and alerts keyed on it are never sent twice.
    """

    id: str
    person: str = Field(min_length=1, max_length=200)
    from_: Place = Field(alias="from")
    to: Place | None = None  # None: left `from_`, destination not reported yet
    date: str
    date_precision: DatePrecision = "year"
    date_basis: DateBasis | None = None
    status: Status = "reported"
    notes: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, str_strip_whitespace=True)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"id '{v}' must be lower-case letters, digits and dashes")
        return v

    @field_validator("person", mode="before")
    @classmethod
    def _person(cls, v: str) -> str:
        text = clean_text(v, limit=200)
        if text is None:
            raise ValueError("is required")
        return check_name(text)

    @field_validator("notes", mode="before")
    @classmethod
    def _notes(cls, v: str | None) -> str | None:
        return clean_text(v)

    @model_validator(mode="before")
    @classmethod
    def _date(cls, data: dict) -> dict:
        if isinstance(data, dict) and isinstance(data.get("date"), str):
            try:
                value, precision = parse_partial_date(data["date"])
            except ValueError:
                return data  # reported by the `date` field validator, under the field's name
            data = {**data, "date": value, "date_precision": precision}
        return data

    @field_validator("date")
    @classmethod
    def _check_date(cls, v: str) -> str:
        return parse_partial_date(v)[0]

    @model_validator(mode="after")
    def _moved(self) -> Move:
        if self.to is not None and self.from_ == self.to:
            raise ValueError("from and to are the same place")
        return self

    @property
    def to_org(self) -> str | None:
        """The destination org, None for a departure whose destination is not reported."""
        return self.to.org if self.to is not None else None

    @property
    def is_departure(self) -> bool:
        """A departure whose destination is not on record yet (completed later by recording the destination)."""
        return self.to is None


class Person(_Record):
    """A person and the other spellings people type for them (misspellings included, on purpose)."""

    name: str = Field(min_length=1, max_length=200)
    aliases: tuple[str, ...] = ()

    _checked = field_validator("name", "aliases")(lambda v: _names(v, 200))


class Org(_Record):
    """An organisation written one way (`Meta`, never Facebook), with its other names as aliases."""

    name: str = Field(min_length=1, max_length=200)
    aliases: tuple[str, ...] = ()

    _checked = field_validator("name", "aliases")(lambda v: _names(v, 200))


class Team(_Record):
    """A team inside an org ("Foundation Models" at Apple, alias "AFM")."""

    org: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=300)
    aliases: tuple[str, ...] = ()

    _checked = field_validator("org", "name", "aliases")(lambda v: _names(v, 300))


class RoleHolding(_Record):
    """Someone in a position as of a date, for "who leads AFM now?" (people who did not move too)."""

    person: str = Field(min_length=1, max_length=200)
    org: str = Field(min_length=1, max_length=200)
    team: str | None = None
    role: str = Field(min_length=1, max_length=500)
    as_of: str | None = None
    as_of_precision: DatePrecision | None = None
    url: str
    supports: str | None = None

    _url = field_validator("url")(lambda v: check_url(v))

    @model_validator(mode="before")
    @classmethod
    def _date(cls, data: dict) -> dict:
        if isinstance(data, dict) and isinstance(data.get("as_of"), str) and data["as_of"].strip():
            try:
                value, precision = parse_partial_date(data["as_of"])
            except ValueError:
                return data  # reported by the `as_of` field validator, under the field's name
            data = {**data, "as_of": value, "as_of_precision": precision}
        elif isinstance(data, dict) and not (data.get("as_of") or "").strip():
            data = {**data, "as_of": None}
        return data

    @field_validator("as_of")
    @classmethod
    def _check_as_of(cls, v: str | None) -> str | None:
        return None if v is None else parse_partial_date(v)[0]


def slugify(text: str) -> str:
    """Lower-case ASCII slug for ids ("Ruoming Pang" -> "ruoming-pang")."""
    from bot.text import fold

    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def move_id_for(person: str, to_org: str | None, date: str, from_org: str | None = None) -> str:
    """The conventional stable id of a move: person + destination org + year; of a departure whose destination
    is not reported, person + `left` + origin org + year (`kevin-weil-left-openai-2026`). Always a valid id: a
    name without Latin letters or digits ("王小明") is written as a short digest of it, and long names are cut."""
    parts = [_slug_or_digest(person, "person", 60)]
    if to_org:
        parts.append(_slug_or_digest(to_org, "org", 40))
    elif from_org:
        parts += ["left", _slug_or_digest(from_org, "org", 40)]
    return "-".join([*parts, date[:4]])


def _slug_or_digest(text: str, kind: str, limit: int) -> str:
    slug = slugify(text)[:limit].strip("-")
    return slug or f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"
