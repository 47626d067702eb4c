"""Alert delivery: from the outbox to the channels, exactly once, through a `Sender` (Discord or other).

Exactly once, argued: a delivery is marked `sending` with a batch key *before* the send, and `sent` with the
message id after it. The batch key travels with the message twice: as the message nonce (Discord then refuses a
second message with the same nonce for a few minutes: `enforce_nonce`) and as a marker in the embed footer. A
worker that died between sending and marking finds the batch still `sending` on restart and first looks for
the marker among the channel's recent messages: found, the batch is marked sent (no second post); not found,
it is sent again with the same nonce; the history unreadable, nothing is posted until it can be read (retry,
or pause). A failed send is retried with backoff; a channel that is gone or forbids us pauses its
subscriptions, keeps their alerts (mid-attempt ones stay `sending`, so they are looked for again after
`/subscribe resume`), and the server is told why.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
import os
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.config import is_snowflake
from bot.records import Delivery, MoveRecord, Subscription
from bot.search import NameIndex
from bot.store import Store
from bot.store.alerts import LEASE_SECONDS

log = logging.getLogger(__name__)

DIGEST_OVER = 3      # more pending alerts than this for one channel become digest messages
DIGEST_SIZE = 20     # moves per digest message
MAX_BACKOFF = 15 * 60.0
SEND_RATE = 45.0     # alert messages a second, at most: under Discord's 50 requests a second for a whole bot


class Pace:
    """At most `rate` calls in any `window` (a second and a bit), whichever task makes them; a call past that waits
    until the oldest turn leaves the window, and looks again.

    Discord allows a bot 50 requests a second in all, across channels, and answers 429 past that: a thousand
    channels subscribed to everything would otherwise see hundreds of refused sends for one new move (each
    retried, and enough of them get a bot temporarily banned). Counting sends over the last `window` seconds, as
    Discord counts them over one, keeps a fan-out under the limit and nearly as fast as it allows. The window is a
    little over a second because requests reach Discord some milliseconds after they leave, not all equally late.

    Turns are taken when they come, never booked ahead: a turn handed back (`give_back`: its rows were taken by
    another process meanwhile) is free at once for the next caller, not lost behind turns booked in later windows.
    """

    def __init__(self, rate: float, window: float = 1.1, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.per_window = max(1, int(rate))
        self.window = window
        self._clock, self._sleep = clock, sleep
        self._turns: deque[float] = deque()  # the turns taken within the last window, oldest first

    async def wait(self) -> float:
        """Return at this caller's turn, and its time (one event loop: no lock between the look and the take)."""
        while True:
            now = self._clock()
            while self._turns and self._turns[0] <= now - self.window:
                self._turns.popleft()
            if len(self._turns) < self.per_window:
                self._turns.append(now)
                return now
            await self._sleep(self._turns[0] + self.window - now)

    def restamp(self, turn: float) -> None:
        """Count a turn from now, when its request leaves: the claim and reads between the turn and the send take
        some milliseconds, more when the database is busy, and the window must hold what was sent in it."""
        self.give_back(turn)
        bisect.insort(self._turns, self._clock())

    def give_back(self, turn: float) -> None:
        """Hand back a turn nothing was sent with, for the next caller."""
        with contextlib.suppress(ValueError):  # already out of the window
            self._turns.remove(turn)


class RetryLater(Exception):
    """The send failed for a passing reason (rate limit, server error, network); try again later."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.retry_after = retry_after


class Rejected(Exception):
    """Discord refused this message for good (a 4xx other than 429/403/404): retrying cannot help."""


class ChannelGone(Exception):
    """The channel was deleted or we may no longer post there: pause, keep the alerts, tell the server."""


@dataclass(frozen=True)
class Alert:
    """What one message announces: one move, or a digest of several, for one channel."""

    channel_id: int
    guild_id: int
    batch: str
    kind: str                   # new | correction | completion | test
    moves: list[MoveRecord]
    locale: str
    mention_role_id: int | None


class Sender(Protocol):
    """Where alerts go. The Discord implementation lives in the Discord layer."""

    async def send(self, alert: Alert) -> int:
        """Post the alert; return the message id. Raise `RetryLater` or `ChannelGone`."""

    async def find(self, channel_id: int, batch: str) -> int | None:
        """The id of a message of ours carrying `batch`, among the channel's recent messages, if any."""

    async def notify_paused(self, guild_id: int, channel_id: int, reason: str) -> None:
        """Tell the server that alerts for a channel are paused, and why."""


def mention_role(delivery: Delivery) -> int | None:
    """The role an alert may mention: a Discord id that is not the guild's @everyone role (which would ping the
    whole server); anything else in an old row is left out, and the alert goes out without a mention."""
    role = delivery.mention_role_id
    if role is None:
        return None
    if not is_snowflake(role) or role == delivery.guild_id:
        log.warning("subscription %s has an unusable mention role %r: alerting without a mention",
                    delivery.subscription_id, role)
        return None
    return role


def batches(deliveries: Sequence[Delivery]) -> list[list[Delivery]]:
    """Group one channel's due deliveries into messages: earlier attempts keep their batch; the rest go out
    one per move, or as digests when there are more than `DIGEST_OVER`, in move-date order."""
    by_batch: dict[str, list[Delivery]] = {}
    fresh: dict[str, list[Delivery]] = {}
    for d in deliveries:
        if d.batch and d.state == "sending":
            by_batch.setdefault(d.batch, []).append(d)
        else:
            fresh.setdefault(d.kind, []).append(d)
    out = list(by_batch.values())
    for items in fresh.values():
        items.sort(key=lambda d: (d.move_date, d.id))
        size = DIGEST_SIZE if len(items) > DIGEST_OVER else 1
        out.extend(items[i:i + size] for i in range(0, len(items), size))
    return out


def claimer(shards: Sequence[int] | None = None) -> str:
    """The name a bot process claims alerts under: its host, and the shards it runs when it runs only some. The same
    after a restart, so a restarted bot takes its own claims back at once (checking their markers first); another
    for each process running beside it, since every shard runs in exactly one process."""
    return socket.gethostname() + (f":shards {','.join(map(str, sorted(shards)))}" if shards else "")


def rate_share(rate: float, shard_ids: Sequence[int] | None, shard_count: int | None) -> float:
    """This process's part of the bot's alert rate. Discord counts a bot's requests across all its processes: two
    processes each sending at the whole rate would together go past it and be refused (429). Each takes the share
    of its shards (every shard runs in exactly one process)."""
    if not shard_count or not shard_ids:
        return rate
    return rate * len(shard_ids) / shard_count


class AlertWorker:
    """Delivers due alerts; `run_once` is one pass, `run` polls the store (so other processes' moves count)."""

    def __init__(self, store: Store, sender: Sender, *, concurrency: int = 8, rate: float = SEND_RATE,
                 pace: Pace | None = None, on_new_moves: Callable[[list[str]], object] | None = None,
                 owner: str | None = None, lease: float = LEASE_SECONDS):
        self.store = store
        self.sender = sender
        # Who claims, and for how long (several processes share the outbox): the bot passes `claimer(...)`; by
        # default this process, so that another process takes its claims only once they run out.
        self.owner = owner or f"{socket.gethostname()}:{os.getpid()}"
        self.lease = lease
        self.concurrency = concurrency
        self.pace = pace or Pace(rate)
        self.on_new_moves = on_new_moves

    async def run_once(self) -> int:
        """Deliver everything due now; returns the number of messages sent."""
        due = await self.store.due_deliveries(owner=self.owner)
        by_channel: dict[int, list[Delivery]] = {}
        for d in due:
            by_channel.setdefault(d.channel_id, []).append(d)
        channels = deque(by_channel.values())
        results = await asyncio.gather(*(self._lane(channels) for _ in range(min(self.concurrency, len(channels)))))
        return sum(results)

    async def _lane(self, channels: deque[list[Delivery]]) -> int:
        """One of `concurrency` lanes: a send turn first, then the next channel. A lane that picked its channel
        first and then waited would be tied to it: were the channel taken meanwhile by another process, the turns
        that come free could go to no other channel until the lane's own turn came."""
        sent = 0
        while channels:
            turn = await self.pace.wait()
            if not channels:
                self.pace.give_back(turn)
                break
            for group in batches(channels.popleft()):
                outcome = await self._deliver(group, turn)
                if outcome == "gone":
                    break  # the channel's subscriptions are paused: the rest waits for /subscribe resume
                sent += outcome == "sent"
                turn = None  # the channel's next message takes a turn of its own
        return sent

    async def _deliver(self, group: list[Delivery], turn: float | None = None) -> str:
        first = group[0]
        ids = [d.id for d in group]
        move_ids = [d.move_id for d in group]
        where = {"channel_id": first.channel_id, "guild_id": first.guild_id, "move_ids": move_ids}
        earlier = first.batch if first.batch and first.state == "sending" else None
        batch = earlier or f"mb{first.id}"
        # The turn first, then the claim: a worker holds rows only while it sends them. Claimed ahead of its turn,
        # rows would wait for its next window while another process sharing the outbox has turns free.
        if turn is None:
            turn = await self.pace.wait()
        try:
            claimed = await self.store.mark_sending(ids, batch, owner=self.owner, lease=self.lease, earlier=earlier)
            if len(claimed) < len(group):  # retracted, paused or taken by another worker meanwhile: not ours
                group = [d for d in group if d.id in claimed]
                if not group:
                    self.pace.give_back(turn)  # nothing asked of Discord: the turn goes to the next send
                    return "skipped"
                ids, move_ids = [d.id for d in group], [d.move_id for d in group]
                where["move_ids"] = move_ids
            if earlier is not None:
                # An earlier attempt (ours before a restart, or a worker that died) may have posted it: look before
                # sending again. Not knowing is no answer: a history that cannot be read now means trying again
                # later, never posting blind.
                found = await self.sender.find(first.channel_id, batch)
                if found is not None:
                    await self.store.mark_sent(ids, found, recovered=True, **where)
                    log.info("alert %s was already posted in %s (message %s)", batch, first.channel_id, found)
                    return "recovered"
            moves = [m for m in [await self.store.move(mid) for mid in move_ids] if m is not None]
            alert = Alert(first.channel_id, first.guild_id, batch, first.kind, moves, first.locale,
                          mention_role(first))
            self.pace.restamp(turn)
            message_id = await self.sender.send(alert)
        except RetryLater as exc:
            delay = exc.retry_after or min(MAX_BACKOFF, 2.0 ** (max(d.attempts for d in group) + 1))
            await self.store.mark_retry(ids, str(exc), delay, **where)
            log.warning("alert %s to channel %s: %s; retrying in %.0f s", batch, first.channel_id, exc, delay)
            return "retry"
        except Rejected as exc:
            await self.store.mark_dropped(ids, str(exc), **where)
            log.error("alert %s to channel %s rejected by Discord, dropped: %s", batch, first.channel_id, exc)
            return "dropped"
        except ChannelGone as exc:
            return await self._pause(first, str(exc), where)
        except Exception as exc:  # a bug, or a row no sender can use: retried with backoff, the others go on
            delay = min(MAX_BACKOFF, 2.0 ** (max(d.attempts for d in group) + 1))
            await self.store.mark_retry(ids, f"unexpected error: {exc!r}", delay, **where)
            log.exception("alert %s to channel %s failed unexpectedly; retrying in %.0f s", batch,
                          first.channel_id, delay)
            return "retry"
        await self.store.mark_sent(ids, message_id, **where)
        return "sent"

    async def _pause(self, first: Delivery, reason: str, where: dict) -> str:
        """The channel is gone or forbids us: pause its subscriptions, log why, tell the server."""
        await self.store.pause_channel(first.channel_id, reason)
        await self.store.log_paused(reason=reason, **where)
        log.warning("alerts for channel %s paused: %s", first.channel_id, reason)
        try:
            await self.sender.notify_paused(first.guild_id, first.channel_id, reason)
        except Exception:
            log.exception("could not tell guild %s that alerts are paused", first.guild_id)
        return "gone"

    async def run(self, interval: float = 3.0, since: int | None = None) -> None:
        """Poll forever: deliver, and report moves recorded by other processes (for the name index) from the
        event `since` (the one the index was built at: nothing recorded in between is missed), else from now.
        Between passes it waits `interval` seconds, or less when the store says something changed (PostgreSQL's
        notifications: a move recorded in another process reaches this one's index at once)."""
        seq = await self.store.last_event_seq() if since is None else since
        while True:
            try:
                events = await self.store.events_since(seq)
                if events:
                    seq = events[-1][0]
                    added = [mid for _, mid, kind, _, _ in events if kind in ("added", "changed")]
                    if added and self.on_new_moves is not None:
                        result = self.on_new_moves(added)
                        if asyncio.iscoroutine(result):
                            await result
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("alert worker pass failed; trying again shortly")
            await self.store.wait_for_change(interval)


@dataclass(frozen=True)
class Preview:
    """What a subscription would deliver: its target as /subscriptions shows it and the latest matching moves."""

    target: str | None          # None: the name is unknown (see `suggestions`)
    moves: list[MoveRecord]
    total: int
    suggestions: list[str]


async def preview_subscription(store: Store, index: NameIndex, kind: str, name: str | None = None,
                               direction: str = "both", limit: int = 10) -> Preview:
    """The recent moves a subscription to an org, team, person or everything (`kind` "all") would have announced,
    newest first; names are resolved as `/subscribe` resolves them, moves matched by the outbox's own rule."""
    target_id, target_name, target_org = None, "everything", None
    if kind != "all":
        hit = index.lookup(name or "", [kind])
        if hit.best is None:
            return Preview(None, [], 0, [m.label for m in hit.candidates[:5]])
        target_id, target_name, target_org = hit.best.id, hit.best.name, hit.best.org
    direction = direction if kind in ("org", "team") else "both"
    described = Subscription(0, 0, 0, kind, target_id, target_name, target_org, direction, None, False, "en",
                             "active", None, "").describe()
    ids, total = await store.matching_moves(kind, target_id, direction, limit=limit)
    moves = [m for m in [await store.move(i) for i in ids] if m is not None]
    return Preview(described, moves, total, [])
