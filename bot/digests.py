"""Digests: a subscription's daily or weekly summary of the moves recorded in its window, posted at a local hour
in an IANA time zone, exactly once per subscription and window (core: no Discord here).

The schedule. A daily digest is due at `hour`:00 local time each day, a weekly one on `weekday`; the window of a
digest runs from where the last one ended (or from when the digests began) to the scheduled time it is posted
for. Local hours are turned into UTC instants day by day through zoneinfo, so a window across a daylight-saving
change is 23 or 25 hours long, an hour that does not exist that day (02:30 in Paris on the last Sunday of March)
is posted at the instant the clocks jump, and an hour that happens twice is posted at its first occurrence only.
After downtime, the latest scheduled time past is the end of one window covering the whole gap: missed windows
are not replayed one by one.

Exactly once, argued as for alerts (bot/alerts.py), with a lease for several processes: a window is a row
(UNIQUE per subscription and end, so two workers cannot both record it); a worker claims it (`sending`, leased
for `LEASE_SECONDS`, attempt n) before posting with the nonce `dg<id>`, also in the embed's footer, and records
the message after. Any later attempt (a restart, a retry, another process once the lease ran out) first looks
for the nonce in the channel: found, it is recorded, not posted again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.alerts import MAX_BACKOFF, ChannelGone, Pace, Rejected, RetryLater
from bot.answers.catalogue.digests import WEEKDAY_NAMES
from bot.answers.i18n import t
from bot.digest_content import TEST_LATEST, DigestMessage, compose, digest_text, local_time, window_words
from bot.records import WEEKDAYS, Cadence, Subscription
from bot.store import Store
from bot.store.digests import DigestRow

log = logging.getLogger(__name__)

CADENCES = ("instant", "daily", "weekly")
LEASE_SECONDS = 120.0   # how long a claim holds against other workers: far longer than one send
DIGEST_RATE = 5.0       # digest messages a second at most (they are few; alerts keep the rest of Discord's 50)


class BadCadence(ValueError):
    """A cadence option that is not understood; `message(locale)` says why in the user's language."""

    def __init__(self, key: str, value: object):
        super().__init__(t("en", key, value=value))
        self.key, self.value = key, value

    def message(self, locale: str) -> str:
        return t(locale, self.key, value=self.value)


@functools.cache
def _zones() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_timezone(value: str | None) -> str:
    """An IANA time zone as typed ("europe/paris" is Europe/Paris); UTC when not given."""
    if value is None or not value.strip():
        return "UTC"
    name = _zones().get(value.strip().lower())
    if name is None:
        raise BadCadence("cadence_bad_timezone", value.strip()[:60])
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadCadence("cadence_bad_timezone", value.strip()[:60]) from None
    return name


def parse_weekday(value: str | int | None) -> int:
    """0 (Monday) to 6: a number, or a day's name in English or French, or its first three letters."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    word = str(value).strip().lower()
    for names in (WEEKDAYS, [n.lower() for n in WEEKDAY_NAMES["fr"]]):
        for i, name in enumerate(names):
            if word == name or (len(word) >= 3 and name.startswith(word)):
                return i
    raise BadCadence("cadence_bad_weekday", str(value)[:30])


def parse_cadence(kind: str | None, hour: int | str | None = None, timezone: str | None = None,
                  weekday: str | int | None = None) -> Cadence:
    """A cadence from the options of /subscribe, the CLI or an import: `BadCadence` says what is wrong."""
    kind = (kind or "instant").strip().lower()
    if kind not in CADENCES:
        raise BadCadence("cadence_bad_kind", kind[:30])
    if hour is None or (isinstance(hour, str) and not hour.strip()):
        hour = 9
    if isinstance(hour, str) and hour.strip().isdigit():
        hour = int(hour.strip())
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise BadCadence("cadence_bad_hour", str(hour)[:30])
    return Cadence(kind, hour, parse_weekday(weekday), parse_timezone(timezone))


def cadence_of(sub: Subscription) -> Cadence:
    return Cadence(sub.cadence, sub.digest_hour, sub.digest_weekday, sub.timezone)


def changed_cadence(sub: Subscription, kind: str, hour: int | str | None = None, timezone: str | None = None,
                    weekday: str | int | None = None) -> Cadence:
    """A subscription's new cadence: the options given, the subscription's own for those left out."""
    return parse_cadence(kind, sub.digest_hour if hour is None else hour, timezone or sub.timezone,
                         sub.digest_weekday if weekday is None else weekday)


def describe_cadence(cadence: Cadence, locale: str) -> str:
    """"a digest every Monday at 09:00 (Europe/Paris)" in the user's language."""
    if cadence.kind == "instant":
        return t(locale, "cadence_instant")
    day = WEEKDAY_NAMES["fr" if locale.startswith("fr") else "en"][cadence.weekday]
    return t(locale, f"cadence_{cadence.kind}", hour=cadence.hour, tz=cadence.timezone, day=day)


def _slot(day: date, cadence: Cadence) -> datetime:
    """`hour`:00 of a local day as a UTC instant (zoneinfo's fold 0: the first of a repeated hour, and the
    offset before the jump for an hour the clocks skip, which lands at the jump)."""
    local = datetime(day.year, day.month, day.day, cadence.hour, tzinfo=ZoneInfo(cadence.timezone))
    return local.astimezone(UTC)


def _days(cadence: Cadence, around: date, step: int) -> list[date]:
    days = [around + timedelta(days=step * i) for i in range(-1, 9)]
    return [d for d in days if cadence.kind == "daily" or d.weekday() == cadence.weekday]


def last_slot(now: datetime, cadence: Cadence) -> datetime | None:
    """The latest scheduled digest time at or before `now` (None for instant alerts)."""
    if cadence.kind == "instant":
        return None
    today = now.astimezone(ZoneInfo(cadence.timezone)).date()
    return max(s for s in (_slot(d, cadence) for d in _days(cadence, today, -1)) if s <= now)


def next_slot(now: datetime, cadence: Cadence) -> datetime | None:
    """The first scheduled digest time after `now` (None for instant alerts)."""
    if cadence.kind == "instant":
        return None
    today = now.astimezone(ZoneInfo(cadence.timezone)).date()
    return min(s for s in (_slot(d, cadence) for d in _days(cadence, today, 1)) if s > now)


def iso(moment: datetime) -> str:
    """The store's way of writing an instant (UTC, to the second), which sorts as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def utc_now() -> datetime:
    return datetime.now(UTC)


class DigestSender(Protocol):
    """Where digests go (the Discord implementation is `DiscordSender`)."""

    async def send_digest(self, message: DigestMessage) -> int:
        """Post the digest (its chart attached when drawn); the message id. `RetryLater`, `Rejected` or
        `ChannelGone` as for alerts."""

    async def find(self, channel_id: int, batch: str) -> int | None:
        """A message of ours carrying `batch` among the channel's recent messages, if any."""

    async def notify_paused(self, guild_id: int, channel_id: int, reason: str) -> None:
        """Tell the server that a channel's posts are paused, and why."""


async def build_digest(store: Store, sub: Subscription, start: str, end: str, *, kind: str = "digest",
                       batch: str = "preview") -> DigestMessage | None:
    """The digest of a subscription's window as it stands now (None: nothing recorded, nothing to post); a test
    digest of an empty window shows the latest moves instead."""
    ids = await store.digest_moves(sub.id, start, end)
    latest_instead = False
    if not ids and kind == "test":
        ids, _ = await store.matching_moves(sub.target_kind, sub.target_id, sub.direction, limit=TEST_LATEST)
        latest_instead = True
    moves = [m for m in [await store.move(i) for i in ids] if m is not None]
    if not moves:
        return None
    return compose(sub, moves, start, end, kind=kind, batch=batch, short_teams=await store.team_short_names(),
                   latest_instead=latest_instead, mention_role_id=sub.mention_role_id)


async def preview_digest(store: Store, sub: Subscription, now: datetime) -> str:
    """The next digest as it stands now (what `movesbot digest preview` prints): its moves so far, or that
    nothing would be posted, and when it is due."""
    when = next_slot(now, cadence_of(sub))
    start = await store.digest_window_start(sub.id)
    if when is None or start is None:
        return f"#{sub.id} ({sub.describe()}) gets an alert for each new move, not digests."
    end = iso(now + timedelta(seconds=1))  # up to this very second
    message = await build_digest(store, sub, start, end)
    text = digest_text(message) if message is not None else \
        t(sub.locale, "digest_empty", window=window_words(sub, start, end))
    due = t(sub.locale, "digest_next", when=local_time(iso(when), sub.timezone, sub.locale), tz=sub.timezone)
    return f"{text}\n{due}"


def render_chart(message: DigestMessage) -> DigestMessage:
    """The message with its chart drawn (blocking: run it in a thread)."""
    from bot.charts import render_png

    return message if message.chart is None else replace(message, png=render_png(message.chart))


class DigestWorker:
    """Opens the windows that are due and posts them; `run_once` is one pass at the clock's time, `run` polls.

    `clock` is injectable: tests move time instead of sleeping until 9 am. `owner` names this worker in its
    claims (host, process, object), so that several processes share the work without posting twice."""

    def __init__(self, store: Store, sender: DigestSender, *, clock: Callable[[], datetime] = utc_now,
                 owner: str | None = None, lease: float = LEASE_SECONDS, pace: Pace | None = None,
                 draw: bool = True):
        self.store, self.sender, self.clock = store, sender, clock
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"
        self.lease, self.draw = lease, draw
        self.pace = pace or Pace(DIGEST_RATE)
        self._opened_minute: datetime | None = None

    async def open_windows(self, now: datetime) -> int:
        """Record each subscription's window that a scheduled time has closed (one per subscription at a time:
        the latest time past ends it, however many were missed)."""
        due = []
        for sub, start, has_open in await self.store.digest_schedules():
            end = last_slot(now, cadence_of(sub))
            if not has_open and end is not None and start is not None and iso(end) > start:
                due.append((sub.id, start, iso(end)))
        return await self.store.open_digest_windows(due, iso(now)) if due else 0

    async def run_once(self) -> int:
        """Open what is due (once a minute of the clock at most: scheduled times fall on quarter hours, and the
        schedules of every digest subscription are read to find them) and post every digest nobody holds (a
        test digest too, queued a moment ago); returns the number posted."""
        now = self.clock()
        minute = now.replace(second=0, microsecond=0)
        if minute != self._opened_minute:
            await self.open_windows(now)
            self._opened_minute = minute
        posted = 0
        for row in await self.store.due_digests(iso(now)):
            posted += await self._deliver(row, now) == "sent"
        return posted

    async def _deliver(self, row: DigestRow, now: datetime) -> str:
        attempt = await self.store.claim_digest(row.id, self.owner, iso(now),
                                                iso(now + timedelta(seconds=self.lease)))
        if attempt is None:
            return "skipped"  # another worker has it, or it was posted or paused meanwhile
        try:
            if attempt > 1:  # an earlier attempt may have posted it: look before posting again
                found = await self.sender.find(row.channel_id, row.batch)
                if found is not None:
                    ids = await self._move_ids(row)
                    await self.store.mark_digest_sent(row, found, ids, iso(self.clock()), recovered=True)
                    log.info("digest %s was already posted in %s (message %s)", row.batch, row.channel_id, found)
                    return "recovered"
            message = await self._message(row)
            if message is None:
                await self.store.mark_digest_empty(row)
                return "empty"
            if self.draw and message.chart is not None:
                message = await asyncio.to_thread(render_chart, message)
            await self.pace.wait()
            message_id = await self.sender.send_digest(message)
        except Exception as exc:
            return await self._failed(row, attempt, exc)
        await self.store.mark_digest_sent(row, message_id, [m.id for m in message.moves], iso(self.clock()))
        return "sent"

    async def _move_ids(self, row: DigestRow) -> list[str]:
        return await self.store.digest_moves(row.subscription_id, row.window_start, row.window_end)

    async def _message(self, row: DigestRow) -> DigestMessage | None:
        sub = await self.store.subscription(row.subscription_id)
        if sub is None:
            return None
        return await build_digest(self.store, sub, row.window_start, row.window_end, kind=row.kind, batch=row.batch)

    async def _failed(self, row: DigestRow, attempt: int, exc: Exception) -> str:
        """Retry later with backoff, drop what Discord refuses for good, pause a channel that is gone."""
        now = self.clock()
        if isinstance(exc, ChannelGone):
            await self.store.pause_channel(row.channel_id, str(exc))
            await self.store.release_digest(row)
            await self.store.log_paused(channel_id=row.channel_id, guild_id=row.guild_id, move_ids=(),
                                        reason=str(exc))
            log.warning("digests for channel %s paused: %s", row.channel_id, exc)
            try:
                await self.sender.notify_paused(row.guild_id, row.channel_id, str(exc))
            except Exception:
                log.exception("could not tell guild %s that posts are paused", row.guild_id)
            return "gone"
        if isinstance(exc, Rejected):
            await self.store.mark_digest_dropped(row, str(exc), iso(now))
            log.error("digest %s to channel %s rejected by Discord, dropped: %s", row.batch, row.channel_id, exc)
            return "dropped"
        retry_after = exc.retry_after if isinstance(exc, RetryLater) else None
        delay = retry_after or min(MAX_BACKOFF, 2.0 ** (attempt + 1))
        reason = str(exc) if isinstance(exc, RetryLater) else f"unexpected error: {exc!r}"
        await self.store.mark_digest_retry(row, reason, iso(now), iso(now + timedelta(seconds=delay)))
        log.warning("digest %s to channel %s: %s; retrying in %.0f s", row.batch, row.channel_id, reason, delay,
                    exc_info=not isinstance(exc, RetryLater))
        return "retry"

    async def run(self, interval: float = 30.0) -> None:
        """Poll forever (a digest is due at most once an hour: a pass every `interval` seconds is plenty)."""
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("digest pass failed; trying again shortly")
            await asyncio.sleep(interval)
