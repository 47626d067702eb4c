"""Buttons and menus on answers: pages of a long list, and "did you mean" pickers.

Only the person who asked may use them (others get a short private note), and they switch themselves off
when they time out, so a stale button never fails silently.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.answers import Answer
from bot.answers.i18n import t
from bot.answers.render import shorten
from bot.discord_bot.embeds import answer_embed

if TYPE_CHECKING:
    from bot.answers import Engine

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()


class AuthorView(discord.ui.View):
    """A view that only its author may use, and that disables itself on timeout."""

    def __init__(self, author_id: int, locale: str, timeout: float = 300):
        super().__init__(timeout=timeout)
        self.author_id = author_id
        self.locale = locale
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id == self.author_id:
            return True
        await interaction.response.send_message(t(self.locale, "not_yours"), ephemeral=True, allowed_mentions=NONE)
        return False

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button | discord.ui.Select):
                item.disabled = True
        if self.message is not None:
            try:
                await self.message.edit(view=self)
            except discord.HTTPException:
                log.debug("could not disable a timed-out view", exc_info=True)

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item) -> None:
        log.exception("view %s failed for user %s", type(self).__name__, interaction.user.id, exc_info=error)
        from bot.discord_bot.replies import apologize

        await apologize(interaction, self.locale)


class PagerView(AuthorView):
    """◀ ▶ through a list answer; each page is asked from the engine again (nothing big kept in memory)."""

    def __init__(self, engine: Engine, answer: Answer, author_id: int):
        super().__init__(author_id, answer.locale)
        self.engine = engine
        self.answer = answer
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.answer.offset <= 0
        self.next.disabled = not self.answer.has_more

    async def _show(self, interaction: discord.Interaction, offset: int) -> None:
        assert self.answer.request is not None
        self.answer = await self.engine.page(self.answer.request, max(0, offset))
        self._sync_buttons()
        await interaction.response.edit_message(embed=answer_embed(self.answer), view=self, allowed_mentions=NONE)

    @discord.ui.button(label="◀", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.answer.offset - self.answer.page_size)

    @discord.ui.button(label="▶", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button) -> None:
        await self._show(interaction, self.answer.offset + self.answer.page_size)


class ChoiceView(AuthorView):
    """A menu of the candidates of an unsure name; picking one answers about it in place."""

    def __init__(self, engine: Engine, answer: Answer, author_id: int):
        super().__init__(author_id, answer.locale)
        self.engine = engine
        self.by_value = {f"{m.kind}:{m.id}": m for m in answer.choices[:25]}
        placeholder = t(answer.locale, "did_you_mean_menu")
        select = discord.ui.Select(placeholder=placeholder, options=[
            discord.SelectOption(label=shorten(m.label, 100), value=value, description=m.kind)
            for value, m in self.by_value.items()])
        select.callback = self._chosen
        self.select = select
        self.add_item(select)

    async def _chosen(self, interaction: discord.Interaction) -> None:
        match = self.by_value.get(self.select.values[0])
        if match is None:
            return
        answer = await self.engine.answer_for(match, self.locale)
        view = view_for(self.engine, answer, self.author_id)
        await interaction.response.edit_message(embed=answer_embed(answer), view=view, allowed_mentions=NONE)
        if view is not None:
            view.message = self.message
        self.stop()


def view_for(engine: Engine, answer: Answer, author_id: int) -> AuthorView | None:
    """The view an answer needs, if any: a picker for unsure names, pages for long lists."""
    if answer.choices:
        return ChoiceView(engine, answer, author_id)
    if answer.has_more and answer.request is not None:
        return PagerView(engine, answer, author_id)
    return None
