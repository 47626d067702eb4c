"""Reading and validating data/: a whole consistent dataset, or every error with its file, row and field."""

from __future__ import annotations

import pytest

from bot.dataset import DatasetError, DatasetInvalid
from tests.conftest import BAD_DATASETS, DATA_DIR, move_row, read_rows, source_row, write_rows
from tests.datasets import read_dataset


def _errors(folder) -> list[DatasetError]:
    with pytest.raises(DatasetInvalid) as info:
        read_dataset(folder)
    return info.value.errors


def test_default_dataset_is_valid_and_every_move_is_sourced():
    ds = read_dataset(DATA_DIR)
    assert len(ds.moves) == len(read_rows(DATA_DIR / "moves.csv"))
    assert len(ds.moves) > 150
    assert all(m.sources for m in ds.moves)
    assert all(s.url.startswith(("http://", "https://")) for m in ds.moves for s in m.sources)
    by_id = {m.id: m for m in ds.moves}
    pang = by_id["ruoming-pang-meta-2025"]
    assert (pang.person, pang.from_.org, pang.from_.team, pang.to.org, pang.to.team) == \
        ("Ruoming Pang", "Apple", "Foundation Models", "Meta", "Superintelligence Labs")
    assert (pang.date, pang.date_precision, pang.status) == ("2025-07-07", "day", "confirmed")
    assert any(r.person == "Zhifeng Chen" and r.team == "Foundation Models" for r in ds.roles)


def test_default_dataset_orgs_are_written_one_way():
    """Aliases are resolved on load: no move names an org by one of its aliases."""
    ds = read_dataset(DATA_DIR)
    alias_of = {a.casefold(): o.name for o in ds.orgs for a in o.aliases}
    used = {m.from_.org for m in ds.moves} | {m.to_org for m in ds.moves if m.to_org}
    assert not {u for u in used if u.casefold() in alias_of and alias_of[u.casefold()] != u}


def test_mini_dataset_resolves_aliases(make_dataset):
    """Facebook -> Meta, AFM -> Foundation Models, an alias of a person -> the person's name."""
    folder = make_dataset(lambda files: {
        **files,
        "moves.csv": [*files["moves.csv"][:2],
                      move_row("ada-example-meta-2024", "Ada Example", "OpenAI", "Facebook", "2024")],
        "sources.csv": [*files["sources.csv"][:3], source_row("ada-example-meta-2024", "https://example.com/a")],
    })
    rows = read_rows(folder / "moves.csv")
    rows[0]["person"] = "pang ruoming"
    write_rows(folder / "moves.csv", rows)
    ds = read_dataset(folder)
    by_id = {m.id: m for m in ds.moves}
    assert by_id["ada-example-meta-2024"].to.org == "Meta"
    assert by_id["tom-gunter-meta-2025"].from_.team == "Foundation Models"
    assert by_id["ruoming-pang-meta-2025"].person == "Ruoming Pang"
    assert [s.url for s in by_id["ruoming-pang-meta-2025"].sources] == \
        ["https://example.com/pang-1", "https://example.com/pang-2"]  # best first, as written


def test_a_new_org_far_from_known_ones_is_accepted(make_dataset):
    folder = make_dataset(lambda files: {**files, "moves.csv": [
        *files["moves.csv"][:2], move_row("ada-example-anthropic-2024", "Ada Example", "OpenAI", "Zorblax Labs",
                                          "2024")]})
    ds = read_dataset(folder)
    assert {m.to_org for m in ds.moves} == {"Meta", "Zorblax Labs"}


@pytest.mark.parametrize(("change", "expected"), [pytest.param(c, e, id=i) for i, c, e in BAD_DATASETS])
def test_bad_dataset_error_names_file_row_and_field(make_dataset, change, expected):
    file, line, fld, words = expected
    errors = _errors(make_dataset(change))
    assert any(e.file == file and e.line == line and e.field == fld and words in e.message for e in errors), \
        [str(e) for e in errors]


def test_error_text_reads_file_row_field_message(make_dataset):
    errors = _errors(make_dataset(BAD_DATASETS[2][1]))  # bad date
    assert [str(e) for e in errors] == ["moves.csv row 4: date: date '2025-13-01' is not a valid month"]


def test_every_error_is_reported_at_once(make_dataset):
    """A maintainer fixes a pull request in one pass: all problems come back, not just the first."""
    def change(files):
        for _, other, _ in BAD_DATASETS[:6]:
            files = other(files)
        return files

    errors = _errors(make_dataset(change))
    found = {(e.file, e.line, e.field) for e in errors}
    assert {("moves.csv", 4, "sources"), ("sources.csv", 3, "url"), ("moves.csv", 4, "date"),
            ("moves.csv", 4, "to_org"), ("moves.csv", 3, "from_team"), ("moves.csv", 4, "status")} <= found


def test_missing_folder_and_both_required_files(tmp_path):
    assert [e.message for e in _errors(tmp_path / "nope")] == ["is not a folder"]
    (tmp_path / "data").mkdir()
    errors = _errors(tmp_path / "data")
    assert [(e.file, e.line) for e in errors] == [("moves.csv", None), ("sources.csv", None)]
    assert all("is missing from" in e.message for e in errors)


def test_only_moves_and_sources_are_required(make_dataset):
    folder = make_dataset(lambda files: {**files, "orgs.csv": None, "teams.csv": None, "people.csv": None,
                                         "roles.csv": None})
    ds = read_dataset(folder)
    assert len(ds.moves) == 3 and ds.orgs == [] and ds.roles == []


def test_repeated_source_url_for_one_move(make_dataset):
    errors = _errors(make_dataset(lambda files: {**files, "sources.csv": [
        *files["sources.csv"], source_row("ada-example-anthropic-2024", "https://example.com/ada")]}))
    assert [(e.file, e.line, e.field) for e in errors] == [("sources.csv", 6, "url")]
    assert "repeats the source on row 5" in errors[0].message


def test_blank_lines_are_skipped_and_bom_is_accepted(make_dataset):
    folder = make_dataset()
    text = (folder / "moves.csv").read_text(encoding="utf-8")
    (folder / "moves.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\n\n", 1).encode())
    assert len(read_dataset(folder).moves) == 3


def test_progress_is_reported_per_thousand_rows(make_dataset):
    calls = []
    read_dataset(make_dataset(), calls.append)
    assert calls == []  # fewer than 1000 rows: no tick


def test_quick_checks_read_what_the_models_read(monkeypatch):
    """The load checks most rows without building models; with every row going through the models instead, the
    default dataset reads exactly the same."""
    import bot.dataset as dataset_module

    quick = read_dataset(DATA_DIR)
    monkeypatch.setattr(dataset_module, "row_values", lambda *values: None)
    monkeypatch.setattr(dataset_module, "source_values", lambda *cells: None)
    slow = read_dataset(DATA_DIR)
    assert quick.rows == slow.rows and len(quick.rows) > 150
    assert (quick.people, quick.orgs, quick.teams, quick.roles) == (slow.people, slow.orgs, slow.teams, slow.roles)


def test_rows_and_models_say_the_same(make_dataset):
    from tests.datasets import Dataset

    ds = read_dataset(make_dataset())
    assert [m.id for m in ds.moves] == [r.id for r in ds.rows] and len(ds) == 3
    again = Dataset(moves=ds.moves)
    assert again.rows == ds.rows


def test_sources_of_one_move_apart_keep_their_order_and_repeats_are_found(make_dataset):
    """Sources are usually written together; when a move's sources are apart, they still keep their file order,
    and a repeated URL is still found (by a second pass over those moves)."""
    spread = make_dataset(lambda files: {**files, "sources.csv": [
        source_row("ruoming-pang-meta-2025", "https://example.com/pang-1"),
        source_row("tom-gunter-meta-2025", "https://example.com/gunter"),
        source_row("ada-example-anthropic-2024", "https://example.com/ada"),
        source_row("ruoming-pang-meta-2025", "https://example.com/pang-2")]})
    by_id = {m.id: m for m in read_dataset(spread).moves}
    assert [s.url for s in by_id["ruoming-pang-meta-2025"].sources] == \
        ["https://example.com/pang-1", "https://example.com/pang-2"]
    errors = _errors(make_dataset(lambda files: {**files, "sources.csv": [
        *files["sources.csv"], source_row("ruoming-pang-meta-2025", "https://example.com/pang-1")]}, name="again"))
    assert [(e.file, e.line, e.field) for e in errors] == [("sources.csv", 6, "url")]
    assert "repeats the source on row 2" in errors[0].message


def test_errors_come_sorted_by_file_and_row(make_dataset):
    def change(files):
        files = BAD_DATASETS[1][1](files)  # bad URL (sources.csv)
        return BAD_DATASETS[2][1](files)   # bad date (moves.csv)

    errors = _errors(make_dataset(change))
    assert [(e.file, e.line) for e in errors] == [("moves.csv", 4), ("sources.csv", 3)]


def test_reader_streams_moves_then_sources_once(make_dataset):
    from bot.dataset import DatasetReader

    reader = DatasetReader(make_dataset())
    with pytest.raises(RuntimeError):
        next(reader.sources())
    chunks = list(reader.moves(size=2))
    assert [len(c) for c in chunks] == [2, 1] and all(row.sources == () for c in chunks for row in c)
    sources = [row for chunk in reader.sources() for row in chunk]
    assert [(s[0], s[1]) for s in sources[:2]] == [("ruoming-pang-meta-2025", 0), ("ruoming-pang-meta-2025", 1)]
    reader.check()
    assert list(reader.move_lines.values()) == [2, 3, 4] and reader.sources_read == 4
