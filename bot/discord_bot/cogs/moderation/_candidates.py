"""A candidate move as one Discord message: the embed a moderator reads, and its Accept / Edit / Reject buttons.

The buttons are `DynamicItem`s whose custom id carries the candidate's id ("movesbot:cand:accept:12"): the bot
registers the class once, so a click is answered from the id alone, by any process, after any restart.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.answers.render import shorten
from bot.discord_bot.embeds import COLOUR
from bot.discord_bot.replies import apologize
from bot.news.records import CandidateRecord

if TYPE_CHECKING:
    from bot.discord_bot.cogs.moderation._review import Desk

log = logging.getLogger(__name__)
ACCEPTED, REJECTED, PENDING = discord.Colour(0x57F287), discord.Colour(0xED4245), COLOUR
_LABELS = {"accept": ("Accept", discord.ButtonStyle.success), "edit": ("Edit", discord.ButtonStyle.primary),
           "reject": ("Reject", discord.ButtonStyle.danger), "source": ("Add as a source", discord.ButtonStyle.success),
           "dismiss": ("Dismiss", discord.ButtonStyle.secondary)}


def when(iso: str | None) -> str:
    """A Discord timestamp (shown in each reader's time zone) for an ISO time of the store."""
    if not iso:
        return ""
    return f"<t:{int(datetime.fromisoformat(iso).timestamp())}:f>"


def who(actor: str | None) -> str:
    """"discord:123" as a mention (which never pings: allowed mentions are off), anything else as written."""
    if actor and actor.startswith("discord:") and actor[8:].isdigit():
        return f"<@{actor[8:]}>"
    return discord.utils.escape_markdown(actor or "someone")


def place(org: str | None, team: str | None) -> str:
    return (org or "?") + (f" ({team})" if team else "")


def decision_line(c: CandidateRecord) -> str | None:
    if c.state == "accepted":
        return f"✅ Accepted by {who(c.decided_by)} {when(c.decided_at)} → move `{c.move_id}`"
    if c.state == "rejected":
        return f"❌ Rejected by {who(c.decided_by)} {when(c.decided_at)}: it will not be proposed again"
    return None


def candidate_embed(c: CandidateRecord, *, person_new: bool, offer_source: bool = False,
                    note: str | None = None) -> discord.Embed:
    """Person, from → to, date, status, evidence, article(s), and whether the person is new to the record; the
    decision once taken (or `note`, what was just done to an offer)."""
    on_record = c.move_id if offer_source else c.known_move_id
    title = "New story about a move on record" if on_record else "Candidate move"
    destination = place(c.to_org, c.to_team) if c.to_org else "destination not reported"
    person = discord.utils.escape_markdown(c.person)
    newness = "new to the record" if person_new else "already on record"
    lines = [f"**{person}** ({newness})", discord.utils.escape_markdown(f"{place(c.from_org, c.from_team)} → "
                                                                         f"{destination}")]
    roles = [r for r in (c.from_role and f"was {c.from_role}", c.to_role and f"now {c.to_role}") if r]
    if roles:
        lines.append(discord.utils.escape_markdown(shorten("; ".join(roles), 300)))
    colour = {"accepted": ACCEPTED, "rejected": REJECTED}.get(c.state, PENDING)
    embed = discord.Embed(title=title, description="\n".join(lines), colour=colour)
    embed.add_field(name="Date", value=c.date or f"not given (article: {c.article.published or 'undated'})")
    embed.add_field(name="Status", value=c.status)
    if c.evidence:
        embed.add_field(name="Evidence", value=shorten(f"> {discord.utils.escape_markdown(c.evidence)}", 1024),
                        inline=False)
    embed.add_field(name="Article" if len(c.sources) < 2 else "Articles", value=_articles(c), inline=False)
    if on_record:
        embed.add_field(name="On record", value=f"`{on_record}`: accepting adds the article as a source",
                        inline=False)
    decided = note or decision_line(c)
    if decided:
        embed.add_field(name="Decision", value=shorten(decided, 1024), inline=False)
    embed.set_footer(text=f"candidate #{c.id}" + (f" · feed #{c.feed_id}" if c.feed_id else ""))
    return embed


def _articles(c: CandidateRecord) -> str:
    out, used = [], 0
    for s in c.sources or (c.article,):
        label = discord.utils.escape_markdown(shorten(s.title or s.publisher or s.url, 80)).replace("]", ")")
        extra = " · ".join(x for x in (s.publisher, s.published) if x)
        line = (f"[{label}]({s.url})" if not any(ch in s.url for ch in "()[] <>") else f"<{s.url}>")
        line += f" · {discord.utils.escape_markdown(extra)}" if extra else ""
        if used + len(line) + 1 > 1000:
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out) or "\u200b"


class CandidateButton(discord.ui.DynamicItem[discord.ui.Button],
                      template=r"movesbot:cand:(?P<action>accept|edit|reject|source|dismiss):(?P<id>\d+)"):
    """One button of a candidate message; the click goes to the moderation desk, moderators only."""

    def __init__(self, action: str, candidate_id: int):
        label, style = _LABELS[action]
        super().__init__(discord.ui.Button(label=label, style=style,
                                           custom_id=f"movesbot:cand:{action}:{candidate_id}"))
        self.action = action
        self.candidate_id = candidate_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button,
                             match: re.Match[str], /) -> CandidateButton:
        return cls(match["action"], int(match["id"]))

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        return await _desk(interaction).check_moderator(interaction)

    async def callback(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        try:
            await _desk(interaction).on_button(interaction, self.action, self.candidate_id)
        except Exception:  # logged with its traceback; the moderator gets the usual apology, never a dead click
            log.exception("candidate #%s: %s failed for user %s", self.candidate_id, self.action, interaction.user.id)
            await apologize(interaction)


def _desk(interaction: discord.Interaction) -> Desk:
    cog = interaction.client.get_cog("Review")  # type: ignore[attr-defined]
    assert cog is not None, "the moderation extension is not loaded"
    return cog.desk


class CandidateButtons(discord.ui.View):
    """The buttons of a candidate message. Never kept in discord.py's view store (`is_dispatchable` False): the
    registered `CandidateButton` class answers every click, and a stored view timing out would unregister it."""

    def __init__(self, candidate_id: int, actions: tuple[str, ...]):
        super().__init__(timeout=None)
        for action in actions:
            self.add_item(CandidateButton(action, candidate_id))

    def is_dispatchable(self) -> bool:
        return False


def buttons_for(c: CandidateRecord, offer_source: bool) -> CandidateButtons | None:
    """Accept / Edit / Reject for a pending candidate; Add as a source / Dismiss for a new story of an accepted
    one; nothing once decided."""
    if c.state == "pending":
        return CandidateButtons(c.id, ("accept", "edit", "reject"))
    if offer_source:
        return CandidateButtons(c.id, ("source", "dismiss"))
    return None
