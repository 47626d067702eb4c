"""/move add|edit|retract|suggest and the "Extract moves" message menu: recording moves by hand, or from an
article's candidates (moderators: Manage Server or `MOVESBOT_MODERATOR_ROLE`)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.answers.i18n import t
from bot.answers.render import move_line, shorten
from bot.discord_bot.embeds import COLOUR
from bot.discord_bot.replies import locale_of, quoted, say
from bot.news.review import UnknownCandidate
from bot.recording import MoveInput, MoveInputError, build_move, record
from bot.records import MoveRecord
from bot.store import MoveExists, UnknownMove

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot
    from bot.discord_bot.cogs.moderation._review import Desk

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
_SEP = re.compile(r"(?:^|\s)[/|](?=\s|$)")  # a slash or bar standing alone: "Apple / / researcher" has no team


def is_moderator(interaction: discord.Interaction, role_id: int | None) -> bool:
    """Manage Server, or the configured moderator role."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False
    if member.guild_permissions.manage_guild:
        return True
    return role_id is not None and any(r.id == role_id for r in member.roles)


def split_place(text: str) -> tuple[str, str | None, str | None]:
    """"Apple / AFM / researcher" -> ("Apple", "AFM", "researcher"); " / " or " | " separate (AI/ML stays)."""
    parts = [p.strip() or None for p in _SEP.split(f" {text.strip()} ", maxsplit=2)]
    parts += [None] * (3 - len(parts))
    return parts[0] or "", parts[1], parts[2]


def join_place(org: str, team: str | None, role: str | None) -> str:
    return " / ".join(p or "" for p in (org, team, role)).rstrip(" /")


def _move_embed(move: MoveRecord, locale: str, title: str) -> discord.Embed:
    embed = discord.Embed(title=shorten(title, 256), description=shorten(move_line(move, locale, True), 4096),
                          colour=COLOUR)
    embed.add_field(name="id", value=f"`{move.id}`", inline=False)
    links = "\n".join(s.url for s in move.sources[:5])
    embed.add_field(name=t(locale, "sources"), value=shorten(links, 1024) or "\u200b", inline=False)
    return embed


def form_values(move: MoveRecord | MoveInput) -> dict[str, str | None]:
    """The form's five fields for a move on record (to correct it) or a typed one (a candidate to edit)."""
    urls = [s.url for s in move.sources] if isinstance(move, MoveRecord) else list(move.sources)
    return {"person": move.person, "origin": join_place(move.from_org, move.from_team, move.from_role),
            "destination": join_place(move.to_org, move.to_team, move.to_role) if move.to_org else None,
            "date": move.date, "sources": "\n".join(urls)}


class MoveForm(discord.ui.Modal):
    """The /move add and /move edit form (five fields, Discord's maximum); pre-filled to correct a move or to
    edit a candidate before accepting it."""

    def __init__(self, cog: Moves, *, title: str, status: str, note: str | None, move: MoveRecord | None = None,
                 values: dict[str, str | None] | None = None, candidate_id: int | None = None, locale: str = "en"):
        super().__init__(title=shorten(title, 45), timeout=900)
        self.cog = cog
        self.status = status
        self.note = note
        self.editing = move
        self.candidate_id = candidate_id
        v = form_values(move) if move else values or {}
        self.person = discord.ui.TextInput(label=t(locale, "form_person"), max_length=200,
                                           default=_fit(v.get("person"), 200))
        self.origin = discord.ui.TextInput(label=t(locale, "form_from"), max_length=400,
                                           placeholder="Apple / AFM / researcher", default=_fit(v.get("origin"), 400))
        self.destination = discord.ui.TextInput(label=t(locale, "form_to"),
                                                max_length=400, required=False, placeholder="Meta / MSL",
                                                default=_fit(v.get("destination"), 400))
        self.date = discord.ui.TextInput(label=t(locale, "form_date"), max_length=10, min_length=4,
                                         default=_fit(v.get("date"), 10))
        self.sources = discord.ui.TextInput(label=t(locale, "form_sources"), style=discord.TextStyle.paragraph,
                                            max_length=2000, default=_fit(v.get("sources"), 2000))
        for item in (self.person, self.origin, self.destination, self.date, self.sources):
            self.add_item(item)

    def entry(self) -> MoveInput:
        from_org, from_team, from_role = split_place(self.origin.value)
        to_org, to_team, to_role = split_place(self.destination.value)
        sources = [u.strip() for u in self.sources.value.splitlines() if u.strip()]
        return MoveInput(person=self.person.value, from_org=from_org, from_team=from_team, from_role=from_role,
                         to_org=to_org, to_team=to_team, to_role=to_role, date=self.date.value, sources=sources,
                         status=self.status, note=self.note)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await self.cog.record_from_form(interaction, self)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:
        log.exception("move form failed for user %s", interaction.user.id, exc_info=error)
        from bot.discord_bot.replies import apologize

        await apologize(interaction)


def _fit(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class MoveGroup(app_commands.Group, name="move", description="Record, correct or retract a move (moderators)"):
    pass


class Moves(commands.Cog):
    move = MoveGroup()

    def __init__(self, bot: MovesBot, desk: Desk):
        self.bot = bot
        self.desk = desk
        self._menu = app_commands.ContextMenu(name="Extract moves", callback=self.extract_menu)
        self._menu.guild_only = True
        self._menu.default_permissions = discord.Permissions(manage_guild=True)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self._menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self._menu.name, type=self._menu.type)

    async def _check_moderator(self, interaction: discord.Interaction) -> bool:
        if is_moderator(interaction, self.bot.settings.moderator_role):
            return True
        await say(interaction, t(locale_of(interaction), "mod_only"))
        return False

    @move.command(name="add", description="Record a new move (a form opens; a source URL is required)")
    @app_commands.describe(status="confirmed (on record) or reported (press citing unnamed people)",
                           note="Short context (optional)")
    async def move_add(self, interaction: discord.Interaction,
                       status: Literal["reported", "confirmed"] = "reported",
                       note: app_commands.Range[str, 1, 1000] | None = None) -> None:
        if await self._check_moderator(interaction):
            locale = locale_of(interaction)
            await interaction.response.send_modal(MoveForm(self, title=t(locale, "form_title_add"), status=status,
                                                           note=note, locale=locale))

    @move.command(name="edit", description="Correct a recorded move (a form opens with its values)")
    @app_commands.describe(move_id="The move's id", status="confirmed or reported (unchanged if empty)",
                           note="New note (unchanged if empty)")
    async def move_edit(self, interaction: discord.Interaction, move_id: app_commands.Range[str, 1, 120],
                        status: Literal["reported", "confirmed"] | None = None,
                        note: app_commands.Range[str, 1, 1000] | None = None) -> None:
        if not await self._check_moderator(interaction):
            return
        assert self.bot.store is not None
        move = await self.bot.store.move(move_id)
        locale = locale_of(interaction)
        if move is None:
            await say(interaction, t(locale, "move_unknown", id=quoted(move_id, 120)))
            return
        await interaction.response.send_modal(MoveForm(self, title=t(locale, "form_title_edit"),
                                                       status=status or move.status, note=note or move.notes,
                                                       move=move, locale=locale))

    @move.command(name="retract", description="Withdraw a move (kept in its history, no longer answered)")
    @app_commands.describe(move_id="The move's id", reason="Why (kept in the history)")
    async def move_retract(self, interaction: discord.Interaction, move_id: app_commands.Range[str, 1, 120],
                           reason: app_commands.Range[str, 1, 500]) -> None:
        if not await self._check_moderator(interaction):
            return
        assert self.bot.store is not None
        try:
            move = await self.bot.store.retract_move(move_id, actor=f"discord:{interaction.user.id}", reason=reason)
        except UnknownMove:
            await say(interaction, t(locale_of(interaction), "move_unknown", id=quoted(move_id, 120)))
            return
        locale = locale_of(interaction)
        await interaction.response.send_message(embed=_move_embed(move, locale, t(locale, "move_retracted")),
                                                allowed_mentions=NONE)

    @move_edit.autocomplete("move_id")
    @move_retract.autocomplete("move_id")
    async def _move_ids(self, _: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        if self.bot.store is None:
            return []
        ids = await self.bot.store.move_ids_like(current.strip().lower()[:120])
        return [app_commands.Choice(name=i[:100], value=i[:100]) for i in ids if len(i) <= 100]

    @move.command(name="suggest", description="The candidate moves of an article, privately, to accept or reject")
    @app_commands.describe(url="The article's address", text="Or the article's text (its first link is its source)")
    async def move_suggest(self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000] | None = None,
                           text: app_commands.Range[str, 1, 6000] | None = None) -> None:
        if not await self._check_moderator(interaction):
            return
        if not url and not text:
            await say(interaction, t(locale_of(interaction), "suggest_needs"))
            return
        await self.desk.suggest(interaction, url=url, text=text)

    async def extract_menu(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """A message's link (a shared article) or its text, as `/move suggest` would read it."""
        if not await self._check_moderator(interaction):
            return
        content = message.content or "\n".join(e.description or "" for e in message.embeds)
        links = re.findall(r"https?://\S+", content)
        rest = re.sub(r"https?://\S+", "", content).strip()
        if links and len(rest) < 200:
            await self.desk.suggest(interaction, url=links[0].strip("<>"), text=None)
        elif rest:
            await self.desk.suggest(interaction, url=None, text=content)
        else:
            await say(interaction, t(locale_of(interaction), "menu_nothing"))

    async def record_from_form(self, interaction: discord.Interaction, form: MoveForm) -> None:
        """Validate the form like the dataset, record (or correct) the move, and answer with it and its id; for a
        candidate, record it and mark it accepted."""
        await self.bot.ready.wait()
        engine, store = self.bot.engine, self.bot.store
        assert engine is not None and store is not None
        entry, actor, locale = form.entry(), f"discord:{interaction.user.id}", locale_of(interaction)
        try:
            if form.candidate_id is not None:
                await self.desk.accept_edited(interaction, form.candidate_id, entry)
                return
            if form.editing is None:
                done = await record(store, engine.index, entry, origin="discord", actor=actor)
                record_ = done.move
                title = t(locale, "move_recorded") if done.outcome == "recorded" else t(
                    locale, f"recorded_{done.outcome}", id=record_.id)
            else:
                move = await build_move(store, engine.index, entry, move_id=form.editing.id)
                record_, changes = await store.edit_move(move, actor=actor)
                title = t(locale, "move_corrected", fields=", ".join(changes) or t(locale, "move_no_change"))
        except MoveInputError as exc:
            text = t(locale, "move_refused") + "\n" + "\n".join(f"• {e}" for e in exc.errors)
            await say(interaction, quoted(text, 1900))
            return
        except MoveExists as exc:
            await say(interaction, t(locale, "move_exists", id=exc))
            return
        except UnknownCandidate:
            await say(interaction, t(locale, "candidate_gone"))
            return
        engine.add_names(await store.name_entries_for([record_.id]))
        await interaction.response.send_message(embed=_move_embed(record_, locale, title), allowed_mentions=NONE)
