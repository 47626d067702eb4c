"""The review desk: feeds polled in the background, each new candidate posted in its server's review channel,
and the moderators' clicks on its buttons (accept, edit, reject), whichever message they come from.

Every decision goes through `bot.news.review.Review`, so it is the same as `movesbot candidates accept|reject`;
then every message that shows the candidate (review channels, the clicked one) is edited to say who decided
what, and when, without buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.i18n import t
from bot.discord_bot.cogs.moderation._candidates import (
    CandidateButton,
    buttons_for,
    candidate_embed,
    when,
    who,
)
from bot.discord_bot.cogs.moderation._moves import MoveForm, is_moderator, join_place
from bot.discord_bot.replies import locale_of, quoted, say
from bot.news.extract import Candidate, extract_with_store
from bot.news.feeds import FeedPoller, disabled_notice
from bot.news.fetch import Fetcher, FetchError, FetchResult
from bot.news.pipeline import StoryReader
from bot.news.records import ArticleRef, CandidateAdded, CandidateRecord, Feed
from bot.news.review import (
    Decision,
    Proposal,
    Review,
    UnknownCandidate,
    fetch_article,
    read_page,
    text_article,
)
from bot.recording import MoveInput, MoveInputError
from bot.store import Store

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


class Desk:
    """What the moderation cogs share: the fetcher, the feed poller, and candidates in and out of Discord."""

    def __init__(self, bot: MovesBot):
        self.bot = bot
        self.fetcher: Fetcher | None = None
        self.poller: FeedPoller | None = None

    @property
    def store(self) -> Store:
        assert self.bot.store is not None
        return self.bot.store

    async def open(self) -> None:
        settings = self.bot.settings
        self.fetcher = Fetcher(allow_private=settings.allow_private_urls)
        await self.fetcher.__aenter__()
        reader = StoryReader(self.store, self.fetcher, self._read, self._on_candidate)
        self.poller = FeedPoller(self.store, self.fetcher, reader, poll_seconds=settings.feed_poll_seconds,
                                 on_disabled=self.on_disabled)

    async def close(self) -> None:
        if self.fetcher is not None:
            await self.fetcher.close()

    async def review(self) -> Review:
        await self.bot.ready.wait()
        assert self.bot.engine is not None
        return Review(self.bot.engine)

    async def check_moderator(self, interaction: discord.Interaction) -> bool:
        if is_moderator(interaction, self.bot.settings.moderator_role):
            return True
        await say(interaction, t(locale_of(interaction), "review_mod_only"))
        return False

    # -- in: feeds and articles ---------------------------------------------------------------------------

    async def _read(self, page: FetchResult, title: str | None,
                    published: str | None) -> tuple[ArticleRef, list[Candidate]]:
        """A feed story's page (fetched by the `StoryReader`): the article and the moves it reports."""
        return await (await self.review()).candidates_of(await read_page(page, title, published))

    async def _on_candidate(self, _feed: Feed, added: CandidateAdded) -> None:
        await self.publish(Proposal(added.candidate, added.outcome))

    async def on_disabled(self, feed: Feed) -> None:
        text = disabled_notice(feed, f"`/feeds add {feed.url}`")
        for channel_id in (await self._channels(feed.guild_id)).values():
            with contextlib.suppress(discord.HTTPException):
                await self.bot.get_partial_messageable(channel_id).send(text, allowed_mentions=NONE,
                                                                        suppress_embeds=True)

    async def _channels(self, guild_id: int | None) -> dict[int, int]:
        """{guild: review channel} of a server, or of every server for a feed added from the shell."""
        return await self.store.review_channels(guild_id)

    async def publish(self, proposal: Proposal) -> None:
        """A pending candidate to every review channel of its scope where it is not shown yet (and its new story
        onto the messages that show it); a new story of an accepted one, as an offer to add it as a source."""
        c = proposal.candidate
        if c.state == "pending":
            if proposal.outcome == "source":
                await self.refresh_posts(c)
            for guild_id in await self._channels(c.guild_id):
                await self.post_waiting(guild_id)
        elif proposal.outcome == "source" and await self._lacks_sources(c):
            for guild_id, channel_id in (await self._channels(c.guild_id)).items():
                await self.post(c, guild_id, channel_id)

    async def post_waiting(self, guild_id: int, *, recover: bool = False) -> int:
        """Post the server's pending candidates that no message shows yet; how many were posted. With `recover`
        (at start-up), a post sent just before a crash, whose message id was not stored, is found in the channel's
        recent messages instead of being posted twice."""
        channel_id = (await self._channels(guild_id)).get(guild_id)
        if channel_id is None:
            return 0
        waiting = await self.store.unposted_candidates(guild_id)
        found = await self._recent_posts(channel_id) if recover and waiting else {}
        posted = 0
        for candidate_id in waiting:
            if candidate_id in found:
                await self.store.add_review_post(candidate_id, guild_id, channel_id, found[candidate_id])
                continue
            c = await self.store.candidate(candidate_id)
            if c is not None and await self.post(c, guild_id, channel_id):
                posted += 1
        return posted

    async def _recent_posts(self, channel_id: int, limit: int = 100) -> dict[int, int]:
        """{candidate id: message id} of the bot's candidate messages among a channel's latest."""
        found: dict[int, int] = {}
        try:
            async for message in self.bot.get_partial_messageable(channel_id).history(limit=limit):
                footer = message.embeds[0].footer.text if message.author == self.bot.user and message.embeds else None
                match = re.match(r"candidate #(\d+)", footer or "")
                if match:
                    found.setdefault(int(match[1]), message.id)
        except discord.HTTPException as exc:
            log.warning("could not read the review channel %s: %s", channel_id, exc)
        return found

    async def post(self, c: CandidateRecord, guild_id: int, channel_id: int) -> bool:
        embed, view = await self.render(c)
        try:
            message = await self.bot.get_partial_messageable(channel_id).send(
                embed=embed, allowed_mentions=NONE, **({"view": view} if view else {}))
        except discord.HTTPException as exc:
            log.warning("could not post candidate #%s in channel %s: %s", c.id, channel_id, exc)
            return False
        await self.store.add_review_post(c.id, guild_id, channel_id, message.id)
        if c.review_message_id is None:
            await self.store.set_candidate_message(c.id, channel_id, message.id)
        return True

    # -- out: rendering and decisions ---------------------------------------------------------------------

    async def _lacks_sources(self, c: CandidateRecord) -> bool:
        """An accepted candidate whose move does not cite all its articles yet (a later story): offer them."""
        if c.state != "accepted" or c.move_id is None:
            return False
        move = await self.store.move(c.move_id)
        return move is not None and bool({s.url for s in c.sources} - {s.url for s in move.sources})

    async def render(self, c: CandidateRecord, note: str | None = None,
                     ) -> tuple[discord.Embed, discord.ui.View | None]:
        offer = note is None and await self._lacks_sources(c)
        embed = candidate_embed(c, person_new=await (await self.review()).person_is_new(c), offer_source=offer,
                                note=note)
        return embed, buttons_for(c, offer) if note is None else None

    async def refresh_posts(self, c: CandidateRecord, skip: int | None = None) -> None:
        """Show a candidate's state in every review message of it (but `skip`, answered through its click)."""
        embed, view = await self.render(c)
        for channel_id, message_id in await self.store.review_posts(c.id):
            if message_id == skip:
                continue
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            try:
                await message.edit(embed=embed, view=view, allowed_mentions=NONE)
            except discord.HTTPException as exc:
                log.warning("could not update the review message %s of candidate #%s: %s", message_id, c.id, exc)

    async def on_button(self, interaction: discord.Interaction, action: str, candidate_id: int) -> None:
        if action == "edit":
            await self.open_form(interaction, candidate_id)
            return
        await interaction.response.defer()
        if action == "dismiss":
            c = await self.store.candidate(candidate_id)
            if c is not None:
                embed, _ = await self.render(c, f"Dismissed by {who(f'discord:{interaction.user.id}')} {_now()}")
                await interaction.edit_original_response(embed=embed, view=None, allowed_mentions=NONE)
            return
        review, actor = await self.review(), f"discord:{interaction.user.id}"
        try:
            decision = await (review.reject(candidate_id, actor) if action == "reject"
                              else review.accept(candidate_id, actor))
        except UnknownCandidate:
            await say(interaction, t(locale_of(interaction), "candidate_unknown", id=candidate_id))
            return
        except MoveInputError as exc:
            locale = locale_of(interaction)
            await say(interaction, quoted(t(locale, "move_refused") + "\n" + "\n".join(f"• {e}" for e in exc.errors),
                                          1800) + "\n" + t(locale, "candidate_use_edit"))
            return
        await self.show_decision(interaction, decision, action)

    async def show_decision(self, interaction: discord.Interaction, decision: Decision, action: str) -> None:
        c = decision.candidate
        note = None
        if action == "source" and decision.changed:
            note = f"Sources added to `{c.move_id}` by {who(f'discord:{interaction.user.id}')} {_now()}"
        embed, view = await self.render(c, note)
        await interaction.edit_original_response(embed=embed, view=view, allowed_mentions=NONE)
        await self.refresh_posts(c, skip=interaction.message.id if interaction.message else None)
        if not decision.changed:
            await say(interaction, t(locale_of(interaction), f"candidate_already_{c.state}", id=c.id,
                                     who=who(c.decided_by), when=when(c.decided_at)))
        elif decision.recorded is not None and decision.recorded.outcome != "recorded":
            await say(interaction, t(locale_of(interaction), f"recorded_{decision.recorded.outcome}",
                                     id=decision.recorded.move.id))

    async def open_form(self, interaction: discord.Interaction, candidate_id: int) -> None:
        """The /move add form, filled in from the candidate; submitting it records the move and accepts it."""
        c = await self.store.candidate(candidate_id)
        if c is None or c.state != "pending":
            locale = locale_of(interaction)
            await say(interaction, t(locale, "candidate_unknown", id=candidate_id) if c is None else t(
                locale, f"candidate_already_{c.state}", id=c.id, who=who(c.decided_by), when=when(c.decided_at)))
            return
        values = {"person": c.person, "origin": join_place(c.from_org or "", c.from_team, c.from_role),
                  "destination": join_place(c.to_org, c.to_team, c.to_role) if c.to_org else None,
                  "date": c.date or c.article.published,
                  "sources": "\n".join(s.url for s in c.sources or (c.article,))}
        moves = self.bot.get_cog("Moves")
        locale = locale_of(interaction)
        await interaction.response.send_modal(MoveForm(moves, title=t(locale, "candidate_form", id=c.id),  # type: ignore
                                                       status=c.status, note=None, values=values,
                                                       candidate_id=c.id, locale=locale))

    async def accept_edited(self, interaction: discord.Interaction, candidate_id: int, entry: MoveInput) -> None:
        """The edited candidate's form, submitted: recorded as typed, the candidate accepted."""
        decision = await (await self.review()).accept(candidate_id, f"discord:{interaction.user.id}", entry)
        embed, _ = await self.render(decision.candidate)
        if interaction.message is not None:
            await interaction.response.edit_message(embed=embed, view=None, allowed_mentions=NONE)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NONE)
        await self.refresh_posts(decision.candidate, skip=interaction.message.id if interaction.message else None)
        if not decision.changed:
            c = decision.candidate
            await say(interaction, t(locale_of(interaction), f"candidate_already_{c.state}", id=c.id,
                                     who=who(c.decided_by), when=when(c.decided_at)))

    async def suggest(self, interaction: discord.Interaction, *, url: str | None, text: str | None) -> None:
        """The candidates of one article, privately, each with its buttons (`/move suggest`, "Extract moves")."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        review = await self.review()
        assert self.fetcher is not None
        try:
            article = await fetch_article(self.fetcher, url) if url else text_article(text or "", None)
        except FetchError as exc:
            await say(interaction, t(locale_of(interaction), "article_unreadable", why=exc))
            return
        if article.url is None:
            found = await extract_with_store(article, review.engine.index, review.store)
            lines = [f"• {c.person}: {c.from_org or '?'} → {c.to_org or 'destination not reported'}" for c in found]
            locale = locale_of(interaction)
            await say(interaction, t(locale, "suggest_no_link") + "\n"
                      + (quoted("\n".join(lines[:15]), 1500) or t(locale, "suggest_none_either")))
            return
        proposals = await review.propose(article, guild_id=interaction.guild_id)
        title = discord.utils.escape_markdown(article.title or article.url)
        await say(interaction, t(locale_of(interaction), "suggest_found" if proposals else "suggest_none",
                                 count=len(proposals), title=title))
        for proposal in proposals[:10]:
            embed, view = await self.render(proposal.candidate)
            await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NONE,
                                            **({"view": view} if view else {}))


def _now() -> str:
    return when(datetime.now(UTC).isoformat(timespec="seconds"))


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class ReviewGroup(app_commands.Group, name="review", description="Where candidate moves wait for moderators"):
    pass


class ReviewCog(commands.Cog, name="Review"):
    review = ReviewGroup()

    def __init__(self, bot: MovesBot, desk: Desk):
        self.bot = bot
        self.desk = desk
        self._task: asyncio.Task | None = None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CandidateButton)
        await self.desk.open()
        self._task = asyncio.create_task(self._poll_feeds(), name="movesbot-feeds")

    async def cog_unload(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.bot.remove_dynamic_items(CandidateButton)
        await self.desk.close()

    async def _poll_feeds(self) -> None:
        """The feeds, every `MOVESBOT_FEED_POLL_SECONDS`; candidates left unposted (a failed post, a review
        channel set since) go out first."""
        await self.bot.ready.wait()
        try:
            for guild_id in await self.desk.store.review_channels():
                await self.desk.post_waiting(guild_id, recover=True)
        except Exception:  # the feeds are polled all the same; what waits is posted with their next story
            log.exception("posting the waiting candidates failed")
        assert self.desk.poller is not None
        await self.desk.poller.run(asyncio.Event())

    @review.command(name="channel", description="Post candidate moves for review in this channel (or another)")
    @app_commands.describe(channel="The review channel (default: this one)")
    @app_commands.checks.has_permissions(manage_guild=True)
    async def review_channel(self, interaction: discord.Interaction,
                             channel: discord.TextChannel | None = None) -> None:
        assert interaction.guild_id is not None and interaction.channel_id is not None
        channel_id = channel.id if channel else interaction.channel_id
        await self.desk.store.set_review_channel(interaction.guild_id, channel_id, f"discord:{interaction.user.id}")
        locale = locale_of(interaction)
        await say(interaction, t(locale, "review_set", channel=channel_id), ephemeral=False)
        posted = await self.desk.post_waiting(interaction.guild_id)
        if posted:
            await say(interaction, t(locale, "review_posted", count=posted))
