"""Validation that refuses what would silently rewrite the record or mislead: names shared between entities,
formula cells, invisible and direction-changing characters, names without a letter, ids that are not ids; and
error messages that name the real problem once, on the right row."""

from __future__ import annotations

import pytest

from bot.dataset import DatasetInvalid
from bot.models import _ID_RE, Move, Person, move_id_for
from bot.recording import MoveInput, MoveInputError, build_move
from tests.conftest import _MOVES_HEADER, source_row
from tests.datasets import read_dataset


def errors_of(folder) -> list[str]:
    with pytest.raises(DatasetInvalid) as info:
        read_dataset(folder)
    return [str(e) for e in info.value.errors]


def people(*rows: dict[str, str]):
    return lambda files: {**files, "people.csv": [*files["people.csv"], *rows]}


# -- names shared between two entities ---------------------------------------------------------------------------

def test_an_alias_shared_by_two_people_names_both_rows(make_dataset):
    errors = errors_of(make_dataset(people({"name": "Aaron Saunders", "aliases": "A. S."},
                                           {"name": "Adam Sadovsky", "aliases": "A. S."})))
    assert any("people.csv row 5" in e and "'A. S.'" in e and "row 6" in e for e in errors), errors


def test_a_name_given_as_another_persons_alias(make_dataset):
    errors = errors_of(make_dataset(people({"name": "Aaron Saunders", "aliases": "Adam Sadovsky"},
                                           {"name": "Adam Sadovsky", "aliases": "Aaron Saunders"})))
    assert any("people.csv row 5" in e and "Adam Sadovsky" in e and "row 6" in e for e in errors), errors


def test_a_person_alias_equal_to_an_org_name(make_dataset):
    errors = errors_of(make_dataset(people({"name": "Mark Example", "aliases": "Meta"})))
    assert any("people.csv row 5" in e and "'Meta'" in e and "orgs.csv row 3" in e for e in errors), errors


def test_an_alias_shared_by_two_orgs(make_dataset):
    def change(files):
        return {**files, "orgs.csv": [{"name": "Apple", "aliases": "Fruit Co"}, *files["orgs.csv"][1:],
                                      {"name": "Pear Labs", "aliases": "fruit co"}]}
    errors = errors_of(make_dataset(change))
    assert any("orgs.csv row 6" in e and "fruit co" in e and "Apple" in e and "row 2" in e for e in errors), errors


def test_an_alias_shared_by_two_teams_of_one_org(make_dataset):
    def change(files):
        return {**files, "teams.csv": [*files["teams.csv"], {"org": "Apple", "name": "Siri", "aliases": "AFM"}]}
    errors = errors_of(make_dataset(change))
    assert any("teams.csv row 3" in e and "'AFM'" in e and "row 2" in e for e in errors), errors


# -- risky cells -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x.example\",\"x\")", "+Meta", "@SUM(A1)", "-2+3"])
def test_formula_like_names_are_refused(make_dataset, name):
    errors = errors_of(make_dataset(people({"name": name})))
    assert any("people.csv row 5" in e and "formula" in e for e in errors), errors


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u200f"])
def test_invisible_or_direction_changing_characters_in_names_and_urls(make_dataset, char):
    def change(files):
        moves = [{**files["moves.csv"][0], "person": f"Ruoming{char} Pang"}, *files["moves.csv"][1:]]
        sources = [{**files["sources.csv"][0], "url": f"https://example.com/pa{char}ng"}, *files["sources.csv"][1:]]
        return {**files, "moves.csv": moves, "sources.csv": sources}
    errors = errors_of(make_dataset(change))
    assert any("moves.csv row 2: person:" in e and "U+" in e for e in errors), errors
    assert any("sources.csv row 2: url:" in e and "U+" in e for e in errors), errors


@pytest.mark.parametrize("team", ["/", "<@&123456789012345678>", "@everyone", "—"])
def test_a_team_that_is_no_name_is_refused(make_dataset, team):
    def change(files):
        return {**files, "moves.csv": [{**files["moves.csv"][0], "to_team": team}, *files["moves.csv"][1:]]}
    errors = errors_of(make_dataset(change))
    assert any("moves.csv row 2: to_team:" in e for e in errors), errors


def test_a_line_break_in_a_name_is_refused():
    with pytest.raises(ValueError, match="line break"):
        Person(name="Ruoming\nPang")


# -- ids ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("person,org", [("王小明", "Meta"), ("Ruoming Pang", "深度求索"), ("—", "—"),
                                        ("A" * 300, "B" * 300)])
def test_a_move_id_is_always_a_valid_id(person, org):
    move_id = move_id_for(person, org, "2025-07")
    assert _ID_RE.fullmatch(move_id), move_id


async def test_a_recorded_move_of_a_name_without_latin_letters_has_a_valid_id(engine):
    entry = MoveInput(person="王小明", from_org="Meta", to_org="OpenAI", date="2026",
                      sources=["https://example.com/wang"])
    move = await build_move(engine.store, engine.index, entry)
    assert _ID_RE.fullmatch(move.id) and not move.id.startswith("-")
    Move.model_validate(move.model_dump(by_alias=True))  # the id the model would also accept


# -- errors that say what is wrong, once, on the right row --------------------------------------------------------

def test_a_line_break_in_a_quoted_note_is_kept_and_rows_are_numbered_where_they_start(make_dataset):
    text = (_MOVES_HEADER + "\r\n"
            'ruoming-pang-meta-2025,Ruoming Pang,Apple,,,Meta,,,2025-07-07,,confirmed,"line one\r\nline two"\r\n'
            "tom-gunter-meta-2025,Tom Gunter,Apple,,,Meta,,,2025-13,,confirmed,\r\n"
            "ada-example-anthropic-2024,Ada Example,OpenAI,,,Anthropic,,,2024,,confirmed,\r\n")
    errors = errors_of(make_dataset(lambda files: {**files, "moves.csv": text}))
    assert errors == ["moves.csv row 4: date: date '2025-13' is not a valid month"], errors


def test_a_missing_org_is_reported_once(make_dataset):
    def change(files):
        return {**files, "moves.csv": [{**files["moves.csv"][0], "from_org": ""}, *files["moves.csv"][1:]]}
    errors = errors_of(make_dataset(change))
    assert errors == ["moves.csv row 2: from_org: is required"], errors


def test_a_broken_moves_header_is_one_error_not_one_per_source(make_dataset):
    header = _MOVES_HEADER.replace("person", "persn")
    errors = errors_of(make_dataset(lambda files: {**files, "moves.csv": header + "\n"}))
    assert len(errors) == 1 and "moves.csv row 1" in errors[0] and "persn" in errors[0], errors


def test_a_repeated_header_column_is_named(make_dataset):
    header = _MOVES_HEADER + ",notes"
    rows = "\n".join(",".join(["x"] * 13) for _ in range(5))
    errors = errors_of(make_dataset(lambda files: {**files, "moves.csv": f"{header}\n{rows}\n"}))
    assert len(errors) == 1 and "notes" in errors[0] and "more than once" in errors[0], errors


async def test_no_raw_pydantic_sentence_for_a_move_without_sources(engine):
    with pytest.raises(MoveInputError) as info:
        await build_move(engine.store, engine.index, MoveInput(person="Ada Example", from_org="Meta", to_org="OpenAI",
                                                 date="2026", sources=[]))
    assert not any("should have" in e or "Tuple" in e for e in info.value.errors), info.value.errors


def test_an_unknown_move_in_sources_is_still_reported(make_dataset):
    def change(files):
        return {**files, "sources.csv": [*files["sources.csv"], source_row("nobody-2025", "https://example.com/n")]}
    assert any("names move 'nobody-2025'" in e for e in errors_of(make_dataset(change)))


def test_a_moves_file_that_is_not_utf8_is_one_error_not_one_per_source(make_dataset):
    def change(files):
        return {**files, "moves.csv": (_MOVES_HEADER + "\nbad-row,Baptiste Rozi\u00e8re,Meta,,,Mistral,,,2023,,,\n")
                .encode("latin-1")}
    errors = errors_of(make_dataset(change))
    assert len(errors) == 1 and "moves.csv row 2" in errors[0] and "UTF-8" in errors[0], errors


@pytest.mark.parametrize("name,words", [("", "name: is required"), ("x" * 300, "name: is longer than 200")])
def test_no_raw_pydantic_sentence_for_a_name(make_dataset, name, words):
    errors = errors_of(make_dataset(people({"name": name, "aliases": "Someone Else"})))
    assert any(f"people.csv row 5: {words}" in e for e in errors), errors
    assert not any("String should" in e for e in errors), errors


async def test_a_bad_source_url_is_one_error(engine):
    with pytest.raises(MoveInputError) as info:
        await build_move(engine.store, engine.index, MoveInput(person="Ada Example", from_org="Meta",
                                                               to_org="OpenAI", date="2026", sources=["x"]))
    assert info.value.errors == ["sources_url: 'x' is not an http(s) URL"]
