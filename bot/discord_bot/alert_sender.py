"""The Discord side of alert delivery: posting alerts, finding them again, and telling a server about pauses."""

from __future__ import annotations

import io
import logging

import aiohttp
import discord

from bot.alerts import Alert, ChannelGone, Rejected, RetryLater
from bot.charts.words import alt_text
from bot.digest_content import DigestMessage
from bot.discord_bot.digest_embed import digest_embed
from bot.discord_bot.embeds import alert_embed

log = logging.getLogger(__name__)
HISTORY_LOOKBACK = 50

PAUSED = {"en": "movesbot paused alerts for <#{channel}>: {reason}. Nothing is lost: once fixed, run "
                "`/subscribe resume` and the waiting alerts are posted.",
          "fr": "movesbot a suspendu les alertes de <#{channel}> : {reason}. Rien n'est perdu : une fois corrigé, "
                "lancez `/subscribe resume` et les alertes en attente seront publiées."}


class DiscordSender:
    """`bot.alerts.Sender` and `bot.digests.DigestSender` over discord.py (whose own HTTP layer already retries
    429s and 5xx a few times)."""

    def __init__(self, client: discord.Client):
        self.client = client

    async def send(self, alert: Alert) -> int:
        embed = alert_embed(alert.moves, alert.kind, alert.locale, alert.batch)
        return await self._post(alert.channel_id, alert.guild_id, alert.batch, alert.mention_role_id, embed=embed)

    async def send_digest(self, message: DigestMessage) -> int:
        """A digest, its chart attached (with the chart's numbers in words as the file's alt text) when drawn."""
        extra: dict = {"embed": digest_embed(message)}
        if message.png is not None and message.chart is not None:
            extra["file"] = discord.File(io.BytesIO(message.png), filename=message.chart_name,
                                         description=alt_text(message.chart))
        return await self._post(message.channel_id, message.guild_id, message.batch, message.mention_role_id,
                                **extra)

    async def _post(self, channel_id: int, guild_id: int, nonce: str, mention_role_id: int | None,
                    **message: object) -> int:
        """Post with the batch as nonce; Discord's answers become the worker's `ChannelGone`, `Rejected` or
        `RetryLater`."""
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        # the one mention the bot ever makes, when a moderator set it; never the @everyone role (the guild's id)
        if mention_role_id and mention_role_id != guild_id:
            content = f"<@&{mention_role_id}>"
            mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(mention_role_id)])
        else:
            content, mentions = None, discord.AllowedMentions.none()
        try:
            sent = await channel.send(content=content, nonce=nonce, allowed_mentions=mentions, **message)
        except discord.Forbidden as exc:
            raise ChannelGone(f"missing permission to post there (Discord: {exc.text or exc.status})") from exc
        except discord.NotFound as exc:
            raise ChannelGone(f"the channel no longer exists (Discord: {exc.text or exc.status})") from exc
        except discord.HTTPException as exc:
            answer = f"Discord answered {exc.status} {exc.text or ''}".strip()
            if 400 <= exc.status < 500 and exc.status != 429:
                raise Rejected(answer) from exc
            raise RetryLater(answer) from exc
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise RetryLater(f"network error: {type(exc).__name__}") from exc
        return sent.id

    async def find(self, channel_id: int, batch: str) -> int | None:
        me = self.client.user
        if me is None:
            return None
        channel = self.client.get_partial_messageable(channel_id)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id == me.id and any(batch in (e.footer.text or "") for e in message.embeds):
                    return message.id
        except discord.NotFound as exc:
            raise ChannelGone("the channel no longer exists") from exc
        except discord.Forbidden as exc:  # without it an alert that may be posted already cannot be checked
            raise ChannelGone("missing permission to read the channel history (needed to check alerts already "
                              f"posted; Discord: {exc.text or exc.status})") from exc
        except discord.HTTPException as exc:
            raise RetryLater(f"could not read the channel history ({exc.status})") from exc
        return None

    async def notify_paused(self, guild_id: int, channel_id: int, reason: str) -> None:
        guild = self.client.get_guild(guild_id)
        if guild is None:  # another process's shard (any process delivers anywhere): ask Discord
            await self._notify_afar(guild_id, channel_id, reason)
            return
        target = guild.system_channel or guild.public_updates_channel
        if target is None or target.id == channel_id or not target.permissions_for(guild.me).send_messages:
            log.info("guild %s has no channel to tell about the pause; /subscriptions shows it", guild_id)
            return
        locale = "fr" if str(guild.preferred_locale).startswith("fr") else "en"
        await target.send(PAUSED[locale].format(channel=channel_id, reason=reason),
                          allowed_mentions=discord.AllowedMentions.none())

    async def _notify_afar(self, guild_id: int, channel_id: int, reason: str) -> None:
        """Tell a guild this process does not hold (its shard runs elsewhere) that alerts are paused, in its system
        channel as Discord's REST API names it. Without the guild's members here, permission is not checked first:
        a refusal is logged, and /subscriptions still shows the pause."""
        try:
            data = await self.client.http.get_guild(guild_id)
            target = data.get("system_channel_id") or data.get("public_updates_channel_id")
            if target is None or int(target) == channel_id:
                log.info("guild %s has no channel to tell about the pause; /subscriptions shows it", guild_id)
                return
            locale = "fr" if str(data.get("preferred_locale", "")).startswith("fr") else "en"
            notice = PAUSED[locale].format(channel=channel_id, reason=reason)
            await self.client.get_partial_messageable(int(target), guild_id=guild_id).send(
                notice, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as exc:
            log.info("could not tell guild %s that alerts are paused (%s); /subscriptions shows it", guild_id,
                     exc.status)
