"""The records movesbot keeps: people, orgs, teams, moves, their sources, and role holdings.

These pydantic models are the one definition of a valid record: the dataset loader, `movesbot add` and the
Discord `/move add` form all validate through them, so a move is checked the same way whichever door it uses.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date as _date
from functools import lru_cache
from typing import Any, Literal, NamedTuple, get_args
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


# -- the same records as plain tuples, for bulk paths (a dataset load of a million moves) --------------------------

SourceValues = tuple[str, str | None, str | None, str | None, str | None, str | None]
"""A valid `Source` as (url, title, publisher, published, language, supports)."""
SOURCE_FIELDS = ("url", "title", "publisher", "published", "language", "supports")
_STATUSES = {s: s for s in get_args(Status)}      # the value -> the one string object for it (a million rows)
_DATE_BASES = {b: b for b in get_args(DateBasis)}


class _NoPlace(NamedTuple):
    org: None = None
    team: None = None
    role: None = None


NO_PLACE = _NoPlace()
"""The destination of a departure whose destination is not reported: (org, team, role) all None."""


class MoveRow(NamedTuple):
    """A valid `Move` as a flat tuple (what the store writes), without the cost of a pydantic model per row."""

    id: str
    person: str
    from_org: str
    from_team: str | None
    from_role: str | None
    to_org: str | None  # None: destination not reported
    to_team: str | None
    to_role: str | None
    date: str
    date_precision: DatePrecision
    date_basis: DateBasis | None
    status: Status
    notes: str | None
    sources: tuple[SourceValues, ...]

    @classmethod
    def of(cls, move: Move) -> MoveRow:
        f, t = move.from_, move.to or NO_PLACE
        return cls(move.id, move.person, f.org, f.team, f.role, t.org, t.team, t.role, move.date, move.date_precision,
                   move.date_basis, move.status, move.notes,
                   tuple((s.url, s.title, s.publisher, s.published, s.language, s.supports) for s in move.sources))



def source_values(url: str, title: str, publisher: str, published: str, language: str,
                  supports: str) -> SourceValues | None:
    """What `Source(url=..., ...)` holds for these cells, by the very checks its validators run (`check_url`,
    `clean_text`, `parse_partial_date`), without building it; None when a value is refused or unusual (validate
    through `Source` then: it words the errors per field). tests/test_models.py holds both paths equal."""
    try:
        url = check_url(url)
        texts = title.strip(), publisher.strip(), published.strip(), language.strip(), supports.strip()
        if max(map(len, texts)) > _MAX_TEXT or _CONTROL.search("".join(texts)):
            return None
        title, publisher, published, language, supports = texts
        return (url, title or None, publisher or None, parse_partial_date(published)[0] if published else None,
                language or None, supports or None)
    except (ValueError, TypeError, AttributeError):
        return None


def row_values(move_id: str, person: str, from_place: tuple[str, str | None, str | None] | None,
               to_place: tuple[str, str | None, str | None] | None, date: str, basis: str | None, status: str,
               notes: str | None, sources: tuple[SourceValues, ...] = ()) -> MoveRow | None:
    """What `Move.model_validate(...)` holds for these values, as a `MoveRow`, by the very checks its validators
    run, without building the model; None when anything is refused or unusual (validate through `Move` then, for
    its errors). Each place is as `place_values` gives it (None: refused; a destination of `NO_PLACE`: none
    reported). `sources` are `SourceValues` already
    checked; the dataset reader passes none and checks across files that every move has one (the model would
    refuse an empty tuple). The dataset reader's path for each row: a few microseconds a move, where the model
    takes fifty. tests/test_models.py holds both paths equal."""
    try:
        person = person.strip()
        if (from_place is None or to_place is None or from_place == to_place or not person or len(person) > 200
                or _CONTROL.search(person) or not name_ok(person)
                or not isinstance(move_id, str) or move_id != move_id.strip()
                or not _ID_RE.match(move_id) or (basis is not None and basis not in _DATE_BASES)
                or status not in _STATUSES or not isinstance(date, str)):
            return None
        if notes is not None:
            notes = notes.strip()
            if len(notes) > _MAX_TEXT or _CONTROL.search(notes):
                return None
        value, precision = parse_partial_date(date)
    except (ValueError, TypeError, AttributeError):
        return None
    return MoveRow(move_id, person, *from_place, *to_place, value, precision,
                   None if basis is None else _DATE_BASES[basis], _STATUSES[status], notes or None, sources)


def place_values(side: Mapping[str, Any]) -> tuple[str, str | None, str | None] | None:
    """(org, team, role) as `Place` holds them (from a dict of those keys), or None when `Place` must decide."""
    try:
        org = clean_text(side["org"], limit=200)
        if org is None or len(side) != 3 or not name_ok(org):
            return None
        team = clean_text(side["team"], limit=300)
        if team is not None and not name_ok(team):
            return None
        return org, team, clean_text(side["role"], limit=300)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


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
