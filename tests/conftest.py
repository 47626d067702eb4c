"""Shared fixtures for the core suite: the default dataset loaded once, fresh copies of it, an engine, the storage
backends (tests/pg_fixtures.py: `store_target`, `pg_url`, `pg_server`), and helpers to write small (or broken)
dataset folders from Python rows."""
# ruff: noqa: RUF100

from __future__ import annotations

import asyncio
import csv
import io
import shutil
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from pathlib import Path

import pytest
import pytest_asyncio

from bot.answers import Engine
from bot.dataset import COLUMNS
from bot.service import load_dataset
from bot.store import Store
from tests.bot_fixtures import bot_factory, movesbot  # noqa: F401
from tests.fake_discord.fixtures import *  # noqa: F401,F403
from tests.pg_fixtures import loaded_pg_template, pg_server, pg_url, store_db, store_target  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"

Rows = Iterable[Mapping[str, str] | list[str] | tuple[str, ...]]


def csv_text(name: str, rows: Rows, header: Iterable[str] | None = None) -> str:
    """A CSV file's text: the file's standard header, then each row (a dict by column, or a raw list)."""
    columns = list(header) if header is not None else list(COLUMNS[name])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        if isinstance(row, Mapping):
            writer.writerow([row.get(c, "") for c in columns])
        else:
            writer.writerow(list(row))
    return out.getvalue()


def write_dataset(folder: Path, files: Mapping[str, Rows | str | bytes]) -> Path:
    """Write a dataset folder: each value is rows (dicts or lists), or raw text/bytes written as is."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(csv_text(name, content), encoding="utf-8")
    return folder


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    path.write_text(csv_text(path.name, rows), encoding="utf-8")


def move_row(id_: str, person: str, from_org: str, to_org: str, date: str, **extra: str) -> dict[str, str]:
    return {"id": id_, "person": person, "from_org": from_org, "to_org": to_org, "date": date,
            "status": "confirmed", **extra}


def source_row(move_id: str, url: str, **extra: str) -> dict[str, str]:
    return {"move_id": move_id, "url": url, **extra}


def mini_files() -> dict[str, list[dict[str, str]]]:
    """A small valid dataset: three moves, two orgs with aliases, one team, one role."""
    return {
        "orgs.csv": [{"name": "Apple"}, {"name": "Meta", "aliases": "Facebook; Meta Platforms"},
                     {"name": "Anthropic"}, {"name": "OpenAI"}],
        "teams.csv": [{"org": "Apple", "name": "Foundation Models", "aliases": "AFM"}],
        "people.csv": [{"name": "Ruoming Pang", "aliases": "Pang Ruoming"}, {"name": "Tom Gunter"},
                       {"name": "Ada Example"}],
        "moves.csv": [
            move_row("ruoming-pang-meta-2025", "Ruoming Pang", "Apple", "Meta", "2025-07-07",
                     from_team="Foundation Models", notes="first note"),
            move_row("tom-gunter-meta-2025", "Tom Gunter", "Apple", "Meta", "2025-07", from_team="AFM",
                     status="reported"),
            move_row("ada-example-anthropic-2024", "Ada Example", "OpenAI", "Anthropic", "2024"),
        ],
        "sources.csv": [
            source_row("ruoming-pang-meta-2025", "https://example.com/pang-1"),
            source_row("ruoming-pang-meta-2025", "https://example.com/pang-2"),
            source_row("tom-gunter-meta-2025", "https://example.com/gunter"),
            source_row("ada-example-anthropic-2024", "https://example.com/ada"),
        ],
        "roles.csv": [{"person": "Ada Example", "org": "Anthropic", "role": "researcher", "as_of": "2024-05",
                       "url": "https://example.com/ada-role"}],
    }


@pytest.fixture
def make_dataset(tmp_path: Path) -> Callable[..., Path]:
    """`make_dataset(change=None, name="data")`: the mini dataset, changed by `change`, under tmp_path."""

    def make(change: Callable[[dict], dict] | None = None, name: str = "data") -> Path:
        return write_case(tmp_path / name, change)

    return make


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the default dataset that a test may edit."""
    return Path(shutil.copytree(DATA_DIR, tmp_path / "data"))


@pytest.fixture(scope="session")
def loaded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default dataset loaded once into a SQLite file (tests copy it; never open this one)."""
    path = tmp_path_factory.mktemp("loaded") / "movesbot.db"

    async def go() -> None:
        store = await Store.open(path)
        try:
            await load_dataset(store, DATA_DIR)
        finally:
            await store.close()

    asyncio.run(go())
    return path


@pytest.fixture
def db_path(loaded_db: Path, tmp_path: Path) -> Path:
    """A fresh copy of the loaded default database, for one test."""
    target = tmp_path / "movesbot.db"
    shutil.copyfile(loaded_db, target)
    return target


@pytest_asyncio.fixture
async def store(store_db: str) -> AsyncIterator[Store]:  # noqa: F811 (store_db: the fixture imported above)
    """The default dataset loaded, on each backend."""
    s = await Store.open(store_db)
    try:
        yield s
    finally:
        await s.close()


@pytest_asyncio.fixture
async def empty_store(store_target: str) -> AsyncIterator[Store]:  # noqa: F811
    """A new empty database, on each backend."""
    s = await Store.open(store_target)
    try:
        yield s
    finally:
        await s.close()


@pytest_asyncio.fixture
async def engine(store: Store) -> Engine:
    """An engine over a fresh copy of the default dataset."""
    return await Engine.create(store)


# -- broken datasets: (id, change to the mini dataset, (file, row, field, words of the message)) ------------------

def _with(name: str, change: Callable[[list[dict[str, str]]], None]) -> Callable[[dict], dict]:
    def apply(files: dict) -> dict:
        rows = [dict(r) for r in files[name]]
        change(rows)
        return {**files, name: rows}

    return apply


def _set(name: str, index: int, **values: str) -> Callable[[dict], dict]:
    return _with(name, lambda rows: rows[index].update(values))


def _replace(name: str, content: str | bytes | None) -> Callable[[dict], dict]:
    return lambda files: {**files, name: content}


_MOVES_HEADER = ",".join(COLUMNS["moves.csv"])
BAD_DATASETS: list[tuple[str, Callable[[dict], dict], tuple[str, int | None, str | None, str]]] = [
    ("missing-source", _with("sources.csv", lambda rows: rows.pop(3)),
     ("moves.csv", 4, "sources", "has no source in sources.csv")),
    ("bad-url", _set("sources.csv", 1, url="htp://example"),
     ("sources.csv", 3, "url", "'htp://example' is not an http(s) URL")),
    ("bad-date", _set("moves.csv", 2, date="2025-13-01"),
     ("moves.csv", 4, "date", "date '2025-13-01' is not a valid month")),
    ("org-typo", _set("moves.csv", 2, to_org="Antropic"),
     ("moves.csv", 4, "to_org", "'Antropic' looks like a typo of the known org 'Anthropic'")),
    ("team-typo", _set("moves.csv", 1, from_team="Foundation Modles"),
     ("moves.csv", 3, "from_team", "looks like a typo of Apple's team 'Foundation Models'")),
    ("bad-status", _set("moves.csv", 2, status="rumoured"),
     ("moves.csv", 4, "status", "'rumoured' is not one of")),
    ("duplicate-id", _with("moves.csv", lambda rows: rows.append(
        move_row("ruoming-pang-meta-2025", "Tom Gunter", "Apple", "OpenAI", "2026"))),
     ("moves.csv", 5, "id", "id 'ruoming-pang-meta-2025' is already used on row 2")),
    ("duplicate-move", lambda files: _with("sources.csv", lambda rows: rows.append(
        source_row("tom-gunter-meta-2025b", "https://example.com/gunter-b")))(
        _with("moves.csv", lambda rows: rows.append(
            move_row("tom-gunter-meta-2025b", "tom gunter", "Apple", "Facebook", "2025-07")))(files)),
     ("moves.csv", 5, None, "duplicates the move on row 3 (same person, orgs and date)")),
    ("column-count", _replace("moves.csv", _MOVES_HEADER + "\n"
                              "ada-example-anthropic-2024,Ada Example,OpenAI,,,Anthropic,,,2024,,confirmed,\n"
                              "ruoming-pang-meta-2025,Ruoming Pang,Apple\n"),
     ("moves.csv", 3, None, "has 3 columns, expected 12")),
    ("non-utf8", _replace("people.csv", "name,aliases\nRuoming Pang,\nBaptiste Rozi\u00e8re,\n".encode("latin-1")),
     ("people.csv", 3, None, "is not valid UTF-8 (byte 0xe8)")),
    ("empty-file", _replace("moves.csv", ""), ("moves.csv", None, None, "is empty")),
    ("empty-optional-file", _replace("orgs.csv", ""), ("orgs.csv", None, None, "is empty")),
    ("missing-required-file", _replace("sources.csv", None), ("sources.csv", None, None, "is missing from")),
    ("missing-column", _replace("sources.csv", "move_id,title\nruoming-pang-meta-2025,x\n"),
     ("sources.csv", 1, None, "missing column(s) url, publisher")),
    ("unknown-move-in-sources", _with("sources.csv", lambda rows: rows.append(
        source_row("nobody-nowhere-2025", "https://example.com/nobody"))),
     ("sources.csv", 6, "move_id", "names move 'nobody-nowhere-2025', which moves.csv does not have")),
    ("bad-role-url", _set("roles.csv", 0, url="not a url"), ("roles.csv", 2, "url", "is not an http(s) URL")),
]


def write_case(folder: Path, change: Callable[[dict], dict] | None = None) -> Path:
    """Write the mini dataset, changed by `change` (a file set to None is left out), into `folder`."""
    files = mini_files() if change is None else change(mini_files())
    if folder.exists():
        shutil.rmtree(folder)
    return write_dataset(folder, {k: v for k, v in files.items() if v is not None})
