"""The pydantic records are the one definition of a valid move: every door (dataset, CLI, Discord) uses them."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.models import (
    Move,
    Person,
    Place,
    RoleHolding,
    Source,
    check_url,
    clean_text,
    move_id_for,
    parse_partial_date,
    slugify,
)
from bot.rows import SOURCE_FIELDS, place_values, row_values, source_values
from bot.text import fold, split_aliases


def _move(**overrides):
    data = {"id": "ruoming-pang-meta-2025", "person": "Ruoming Pang",
            "from": {"org": "Apple", "team": "Foundation Models"}, "to": {"org": "Meta"},
            "date": "2025-07-07", "status": "confirmed",
            "sources": [{"url": "https://example.com/a"}]}
    data.update(overrides)
    return Move.model_validate(data)


@pytest.mark.parametrize(("value", "expected"), [
    ("2025", ("2025", "year")),
    ("2025-7", ("2025-07", "month")),
    ("2025-07", ("2025-07", "month")),
    ("2025-07-07", ("2025-07-07", "day")),
    (" 2024-02-29 ", ("2024-02-29", "day")),
])
def test_partial_date_keeps_its_precision(value, expected):
    assert parse_partial_date(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2025-13-01", "not a valid month"),
    ("2025-00", "not a valid month"),
    ("2025-02-30", "not a valid day of that month"),
    ("2023-02-29", "not a valid day of that month"),
    ("1800", "unlikely year"),
    ("July 2025", "is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("2025/07/07", "is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ("", "is not YYYY"),
])
def test_bad_dates_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        parse_partial_date(value)


@pytest.mark.parametrize("url", ["https://example.com/a?b=c", "http://example.org"])
def test_good_urls_are_kept_verbatim(url):
    assert check_url(url) == url


@pytest.mark.parametrize("url", ["htp://example", "example.com/page", "https://", "https://local host/x",
                                 "ftp://example.com/file", "https://localhost/x", "javascript:alert(1)"])
def test_bad_urls_are_refused(url):
    with pytest.raises(ValueError, match="not an http"):
        check_url(url)


def test_clean_text():
    assert clean_text("  hi  ") == "hi"
    assert clean_text("   ") is None
    assert clean_text(None) is None
    with pytest.raises(ValueError, match="control characters"):
        clean_text("a\x00b")
    with pytest.raises(ValueError, match="longer than 5"):
        clean_text("abcdef", limit=5)


def test_move_normalizes_date_and_precision():
    move = _move(date="2025-7")
    assert (move.date, move.date_precision) == ("2025-07", "month")
    assert move.from_ == Place(org="Apple", team="Foundation Models")
    assert move.to.team is None


def test_move_date_error_names_the_date_field():
    """A maintainer must see which column is wrong ("date: ... not a valid month"), not a row-level error."""
    with pytest.raises(ValidationError) as info:
        _move(date="2025-13-01")
    errors = info.value.errors()
    assert [e["loc"] for e in errors] == [("date",)]
    assert "not a valid month" in errors[0]["msg"]


def test_move_needs_a_source():
    with pytest.raises(ValidationError) as info:
        _move(sources=[])
    assert info.value.errors()[0]["loc"] == ("sources",)


def test_move_source_url_is_checked():
    with pytest.raises(ValidationError) as info:
        _move(sources=[{"url": "htp://example"}])
    assert info.value.errors()[0]["loc"] == ("sources", 0, "url")


@pytest.mark.parametrize(("field", "value", "loc"), [
    ("id", "Ruoming Pang 2025", ("id",)),
    ("status", "rumoured", ("status",)),
    ("date_basis", "guessed", ("date_basis",)),
    ("person", "  ", ("person",)),
])
def test_move_field_errors(field, value, loc):
    with pytest.raises(ValidationError) as info:
        _move(**{field: value})
    assert info.value.errors()[0]["loc"] == loc


def test_move_must_go_somewhere_else():
    with pytest.raises(ValidationError, match="same place"):
        _move(to={"org": "Apple", "team": "Foundation Models"})


def test_move_refuses_unknown_fields_and_is_frozen():
    with pytest.raises(ValidationError):
        _move(salary="lots")
    move = _move()
    with pytest.raises(ValidationError):
        move.person = "Someone Else"


def test_source_published_date_is_normalized():
    assert Source(url="https://example.com", published="2025-7").published == "2025-07"
    with pytest.raises(ValidationError):
        Source(url="https://example.com", published="2025-13")


def test_role_holding_dates():
    role = RoleHolding(person="Zhifeng Chen", org="Apple", role="lead", as_of="2025-07", url="https://e.com/x")
    assert (role.as_of, role.as_of_precision) == ("2025-07", "month")
    blank = RoleHolding(person="Zhifeng Chen", org="Apple", role="lead", as_of="  ", url="https://e.com/x")
    assert blank.as_of is None and blank.as_of_precision is None
    with pytest.raises(ValidationError) as info:
        RoleHolding(person="Zhifeng Chen", org="Apple", role="lead", as_of="2025-13", url="https://e.com/x")
    assert info.value.errors()[0]["loc"] == ("as_of",)


def test_person_aliases_are_a_tuple():
    assert Person(name="Ruoming Pang", aliases=split_aliases("Pang Ruoming; ; Rouming Pang;Pang Ruoming")).aliases \
        == ("Pang Ruoming", "Rouming Pang")


def test_slug_and_conventional_id():
    assert slugify("Baptiste Rozière") == "baptiste-roziere"
    assert move_id_for("Ruoming Pang", "Meta", "2025-07-07") == "ruoming-pang-meta-2025"
    assert move_id_for("Yann LeCun", "Advanced Machine Intelligence", "2025") == \
        "yann-lecun-advanced-machine-intelligence-2025"


@pytest.mark.parametrize(("text", "folded"), [
    ("Giannaandrea's", "giannaandrea"),
    ("Baptiste ROZIÈRE", "baptiste roziere"),
    ("  Apple’s   AFM-team ", "apple afm team"),
    ("snake_case", "snake case"),
])
def test_fold(text, folded):
    assert fold(text) == folded


# -- the quick checks of a dataset load (`row_values`, `source_values`) say what the models say ---------------------

_AWKWARD = ["", " ", "  x  ", "x\x1f", "\x1fx", "a\x00b", "tab\there", "new\nline", "\u00a0nbsp\u00a0", "é", "x" * 301,
            "x" * 2001, "Ruoming Pang", " Apple ", "AFM"]


def _model_row(data):
    from bot.rows import MoveRow

    try:
        return MoveRow.of(Move.model_validate({**data, "sources": [dict(zip(SOURCE_FIELDS, s, strict=True))
                                                                  for s in data["sources"]]}))
    except ValidationError:
        return None


def move_values(data):
    """`row_values` for the model's input shape (places cleaned by `place_values`, as the dataset reader does)."""
    return row_values(data["id"], data["person"], place_values(data["from"]), place_values(data["to"]), data["date"],
                      data["date_basis"], data["status"], data["notes"], data["sources"])


def _move_data(**overrides):
    data = {"id": "ruoming-pang-meta-2025", "person": "Ruoming Pang",
            "from": {"org": "Apple", "team": "Foundation Models", "role": "lead"},
            "to": {"org": "Meta", "team": None, "role": ""}, "date": "2025-7", "date_basis": None,
            "status": "confirmed", "notes": "", "sources": (("https://example.com/a", None, None, None, None, None),)}
    data.update(overrides)
    return data


def test_move_values_take_an_ordinary_move_as_the_model_does():
    data = _move_data()
    assert move_values(data) is not None and move_values(data) == _model_row(data)
    assert move_values(data).date == "2025-07" and move_values(data).to_role is None


@pytest.mark.parametrize("value", _AWKWARD)
@pytest.mark.parametrize("field", ["person", "notes", "id"])
def test_move_values_agree_with_the_model(field, value):
    data = _move_data(**{field: value})
    quick = move_values(data)
    assert quick is None or quick == _model_row(data)


@pytest.mark.parametrize("value", _AWKWARD)
@pytest.mark.parametrize("side", ["from", "to"])
@pytest.mark.parametrize("part", ["org", "team", "role"])
def test_move_values_agree_with_the_model_on_places(side, part, value):
    data = _move_data()
    data[side] = {**data[side], part: value}
    quick = move_values(data)
    assert quick is None or quick == _model_row(data)


@pytest.mark.parametrize(("field", "value"), [
    ("date", "2025"), ("date", " 2025-07-07 "), ("date", "2025-13"), ("date", "2024-02-30"), ("date", "25"),
    ("date_basis", "announced"), ("date_basis", "guessed"), ("date_basis", " reported"), ("status", "reported"),
    ("status", "rumoured"), ("status", "Confirmed"),
    ("to", {"org": "Apple", "team": "Foundation Models", "role": "lead"}),  # the same place
    ("to", {"org": "Apple", "team": "Foundation Models"}),
])
def test_move_values_agree_with_the_model_on_the_rest(field, value):
    data = _move_data(**{field: value})
    quick = move_values(data)
    assert quick is None or quick == _model_row(data)
    if field == "to" and len(value) == 3:
        assert quick is None and _model_row(data) is None


@pytest.mark.parametrize("value", [*_AWKWARD, "2025-7", "2025-13", "https://example.com/a"])
@pytest.mark.parametrize("field", ["url", "title", "publisher", "published", "language", "supports"])
def test_source_values_agree_with_the_model(field, value):
    cells = {"url": "https://example.com/a", "title": "", "publisher": "", "published": "", "language": "",
             "supports": ""}
    cells[field] = value
    quick = source_values(*(cells[f] for f in SOURCE_FIELDS))
    try:
        src = Source(**cells)
        model = (src.url, src.title, src.publisher, src.published, src.language, src.supports)
    except ValidationError:
        model = None
    assert quick is None or quick == model


@pytest.mark.parametrize("url", ["https://example.com", "http://a.b/c?d=e#f", "HTTPS://example.com",
                                 "https://ex ample.com", "https://example.com/\x1f", "https://[::1]/x",
                                 "https://example.com:8080/x", "https://exa_mple.com", " https://example.com "])
def test_quick_url_check_agrees_with_urlsplit(url):
    from urllib.parse import urlsplit

    def slow(value):
        url = value.strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in url or "." not in parts.netloc:
            raise ValueError("not an http(s) URL")
        return url

    try:
        expected = slow(url)
    except ValueError:
        with pytest.raises(ValueError):
            check_url(url)
    else:
        assert check_url(url) == expected


def test_move_values_leave_the_sources_to_the_dataset_reader():
    """A dataset's moves are read before its sources: whether each has one is checked across the two files."""
    data = _move_data(sources=())
    assert move_values(data) == _model_row(_move_data())._replace(sources=())
