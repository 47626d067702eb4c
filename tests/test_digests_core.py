"""Digests without Discord: the schedule in local time (daylight saving, a week ahead of UTC), windows posted
exactly once (a restart mid-window, a crash between the post and its record, two workers at once, a catch-up
after downtime), what a window holds (corrections, retractions, nothing), the chart past five moves, French.

Time is an injectable clock: the worker's, and the store's own `now_iso` (when moves are recorded) follow it."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest

import bot.store.alerts as store_alerts
import bot.store.columns as store_columns
from bot.alerts import AlertWorker, RetryLater
from bot.digest_content import DigestMessage
from bot.digests import BadCadence, DigestWorker, iso, last_slot, next_slot, parse_cadence
from bot.models import Move
from bot.records import Cadence
from bot.store import Store
from tests.test_alerts_core import GUILD, Crash, FakeSender, crash_once, ids_of, log_outcomes, make_move
from tests.test_charts import assert_png


class Clock:
    """The time every part of the test sees; `at("2026-03-28T10:00")` (UTC) moves it."""

    def __init__(self) -> None:
        self.now = datetime.fromisoformat("2026-03-01T00:00:00+00:00")

    def __call__(self) -> datetime:
        return self.now

    def at(self, text: str) -> None:
        self.now = datetime.fromisoformat(text + ("" if "+" in text else "+00:00"))


class DigestSender(FakeSender):
    """The alerts' fake sender, which also posts digests (found again by their batch like alerts)."""

    async def send_digest(self, message: DigestMessage) -> int:
        return await self.send(message)  # type: ignore[arg-type]

    def digests(self, channel: int) -> list[DigestMessage]:
        return [m for _, m in self.posted[channel] if isinstance(m, DigestMessage)]


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(store_columns, "now_iso", lambda: iso(clock()))
    monkeypatch.setattr(store_alerts, "_now", clock)
    return clock


@pytest.fixture
def sender() -> DigestSender:
    return DigestSender()


def worker_of(store: Store, sender: DigestSender, clock: Clock, **options) -> DigestWorker:
    return DigestWorker(store, sender, clock=clock, draw=options.pop("draw", False), **options)


async def digest_sub(store: Store, channel: int, cadence: Cadence, kind: str = "all", name: str | None = None, *,
                     locale: str = "en", direction: str = "both", org: str | None = None) -> int:
    target = (await ids_of(store))[kind, name] if kind != "all" else None
    sub, _ = await store.add_subscription(guild_id=GUILD, channel_id=channel, target_kind=kind, target_id=target,
                                          target_name=name or "everything", target_org=org, direction=direction,
                                          locale=locale, cadence=cadence)
    return sub.id


async def record(store: Store, clock: Clock, when: str, person: str, from_org: str = "OpenAI",
                 to_org: str = "Meta", date: str = "2026-03") -> str:
    clock.at(when)
    move = make_move(person, from_org, to_org, date)
    await store.record_move(move, origin="cli", actor="cli")
    return move.id


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


# -- the schedule ------------------------------------------------------------------------------------------------

def test_paris_daily_windows_across_both_daylight_saving_changes():
    nine = parse_cadence("daily", 9, "europe/paris")
    assert nine == Cadence("daily", 9, 0, "Europe/Paris")
    # March: 09:00 is 08:00 UTC on Saturday (CET), 07:00 UTC on Sunday (CEST): a window of 23 hours
    assert last_slot(utc("2026-03-29T06:59:59"), nine) == utc("2026-03-28T08:00:00")
    assert last_slot(utc("2026-03-29T07:00:00"), nine) == utc("2026-03-29T07:00:00")
    # October: back to CET, a window of 25 hours
    assert next_slot(utc("2026-10-24T07:00:00"), nine) == utc("2026-10-25T08:00:00")
    # 02:00 does not exist on 29 March: posted when the clocks jump (01:00 UTC, 03:00 CEST), once
    two = parse_cadence("daily", 2, "Europe/Paris")
    assert next_slot(utc("2026-03-28T12:00:00"), two) == utc("2026-03-29T01:00:00")
    assert next_slot(utc("2026-03-29T01:00:00"), two) == utc("2026-03-30T00:00:00")
    # 02:00 happens twice on 25 October: only the first one
    assert next_slot(utc("2026-10-24T12:00:00"), two) == utc("2026-10-25T00:00:00")
    assert next_slot(utc("2026-10-25T00:00:00"), two) == utc("2026-10-26T01:00:00")


def test_a_weekly_digest_on_monday_in_a_zone_ahead_of_utc_is_sunday_in_utc():
    tokyo = parse_cadence("weekly", 9, "Asia/Tokyo", "monday")
    assert last_slot(utc("2026-12-06T23:59:59"), tokyo) == utc("2026-11-30T00:00:00")
    assert last_slot(utc("2026-12-07T00:00:00"), tokyo) == utc("2026-12-07T00:00:00")
    auckland = parse_cadence("weekly", 8, "Pacific/Auckland", "lundi")  # NZDT, UTC+13 in December
    assert next_slot(utc("2026-12-01T00:00:00"), auckland) == utc("2026-12-06T19:00:00")  # a Sunday in UTC


@pytest.mark.parametrize(("options", "words"), [
    (("hourly",), "cadence must be instant, daily or weekly"),
    (("daily", 24), "hour must be a whole hour from 0 to 23, not 24"),
    (("daily", 9, "Europe/Pariss"), "“Europe/Pariss” is not an IANA time zone"),
    (("weekly", 9, "UTC", "someday"), "weekday must be a day of the week"),
])
def test_bad_cadence_options_say_what_is_wrong(options, words):
    with pytest.raises(BadCadence) as caught:
        parse_cadence(*options)
    assert words in str(caught.value)
    assert caught.value.message("fr") != str(caught.value)


# -- exactly once ------------------------------------------------------------------------------------------------

async def test_daily_digest_in_paris_across_the_march_change_holds_the_window_once(store, sender, clock):
    clock.at("2026-03-27T12:00")
    await digest_sub(store, 1, parse_cadence("daily", 9, "Europe/Paris"))
    worker = worker_of(store, sender, clock)
    clock.at("2026-03-28T08:00")
    assert await worker.run_once() == 0  # the first window (since the 27th, noon) is empty: nothing posted
    first = await record(store, clock, "2026-03-28T09:30", "Digest Person One")
    second = await record(store, clock, "2026-03-29T06:59", "Digest Person Two", date="2026-04")
    late = await record(store, clock, "2026-03-29T07:00", "Digest Person Three")
    clock.at("2026-03-29T06:59:59")
    assert await worker.run_once() == 0
    clock.at("2026-03-29T07:00")
    assert await worker.run_once() == 1
    (digest,) = sender.digests(1)
    assert [m.id for m in digest.moves] == [second, first]  # newest first; `late` is the next window's
    assert digest.title == "Daily digest: every move"
    assert digest.summary == ("2 moves recorded from 28 March 2026, 09:00 to 29 March 2026, 09:00 (Europe/Paris).")
    assert await worker.run_once() == 0 and len(sender.digests(1)) == 1
    clock.at("2026-03-30T07:00")
    assert await worker.run_once() == 1
    assert [m.id for m in sender.digests(1)[1].moves] == [late]


async def test_a_restart_in_the_middle_of_a_window_changes_nothing(store, sender, clock, store_db):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    before = await record(store, clock, "2026-06-01T12:00", "Before Restart")
    clock.at("2026-06-01T13:00")
    assert await worker_of(store, sender, clock).run_once() == 0
    await store.close()
    reopened = await Store.open(store_db)  # the bot restarted
    try:
        after = await record(reopened, clock, "2026-06-01T20:00", "After Restart")
        clock.at("2026-06-02T09:00")
        assert await worker_of(reopened, sender, clock).run_once() == 1
        assert [sorted(m.id for m in d.moves) for d in sender.digests(1)] == [sorted([before, after])]
    finally:
        await reopened.close()


async def test_a_crash_between_the_post_and_its_record_posts_once(store, sender, clock, monkeypatch):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Crash Digest")
    clock.at("2026-06-02T09:00")
    crash_once(monkeypatch, store, "mark_digest_sent")
    with pytest.raises(Crash):
        await worker_of(store, sender, clock).run_once()
    assert sender.count(1) == 1
    restarted = worker_of(store, sender, clock)
    assert await restarted.run_once() == 0 and sender.finds == []  # the claim's lease still holds
    clock.at("2026-06-02T09:02:01")
    assert await restarted.run_once() == 0
    assert sender.count(1) == 1 and len(sender.attempts) == 1 and sender.finds == [(1, "dg1")]
    assert await log_outcomes(store) == ["recovered"]
    clock.at("2026-06-03T09:00")
    assert await restarted.run_once() == 0 and sender.count(1) == 1  # and the next (empty) window sends nothing


async def test_a_crash_before_the_post_posts_once_after_the_lease(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Crash Before")
    clock.at("2026-06-02T09:00")
    sender.failures.append(Crash("killed after the claim, before the post"))
    with pytest.raises(Crash):
        await worker_of(store, sender, clock).run_once()
    clock.at("2026-06-02T09:05")
    assert await worker_of(store, sender, clock).run_once() == 1
    assert sender.count(1) == 1 and sender.finds == [(1, "dg1")]


async def test_two_workers_on_two_connections_post_a_window_once(store, sender, clock, store_db):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Two Workers")
    other = await Store.open(store_db)  # another process of a sharded bot
    try:
        clock.at("2026-06-02T09:00")
        results = await asyncio.gather(worker_of(store, sender, clock, owner="a").run_once(),
                                       worker_of(other, sender, clock, owner="b").run_once())
    finally:
        await other.close()
    assert sorted(results) == [0, 1] and sender.count(1) == 1


async def test_after_downtime_one_digest_covers_the_whole_gap(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    ids = [await record(store, clock, f"2026-06-0{day}T12:00", f"Gap Person {day}") for day in (1, 2, 3)]
    clock.at("2026-06-04T09:30")
    worker = worker_of(store, sender, clock)
    assert await worker.run_once() == 1
    assert sorted(m.id for m in sender.digests(1)[0].moves) == sorted(ids)
    rows = await store._db.execute_fetchall("SELECT window_start, window_end, state FROM digests")
    assert rows == [("2026-06-01T10:00:00+00:00", "2026-06-04T09:00:00+00:00", "sent")]


# -- what a window holds -----------------------------------------------------------------------------------------

async def test_digest_subscriptions_get_no_alert_per_move_nor_corrections(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("weekly", 9))
    await store.add_subscription(guild_id=GUILD, channel_id=2, target_kind="all", target_id=None,
                                 target_name="everything", corrections=True)
    await store.add_subscription(guild_id=GUILD, channel_id=1, target_kind="person", target_id=None,
                                 target_name="nobody", corrections=True, cadence=parse_cadence("daily"))
    move_id = await record(store, clock, "2026-06-01T11:00", "No Alert Person")
    old = await store.move(move_id)
    await store.edit_move(make_move(old.person, "OpenAI", "Anthropic", "2026-03", id_=move_id), actor="cli")
    rows = await store._db.execute_fetchall("SELECT channel_id, kind FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [(2, "new")]  # the correction waits in the pending alert


async def test_corrections_and_retractions_in_the_window_are_reflected_in_it(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    kept = await record(store, clock, "2026-06-01T11:00", "Corrected Person")
    gone = await record(store, clock, "2026-06-01T12:00", "Retracted Person")
    clock.at("2026-06-01T13:00")
    await store.edit_move(make_move("Corrected Person", "OpenAI", "Anthropic", "2026-03", id_=kept), actor="cli")
    await store.retract_move(gone, actor="cli", reason="wrong person")
    clock.at("2026-06-02T09:00")
    assert await worker_of(store, sender, clock).run_once() == 1
    (digest,) = sender.digests(1)
    assert [(m.id, m.to_org) for m in digest.moves] == [(kept, "Anthropic")]


async def test_an_empty_window_sends_nothing_and_the_next_starts_after_it(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    clock.at("2026-06-02T09:00")
    assert await worker_of(store, sender, clock).run_once() == 0
    assert sender.attempts == []
    rows = await store._db.execute_fetchall("SELECT window_end, state FROM digests")
    assert rows == [("2026-06-02T09:00:00+00:00", "empty")]
    late = await record(store, clock, "2026-06-02T10:00", "Next Window")
    clock.at("2026-06-03T09:00")
    assert await worker_of(store, sender, clock).run_once() == 1
    assert [m.id for m in sender.digests(1)[0].moves] == [late]


async def test_more_than_five_moves_attach_the_flows_chart_of_the_window(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9), "org", "Meta", direction="joined")
    for i in range(6):
        await record(store, clock, f"2026-06-01T1{i}:30", f"Chart Person {i}",
                     from_org="OpenAI" if i < 4 else "Apple")
    clock.at("2026-06-02T09:00")
    assert await worker_of(store, sender, clock, draw=True).run_once() == 1
    (digest,) = sender.digests(1)
    assert digest.title == "Daily digest: Meta (arrivals)"
    assert_png(digest.png)
    assert [(r.counterpart, r.joined, r.left) for r in digest.chart.rows] == [("OpenAI", 4, 0), ("Apple", 2, 0)]


async def test_five_moves_have_no_chart(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    for i in range(5):
        await record(store, clock, f"2026-06-01T1{i}:30", f"Few Person {i}")
    clock.at("2026-06-02T09:00")
    assert await worker_of(store, sender, clock, draw=True).run_once() == 1
    assert sender.digests(1)[0].chart is None and sender.digests(1)[0].png is None


async def test_a_french_subscription_gets_its_digest_in_french(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("weekly", 9, "Europe/Paris", "monday"), locale="fr")
    await record(store, clock, "2026-06-02T10:00", "Personne Francaise")
    clock.at("2026-06-08T07:00")
    assert await worker_of(store, sender, clock).run_once() == 1
    (digest,) = sender.digests(1)
    assert digest.title == "Résumé de la semaine : tous les mouvements"
    assert digest.summary == ("1 mouvement enregistré du 1er juin 2026, 12:00 au 8 juin 2026, 09:00 "
                              "(Europe/Paris).")


async def test_back_to_instant_posts_what_the_open_window_held(store, sender, clock):
    clock.at("2026-06-01T10:00")
    sub = await digest_sub(store, 1, parse_cadence("weekly", 9))
    waiting = await record(store, clock, "2026-06-01T11:00", "Waiting Person")
    clock.at("2026-06-01T12:00")
    await store.add_subscription(guild_id=GUILD, channel_id=1, target_kind="all", target_id=None,
                                 target_name="everything", cadence=parse_cadence("instant"))
    assert (await store.subscription(sub)).cadence == "instant"
    assert await worker_of(store, sender, clock).run_once() == 1
    assert [m.id for m in sender.digests(1)[0].moves] == [waiting]
    assert sender.digests(1)[0].title == "Last digest: every move"
    await record(store, clock, "2026-06-01T13:00", "Instant Again")
    assert await AlertWorker(store, sender).run_once() == 1


async def test_a_test_digest_shows_the_window_so_far_or_the_latest_moves(store, sender, clock):
    clock.at("2026-06-01T10:00")
    sub = await digest_sub(store, 1, parse_cadence("weekly", 9))
    assert await store.queue_digest_test(sub, iso(clock()))
    assert await worker_of(store, sender, clock).run_once() == 1
    latest = sender.digests(1)[0]
    assert latest.title == "Test digest: every move" and len(latest.moves) == 5
    assert latest.summary.startswith("Nothing recorded since the last digest yet")
    fresh = await record(store, clock, "2026-06-01T11:00", "Test Person")
    clock.at("2026-06-01T11:30")
    assert await store.queue_digest_test(sub, iso(clock()))
    assert await worker_of(store, sender, clock).run_once() == 1
    assert [m.id for m in sender.digests(1)[1].moves] == [fresh]
    clock.at("2026-06-08T09:00")  # the real digest still holds the move: a test moves no window
    assert await worker_of(store, sender, clock).run_once() == 1
    assert [m.id for m in sender.digests(1)[2].moves] == [fresh]


async def test_a_departure_completed_in_the_window_is_in_it_and_a_mere_correction_is_not(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9), "org", "Meta", direction="joined")
    leaver = Move.model_validate({"id": "digest-leaver-left-openai-2026", "person": "Digest Leaver",
                                  "from": {"org": "OpenAI"}, "to": None, "date": "2026-05", "status": "reported",
                                  "sources": [{"url": "https://example.com/leaver"}]})
    await store.record_move(leaver, origin="cli", actor="cli")
    old = await record(store, clock, "2026-06-01T11:00", "Old Window Person")
    clock.at("2026-06-02T09:00")
    worker = worker_of(store, sender, clock)
    assert await worker.run_once() == 1 and [m.id for m in sender.digests(1)[0].moves] == [old]
    clock.at("2026-06-02T10:00")
    await store.edit_move(leaver.model_copy(update={"to": make_move("x", "OpenAI", "Meta", "2026").to}),
                          actor="cli")
    await store.edit_move(make_move("Old Window Person", "OpenAI", "Meta", "2026-02", id_=old), actor="cli")
    clock.at("2026-06-03T09:00")
    assert await worker.run_once() == 1
    assert [(m.id, m.to_org) for m in sender.digests(1)[1].moves] == [(leaver.id, "Meta")]
    assert await store._db.execute_fetchall("SELECT 1 FROM outbox") == []  # no "now known" alert either


async def test_a_gone_channel_pauses_the_digest_and_resume_posts_it_once(store, sender, clock):
    clock.at("2026-06-01T10:00")
    sub = await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Paused Person")
    sender.gone[1] = "missing permission to post there"
    clock.at("2026-06-02T09:00")
    worker = worker_of(store, sender, clock)
    assert await worker.run_once() == 0
    assert (await store.subscription(sub)).state == "paused"
    assert sender.paused == [(GUILD, 1, "missing permission to post there")]
    clock.at("2026-06-04T09:00")
    assert await worker.run_once() == 0  # paused: no new window either
    del sender.gone[1]
    await store.resume_subscription(GUILD, sub)
    assert await worker.run_once() == 1
    assert sender.finds == [(1, "dg1")]  # it might have been posted before the channel went: looked for first
    clock.at("2026-06-04T09:01")  # windows are opened once a minute at most
    assert await worker.run_once() == 0  # then one window for the days it was paused: nothing was recorded
    rows = await store._db.execute_fetchall("SELECT window_end, state FROM digests ORDER BY id")
    assert rows == [("2026-06-02T09:00:00+00:00", "sent"), ("2026-06-04T09:00:00+00:00", "empty")]


async def test_a_failed_send_is_retried_after_its_backoff_and_posted_once(store, sender, clock):
    clock.at("2026-06-01T10:00")
    await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Retry Person")
    sender.failures.append(RetryLater("Discord answered 503"))
    clock.at("2026-06-02T09:00")
    worker = worker_of(store, sender, clock)
    assert await worker.run_once() == 0
    clock.at("2026-06-02T09:00:03")
    assert await worker.run_once() == 0 and len(sender.attempts) == 1  # backing off (4 s)
    clock.at("2026-06-02T09:00:05")
    assert await worker.run_once() == 1
    assert sender.count(1) == 1 and sender.finds == [(1, "dg1")]
    assert await log_outcomes(store) == ["retry", "sent"]


async def test_resume_posts_a_digest_waiting_for_its_retry_at_once(store, sender, clock):
    clock.at("2026-06-01T10:00")
    sub = await digest_sub(store, 1, parse_cadence("daily", 9))
    await record(store, clock, "2026-06-01T11:00", "Resumed Person")
    sender.failures.append(RetryLater("Discord answered 429", retry_after=3600))
    clock.at("2026-06-02T09:00")
    worker = worker_of(store, sender, clock)
    assert await worker.run_once() == 0
    await store.pause_channel(1, "missing permission to post there")
    await store.resume_subscription(GUILD, sub)  # the admin fixed the channel: what waited goes out now
    clock.at("2026-06-02T09:01")
    assert await worker.run_once() == 1 and sender.count(1) == 1


async def test_a_monday_digest_in_auckland_goes_out_on_sunday_evening_utc(store, sender, clock):
    clock.at("2026-11-30T00:00")
    await digest_sub(store, 1, parse_cadence("weekly", 8, "Pacific/Auckland", "monday"))
    before = await record(store, clock, "2026-12-06T18:30", "Sunday Person")  # Monday 07:30 in Auckland
    after = await record(store, clock, "2026-12-06T19:30", "Later Person")    # Monday 08:30: next week's
    worker = worker_of(store, sender, clock)
    clock.at("2026-12-06T18:59")
    assert await worker.run_once() == 0
    clock.at("2026-12-06T19:00")
    assert await worker.run_once() == 1
    assert [m.id for m in sender.digests(1)[0].moves] == [before]
    assert sender.digests(1)[0].summary.endswith("to 7 December 2026, 08:00 (Pacific/Auckland).")
    clock.at("2026-12-13T19:00")
    assert await worker.run_once() == 1
    assert [m.id for m in sender.digests(1)[1].moves] == [after]
