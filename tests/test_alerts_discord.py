"""Alerts end to end: the real bot on the fake Discord, subscriptions made with /subscribe, moves recorded by
/move add, by `movesbot add` in another process and by a dataset change, and every alert POST counted."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import discord.http
import pytest

import bot.alerts as alerts_module
from bot.discord_bot.alert_sender import DiscordSender
from bot.discord_bot.bot import MovesBot
from bot.discord_bot.embeds import EMBED_LIMIT, alert_embed
from bot.models import Move
from bot.records import MoveRecord, SourceRecord
from bot.service import load_dataset
from tests.bot_fixtures import make_bot
from tests.conftest import read_rows, write_rows
from tests.fake_discord import payloads as P
from tests.fake_discord.harness import running_bot
from tests.fake_discord.server import FakeChannel, FakeDiscord

ROOT = Path(__file__).resolve().parents[1]
MOVESBOT = Path(sys.executable).with_name("movesbot")
MOD = P.DEFAULT_PERMISSIONS | P.MANAGE_GUILD
EPHEMERAL = 1 << 6


class Crash(Exception):
    """The bot process dying at a chosen point."""


class _FastAsyncio:
    """`asyncio` for discord.http with its retry sleeps (1, 3, 5, 7 s after a 5xx) cut to a blink."""

    def __getattr__(self, name: str):
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: object = None) -> object:
        return await asyncio.sleep(min(delay, 0.01), result)


@pytest.fixture
def fast_retries(monkeypatch):
    """discord.py's own retries and the worker's backoff, both made fast."""
    monkeypatch.setattr(discord.http, "asyncio", _FastAsyncio())
    monkeypatch.setattr(alerts_module, "MAX_BACKOFF", 0.0)


class World:
    """The fake Discord with a few channels, a role and a system channel; starts bots on one database."""

    def __init__(self, fake: FakeDiscord, db_path: Path, monkeypatch: pytest.MonkeyPatch):
        self.fake = fake
        self.db_path = db_path
        self.general = fake.channel
        names = ("meta-joined", "pang", "everything", "afm-left", "google-joined", "mod-log")
        self.ch: dict[str, FakeChannel] = {n: fake.add_channel(n) for n in names}
        self.role = P.role(P.snowflake(), "Movers", permissions=0, position=1)
        fake.guild.roles.append(self.role)
        fake.guild.system_channel_id = self.ch["mod-log"].id
        self.bot: MovesBot | None = None

    @contextlib.asynccontextmanager
    async def running(self, data_dir: Path | None = None, **settings: object) -> AsyncIterator[MovesBot]:
        bot = make_bot(self.db_path, data_dir, **settings)
        async with running_bot(bot, self.fake) as running:
            await running.ready.wait()
            self.bot = running
            yield running

    # -- driving ---------------------------------------------------------------------------------------------

    async def slash(self, name: str, options: dict | None = None, *, channel: FakeChannel | None = None,
                    permissions: int | None = MOD, user: dict | None = None) -> dict:
        inter = await self.fake.send_slash_command(name, options, channel_id=(channel or self.general).id,
                                                   permissions=permissions, user=user)
        return await inter.wait_response()

    async def subscribe(self, channel: str, kind: str, **options: object) -> int:
        body = await self.slash(f"subscribe {kind}", options, channel=self.ch[channel])
        text = body["data"]["content"]
        match = re.match(r"(Subscribed|Updated subscription) #(\d+)", text)
        assert match, text
        return int(match.group(2))

    def alerts_in(self, channel: FakeChannel) -> list[dict]:
        """Messages in a channel that are not interaction responses (alerts, notices)."""
        return [m for m in self.fake.messages_in(channel.id) if "interaction_metadata" not in m]

    # -- counting --------------------------------------------------------------------------------------------

    def posts(self, channel: FakeChannel | str, ok_only: bool = True) -> list:
        """POST /channels/{id}/messages requests (the successful ones by default)."""
        cid = channel if isinstance(channel, str) else channel.id
        found = self.fake.requests_matching("POST", rf"/channels/{cid}/messages")
        return [r for r in found if r.status == 200] if ok_only else found

    def counts(self) -> dict[str, int]:
        return {name: len(self.posts(c)) for name, c in [("general", self.general), *self.ch.items()]}

    async def open_rows(self) -> int:
        """Alerts the worker still has to send (those of paused subscriptions wait: they do not count)."""
        assert self.bot is not None and self.bot.store is not None
        rows = await self.bot.store._db.execute_fetchall(
            "SELECT count(*) FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id"
            " WHERE o.state IN ('pending', 'sending') AND s.state = 'active'")
        return rows[0][0]

    async def settled(self, timeout: float = 5.0) -> None:
        """Wait until the outbox has nothing left to send (so a count is final, not early)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while await self.open_rows():
            assert loop.time() < deadline, "alerts still queued"
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # a couple more worker passes: nothing else may go out

    async def wait_posts(self, channel: FakeChannel, count: int, timeout: float = 5.0) -> list:
        return await self.fake.wait_until(lambda: self.posts(channel) if len(self.posts(channel)) >= count else None,
                                          timeout, f"{count} alert(s) in #{channel.name}")


@pytest.fixture
def world(fake_discord, db_path, monkeypatch) -> World:
    return World(fake_discord, db_path, monkeypatch)


def modal_inputs(inter_body: dict) -> dict[str, str]:
    """{label: custom_id} of the text inputs of a modal the bot opened."""
    out = {}
    for comp in inter_body["data"]["components"]:
        if comp["type"] == 1:
            for item in comp["components"]:
                out[item["label"]] = item["custom_id"]
        elif comp["type"] == 18:
            out[comp["label"]] = comp["component"]["custom_id"]
    return out


async def make_subscriptions(world: World) -> dict[str, int]:
    return {
        "meta-joined": await world.subscribe("meta-joined", "org", name="Meta", direction="joined"),
        "pang": await world.subscribe("pang", "person", name="ruoming pnag"),
        "everything": await world.subscribe("everything", "everything"),
        "afm-left": await world.subscribe("afm-left", "team", name="AFM", direction="left"),
        "google-joined": await world.subscribe("google-joined", "org", name="DeepMind", direction="joined"),
    }


# -- who may subscribe -------------------------------------------------------------------------------------------

async def test_a_moderator_subscribes_and_a_plain_member_is_refused(world):
    member = world.fake.add_user("bob")  # not the owner (alice owns the guild: she may do anything)
    async with world.running() as bot:
        refused = await world.slash("subscribe org", {"name": "Meta"}, channel=world.ch["meta-joined"],
                                    permissions=P.DEFAULT_PERMISSIONS, user=member)
        assert refused["data"]["content"] == "You need the manage_guild permission for this."
        assert refused["data"]["flags"] & EPHEMERAL
        for name, options in (("unsubscribe", {"subscription": 1}), ("subscribe resume", {"subscription": 1}),
                              ("subscribe test", {"subscription": 1}), ("subscribe everything", {})):
            body = await world.slash(name, options, permissions=P.DEFAULT_PERMISSIONS, user=member)
            assert "manage_guild" in body["data"]["content"] and body["data"]["flags"] & EPHEMERAL, name
        assert await bot.store.subscriptions() == []
        refused_move = await world.slash("move add", {}, permissions=P.DEFAULT_PERMISSIONS, user=member)
        assert refused_move["type"] == 4 and "moderators" in refused_move["data"]["content"]

        sub = await world.subscribe("meta-joined", "org", name="Facebook", direction="joined")
        subs = await bot.store.subscriptions()
        assert [(s.id, s.channel_id, s.target_name, s.direction) for s in subs] == [
            (sub, int(world.ch["meta-joined"].id), "Meta", "joined")]
        again = await world.subscribe("meta-joined", "org", name="Meta", direction="joined")
        assert again == sub and len(await bot.store.subscriptions()) == 1

        unknown = await world.slash("subscribe person", {"name": "Qxqxqx Qxqx"})
        assert unknown["data"]["content"].startswith("I don't know the person")
        listed = await world.slash("subscriptions")
        assert listed["data"]["flags"] & EPHEMERAL
        assert f"`#{sub}` <#{world.ch['meta-joined'].id}> · Meta (joined) · active" in \
            listed["data"]["embeds"][0]["description"]
        gone = await world.slash("unsubscribe", {"subscription": sub})
        assert gone["data"]["content"] == f"Subscription #{sub} removed."
        assert await bot.store.subscriptions() == []


# -- each source of moves: exactly once to each matching channel, to no other --------------------------------------

async def test_a_move_added_with_the_form_reaches_each_matching_channel_once(world):
    async with world.running() as bot:
        await make_subscriptions(world)
        opened = await world.fake.send_slash_command("move add", {"status": "confirmed"},
                                                     channel_id=world.general.id, permissions=MOD)
        body = await opened.wait_response()
        assert body["type"] == 9
        ids = modal_inputs(body)
        submitted = await world.fake.submit_modal(opened, {
            ids["Person"]: "Zoe Newhire",
            ids["From: org / team / role"]: "Google DeepMind / / research scientist",
            ids["To: org / team / role (empty: not reported)"]: "Meta / Superintelligence Labs",
            ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]: "2026-05-04",
            ids["Source URLs, one per line"]: "https://example.com/zoe-newhire\nhttps://example.org/zoe",
        })
        recorded = await submitted.wait_response()
        assert recorded["data"]["embeds"][0]["title"] == "Recorded"
        await world.wait_posts(world.ch["everything"], 1)
        await world.settled()
        assert world.counts() == {"general": 0, "meta-joined": 1, "pang": 0, "everything": 1, "afm-left": 0,
                                  "google-joined": 0, "mod-log": 0}
        for name in ("meta-joined", "everything"):
            embed = world.posts(world.ch[name])[0].json["embeds"][0]
            assert embed["title"] == "New move" and "fields" not in embed and embed["timestamp"]
            assert embed["description"].startswith("Zoe Newhire moved from Google DeepMind to Meta ")
            assert embed["description"].count("Zoe Newhire") == 1  # the move said once
            assert "](https://example.com/zoe-newhire)" in embed["description"]
        assert (await bot.store.move("zoe-newhire-meta-2026")) is not None
        # The name is known at once: /subscribe person finds the new person.
        await world.subscribe("pang", "person", name="Zoe Newhire")


async def _submit_move(world, command: str, options: dict, values: dict[str, str]) -> dict:
    opened = await world.fake.send_slash_command(command, options, channel_id=world.general.id, permissions=MOD)
    body = await opened.wait_response()
    assert body["type"] == 9
    ids = modal_inputs(body)
    submitted = await world.fake.submit_modal(opened, {ids[label]: value for label, value in values.items()})
    return await submitted.wait_response()


async def test_a_departure_from_the_form_then_its_destination_by_edit_is_one_move_and_one_new_alert(world):
    """Destination left empty: a departure. /move edit fills it in: an update where the departure was announced,
    the move as new where only the destination is followed; each channel gets one "new"."""
    async with world.running() as bot:
        await make_subscriptions(world)
        recorded = await _submit_move(world, "move add", {"status": "reported"}, {
            "Person": "Zoe Newhire", "From: org / team / role": "Google DeepMind",
            "To: org / team / role (empty: not reported)": "",
            "Date: YYYY, YYYY-MM or YYYY-MM-DD": "2026-05", "Source URLs, one per line": "https://example.com/zoe"})
        assert recorded["data"]["embeds"][0]["title"] == "Recorded"
        assert "(destination not reported)" in recorded["data"]["embeds"][0]["description"]
        await world.wait_posts(world.ch["everything"], 1)
        move_id = "zoe-newhire-left-google-deepmind-2026"
        assert (await bot.store.move(move_id)).to_org is None
        edited = await _submit_move(world, "move edit", {"move_id": move_id}, {
            "To: org / team / role (empty: not reported)": "Meta / MSL"})
        assert edited["data"]["embeds"][0]["title"].startswith("Corrected: to_org")
        await world.wait_posts(world.ch["meta-joined"], 1)
        await world.wait_posts(world.ch["everything"], 2)
        await world.settled()
        assert world.counts()["everything"] == 2 and world.counts()["meta-joined"] == 1
        update = world.posts(world.ch["everything"])[1].json["embeds"][0]
        assert update["title"] == "Destination now known"
        assert update["description"].startswith(
            "Now known: Zoe Newhire joined Meta (Superintelligence Labs) (May 2026)")
        assert world.posts(world.ch["meta-joined"])[0].json["embeds"][0]["title"] == "New move"
        assert (await bot.store.move(move_id)).to_team == "Superintelligence Labs"


async def test_a_move_added_by_the_cli_while_the_bot_runs_reaches_each_matching_channel_once(world):
    async with world.running():
        await make_subscriptions(world)
        env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
        proc = await asyncio.create_subprocess_exec(
            str(MOVESBOT), "add", "--db", str(world.db_path), "--data", str(ROOT / "data"),
            "--person", "Pang Ruoming", "--from-org", "OpenAI", "--to-org", "Anthropic", "--date", "2026-09",
            "--source", "https://example.com/pang-openai", cwd=str(world.db_path.parent), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == "ruoming-pang-anthropic-2026"
        await world.wait_posts(world.ch["pang"], 1, timeout=10)
        await world.settled()
        assert world.counts() == {"general": 0, "meta-joined": 0, "pang": 1, "everything": 1, "afm-left": 0,
                                  "google-joined": 0, "mod-log": 0}
        assert world.posts(world.ch["pang"])[0].json["embeds"][0]["description"].startswith("Ruoming Pang")


async def test_a_dataset_change_reaches_each_matching_channel_once(world, data_copy):
    async with world.running(data_copy, MOVESBOT_DATA_POLL_SECONDS=0.05) as bot:
        await make_subscriptions(world)
        sources = read_rows(data_copy / "sources.csv")
        write_rows(data_copy / "sources.csv", [*sources, {"move_id": "dana-dataset-anthropic-2026",
                                                          "url": "https://example.com/dana"}])
        moves = read_rows(data_copy / "moves.csv")
        write_rows(data_copy / "moves.csv", [*moves, {
            "id": "dana-dataset-anthropic-2026", "person": "Dana Dataset", "from_org": "Apple",
            "from_team": "AFM", "to_org": "Anthropic", "date": "2026-06", "status": "confirmed"}])
        await world.wait_posts(world.ch["afm-left"], 1, timeout=10)
        await world.settled()
        assert world.counts() == {"general": 0, "meta-joined": 0, "pang": 0, "everything": 1, "afm-left": 1,
                                  "google-joined": 0, "mod-log": 0}
        assert world.posts(world.ch["afm-left"])[0].json["embeds"][0]["description"].startswith("Dana Dataset")

        # A correction of that row: no new alert anywhere (none of these channels asked for corrections)...
        moves = read_rows(data_copy / "moves.csv")
        moves[-1]["notes"] = "start date confirmed"
        write_rows(data_copy / "moves.csv", moves)
        for _ in range(100):
            if (await bot.store.move("dana-dataset-anthropic-2026")).notes == "start date confirmed":
                break
            await asyncio.sleep(0.05)
        await world.settled()
        assert sum(world.counts().values()) == 2


# -- corrections ---------------------------------------------------------------------------------------------------

async def test_a_correction_is_not_realerted_and_noticed_only_where_asked(world):
    async with world.running() as bot:
        await world.subscribe("everything", "everything")
        await world.subscribe("pang", "person", name="Ruoming Pang", corrections=True)
        move = await bot.store.record_move(Move.model_validate({
            "id": "ruoming-pang-anthropic-2026", "person": "Ruoming Pang", "from": {"org": "OpenAI"},
            "to": {"org": "Anthropic"}, "date": "2026-09", "status": "reported",
            "sources": [{"url": "https://example.com/pang-anthropic"}]}), origin="cli", actor="cli")
        await world.wait_posts(world.ch["pang"], 1)
        await world.settled()

        opened = await world.fake.send_slash_command("move edit", {"move_id": move.id, "status": "confirmed"},
                                                     channel_id=world.general.id, permissions=MOD)
        ids = modal_inputs(await opened.wait_response())
        submitted = await world.fake.submit_modal(opened, {ids["Date: YYYY, YYYY-MM or YYYY-MM-DD"]: "2026-09-02"})
        corrected = await submitted.wait_response()
        assert corrected["data"]["embeds"][0]["title"] == "Corrected: date, date_precision, status"
        notice = (await world.wait_posts(world.ch["pang"], 2))[1].json["embeds"][0]
        await world.settled()
        assert notice["title"] == "Correction" and notice["description"].startswith("Ruoming Pang")
        assert "(2 September 2026)" in notice["description"]
        assert len(world.posts(world.ch["everything"])) == 1
        assert len(world.posts(world.ch["pang"])) == 2


# -- Discord failing -----------------------------------------------------------------------------------------------

async def _record(bot: MovesBot, person: str, date: str = "2026-04", **extra) -> MoveRecord:
    slug = person.lower().replace(" ", "-")
    return await bot.store.record_move(Move.model_validate({
        "id": f"{slug}-openai-2026", "person": person, "from": {"org": "Meta"}, "to": {"org": "OpenAI"},
        "date": date, "status": "confirmed", "sources": [{"url": f"https://example.com/{slug}"}], **extra}),
        origin="cli", actor="cli")


async def test_a_500_and_429s_are_retried_by_discord_py(world, fast_retries):
    async with world.running() as bot:
        await world.subscribe("everything", "everything")
        channel = world.ch["everything"]
        world.fake.fail_next("POST", rf"/channels/{channel.id}/messages", status=500, count=1)
        world.fake.fail_next("POST", rf"/channels/{channel.id}/messages", status=429, count=2, retry_after=0.01)
        await _record(bot, "Rita Ratelimit")
        await world.wait_posts(channel, 1)
        await world.settled()
        assert [r.status for r in world.posts(channel, ok_only=False)] == [500, 429, 429, 200]
        assert len(world.alerts_in(channel)) == 1
        assert [e.outcome for e in await bot.store.delivery_log()] == ["sent"]


async def test_5xx_beyond_discord_py_retries_are_retried_by_the_worker_and_delivered_once(world, fast_retries):
    async with world.running() as bot:
        await world.subscribe("everything", "everything")
        channel = world.ch["everything"]
        world.fake.fail_next("POST", rf"/channels/{channel.id}/messages", status=500, count=5)
        world.fake.fail_next("POST", rf"/channels/{channel.id}/messages", status=429, count=6, retry_after=0.01)
        await _record(bot, "Sam Servererror")
        await world.wait_posts(channel, 1, timeout=10)
        await world.settled()
        statuses = [r.status for r in world.posts(channel, ok_only=False)]
        assert statuses == [500] * 5 + [429] * 6 + [200]
        assert len(world.alerts_in(channel)) == 1
        outcomes = [e.outcome for e in reversed(await bot.store.delivery_log())]
        assert outcomes == ["retry", "retry", "sent"]
        # Before each resend, the worker looked for the message in the channel's history (not there).
        assert len(world.fake.requests_matching("GET", rf"/channels/{channel.id}/messages")) == 2
        log = await world.slash("alerts log")
        text = log["data"]["embeds"][0]["description"]
        assert text.count("**retry**") == 2 and "**sent**" in text and "500" in text


# -- channels that go away -----------------------------------------------------------------------------------------

async def test_a_deleted_channel_pauses_its_subscription_and_the_server_is_told(world):
    async with world.running() as bot:
        sub = await world.subscribe("afm-left", "everything")
        await world.subscribe("everything", "everything")
        await world.fake.delete_channel(world.ch["afm-left"].id)
        await _record(bot, "Gina Gone")
        notice = await world.wait_posts(world.ch["mod-log"], 1)
        await world.settled()
        text = notice[0].json["content"]
        assert text.startswith(f"movesbot paused alerts for <#{world.ch['afm-left'].id}>: the channel no longer")
        assert notice[0].json["allowed_mentions"] == {"parse": []}
        assert len(world.posts(world.ch["everything"])) == 1
        paused = await bot.store.subscription(sub)
        assert paused.state == "paused" and "no longer exists" in paused.paused_reason

        listed = (await world.slash("subscriptions"))["data"]["embeds"][0]["description"]
        assert f"`#{sub}`" in listed and "**paused**: the channel no longer exists" in listed
        log = (await world.slash("alerts log"))["data"]["embeds"][0]["description"]
        assert "**paused**" in log and "gina-gone-openai-2026" in log and "no longer exists" in log
        assert re.match(r"<t:\d+:f> · <#\d+> · ", log)  # when, as a Discord timestamp
        # Nothing more is tried there while paused.
        await _record(bot, "Gina Again", date="2026-05")
        await world.wait_posts(world.ch["everything"], 2)
        await world.settled()
        assert len(world.posts(world.ch["afm-left"], ok_only=False)) == 1


async def test_a_lost_permission_pauses_and_resume_delivers_the_waiting_alert_once(world):
    async with world.running() as bot:
        channel = world.ch["pang"]
        sub = await world.subscribe("pang", "person", name="Ruoming Pang")
        await world.fake.set_can_send(channel.id, False)
        move = await bot.store.record_move(Move.model_validate({
            "id": "ruoming-pang-anthropic-2026", "person": "Ruoming Pang", "from": {"org": "OpenAI"},
            "to": {"org": "Anthropic"}, "date": "2026-09", "status": "reported",
            "sources": [{"url": "https://example.com/pang-anthropic"}]}), origin="cli", actor="cli")
        notice = await world.wait_posts(world.ch["mod-log"], 1)
        assert "missing permission to post there" in notice[0].json["content"]
        assert "/subscribe resume" in notice[0].json["content"]
        listed = (await world.slash("subscriptions"))["data"]["embeds"][0]["description"]
        assert "**paused**: missing permission to post there" in listed

        await world.fake.set_can_send(channel.id, True)
        resumed = await world.slash("subscribe resume", {"subscription": sub})
        assert resumed["data"]["content"].startswith(f"Subscription #{sub} (Ruoming Pang) is active again")
        posted = await world.wait_posts(channel, 1)
        await world.settled()
        assert len(world.posts(channel)) == 1 and len(world.posts(channel, ok_only=False)) == 2
        assert posted[0].json["embeds"][0]["description"].startswith("Ruoming Pang")
        assert (await bot.store.subscription(sub)).state == "active"
        outcomes = [(e.outcome, e.move_ids) for e in reversed(await bot.store.delivery_log())]
        assert outcomes == [("paused", (move.id,)), ("sent", (move.id,))]
        listed = (await world.slash("subscriptions"))["data"]["embeds"][0]["description"]
        assert " · active · last delivery <t:" in listed


# -- killed mid-delivery -------------------------------------------------------------------------------------------

async def test_killed_after_the_post_the_restarted_bot_finds_its_message_and_posts_nothing(world, monkeypatch):
    channel = world.ch["everything"]
    async with world.running() as bot:
        await world.subscribe("everything", "everything")
        calls = []

        async def dying_mark_sent(*args, **kwargs):
            calls.append(args)
            raise Crash("killed between posting and recording")

        monkeypatch.setattr(bot.store, "mark_sent", dying_mark_sent)
        move = await _record(bot, "Kim Killed")
        await world.wait_posts(channel, 1)
        await world.fake.wait_until(lambda: calls, what="the crash")
        rows = await bot.store._db.execute_fetchall("SELECT state, batch FROM outbox")
        assert rows[0][0] == "sending"
        batch = rows[0][1]
    assert world.posts(channel)[0].json["nonce"] == batch
    assert world.posts(channel)[0].json["enforce_nonce"] is True
    assert world.posts(channel)[0].json["embeds"][0]["footer"]["text"].endswith(batch)

    async with world.running() as bot:
        for _ in range(200):
            if not await world.open_rows():
                break
            await asyncio.sleep(0.02)
        await world.settled()
        assert len(world.posts(channel, ok_only=False)) == 1  # no second POST
        assert world.fake.requests_matching("GET", rf"/channels/{channel.id}/messages")
        rows = await bot.store._db.execute_fetchall("SELECT state, message_id FROM outbox")
        assert rows == [("sent", int(world.posts(channel)[0].response["id"]))]
        log = (await world.slash("alerts log"))["data"]["embeds"][0]["description"]
        assert "**recovered**" in log and move.id in log


async def test_after_a_kill_an_unreadable_history_pauses_instead_of_posting_again(world, monkeypatch):
    """The restarted bot may not read the channel (403 on the history): it pauses and says why; after
    /subscribe resume it looks again, finds the message, and still posts nothing twice."""
    channel = world.ch["everything"]
    async with world.running() as bot:
        sub = await world.subscribe("everything", "everything")
        calls = []

        async def dying_mark_sent(*args, **kwargs):
            calls.append(args)
            raise Crash("killed between posting and recording")

        monkeypatch.setattr(bot.store, "mark_sent", dying_mark_sent)
        await _record(bot, "Hana History")
        await world.wait_posts(channel, 1)
        await world.fake.wait_until(lambda: calls, what="the crash")

    world.fake.fail_next("GET", rf"/channels/{channel.id}/messages", status=403, code=50001, message="Missing Access")
    async with world.running() as bot:
        notice = await world.wait_posts(world.ch["mod-log"], 1)
        assert "missing permission to read the channel history" in notice[0].json["content"]
        listed = (await world.slash("subscriptions"))["data"]["embeds"][0]["description"]
        assert "**paused**: missing permission to read the channel history" in listed
        await world.slash("subscribe resume", {"subscription": sub})
        await world.fake.wait_until(lambda: len(world.fake.requests_matching(
            "GET", rf"/channels/{channel.id}/messages")) >= 2, what="a second look at the history")
        await world.settled()
        assert len(world.posts(channel, ok_only=False)) == 1
        outcomes = [e.outcome for e in reversed(await bot.store.delivery_log())]
        assert outcomes == ["paused", "recovered"]


async def test_killed_before_the_post_the_restarted_bot_posts_exactly_once(world):
    channel = world.ch["everything"]
    attempts = []

    async def dying_send(self, alert):
        attempts.append(alert)
        raise Crash("killed after mark_sending, before the POST")

    with pytest.MonkeyPatch.context() as patch:
        async with world.running() as bot:
            await world.subscribe("everything", "everything")
            patch.setattr(DiscordSender, "send", dying_send)
            await _record(bot, "Pat Precrash")
            await world.fake.wait_until(lambda: attempts, what="the crash")
            assert (await bot.store._db.execute_fetchall("SELECT state FROM outbox"))[0][0] == "sending"
    assert world.posts(channel, ok_only=False) == []

    async with world.running():
        await world.wait_posts(channel, 1)
        await world.settled()
    assert len(world.posts(channel, ok_only=False)) == 1
    assert len(world.alerts_in(channel)) == 1


# -- digests, mentions, test alerts --------------------------------------------------------------------------------

def _burst_rows(count: int) -> tuple[list[dict], list[dict]]:
    moves, sources = [], []
    for i in range(count):
        mid = f"burst-person-{i:02d}-meta-2026"
        date = f"20{21 + i % 5}-{1 + (i * 7) % 12:02d}-{1 + (i * 13) % 28:02d}"
        moves.append({"id": mid, "person": f"Burst Person {i:02d}", "from_org": "Google DeepMind",
                      "from_team": "", "to_org": "Meta", "to_team": "Superintelligence Labs", "date": date,
                      "status": "reported" if i % 2 else "confirmed"})
        for j, publisher in enumerate(("The Information", "Bloomberg News", "South China Morning Post")):
            sources.append({"move_id": mid, "publisher": publisher,
                            "url": f"https://www.example-{j}.com/news/2026/technology/artificial-intelligence/"
                                   f"burst-person-{i:02d}-leaves-google-deepmind-for-meta-superintelligence"})
    return moves, sources


async def test_a_burst_of_fifty_moves_arrives_as_digests_in_date_order(world, data_copy):
    async with world.running(data_copy) as bot:
        await world.subscribe("everything", "everything")
        channel = world.ch["everything"]
        moves, sources = _burst_rows(50)
        write_rows(data_copy / "sources.csv", [*read_rows(data_copy / "sources.csv"), *sources])
        write_rows(data_copy / "moves.csv", [*read_rows(data_copy / "moves.csv"), *moves])
        report = await load_dataset(bot.store, data_copy)  # what `movesbot load` or the watcher does
        assert len(report.added) == 50
        await world.wait_posts(channel, 3)
        await world.settled()
        posts = world.posts(channel)
        assert len(posts) == 3
        embeds = [p.json["embeds"][0] for p in posts]
        assert [e["title"] for e in embeds] == ["20 new moves", "20 new moves", "10 new moves"]
        for embed in embeds:
            size = len(embed["title"]) + len(embed["footer"]["text"]) + sum(
                len(f["name"]) + len(f["value"]) for f in embed["fields"])
            assert size <= EMBED_LIMIT and len(embed["fields"]) <= 25
        names = [f["name"] for e in embeds for f in e["fields"]]
        by_person = {m["person"]: m["date"] for m in moves}
        people = [n.split(" · ")[0] for n in names]
        assert sorted(people) == sorted(by_person)  # every move once: none dropped to fit
        assert [by_person[p] for p in people] == sorted(by_person.values())


def test_a_digest_embed_holds_every_move_within_discord_limits():
    long = "x" * 250
    moves = [MoveRecord(f"m{i}", f"Person {i} {long}", f"Org {long}", f"Team {long}", None, f"Dest {long}",
                        f"Team {long}", None, "2026-01-01", "day", None, "reported", "n" * 900,
                        tuple(SourceRecord(f"https://example.com/{'p' * 200}/{i}/{j}", None, "Publisher " * 5)
                              for j in range(5)))
             for i in range(20)]
    for kind in ("new", "correction"):
        embed = alert_embed(moves, kind, "en", "mb123")
        assert len(embed.fields) == 20
        assert len(embed) <= EMBED_LIMIT
        assert all(len(f.name) <= 256 and len(f.value) <= 1024 for f in embed.fields)
        assert embed.footer.text == "movesbot · mb123"


async def test_the_role_mention_is_the_only_ping(world):
    async with world.running() as bot:
        role_id = world.role["id"]
        await world.subscribe("everything", "everything", mention_role=role_id)
        await world.subscribe("pang", "person", name="Ruoming Pang")
        listed = (await world.slash("subscriptions"))["data"]["embeds"][0]["description"]
        assert f"mentions <@&{role_id}>" in listed
        await bot.store.record_move(Move.model_validate({
            "id": "ruoming-pang-anthropic-2026", "person": "Ruoming Pang", "from": {"org": "OpenAI"},
            "to": {"org": "Anthropic"}, "date": "2026-09", "status": "reported",
            "sources": [{"url": "https://example.com/pang-anthropic"}]}), origin="cli", actor="cli")
        pinged = (await world.wait_posts(world.ch["everything"], 1))[0].json
        quiet = (await world.wait_posts(world.ch["pang"], 1))[0].json
        await world.settled()
    assert pinged["content"] == f"<@&{role_id}>"
    assert pinged["allowed_mentions"]["parse"] == []
    assert [str(r) for r in pinged["allowed_mentions"]["roles"]] == [role_id]
    assert set(pinged["allowed_mentions"]) <= {"parse", "roles"}
    assert not quiet.get("content")
    assert quiet["allowed_mentions"] == {"parse": []}
    # Across everything the bot sent in this test, that one alert is the only body allowing any mention.
    allowing = [r for r in world.fake.requests if isinstance(r.json, dict)
                and (r.json.get("allowed_mentions") or (r.json.get("data") or {}).get("allowed_mentions"))]
    for r in allowing:
        mentions = r.json.get("allowed_mentions") or r.json["data"]["allowed_mentions"]
        assert mentions["parse"] == []
        assert not mentions.get("users") and (not mentions.get("roles") or r.json is pinged)


async def test_subscribe_test_sends_a_test_alert_and_the_log_lists_it(world):
    async with world.running() as bot:
        sub = await world.subscribe("everything", "everything")
        queued = await world.slash("subscribe test", {"subscription": sub})
        assert queued["data"]["content"].startswith(f"A test alert for #{sub} is queued")
        assert queued["data"]["flags"] & EPHEMERAL
        posted = (await world.wait_posts(world.ch["everything"], 1))[0].json
        await world.settled()
        latest, _ = await bot.store.moves(newest_first=True, limit=1)
        assert posted["embeds"][0]["title"] == "Test alert"
        assert posted["embeds"][0]["description"].startswith(latest[0].person)
        log = (await world.slash("alerts log"))["data"]["embeds"][0]["description"]
        assert "**sent**" in log and latest[0].id in log
        nothing = await world.slash("subscribe test", {"subscription": 999})
        assert nothing["data"]["content"] == "There is no subscription #999 in this server."


async def test_subscription_replies_in_the_users_language(world):
    async with world.running():
        body = await world.fake.send_slash_command("subscribe org", {"name": "Meta"}, channel_id=world.ch["pang"].id,
                                                   permissions=MOD, locale="fr")
        said = (await body.wait_response())["data"]["content"]
        assert said.startswith("Abonnement n° ") and "concernant Meta" in said
        gone = await world.fake.send_slash_command("unsubscribe", {"subscription": 999}, permissions=MOD, locale="fr")
        assert (await gone.wait_response())["data"]["content"] == "Il n'y a pas d'abonnement n° 999 sur ce serveur."
        listed = await world.fake.send_slash_command("subscriptions", {}, locale="fr")
        assert (await listed.wait_response())["data"]["embeds"][0]["title"] == "Abonnements aux alertes"


async def test_the_move_form_and_its_replies_speak_french_to_a_french_moderator(world):
    async with world.running():
        opened = await world.fake.send_slash_command("move add", {}, channel_id=world.general.id, permissions=MOD,
                                                     locale="fr")
        body = await opened.wait_response()
        assert body["data"]["title"] == "Enregistrer un mouvement"
        assert set(modal_inputs(body)) == {"Personne", "Depuis : org / équipe / rôle",
                                           "Vers : org / équipe / rôle (vide : inconnue)",
                                           "Date : AAAA, AAAA-MM ou AAAA-MM-JJ", "URL des sources, une par ligne"}
        refused = await world.fake.send_slash_command("move retract", {"move_id": "nope", "reason": "x"},
                                                      permissions=MOD, locale="fr")
        assert (await refused.wait_response())["data"]["content"] == "Aucun mouvement n'a l'id « nope »."
