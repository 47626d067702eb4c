"""A process that died holding alerts: another takes them over once their lease runs out, and looks for what the
dead one may have posted before posting anything. The worker's view of the outbox is a snapshot taken at the start
of a pass, and a pass of a big fan-out lasts longer than a lease: what the snapshot says of a row may be stale by
the time the worker reaches it."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.alerts import Alert, AlertWorker, Pace
from bot.config import SettingsError, get_settings
from bot.store import Store
from tests.test_alerts_core import Crash, FakeSender, crash_once, log_outcomes, make_move, subscribe


class OtherProcessFirst(FakeSender):
    """Runs `before_first_send` (another process's work) at this worker's first send, then posts as usual."""

    def __init__(self) -> None:
        super().__init__()
        self.before_first_send = None

    async def send(self, alert: Alert) -> int:
        hook, self.before_first_send = self.before_first_send, None
        if hook is not None:
            await hook()
        return await super().send(alert)


async def test_a_row_claimed_by_a_process_that_died_after_the_snapshot_is_looked_for_before_posting(
        store, store_db, monkeypatch):
    """Worker A lists channels 1 and 2 as pending. While it posts to channel 1, process B claims channel 2, posts
    there and dies before recording it; B's lease runs out. A then reaches channel 2: its snapshot still says
    pending, but the row is B's earlier attempt, and B's message is in the channel: A must not post a second."""
    await subscribe(store, 1)
    await subscribe(store, 2)
    await store.record_move(make_move("Zoe Takeover", "Apple", "Meta", "2026-02"), origin="cli", actor="cli")
    sender = OtherProcessFirst()

    async def process_b_posts_channel_2_then_dies() -> None:
        other = await Store.open(store_db)
        try:
            crash_once(monkeypatch, other, "mark_sent")
            with pytest.raises(Crash):  # channel 1 is A's (its lease): B takes channel 2, posts, dies
                await AlertWorker(other, sender, owner="process B", lease=0.2).run_once()
        finally:
            await other.close()
        assert sender.count(2) == 1
        await asyncio.sleep(0.3)  # B's lease runs out

    sender.before_first_send = process_b_posts_channel_2_then_dies
    worker_a = AlertWorker(store, sender, owner="process A", concurrency=1)
    await worker_a.run_once()
    await worker_a.run_once()  # the next pass, with a fresh snapshot
    assert (sender.count(1), sender.count(2)) == (1, 1)
    assert (2, sender.posted[2][0][1].batch) in sender.finds
    assert await log_outcomes(store, 2) == ["recovered"]
    rows = await store._db.execute_fetchall("SELECT channel_id, state FROM outbox ORDER BY channel_id")
    assert [tuple(r) for r in rows] == [(1, "sent"), (2, "sent")]


def _lease_from_env(monkeypatch: pytest.MonkeyPatch, value: str | None) -> float:
    if value is None:
        monkeypatch.delenv("MOVESBOT_ALERT_LEASE_SECONDS", raising=False)
    else:
        monkeypatch.setenv("MOVESBOT_ALERT_LEASE_SECONDS", value)
    get_settings.cache_clear()
    try:
        return get_settings().alert_lease_seconds
    finally:
        get_settings.cache_clear()


def test_the_alert_lease_is_a_setting_validated_like_the_others(monkeypatch, tmp_path):
    """MOVESBOT_ALERT_LEASE_SECONDS: how long another process waits before taking over a dead one's alerts."""
    monkeypatch.chdir(tmp_path)  # no .env
    assert _lease_from_env(monkeypatch, None) == 60.0
    assert _lease_from_env(monkeypatch, "2.5") == 2.5
    for bad, rule in (("0", "must be greater than or equal to 1"), ("-1", "must be greater than or equal to 1"),
                      ("100000", "must be less than or equal to 3600"), ("soon", "must be a valid number")):
        with pytest.raises(SettingsError) as caught:
            _lease_from_env(monkeypatch, bad)
        assert str(caught.value).startswith(f"MOVESBOT_ALERT_LEASE_SECONDS={bad}: {rule}")


class TimedSender(FakeSender):
    """Keeps when each alert went out."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    async def send(self, alert: Alert) -> int:
        self.times.append(time.monotonic())
        return await super().send(alert)


async def test_two_processes_share_the_tail_of_a_fan_out_without_holding_rows_for_their_next_turn(store):
    """Two workers, each at half the bot's rate (5 sends per 0.5 s window), the second starting 0.15 s after the
    first, over 20 channels: the least time is the first worker's window at 0 and 0.5, the second's at 0.15 and 0.65,
    5 channels each. A worker that claimed rows before its turn held up to its concurrency (8) of them for its next
    window while the other had turns free: 12 and 8, and a third window of the first at 1.0 s."""
    for channel in range(20):
        await subscribe(store, 700 + channel)
    await store.record_move(make_move("Tia Tailshare", "Apple", "Meta", "2026-02"), origin="cli", actor="cli")
    sender = TimedSender()
    first = AlertWorker(store, sender, owner="A", pace=Pace(5, window=0.5))
    second = AlertWorker(store, sender, owner="B", pace=Pace(5, window=0.5))
    started = time.monotonic()

    async def later() -> int:
        await asyncio.sleep(0.15)
        return await second.run_once()

    sent = await asyncio.gather(first.run_once(), later())
    assert sorted(sender.count(700 + c) for c in range(20)) == [1] * 20
    last = max(sender.times) - started
    assert sent == [10, 10], (sent, last)
    assert last < 0.85, sent
