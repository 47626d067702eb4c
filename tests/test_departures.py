"""Departures whose destination is not reported yet: read, stored, answered, recorded, completed and alerted.

A departure is a move with no destination (`to_org` empty). Recording the destination later completes the same
move, whichever path records it (the CLI, `/move edit`, a dataset edit of the row or a row replacing it): one
move, its history keeping both states, and for each channel at most one "new" alert.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.alerts import AlertWorker
from bot.answers import Engine, render_text
from bot.cli import app
from bot.dataset import DatasetInvalid
from bot.models import Move, move_id_for
from bot.recording import MoveInput, build_move, record
from bot.service import load_dataset
from bot.store import Store
from tests.conftest import move_row, source_row
from tests.datasets import read_dataset
from tests.test_alerts_core import FakeSender, subscribe

WEIL = "kevin-weil-left-openai-2026"
QUINN = "quinn-example-left-openai-2026"  # a person the default dataset does not know


def _departure(files: dict) -> dict:
    """The mini dataset with Ada Example's departure from Anthropic, destination not reported."""
    moves = [*files["moves.csv"], move_row("ada-example-left-anthropic-2026", "Ada Example", "Anthropic", "",
                                           "2026-04", status="reported")]
    sources = [*files["sources.csv"], source_row("ada-example-left-anthropic-2026", "https://example.com/ada-left")]
    return {**files, "moves.csv": moves, "sources.csv": sources}


def _kevin(to_org: str | None = None, date: str = "2026-04-15", url: str = "https://example.com/weil-1",
           **extra) -> MoveInput:
    return MoveInput(person="Quinn Example", from_org="OpenAI", to_org=to_org, date=date, sources=[url], **extra)


# -- the record --------------------------------------------------------------------------------------------------

def test_a_row_with_an_empty_destination_is_a_departure(make_dataset):
    data = read_dataset(make_dataset(_departure))
    row = next(r for r in data.rows if r.id == "ada-example-left-anthropic-2026")
    assert (row.to_org, row.to_team, row.to_role, row.date_precision) == (None, None, None, "month")
    assert next(m for m in data.moves if m.id == row.id).to is None


def test_a_team_or_role_without_a_destination_org_is_refused(make_dataset):
    def change(files: dict) -> dict:
        files = _departure(files)
        files["moves.csv"][-1]["to_team"] = "Claude Code"
        return files

    with pytest.raises(DatasetInvalid) as err:
        read_dataset(make_dataset(change))
    problems = [(e.file, e.line, e.field) for e in err.value.errors]
    assert problems == [("moves.csv", 5, "to_org")]
    assert "leave all three empty" in str(err.value.errors[0])


def test_a_departure_is_checked_like_any_move(make_dataset):
    """No source, a bad date: the same errors as for a move with a destination."""
    def change(files: dict) -> dict:
        files = _departure(files)
        files["moves.csv"][-1]["date"] = "2026-13"
        files["sources.csv"] = files["sources.csv"][:-1]
        return files

    with pytest.raises(DatasetInvalid) as err:
        read_dataset(make_dataset(change))
    assert {e.field for e in err.value.errors} >= {"date"}


def test_the_departure_id_convention():
    assert move_id_for("Kevin Weil", None, "2026-04", "OpenAI") == WEIL
    assert move_id_for("Kevin Weil", "Meta", "2026-04", "OpenAI") == "kevin-weil-meta-2026"


async def test_answers_treat_a_departure_as_a_departure(empty_store, make_dataset):
    await load_dataset(empty_store, make_dataset(_departure))
    engine = await Engine.create(empty_store)
    left = await engine.ask("who left Anthropic?")
    assert "Ada Example reportedly left Anthropic (destination not reported) (April 2026)" in render_text(left)
    assert [m.to_org for m in left.moves] == [None]
    assert left.moves[0].as_json()["to_org"] is None
    joined = render_text(await engine.ask("who joined Anthropic?"))
    assert "destination not reported" not in joined
    card = await engine.ask("Ada Example")
    assert card.summary == ("Ada Example: 2 recorded moves; left Anthropic in April 2026; no destination on "
                            "record.")
    fr = await engine.ask("qui a quitté Anthropic ?")
    assert "Ada Example aurait quitté Anthropic (destination non communiquée)" in render_text(fr)
    org = render_text(await engine.ask("Anthropic"))
    assert "destination not reported: 0 in, 1 out (net -1)" in org
    ranking = await engine.ask("which company lost the most people?")
    assert any(f.text.startswith("Anthropic: ") and "1 out" in f.text for f in ranking.facts)


async def test_between_orgs_never_shows_a_departure(empty_store, make_dataset):
    await load_dataset(empty_store, make_dataset(_departure))
    engine = await Engine.create(empty_store)
    answer = await engine.ask("Anthropic to Meta")
    assert all(m.to_org == "Meta" for m in answer.moves)


def test_ask_json_keeps_its_schema_with_a_null_destination(make_dataset, tmp_path):
    data = make_dataset(_departure)
    result = CliRunner().invoke(app, ["ask", "who left Anthropic?", "--json", "--db", str(tmp_path / "a.db"),
                                      "--data", str(data)])
    assert result.exit_code == 0, result.output
    moves = json.loads(result.stdout)["moves"]
    assert moves[0]["to_org"] is None and moves[0]["to_team"] is None and moves[0]["to_role"] is None
    assert set(moves[0]) == {"id", "person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role",
                             "date", "date_precision", "status", "notes", "sources"}


# -- recording and completing ----------------------------------------------------------------------------------

async def test_recording_a_departure_then_its_destination_makes_one_move(store):
    engine = await Engine.create(store)
    left = await record(store, engine.index, _kevin(), origin="cli", actor="cli")
    assert (left.outcome, left.move.id, left.move.to_org) == ("recorded", QUINN, None)
    engine.add_names(await store.name_entries_for([QUINN]))
    done = await record(store, engine.index, _kevin("Meta", date="2026-06", url="https://example.com/weil-2",
                                                    to_team="MSL"), origin="cli", actor="cli")
    assert (done.outcome, done.move.id, done.move.to_org, done.move.to_team) == (
        "completed", QUINN, "Meta", "Superintelligence Labs")
    assert [s.url for s in done.move.sources] == ["https://example.com/weil-1", "https://example.com/weil-2"]
    assert done.move.date == "2026-04-15"  # the move's date stays the day he left
    history = await store.move_history(QUINN)
    assert [h[2] for h in history] == ["added", "edited"]
    assert json.loads(history[1][3])["to_org"] == [None, "Meta"]
    assert [m.id for m in await store.moves_of_person("Quinn Example") if m.from_org == "OpenAI"] == [QUINN]


async def test_the_same_move_recorded_again_adds_only_its_new_source(store):
    engine = await Engine.create(store)
    first = await record(store, engine.index, _kevin("Meta", to_team="MSL"), origin="cli", actor="cli")
    again = await record(store, engine.index, _kevin("Meta", date="2026-04"), origin="discord", actor="discord:1")
    assert again.outcome == "unchanged" and again.move.id == first.move.id
    more = await record(store, engine.index, _kevin("Meta", url="https://example.com/other"), origin="cli",
                        actor="cli")
    assert more.outcome == "source_added"
    assert [s.url for s in more.move.sources] == ["https://example.com/weil-1", "https://example.com/other"]
    # A departure reported after the move with its destination is the same event.
    late = await record(store, engine.index, _kevin(url="https://example.com/late"), origin="cli", actor="cli")
    assert late.outcome == "source_added" and late.move.to_org == "Meta"
    assert [m.id for m in await store.moves_of_person("Quinn Example") if m.from_org == "OpenAI"] == [first.move.id]


async def test_a_departure_years_apart_is_another_move(store):
    engine = await Engine.create(store)
    await record(store, engine.index, _kevin("Meta", date="2020"), origin="cli", actor="cli")
    later = await record(store, engine.index, _kevin(date="2026-04"), origin="cli", actor="cli")
    assert later.outcome == "recorded" and later.move.to_org is None


# -- alerts: one "new" per departure and channel, the completion as an update -----------------------------------

async def _subscribed(store: Store) -> None:
    """Channel 1 follows OpenAI's departures, 2 everything, 3 Meta's arrivals, 4 Meta both ways."""
    await subscribe(store, 1, "org", "OpenAI", direction="left")
    await subscribe(store, 2)
    await subscribe(store, 3, "org", "Meta", direction="joined")
    await subscribe(store, 4, "org", "Meta")


async def test_completion_is_an_update_to_those_told_of_the_departure_and_news_to_the_destination(store):
    sender = FakeSender()
    worker = AlertWorker(store, sender)
    await _subscribed(store)
    engine = await Engine.create(store)
    await record(store, engine.index, _kevin(), origin="cli", actor="cli")
    await worker.run_once()
    assert [sender.count(c) for c in (1, 2, 3, 4)] == [1, 1, 0, 0]
    await record(store, engine.index, _kevin("Meta"), origin="cli", actor="cli")
    await worker.run_once()
    kinds = {c: [a.kind for _, a in sender.posted[c]] for c in (1, 2, 3, 4)}
    assert kinds == {1: ["new", "completion"], 2: ["new", "completion"], 3: ["new"], 4: ["new"]}
    assert sender.posted[3][0][1].moves[0].to_org == "Meta"
    assert await worker.run_once() == 0


async def test_completion_before_the_departure_alert_went_out_is_announced_once(store):
    sender = FakeSender()
    worker = AlertWorker(store, sender)
    await _subscribed(store)
    engine = await Engine.create(store)
    await record(store, engine.index, _kevin(), origin="cli", actor="cli")
    await record(store, engine.index, _kevin("Meta"), origin="cli", actor="cli")
    await worker.run_once()
    assert {c: [(a.kind, a.moves[0].to_org) for _, a in sender.posted[c]] for c in (1, 2, 3)} == {
        1: [("new", "Meta")], 2: [("new", "Meta")], 3: [("new", "Meta")]}


async def test_completion_by_edit_alerts_like_any_completion(store):
    sender = FakeSender()
    worker = AlertWorker(store, sender)
    await _subscribed(store)
    engine = await Engine.create(store)
    left = await record(store, engine.index, _kevin(), origin="cli", actor="cli")
    await worker.run_once()
    edited = await build_move(store, engine.index, _kevin("Meta"), move_id=left.move.id)
    await store.edit_move(edited, actor="discord:7")
    await worker.run_once()
    assert [a.kind for _, a in sender.posted[2]] == ["new", "completion"]
    assert [a.kind for _, a in sender.posted[3]] == ["new"]


async def test_completion_across_a_restart(db_path):
    """The departure is announced, the process stops; the destination recorded by another process is an update."""
    store = await Store.open(db_path)
    sender = FakeSender()
    try:
        await _subscribed(store)
        engine = await Engine.create(store)
        await record(store, engine.index, _kevin(), origin="cli", actor="cli")
        await AlertWorker(store, sender).run_once()
    finally:
        await store.close()
    store = await Store.open(db_path)
    try:
        engine = await Engine.create(store)
        assert (await record(store, engine.index, _kevin("Meta"), origin="cli", actor="cli")).outcome == "completed"
        await AlertWorker(store, sender).run_once()
        assert [a.kind for _, a in sender.posted[1]] == ["new", "completion"]
        assert [a.kind for _, a in sender.posted[3]] == ["new"]
    finally:
        await store.close()


def _completed_in_place(files: dict) -> dict:
    files = _departure(files)
    files["moves.csv"][-1].update(to_org="Meta", to_team="")
    return files


def _replaced(files: dict) -> dict:
    """The reference's convention: the departure row replaced by an ordinary move with a new id."""
    files = _departure(files)
    files["moves.csv"][-1] = move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026-05")
    files["sources.csv"][-1] = source_row("ada-example-meta-2026", "https://example.com/ada-meta")
    return files


@pytest.mark.parametrize("change", [_completed_in_place, _replaced], ids=["same-row", "new-row"])
async def test_a_dataset_edit_completes_the_departure(empty_store, make_dataset, change):
    sender = FakeSender()
    worker = AlertWorker(empty_store, sender)
    await load_dataset(empty_store, make_dataset())
    await subscribe(empty_store, 1, "org", "Anthropic", direction="left")
    await subscribe(empty_store, 2)
    await subscribe(empty_store, 3, "org", "Meta", direction="joined")
    await load_dataset(empty_store, make_dataset(_departure, name="v2"))
    await worker.run_once()
    assert [sender.count(c) for c in (1, 2, 3)] == [1, 1, 0]
    await load_dataset(empty_store, make_dataset(change, name="v3"))
    await worker.run_once()
    assert {c: [a.kind for _, a in sender.posted[c]] for c in (1, 2, 3)} == {
        1: ["new", "completion"], 2: ["new", "completion"], 3: ["new"]}
    engine = await Engine.create(empty_store)
    left = await engine.ask("who left Anthropic?")
    assert [(m.person, m.to_org) for m in left.moves] == [("Ada Example", "Meta")]
    new_id = left.moves[0].id
    history = [h[2] for h in await empty_store.move_history(new_id)]
    assert history == (["edited"] if new_id == "ada-example-left-anthropic-2026" else ["added"])
    # Loading the same files again changes nothing and announces nothing.
    await load_dataset(empty_store, make_dataset(change, name="v3-again"))
    assert await worker.run_once() == 0


async def test_a_departure_model_has_no_destination():
    move = Move.model_validate({"id": WEIL, "person": "Kevin Weil", "from": {"org": "OpenAI"}, "to": None,
                                "date": "2026-04", "sources": [{"url": "https://example.com/w"}]})
    assert move.is_departure and move.to is None


async def test_the_same_move_recorded_twice_is_alerted_once(store):
    """`movesbot add` or `/move add` of a move already recorded: one move, one alert per channel, never two."""
    sender = FakeSender()
    worker = AlertWorker(store, sender)
    await _subscribed(store)
    engine = await Engine.create(store)
    await record(store, engine.index, _kevin("Meta"), origin="cli", actor="cli")
    await worker.run_once()
    again = await record(store, engine.index, _kevin("Meta", url="https://example.com/weil-2"), origin="discord",
                         actor="discord:9")
    assert again.outcome == "source_added"
    await worker.run_once()
    assert {c: sender.count(c) for c in (1, 2, 3, 4)} == {1: 1, 2: 1, 3: 1, 4: 1}
    assert [m.id for m in await store.moves_of_person("Quinn Example")] == [again.move.id]


def test_movesbot_add_twice_prints_the_same_id_and_says_so(tmp_path, make_dataset):
    runner = CliRunner()
    args = ["add", "--person", "Ada Example", "--from-org", "Anthropic", "--to-org", "Meta", "--date", "2026-05",
            "--source", "https://example.com/ada-meta", "--db", str(tmp_path / "m.db"), "--data", str(make_dataset())]
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    assert first.exit_code == second.exit_code == 0, (first.output, second.output)
    assert first.stdout.strip() == second.stdout.strip() == "ada-example-meta-2026"
    assert "Already on record as ada-example-meta-2026" in second.stderr
