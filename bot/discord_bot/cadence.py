"""The Discord side of digests' cadence: the options of /subscribe and /subscribe cadence, time-zone
autocomplete, and the replies (in the user's language, from the i18n catalogue)."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Literal
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.digests import BadCadence, changed_cadence, describe_cadence, iso, parse_cadence, utc_now
from bot.discord_bot.replies import locale_of, say
from bot.records import Cadence, Subscription
from bot.store import Store

CadenceOption = Literal["instant", "daily", "weekly"]
WeekdayOption = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DESCRIBE = {"cadence": "instant (an alert per move), or a daily or weekly digest",
            "hour": "Local hour of the digest, 0-23 (default 9)",
            "timezone": "IANA time zone of that hour, like Europe/Paris (default UTC)",
            "weekday": "Day of a weekly digest (default Monday)"}


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def timezone_choices(current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 IANA zones: those starting with what is typed, then those containing it ("paris")."""
    typed = current.strip().lower().replace(" ", "_")
    starts = [z for z in _zones() if z.lower().startswith(typed)]
    inside = [z for z in _zones() if typed in z.lower() and z not in starts] if typed else []
    return [app_commands.Choice(name=z, value=z) for z in (starts + inside)[:25]]


def cadence_option(interaction: discord.Interaction, cadence: str | None, hour: int | None, timezone: str | None,
                   weekday: str | None) -> tuple[Cadence | None, str | None]:
    """The cadence /subscribe was given (None: not given, the subscription keeps its own), or why it is wrong."""
    if cadence is None and hour is None and timezone is None and weekday is None:
        return None, None
    try:
        return parse_cadence(cadence or "daily", hour, timezone, weekday), None
    except BadCadence as exc:
        return None, exc.message(locale_of(interaction))


def what_it_gets(sub: Subscription, locale: str) -> str:
    """"an alert for each new move" / "a digest every Monday at 09:00 (Europe/Paris)"."""
    return describe_cadence(Cadence(sub.cadence, sub.digest_hour, sub.digest_weekday, sub.timezone), locale)


async def change_cadence(interaction: discord.Interaction, store: Store, subscription: int, cadence: str,
                         hour: int | None, timezone: str | None, weekday: str | None) -> None:
    """/subscribe cadence: options left out keep the subscription's own."""
    assert interaction.guild_id is not None
    locale = locale_of(interaction)
    sub = await store.subscription(subscription)
    if sub is None or sub.guild_id != interaction.guild_id:
        await say(interaction, f"There is no subscription #{subscription} in this server.")
        return
    try:
        new = changed_cadence(sub, cadence, hour, timezone, weekday)
    except BadCadence as exc:
        await say(interaction, exc.message(locale))
        return
    done = await store.set_cadence(sub.id, new, iso(utc_now()), guild_id=interaction.guild_id)
    assert done is not None
    target = discord.utils.escape_markdown(shorten(done.target_text(), 200))
    await say(interaction, shorten(_changed(done, target, locale), 1900), ephemeral=False)


def _changed(sub: Subscription, target: str, locale: str) -> str:
    return t(locale, "cadence_changed", id=sub.id, target=target, cadence=what_it_gets(sub, locale))


async def queue_test(interaction: discord.Interaction, store: Store, sub: Subscription) -> bool:
    """A digest subscription's test: a digest posted now (the window so far, or the latest moves); False for an
    instant subscription (the caller queues a test alert)."""
    if sub.cadence == "instant":
        return False
    await store.queue_digest_test(sub.id, iso(utc_now() + timedelta(seconds=1)))  # up to this very second
    await say(interaction, f"A test digest for #{sub.id} is queued for <#{sub.channel_id}>; it should appear "
              "within seconds. `/alerts log` says what happened.")
    return True
