"""The records of bot/models.py as plain tuples, for bulk paths (a dataset load of a million moves): a valid
`Move` as a `MoveRow`, a `Source` as `SourceValues`, and the quick checks that build them by the very rules the
models' validators run, without a model per row (tests/test_models.py holds both paths equal)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, get_args

from bot.models import (
    _CONTROL,
    _ID_RE,
    _MAX_TEXT,
    DateBasis,
    DatePrecision,
    Move,
    Status,
    check_url,
    clean_text,
    name_ok,
    parse_partial_date,
)

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
