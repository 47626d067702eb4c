"""Alert delivery without Discord: the store's outbox and the worker, with an in-process `Sender`.

Exactly once (the marker found again after a crash, a crash before the send), digests, pauses, retries, what is
news (first load, edits, corrections, retractions), overlapping subscriptions, the CLI's export/import, and the
console's `/preview`.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

import bot.alerts as alerts_module
from bot.alerts import Alert, AlertWorker, ChannelGone, RetryLater, batches, preview_subscription
from bot.cli import app
from bot.config import get_settings
from bot.console import Console
from bot.models import Move
from bot.records import Delivery
from bot.service import load_dataset
from bot.store import Store
from tests.conftest import DATA_DIR, move_row, source_row

GUILD = 1000


class Crash(BaseException):
    """The worker process dying at a chosen point (not an `Exception`: nothing in the process handles it)."""


class FakeSender:
    """A `Sender` that keeps what it posted per channel; failures and gone channels on demand."""

    def __init__(self) -> None:
        self.posted: dict[int, list[tuple[int, Alert]]] = defaultdict(list)
        self.failures: list[BaseException] = []      # raised by the next sends, in order
        self.find_failures: list[BaseException] = []  # raised by the next finds, in order
        self.gone: dict[int, str] = {}                # channel -> why it is gone
        self.attempts: list[Alert] = []
        self.finds: list[tuple[int, str]] = []
        self.paused: list[tuple[int, int, str]] = []
        self._ids = itertools.count(9000)

    async def send(self, alert: Alert) -> int:
        self.attempts.append(alert)
        if alert.channel_id in self.gone:
            raise ChannelGone(self.gone[alert.channel_id])
        if self.failures:
            raise self.failures.pop(0)
        message_id = next(self._ids)
        self.posted[alert.channel_id].append((message_id, alert))
        return message_id

    async def find(self, channel_id: int, batch: str) -> int | None:
        self.finds.append((channel_id, batch))
        if self.find_failures:
            raise self.find_failures.pop(0)
        return next((mid for mid, a in self.posted[channel_id] if a.batch == batch), None)

    async def notify_paused(self, guild_id: int, channel_id: int, reason: str) -> None:
        self.paused.append((guild_id, channel_id, reason))

    def moves_in(self, channel_id: int) -> list[list[str]]:
        """The move ids of each message posted in a channel, in order."""
        return [[m.id for m in a.moves] for _, a in self.posted[channel_id]]

    def count(self, channel_id: int) -> int:
        return len(self.posted[channel_id])


def make_move(person: str, from_org: str, to_org: str, date: str, *, id_: str | None = None,
              from_team: str | None = None, to_team: str | None = None, notes: str | None = None,
              sources: int = 1) -> Move:
    slug = id_ or f"{person}-{to_org}-{date}".lower().replace(" ", "-")
    return Move.model_validate({
        "id": slug, "person": person, "from": {"org": from_org, "team": from_team},
        "to": {"org": to_org, "team": to_team}, "date": date, "status": "confirmed", "notes": notes,
        "sources": [{"url": f"https://example.com/{slug}/{i}"} for i in range(sources)]})


async def ids_of(store: Store) -> dict[tuple[str, str], int]:
    return {(e.kind, e.name): e.id for e in await store.name_entries()}


async def subscribe(store: Store, channel: int, kind: str = "all", name: str | None = None, *,
                    org: str | None = None, direction: str = "both", **extra) -> int:
    """A subscription by target name (as /subscribe would resolve it); returns its id."""
    target_id = None
    if kind != "all":
        target_id = (await ids_of(store))[kind, name]
    sub, _ = await store.add_subscription(guild_id=GUILD, channel_id=channel, target_kind=kind, target_id=target_id,
                                          target_name=name or "everything", target_org=org, direction=direction,
                                          **extra)
    return sub.id


async def outbox(store: Store) -> list[tuple]:
    return [tuple(r) for r in await store._db.execute_fetchall(
        "SELECT move_id, channel_id, kind, state FROM outbox ORDER BY id")]


async def log_outcomes(store: Store, channel: int | None = None) -> list[str]:
    entries = await store.delivery_log(limit=100)
    return [e.outcome for e in reversed(entries) if channel is None or e.channel_id == channel]


def crash_once(monkeypatch: pytest.MonkeyPatch, obj: object, name: str) -> None:
    """Make `obj.name` raise `Crash` on its next call only (the process dying there), then work again."""
    real = getattr(obj, name)
    calls = 0

    async def maybe_crash(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise Crash(f"killed in {name}")
        return await real(*args, **kwargs)

    monkeypatch.setattr(obj, name, maybe_crash)


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def worker(store: Store, sender: FakeSender) -> AlertWorker:
    return AlertWorker(store, sender)


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries become due at once (the worker's backoff is capped at 0 s)."""
    monkeypatch.setattr(alerts_module, "MAX_BACKOFF", 0.0)


# -- what is news -----------------------------------------------------------------------------------------------

async def test_first_load_into_an_empty_database_is_history(empty_store, make_dataset):
    sender = FakeSender()
    worker = AlertWorker(empty_store, sender)
    await subscribe(empty_store, 1)
    report = await load_dataset(empty_store, make_dataset())
    assert report.first_load and len(report.added) == 3
    assert await outbox(empty_store) == []
    assert await worker.run_once() == 0

    def add(files):
        return {**files, "moves.csv": [*files["moves.csv"],
                                       move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026")],
                "sources.csv": [*files["sources.csv"], source_row("ada-example-meta-2026", "https://example.com/n")]}

    report = await load_dataset(empty_store, make_dataset(add, name="v2"))
    assert report.added == ["ada-example-meta-2026"] and not report.first_load
    assert await worker.run_once() == 1
    assert sender.moves_in(1) == [["ada-example-meta-2026"]]
    assert sender.posted[1][0][1].kind == "new"


async def test_each_matching_channel_gets_the_move_once_and_no_other(store, worker, sender):
    await subscribe(store, 1, "org", "Meta", direction="left")
    await subscribe(store, 2, "person", "Ruoming Pang")
    await subscribe(store, 3, "org", "Meta", direction="joined")        # he leaves Meta: no
    await subscribe(store, 4, "team", "Foundation Models", org="Apple")  # not his team now: no
    await subscribe(store, 5)
    await subscribe(store, 6, "org", "OpenAI")
    await subscribe(store, 7, "org", "Apple", direction="left")          # no
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    assert await worker.run_once() == 4
    assert {ch: sender.count(ch) for ch in range(1, 8)} == {1: 1, 2: 1, 3: 0, 4: 0, 5: 1, 6: 1, 7: 0}
    assert all(sender.moves_in(ch) == [[move.id]] for ch in (1, 2, 5, 6))
    assert await worker.run_once() == 0
    assert sum(len(v) for v in sender.posted.values()) == 4
    assert await log_outcomes(store) == ["sent"] * 4


async def test_team_subscription_by_direction(store, worker, sender):
    await subscribe(store, 1, "team", "Foundation Models", org="Apple", direction="left")
    await subscribe(store, 2, "team", "Foundation Models", org="Apple", direction="joined")
    await subscribe(store, 3, "team", "Foundation Models", org="Apple")
    await store.record_move(make_move("Zoe Testperson", "Apple", "Meta", "2026-02", from_team="Foundation Models"),
                            origin="cli", actor="cli")
    await worker.run_once()
    assert (sender.count(1), sender.count(2), sender.count(3)) == (1, 0, 1)


async def test_overlapping_subscriptions_of_one_channel_make_one_message(store, worker, sender):
    for kind, name, direction in (("all", None, "both"), ("org", "Meta", "left"), ("org", "OpenAI", "joined"),
                                  ("person", "Ruoming Pang", "both")):
        await subscribe(store, 1, kind, name, direction=direction)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    assert await outbox(store) == [(move.id, 1, "new", "pending")]
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert sender.moves_in(1) == [[move.id]]


async def test_unsubscribing_one_of_two_overlapping_subscriptions_keeps_the_alert(store, worker, sender):
    first = await subscribe(store, 1)
    await subscribe(store, 1, "org", "OpenAI")
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    assert await store.remove_subscription(GUILD, first)
    await worker.run_once()
    assert sender.moves_in(1) == [[move.id]]


async def test_an_edit_is_not_news_and_corrections_go_only_where_asked(store, worker, sender):
    await subscribe(store, 1)
    await subscribe(store, 2, corrections=True)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    assert await worker.run_once() == 2
    _, changes = await store.edit_move(move.model_copy(update={"notes": "joined to lead post-training"}),
                                       actor="discord:5")
    assert changes == {"notes": [None, "joined to lead post-training"]}
    assert await worker.run_once() == 1
    assert [a.kind for _, a in sender.posted[1]] == ["new"]
    assert [a.kind for _, a in sender.posted[2]] == ["new", "correction"]
    assert sender.posted[2][1][1].moves[0].notes == "joined to lead post-training"
    # A second correction is noticed again; an edit that changes nothing is not.
    await store.edit_move(move.model_copy(update={"notes": "second fix", "date": "2026-03"}), actor="discord:5")
    await store.edit_move(move.model_copy(update={"notes": "second fix", "date": "2026-03"}), actor="discord:5")
    assert await worker.run_once() == 1
    assert [a.kind for _, a in sender.posted[2]] == ["new", "correction", "correction"]
    assert [a.kind for _, a in sender.posted[1]] == ["new"]
    assert await worker.run_once() == 0


async def test_a_move_corrected_before_its_alert_went_out_is_announced_once(store, worker, sender):
    """The alert carries the corrected move; a correction notice on top of it would be noise."""
    await subscribe(store, 1, corrections=True)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    await store.edit_move(move.model_copy(update={"date": "2026-03-02"}), actor="discord:5")
    assert await worker.run_once() == 1
    assert [(a.kind, a.moves[0].date) for _, a in sender.posted[1]] == [("new", "2026-03-02")]


async def test_dataset_changes_new_moves_and_corrections(empty_store, make_dataset):
    """A dataset edit of a move is a correction (where asked), every time it is edited; an added move is news."""
    sender = FakeSender()
    worker = AlertWorker(empty_store, sender)
    await load_dataset(empty_store, make_dataset())
    await subscribe(empty_store, 1)
    await subscribe(empty_store, 2, corrections=True)

    def note(text: str, extra: bool = False):
        def change(files):
            moves = [{**files["moves.csv"][0], "notes": text}, *files["moves.csv"][1:]]
            sources = files["sources.csv"]
            if extra:
                moves.append(move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026"))
                sources = [*sources, source_row("ada-example-meta-2026", "https://example.com/n")]
            return {**files, "moves.csv": moves, "sources.csv": sources}
        return change

    report = await load_dataset(empty_store, make_dataset(note("v2", extra=True), name="v2"))
    assert report.changed == ["ruoming-pang-meta-2025"] and report.added == ["ada-example-meta-2026"]
    await worker.run_once()
    assert [(a.kind, a.moves[0].id) for _, a in sender.posted[1]] == [("new", "ada-example-meta-2026")]
    assert sorted((a.kind, a.moves[0].id) for _, a in sender.posted[2]) == [
        ("correction", "ruoming-pang-meta-2025"), ("new", "ada-example-meta-2026")]
    await load_dataset(empty_store, make_dataset(note("v3", extra=True), name="v3"))
    await worker.run_once()
    assert sender.count(1) == 1
    assert [a.kind for _, a in sender.posted[2]].count("correction") == 2
    # Loading the same data again is no change at all.
    await load_dataset(empty_store, make_dataset(note("v3", extra=True), name="v3-again"))
    assert await worker.run_once() == 0


async def test_retraction_drops_the_pending_alert(store, worker, sender):
    await subscribe(store, 1)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    await store.retract_move(move.id, actor="discord:5", reason="wrong person")
    assert await worker.run_once() == 0
    assert sender.attempts == []
    assert await outbox(store) == [(move.id, 1, "new", "dropped")]


async def test_retraction_drops_an_alert_waiting_for_a_retry(store, worker, sender, no_backoff):
    await subscribe(store, 1)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    sender.failures.append(RetryLater("Discord answered 503"))
    assert await worker.run_once() == 0
    await store.retract_move(move.id, actor="discord:5", reason="wrong person")
    assert await worker.run_once() == 0
    assert sender.count(1) == 0 and len(sender.attempts) == 1


async def test_a_move_removed_from_the_dataset_is_not_announced(empty_store, make_dataset):
    sender = FakeSender()
    worker = AlertWorker(empty_store, sender)
    await load_dataset(empty_store, make_dataset())
    await subscribe(empty_store, 1)

    def add(files):
        return {**files, "moves.csv": [*files["moves.csv"],
                                       move_row("ada-example-meta-2026", "Ada Example", "Anthropic", "Meta", "2026")],
                "sources.csv": [*files["sources.csv"], source_row("ada-example-meta-2026", "https://example.com/n")]}

    assert (await load_dataset(empty_store, make_dataset(add, name="v2"))).added == ["ada-example-meta-2026"]
    assert (await load_dataset(empty_store, make_dataset(name="v3"))).removed == ["ada-example-meta-2026"]
    assert await worker.run_once() == 0
    assert sender.attempts == []


# -- digests ----------------------------------------------------------------------------------------------------

def _delivery(i: int, date: str, kind: str = "new", state: str = "pending", batch: str | None = None) -> Delivery:
    return Delivery(i, f"m{i}", 1, 1, GUILD, kind, state, batch, 0, date, None, "en")


def test_batches_group_by_size_kind_and_earlier_batch():
    three = [_delivery(i, f"2025-0{i}") for i in (3, 1, 2)]
    assert [[d.id for d in g] for g in batches(three)] == [[1], [2], [3]]
    four = [_delivery(i, f"2025-0{i}") for i in (4, 3, 1, 2)]
    assert [[d.id for d in g] for g in batches(four)] == [[1, 2, 3, 4]]
    mixed = [_delivery(1, "2025"), _delivery(2, "2025", "correction"), _delivery(3, "2024", state="sending",
                                                                                   batch="mb3")]
    assert sorted([d.id for d in g] for g in batches(mixed)) == [[1], [2], [3]]


async def test_a_burst_of_fifty_moves_becomes_digests_in_date_order(store, worker, sender):
    await subscribe(store, 1)
    dates = [f"20{20 + i % 7}-{1 + (i * 5) % 12:02d}-{1 + (i * 11) % 28:02d}" for i in range(50)]
    recorded = []
    for i, date in enumerate(dates):
        move = make_move(f"Burst Person {i}", "Google DeepMind", "Meta", date, sources=3)
        recorded.append(await store.record_move(move, origin="cli", actor="cli"))
    assert await worker.run_once() == 3
    messages = sender.moves_in(1)
    assert [len(m) for m in messages] == [20, 20, 10]
    by_id = {m.id: m for m in recorded}
    flat = [mid for message in messages for mid in message]
    assert sorted(flat) == sorted(by_id)  # every move, once
    assert [by_id[mid].date for mid in flat] == sorted(m.date for m in recorded)
    assert len({a.batch for _, a in sender.posted[1]}) == 3
    assert await worker.run_once() == 0


async def test_a_few_moves_are_single_messages(store, worker, sender):
    await subscribe(store, 1)
    for i in range(3):
        await store.record_move(make_move(f"Few Person {i}", "OpenAI", "Meta", f"2026-0{3 - i}"), origin="cli",
                                actor="cli")
    assert await worker.run_once() == 3
    assert [len(m) for m in sender.moves_in(1)] == [1, 1, 1]
    assert [a.moves[0].date for _, a in sender.posted[1]] == ["2026-01", "2026-02", "2026-03"]


# -- failures ---------------------------------------------------------------------------------------------------

async def test_retry_later_backs_off_then_delivers_once(store, worker, sender):
    await subscribe(store, 1)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    sender.failures += [RetryLater("Discord answered 500"), RetryLater("rate limited", retry_after=30)]

    async def next_attempt() -> str:
        return (await store._db.execute_fetchall("SELECT next_attempt_at FROM outbox"))[0][0]

    async def due_now() -> None:
        await store._db.execute("UPDATE outbox SET next_attempt_at = NULL")

    assert await worker.run_once() == 0
    first = await next_attempt()
    assert first is not None
    assert await worker.run_once() == 0  # not due yet: no new attempt
    assert len(sender.attempts) == 1
    await due_now()
    assert await worker.run_once() == 0
    rows = await store._db.execute_fetchall("SELECT attempts, last_error, state FROM outbox")
    assert rows == [(2, "rate limited", "sending")]
    assert await next_attempt() > first  # Retry-After (30 s) honoured, later than the first backoff (2 s)
    await due_now()
    assert await worker.run_once() == 1
    assert sender.moves_in(1) == [[move.id]]
    assert await log_outcomes(store) == ["retry", "retry", "sent"]
    assert sender.finds == [(1, sender.posted[1][0][1].batch)] * 2  # looked before each resend
    assert len({a.batch for a in sender.attempts}) == 1  # the same batch (nonce) on every attempt
    assert await worker.run_once() == 0


async def test_backoff_grows_and_is_capped(store, worker, sender, monkeypatch):
    await subscribe(store, 1)
    await store.record_move(make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01"), origin="cli", actor="cli")
    delays: list[float] = []
    real = store.mark_retry

    async def spy(ids, error, delay, **where):
        delays.append(delay)
        await real(ids, error, delay, **where)

    monkeypatch.setattr(store, "mark_retry", spy)
    monkeypatch.setattr(alerts_module, "MAX_BACKOFF", 10.0)
    for _ in range(5):
        sender.failures.append(RetryLater("500"))
        await store._db.execute("UPDATE outbox SET next_attempt_at = NULL")
        await worker.run_once()
    assert delays == [2.0, 4.0, 8.0, 10.0, 10.0]


async def test_a_gone_channel_pauses_keeps_its_alerts_and_resume_delivers_them_once(store, worker, sender):
    sub = await subscribe(store, 1)
    await subscribe(store, 2)
    moves = [make_move(f"Pause Person {i}", "OpenAI", "Meta", f"2026-0{i + 1}") for i in range(2)]
    sender.gone[1] = "missing permission to post there (Discord: Missing Permissions)"
    for move in moves:
        await store.record_move(move, origin="cli", actor="cli")
    assert await worker.run_once() == 2  # channel 2 only
    assert sender.count(1) == 0 and sender.count(2) == 2
    assert [a.channel_id for a in sender.attempts].count(1) == 1  # stopped at the first refusal
    paused = await store.subscription(sub)
    assert paused is not None and paused.state == "paused"
    assert paused.paused_reason == sender.gone[1]
    assert sender.paused == [(GUILD, 1, sender.gone[1])]
    entries = [e for e in await store.delivery_log() if e.channel_id == 1]
    assert [(e.outcome, e.detail) for e in entries] == [("paused", sender.gone[1])]
    assert await worker.run_once() == 0
    assert [a.channel_id for a in sender.attempts].count(1) == 1  # nothing tried while paused

    del sender.gone[1]
    resumed = await store.resume_subscription(GUILD, sub)
    assert resumed is not None and resumed.state == "active" and resumed.paused_reason is None
    assert await worker.run_once() == 2  # the two waiting moves, once each
    assert sorted(mid for message in sender.moves_in(1) for mid in message) == sorted(m.id for m in moves)
    assert await worker.run_once() == 0
    assert sender.count(2) == 2


async def test_resume_of_another_guild_subscription_is_refused(store):
    sub = await subscribe(store, 1)
    await store.pause_channel(1, "gone")
    assert await store.resume_subscription(GUILD + 1, sub) is None
    assert (await store.subscription(sub)).state == "paused"


# -- exactly once across a crash --------------------------------------------------------------------------------

async def test_crash_after_the_post_is_recovered_by_its_marker_without_a_second_post(store, sender, monkeypatch):
    await subscribe(store, 1)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")

    crash_once(monkeypatch, store, "mark_sent")
    with pytest.raises(Crash):
        await AlertWorker(store, sender).run_once()
    assert sender.count(1) == 1
    rows = await store._db.execute_fetchall("SELECT state, batch FROM outbox")
    assert rows == [("sending", sender.posted[1][0][1].batch)]

    restarted = AlertWorker(store, sender)
    assert await restarted.run_once() == 0
    assert sender.count(1) == 1 and len(sender.attempts) == 1  # no second post
    rows = await store._db.execute_fetchall("SELECT state, message_id FROM outbox")
    assert rows == [("sent", sender.posted[1][0][0])]
    assert await log_outcomes(store) == ["recovered"]
    assert await restarted.run_once() == 0


async def test_crash_before_the_post_sends_exactly_once_after_restart(store, sender):
    await subscribe(store, 1)
    move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
    await store.record_move(move, origin="cli", actor="cli")
    sender.failures.append(Crash("killed after mark_sending, before the post"))
    with pytest.raises(Crash):
        await AlertWorker(store, sender).run_once()
    assert sender.count(1) == 0
    assert [r[0] for r in await store._db.execute_fetchall("SELECT state FROM outbox")] == ["sending"]
    assert await AlertWorker(store, sender).run_once() == 1
    assert sender.moves_in(1) == [[move.id]]
    assert sender.finds == [(1, sender.posted[1][0][1].batch)]
    assert await AlertWorker(store, sender).run_once() == 0
    assert sender.count(1) == 1


async def test_an_unreadable_history_is_retried_not_guessed(store, sender, monkeypatch, no_backoff):
    """After a crash, the worker must not post again when it cannot tell whether the message is there."""
    await subscribe(store, 1)
    await store.record_move(make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01"), origin="cli", actor="cli")

    crash_once(monkeypatch, store, "mark_sent")
    with pytest.raises(Crash):
        await AlertWorker(store, sender).run_once()
    sender.find_failures.append(RetryLater("could not read the channel history (500)"))
    restarted = AlertWorker(store, sender)
    assert await restarted.run_once() == 0
    assert sender.count(1) == 1
    await restarted.run_once()
    assert sender.count(1) == 1 and len(sender.attempts) == 1
    assert (await log_outcomes(store))[-1] == "recovered"


async def test_a_pause_while_checking_for_a_posted_alert_still_checks_after_resume(store, sender, monkeypatch):
    """Paused when the history could not be read: on resume the worker must look again, not post blind."""
    sub = await subscribe(store, 1)
    await store.record_move(make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01"), origin="cli", actor="cli")
    crash_once(monkeypatch, store, "mark_sent")
    with pytest.raises(Crash):
        await AlertWorker(store, sender).run_once()
    sender.find_failures.append(ChannelGone("missing permission to read the channel history"))
    restarted = AlertWorker(store, sender)
    assert await restarted.run_once() == 0
    assert (await store.subscription(sub)).state == "paused"
    assert sender.paused == [(GUILD, 1, "missing permission to read the channel history")]
    await store.resume_subscription(GUILD, sub)
    await restarted.run_once()
    assert sender.count(1) == 1 and len(sender.attempts) == 1
    assert await log_outcomes(store) == ["paused", "recovered"]


async def test_a_digest_interrupted_by_a_crash_keeps_its_batch(store, sender, monkeypatch):
    await subscribe(store, 1)
    for i in range(6):
        await store.record_move(make_move(f"Crash Person {i}", "OpenAI", "Meta", f"2026-0{i + 1}"), origin="cli",
                                actor="cli")

    crash_once(monkeypatch, store, "mark_sent")
    with pytest.raises(Crash):
        await AlertWorker(store, sender).run_once()
    assert [len(m) for m in sender.moves_in(1)] == [6]
    # Meanwhile two more moves arrive: they must not join (or break) the batch already posted.
    for i in range(6, 8):
        await store.record_move(make_move(f"Crash Person {i}", "OpenAI", "Meta", f"2026-0{i + 1}"), origin="cli",
                                actor="cli")
    await AlertWorker(store, sender).run_once()
    assert [len(m) for m in sender.moves_in(1)] == [6, 1, 1]
    assert await log_outcomes(store) == ["recovered", "sent", "sent"]


# -- the polling loop and test alerts ----------------------------------------------------------------------------

async def test_run_polls_moves_recorded_by_another_connection(store, sender, store_db):
    await subscribe(store, 1)
    seen: list[list[str]] = []
    worker = AlertWorker(store, sender, on_new_moves=seen.append)
    task = asyncio.create_task(worker.run(interval=0.01))
    try:
        other = await Store.open(store_db)  # as `movesbot add` in another process
        try:
            move = make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01")
            await other.record_move(move, origin="cli", actor="cli")
        finally:
            await other.close()
        for _ in range(300):
            if sender.count(1):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert sender.moves_in(1) == [[move.id]]
    assert seen == [[move.id]]


async def test_queue_test_sends_the_latest_move_each_time(store, worker, sender):
    sub = await subscribe(store, 1)
    assert await store.queue_test(sub)
    assert await worker.run_once() == 1
    assert await store.queue_test(sub)
    assert await worker.run_once() == 1
    assert [a.kind for _, a in sender.posted[1]] == ["test", "test"]
    latest, _ = await store.moves(newest_first=True, limit=1)
    assert sender.moves_in(1) == [[latest[0].id]] * 2


async def test_alert_carries_the_subscription_role_and_locale(store, worker, sender):
    await subscribe(store, 1, mention_role_id=777, locale="fr")
    await subscribe(store, 2)
    await store.record_move(make_move("Ruoming Pang", "Meta", "OpenAI", "2026-03-01"), origin="cli", actor="cli")
    await worker.run_once()
    one, two = sender.posted[1][0][1], sender.posted[2][0][1]
    assert (one.mention_role_id, one.locale, one.guild_id) == (777, "fr", GUILD)
    assert (two.mention_role_id, two.locale) == (None, "en")


# -- export / import through the CLI -----------------------------------------------------------------------------

def test_subscriptions_export_import_round_trip(tmp_path, db_path, monkeypatch):
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    runner = CliRunner()

    async def setup() -> None:
        async with await Store.open(db_path) as store:
            await subscribe(store, 11, "org", "Apple", direction="left", mention_role_id=555, corrections=True)
            await subscribe(store, 11, "team", "Foundation Models", org="Apple", direction="joined", locale="fr")
            await subscribe(store, 12, "person", "Ruoming Pang")
            await subscribe(store, 13)
            await store.pause_channel(12, "the channel no longer exists")  # a paused one stays paused

    asyncio.run(setup())
    exported = tmp_path / "subs.json"
    result = runner.invoke(app, ["subscriptions", "export", "--db", str(db_path), "--file", str(exported)])
    assert result.exit_code == 0, result.output
    items = json.loads(exported.read_text(encoding="utf-8"))
    assert len(items) == 4 and {i["target_kind"] for i in items} == {"org", "team", "person", "all"}

    other = tmp_path / "other.db"
    for _ in range(2):  # importing twice changes nothing the second time
        result = runner.invoke(app, ["subscriptions", "import", str(exported), "--db", str(other),
                                     "--data", str(DATA_DIR)])
        assert result.exit_code == 0, result.output
    assert "Subscriptions: 0 imported, 4 updated, 0 skipped." in result.stdout  # the second time: updates
    again = runner.invoke(app, ["subscriptions", "export", "--db", str(other)])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout) == items

    listed = runner.invoke(app, ["subscriptions", "list", "--db", str(other)])
    assert listed.exit_code == 0
    assert "Apple (left) — active" in listed.stdout and "Foundation Models (Apple) (joined)" in listed.stdout

    unknown = tmp_path / "unknown.json"
    unknown.write_text(json.dumps([{**items[2], "target_name": "Nobody At All"}]), encoding="utf-8")
    result = runner.invoke(app, ["subscriptions", "import", str(unknown), "--db", str(other)])
    assert result.exit_code == 0
    assert "skipped: unknown person 'Nobody At All'" in result.output and "0 imported, 0 updated, 1 skipped" in \
        result.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    assert runner.invoke(app, ["subscriptions", "import", str(bad), "--db", str(other)]).exit_code == 1
    get_settings.cache_clear()


# -- the same filters from the console ---------------------------------------------------------------------------

async def test_preview_uses_the_subscription_filters(store, engine):
    apple_left = await preview_subscription(engine.store, engine.index, "org", "Apple", "left")
    assert apple_left.target == "Apple (left)" and apple_left.total > 10
    assert all(m.from_org == "Apple" for m in apple_left.moves)
    assert [m.date for m in apple_left.moves] == sorted((m.date for m in apple_left.moves), reverse=True)
    joined = await preview_subscription(engine.store, engine.index, "org", "apple", "joined")
    assert all(m.to_org == "Apple" for m in joined.moves)
    both = await preview_subscription(engine.store, engine.index, "org", "Apple", "both")
    assert both.total == apple_left.total + joined.total
    afm = await preview_subscription(engine.store, engine.index, "team", "AFM", "left")
    assert afm.target == "Foundation Models (Apple) (left)" and "ruoming-pang-meta-2025" in \
        {m.id for m in (await preview_subscription(engine.store, engine.index, "team", "AFM", "left",
                                                   limit=100)).moves}
    person = await preview_subscription(engine.store, engine.index, "person", "ruoming pnag")
    assert person.target == "Ruoming Pang" and {m.person for m in person.moves} == {"Ruoming Pang"}
    everything = await preview_subscription(engine.store, engine.index, "all")
    assert everything.total == (await store.info())["moves"] and len(everything.moves) == 10
    unknown = await preview_subscription(engine.store, engine.index, "org", "Qxqxqx")
    assert unknown.target is None and unknown.moves == []

    # The preview and a real subscription agree: the move the worker would deliver is the preview's newest.
    sender = FakeSender()
    await subscribe(store, 1, "org", "Apple", direction="left")
    await store.record_move(make_move("Preview Person", "Apple", "Anthropic", "2099-01-01"), origin="cli",
                            actor="cli")
    await AlertWorker(store, sender).run_once()
    newest = await preview_subscription(engine.store, engine.index, "org", "Apple", "left", limit=1)
    assert sender.moves_in(1) == [[newest.moves[0].id]]


async def test_console_preview_command(engine):
    console = Console(engine, out=io.StringIO())
    text = await console.handle("/preview org Apple left")
    assert text.startswith("A subscription to Apple (left) would deliver")
    assert "Ruoming Pang" in text or "Apple" in text
    text = await console.handle("/preview team AFM")
    assert "Foundation Models (Apple) (both)" in text
    text = await console.handle("/preview person Ruoming Pang")
    assert "Ruoming Pang" in text and "Meta" in text
    text = await console.handle("/preview everything")
    assert text.startswith("A subscription to everything would deliver")
    assert "Usage: /preview" in await console.handle("/preview")
    assert "Usage: /preview" in await console.handle("/preview org")
    assert "Usage: /preview" in await console.handle("/preview planet Mars")
    assert "I don't know the org" in await console.handle("/preview org Qxqxqx")


def test_preview_core_knows_nothing_of_discord():
    source = Path(alerts_module.__file__).read_text(encoding="utf-8")
    assert "import discord" not in source and "bot.discord_bot" not in source


async def test_resume_restarts_every_subscription_the_channel_pause_stopped(store, worker, sender):
    """A pause is the channel's (deleted, permission lost): resuming one of its subscriptions resumes the channel,
    so alerts attached to its other subscriptions are not left waiting."""
    first = await subscribe(store, 1, "org", "Meta", direction="joined")
    second = await subscribe(store, 1)
    sender.gone[1] = "the channel no longer exists"
    await store.record_move(make_move("Chan Person", "OpenAI", "Meta", "2026-03"), origin="cli", actor="cli")
    await store.record_move(make_move("Other Person", "Meta", "Apple", "2026-04"), origin="cli", actor="cli")
    assert await worker.run_once() == 0
    del sender.gone[1]
    await store.resume_subscription(GUILD, second)
    assert {s.state for s in await store.subscriptions(channel_id=1)} == {"active"}
    assert {s.id for s in await store.subscriptions(channel_id=1)} == {first, second}
    await worker.run_once()
    assert sorted(mid for message in sender.moves_in(1) for mid in message) == sorted(
        ["chan-person-meta-2026-03", "other-person-apple-2026-04"])


async def test_a_message_discord_rejects_for_good_is_dropped_and_logged_not_retried(store, worker, sender):
    """A 400 will not pass on the next try: retrying it forever hid the problem and blocked nothing useful."""
    await subscribe(store, 1)
    await store.record_move(make_move("Bad Payload", "OpenAI", "Meta", "2026-05"), origin="cli", actor="cli")
    sender.failures.append(alerts_module.Rejected("Discord answered 400 Invalid Form Body"))
    assert await worker.run_once() == 0
    assert await outbox(store) == [("bad-payload-meta-2026-05", 1, "new", "dropped")]
    entries = await store.delivery_log()
    assert [(e.outcome, e.detail) for e in entries] == [("dropped", "Discord answered 400 Invalid Form Body")]
    assert await worker.run_once() == 0 and len(sender.attempts) == 1


async def test_sends_are_paced_under_discords_global_limit(store, sender):
    """A fan-out never sends more than the pace allows in any second, across channels (Discord refuses a bot's
    51st request in a second), and waits no longer than it must: a clock that only moves when the worker sleeps
    shows each send at its turn."""
    from bot.alerts import Pace

    clock = [100.0]
    sends: list[float] = []

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    real_send = sender.send

    async def timed_send(alert):
        sends.append(clock[0])
        return await real_send(alert)

    sender.send = timed_send
    for channel in range(12):
        await subscribe(store, 500 + channel)
    await store.record_move(make_move("Zoe Testperson", "Apple", "Meta", "2026-02"), origin="cli", actor="cli")
    # one lane: this clock jumps a whole window as soon as any lane sleeps, before the others' sends went out
    worker = AlertWorker(store, sender, concurrency=1, pace=Pace(5.0, clock=lambda: clock[0], sleep=sleep))
    assert await worker.run_once() == 12
    assert [round(t, 6) for t in sends] == [100.0] * 5 + [101.1] * 5 + [102.2] * 2


async def test_a_turn_handed_back_is_free_at_once():
    """Turns are not booked ahead: one given back (its rows taken by another process) goes to the next caller
    now, not after the turns that wait for the next window."""
    from bot.alerts import Pace

    clock = [100.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    pace = Pace(3.0, clock=lambda: clock[0], sleep=sleep)
    turns = [await pace.wait() for _ in range(3)]
    assert turns == [100.0] * 3
    pace.give_back(turns[-1])
    assert await pace.wait() == 100.0
    assert round(await pace.wait(), 6) == 101.1
    pace.give_back(99.0)  # a turn long gone: nothing happens
    assert round(await pace.wait(), 6) == 101.1


async def test_a_send_that_leaves_late_counts_from_when_it_leaves():
    """Between a turn and its send come the claim and a read (milliseconds, more when the database is busy). Counted
    from the turn, a late send and the next window's sends could reach Discord within one second: more than the
    limit. The worker restamps the turn as the request leaves."""
    from bot.alerts import Pace

    clock = [100.0]

    async def sleep(seconds: float) -> None:
        clock[0] += seconds

    pace = Pace(2.0, clock=lambda: clock[0], sleep=sleep)
    first, late = await pace.wait(), await pace.wait()
    clock[0] = 100.5
    pace.restamp(late)  # the second send leaves only now
    clock[0] = 101.15  # the first turn has left the window, the late send has not
    assert await pace.wait() == 101.15
    assert round(await pace.wait(), 6) == 101.6
    assert first == late == 100.0


async def test_a_retraction_between_the_query_and_the_send_wins(store, worker, sender, monkeypatch):
    """The worker picks the due alerts, then a moderator retracts one move before its turn: it is not posted,
    and the other move of the same channel still is."""
    await subscribe(store, 1)
    kept = make_move("Zoe Testperson", "Apple", "Meta", "2026-02")
    gone = make_move("Yan Testperson", "Apple", "OpenAI", "2026-03")
    for move in (kept, gone):
        await store.record_move(move, origin="cli", actor="cli")
    real = store.mark_sending

    async def retract_first(ids, batch, **claim):
        await store.retract_move(gone.id, actor="mod", reason="wrong person")
        return await real(ids, batch, **claim)

    monkeypatch.setattr(store, "mark_sending", retract_first)
    assert await worker.run_once() == 1
    assert sender.moves_in(1) == [[kept.id]]
    assert ("Yan Testperson", "dropped") in [(m, s) for m, _, _, s in await outbox_people(store)]


async def outbox_people(store: Store) -> list[tuple]:
    return [tuple(r) for r in await store._db.execute_fetchall(
        "SELECT p.name, o.channel_id, o.kind, o.state FROM outbox o JOIN moves m ON m.id = o.move_id"
        " JOIN people p ON p.id = m.person_id ORDER BY o.id")]


async def test_a_move_recorded_between_the_index_and_the_worker_reaches_the_index(store, sender, store_db):
    """The hole between connecting and `on_ready`: a move `movesbot add` records after the engine read the names and
    before the worker starts is still handed to the index, because the worker starts from the index's own
    position in the event log."""
    from bot.answers import Engine

    engine = await Engine.create(store)
    other = await Store.open(store_db)  # as `movesbot add` in another process, in those two seconds
    try:
        move = make_move("Zed Newcomer", "Meta", "OpenAI", "2026-03-01")
        await other.record_move(move, origin="cli", actor="cli")
    finally:
        await other.close()
    assert engine.index.exact("Zed Newcomer", ["person"]) == []
    added = asyncio.Event()

    async def index_them(ids: list[str]) -> None:
        engine.add_names(await store.name_entries_for(ids))
        added.set()

    worker = AlertWorker(store, sender, on_new_moves=index_them)
    task = asyncio.create_task(worker.run(interval=0.01, since=engine.indexed_seq))
    try:
        await asyncio.wait_for(added.wait(), 5)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [m.name for m in engine.index.exact("Zed Newcomer", ["person"])] == ["Zed Newcomer"]
