"""Alerts in Discord: /subscribe, /unsubscribe, /subscriptions, /alerts log.

Also runs the delivery worker (which polls the database, so moves recorded by `movesbot add` in another
process are announced too) and, when configured, the periodic check of `data/` for dataset changes.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.alerts import AlertWorker, claimer, rate_share
from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.dataset import DatasetInvalid
from bot.discord_bot.alert_sender import DiscordSender
from bot.discord_bot.cadence import (
    DESCRIBE,
    CadenceOption,
    WeekdayOption,
    cadence_option,
    change_cadence,
    queue_test,
    timezone_choices,
    what_it_gets,
)
from bot.discord_bot.embeds import COLOUR
from bot.discord_bot.replies import locale_of, quoted, say, stamp
from bot.service import data_fingerprint, load_dataset
from bot.store.errors import describe, store_problem
from bot.subscriptions_io import everyone_refusal

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
Direction = Literal["left", "joined", "both"]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SubscribeGroup(app_commands.Group, name="subscribe", description="Get alerts in this channel"):
    pass


class Alerts(commands.Cog):
    subscribe = SubscribeGroup()

    def __init__(self, bot: MovesBot):
        self.bot = bot
        self.worker: AlertWorker | None = None
        self._tasks: list[asyncio.Task] = []

    async def cog_load(self) -> None:
        self._tasks.append(asyncio.create_task(self._run_worker(), name="movesbot-alerts"))
        if self.bot.settings.data_poll_seconds > 0:
            self._tasks.append(asyncio.create_task(self._watch_dataset(), name="movesbot-dataset-watch"))

    async def cog_unload(self) -> None:
        for task in self._tasks:
            task.cancel()

    async def _run_worker(self) -> None:
        await self.bot.ready.wait()
        await self.bot.wait_until_ready()
        assert self.bot.store is not None
        settings, shards = self.bot.settings, getattr(self.bot, "shard_ids", None)
        self.worker = AlertWorker(self.bot.store, DiscordSender(self.bot), on_new_moves=self._index_new_moves,
                                  concurrency=settings.alert_concurrency, owner=claimer(shards),
                                  lease=settings.alert_lease_seconds,
                                  rate=rate_share(settings.alert_rate, shards, settings.shard_count))
        since = self.bot.engine.indexed_seq if self.bot.engine is not None else None
        await self.worker.run(self.bot.settings.alert_poll_seconds, since=since)

    async def _index_new_moves(self, move_ids: list[str]) -> None:
        """Names from moves recorded elsewhere (CLI, another process) join the running index."""
        if self.bot.engine is not None and self.bot.store is not None:
            self.bot.engine.add_names(await self.bot.store.name_entries_for(move_ids))

    async def _watch_dataset(self) -> None:
        """Reload `data/` when its files change; added moves are queued for alerts in the load's transaction.
        Nothing in the folder stops the watch: each problem is logged and the next change is looked at again."""
        await self.bot.ready.wait()
        seen = data_fingerprint(self.bot.data_dir)
        while True:
            await asyncio.sleep(self.bot.settings.data_poll_seconds)
            current = data_fingerprint(self.bot.data_dir)
            if current == seen or self.bot.store is None:
                continue
            try:
                if not await self.bot.store.try_lead("dataset-watch"):
                    continue  # another process watches the dataset (and loads it for all)
                seen = current
                await self._reload()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.error("dataset changed but could not be loaded; keeping the current data: %s",
                          store_problem(exc, self.bot.db_path), exc_info=describe(exc, self.bot.db_path) is None)

    async def _reload(self) -> None:
        assert self.bot.store is not None
        try:
            report = await load_dataset(self.bot.store, self.bot.data_dir)
        except DatasetInvalid as exc:
            log.error("dataset changed but has %d error(s); keeping the current data: %s", len(exc.errors),
                      "; ".join(map(str, exc.errors[:5])))
            return
        for notice in report.notices:
            log.warning("dataset: %s", notice)
        log.info("dataset reloaded: %d added, %d changed, %d removed, %d restored", len(report.added),
                 len(report.changed), len(report.removed), len(report.restored))
        if report.total_changes and self.bot.engine is not None:
            await self.bot.engine.refresh_index()

    # -- subscriptions ------------------------------------------------------------------------------------

    async def _subscribe(self, interaction: discord.Interaction, kind: str, name: str | None,
                         direction: Direction, mention_role: discord.Role | None, corrections: bool,
                         *cadence_options: str | int | None) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        cadence, problem = cadence_option(interaction, *cadence_options)  # type: ignore[arg-type]
        if problem is not None:
            await say(interaction, problem)
            return
        if mention_role is not None and (mention_role.is_default()
                                         or everyone_refusal(mention_role.id, interaction.guild_id)):
            await say(interaction, t(locale_of(interaction), "sub_everyone"))
            return
        await self.bot.ready.wait()
        engine, store = self.bot.engine, self.bot.store
        assert engine is not None and store is not None
        target_id, target_name, target_org = None, "everything", None
        if kind != "all":
            hit = engine.index.lookup(name or "", [kind])
            if hit.best is None:
                options = ", ".join(m.label for m in hit.candidates[:5])
                locale = locale_of(interaction)
                await say(interaction, t(locale, f"sub_unknown_{kind}", name=quoted(name or ""))
                          + (" " + t(locale, "did_you_mean", names=options) if options else ""))
                return
            target_id, target_name, target_org = hit.best.id, hit.best.name, hit.best.org
        sub, created = await store.add_subscription(
            guild_id=interaction.guild_id, channel_id=interaction.channel_id, target_kind=kind, target_id=target_id,
            target_name=target_name, target_org=target_org, direction=direction if kind in ("org", "team") else "both",
            mention_role_id=mention_role.id if mention_role else None, corrections=corrections,
            locale=locale_of(interaction), created_by=interaction.user.id, cadence=cadence)
        locale = locale_of(interaction)
        instant = sub.cadence == "instant"
        gets = what_it_gets(sub, locale) + ("" if instant else t(locale, "sub_of_new_moves"))
        await say(interaction, t(locale, "sub_created" if created else "sub_updated", id=sub.id, gets=gets,
                                 about=sub.describe() if instant else sub.target_text()), ephemeral=False)

    @subscribe.command(name="org", description="Alerts for people leaving or joining an org")
    @app_commands.describe(name="Organisation", direction="left, joined or both",
                           mention_role="Role to mention in each alert (optional)",
                           corrections="Also post a notice when a move is corrected", **DESCRIBE)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe_org(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200],
                            direction: Direction = "both", mention_role: discord.Role | None = None,
                            corrections: bool = False, cadence: CadenceOption | None = None,
                            hour: app_commands.Range[int, 0, 23] | None = None,
                            timezone: app_commands.Range[str, 1, 64] | None = None,
                            weekday: WeekdayOption | None = None) -> None:
        await self._subscribe(interaction, "org", name, direction, mention_role, corrections, cadence, hour,
                              timezone, weekday)

    @subscribe.command(name="team", description="Alerts for people leaving or joining a team")
    @app_commands.describe(name="Team", direction="left, joined or both",
                           mention_role="Role to mention in each alert (optional)",
                           corrections="Also post a notice when a move is corrected", **DESCRIBE)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe_team(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200],
                             direction: Direction = "both", mention_role: discord.Role | None = None,
                             corrections: bool = False, cadence: CadenceOption | None = None,
                             hour: app_commands.Range[int, 0, 23] | None = None,
                             timezone: app_commands.Range[str, 1, 64] | None = None,
                             weekday: WeekdayOption | None = None) -> None:
        await self._subscribe(interaction, "team", name, direction, mention_role, corrections, cadence, hour,
                              timezone, weekday)

    @subscribe.command(name="person", description="Alerts when this person moves")
    @app_commands.describe(name="Person", mention_role="Role to mention in each alert (optional)",
                           corrections="Also post a notice when a move is corrected", **DESCRIBE)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe_person(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 200],
                               mention_role: discord.Role | None = None, corrections: bool = False,
                               cadence: CadenceOption | None = None,
                               hour: app_commands.Range[int, 0, 23] | None = None,
                               timezone: app_commands.Range[str, 1, 64] | None = None,
                               weekday: WeekdayOption | None = None) -> None:
        await self._subscribe(interaction, "person", name, "both", mention_role, corrections, cadence, hour,
                              timezone, weekday)

    @subscribe.command(name="everything", description="Alerts for every new move")
    @app_commands.describe(mention_role="Role to mention in each alert (optional)",
                           corrections="Also post a notice when a move is corrected", **DESCRIBE)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe_all(self, interaction: discord.Interaction, mention_role: discord.Role | None = None,
                            corrections: bool = False, cadence: CadenceOption | None = None,
                            hour: app_commands.Range[int, 0, 23] | None = None,
                            timezone: app_commands.Range[str, 1, 64] | None = None,
                            weekday: WeekdayOption | None = None) -> None:
        await self._subscribe(interaction, "all", None, "both", mention_role, corrections, cadence, hour, timezone,
                              weekday)

    @subscribe.command(name="cadence", description="An alert per move, or a daily or weekly digest")
    @app_commands.describe(subscription="Subscription number (see /subscriptions)", **DESCRIBE)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def subscribe_cadence(self, interaction: discord.Interaction, subscription: int, cadence: CadenceOption,
                                hour: app_commands.Range[int, 0, 23] | None = None,
                                timezone: app_commands.Range[str, 1, 64] | None = None,
                                weekday: WeekdayOption | None = None) -> None:
        assert self.bot.store is not None
        await change_cadence(interaction, self.bot.store, subscription, cadence, hour, timezone, weekday)

    @subscribe_org.autocomplete("timezone")
    @subscribe_team.autocomplete("timezone")
    @subscribe_person.autocomplete("timezone")
    @subscribe_all.autocomplete("timezone")
    @subscribe_cadence.autocomplete("timezone")
    async def _timezones(self, _: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return timezone_choices(current[:64])

    @subscribe.command(name="resume", description="Restart a paused subscription")
    @app_commands.describe(subscription="Subscription number (see /subscriptions)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def resume(self, interaction: discord.Interaction, subscription: int) -> None:
        assert self.bot.store is not None and interaction.guild_id is not None
        sub = await self.bot.store.resume_subscription(interaction.guild_id, subscription)
        if sub is None:
            await say(interaction, t(locale_of(interaction), "sub_none", id=subscription))
            return
        await say(interaction, t(locale_of(interaction), "sub_resumed", id=sub.id, about=sub.describe()),
                  ephemeral=False)

    @subscribe.command(name="test", description="Post a test alert (the latest move) or a digest now")
    @app_commands.describe(subscription="Subscription number (see /subscriptions)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def test(self, interaction: discord.Interaction, subscription: int) -> None:
        assert self.bot.store is not None and interaction.guild_id is not None
        sub = await self.bot.store.subscription(subscription)
        if sub is None or sub.guild_id != interaction.guild_id:
            await say(interaction, t(locale_of(interaction), "sub_none", id=subscription))
            return
        if await queue_test(interaction, self.bot.store, sub):
            return
        await self.bot.store.queue_test(sub.id)
        await say(interaction, t(locale_of(interaction), "sub_test_queued", id=sub.id, channel=sub.channel_id))

    @app_commands.command(name="unsubscribe", description="Stop a subscription")
    @app_commands.describe(subscription="Subscription number (see /subscriptions)")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.checks.has_permissions(manage_guild=True)
    async def unsubscribe(self, interaction: discord.Interaction, subscription: int) -> None:
        assert self.bot.store is not None and interaction.guild_id is not None
        locale = locale_of(interaction)
        if await self.bot.store.remove_subscription(interaction.guild_id, subscription):
            await say(interaction, t(locale, "sub_removed", id=subscription), ephemeral=False)
        else:
            await say(interaction, t(locale, "sub_none", id=subscription))

    @app_commands.command(name="subscriptions", description="This server's alert subscriptions")
    @app_commands.guild_only()
    async def subscriptions(self, interaction: discord.Interaction) -> None:
        assert self.bot.store is not None and interaction.guild_id is not None
        subs = await self.bot.store.subscriptions(guild_id=interaction.guild_id)
        locale = locale_of(interaction)
        embed = discord.Embed(title=t(locale, "subs_title"), colour=COLOUR)
        lines = []
        for sub in subs:
            state = t(locale, "sub_active") if sub.state == "active" else t(locale, "sub_paused",
                                                                             reason=sub.paused_reason)
            role = t(locale, "sub_mentions", role=sub.mention_role_id) if sub.mention_role_id else ""
            last = stamp(sub.last_delivery_at, "R") if sub.last_delivery_at else t(locale, "sub_never")
            lines.append(f"`#{sub.id}` <#{sub.channel_id}> · {discord.utils.escape_markdown(sub.describe())} · "
                         f"{state}{role} · {t(locale, 'sub_last', when=last)}")
        embed.description = shorten("\n".join(lines) or t(locale, "subs_none"), 4096)
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)

    alerts_group = app_commands.Group(name="alerts", description="Alert delivery", guild_only=True)

    @alerts_group.command(name="log", description="Where recent alerts went, or why not")
    @app_commands.describe(limit="How many entries (default 15)")
    async def alerts_log(self, interaction: discord.Interaction,
                         limit: app_commands.Range[int, 1, 25] = 15) -> None:
        assert self.bot.store is not None and interaction.guild_id is not None
        entries = await self.bot.store.delivery_log(guild_id=interaction.guild_id, limit=limit)
        lines = [f"{stamp(e.at)} · <#{e.channel_id}> · **{e.outcome}** · "
                 f"{shorten(', '.join(e.move_ids), 120)}" + (f" · {shorten(e.detail, 150)}" if e.detail else "")
                 for e in entries]
        locale = locale_of(interaction)
        embed = discord.Embed(title=t(locale, "log_title"), colour=COLOUR,
                              description=shorten("\n".join(lines) or t(locale, "log_none"), 4096))
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Alerts(bot))
