"""Chat lookups: answering when mentioned, inline `[[name]]` lookups, and every message in Q&A channels.

Needs the message-content intent (privileged) for `[[name]]` and Q&A channels; mentions of the bot carry
their content even without it, so those keep working when Discord refuses the intent.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.answers.parse import detect_locale
from bot.discord_bot.embeds import answer_embed
from bot.discord_bot.replies import APOLOGY, UNAVAILABLE
from bot.discord_bot.views import view_for
from bot.store.errors import describe
from bot.text import fold

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot

log = logging.getLogger(__name__)
NONE = discord.AllowedMentions.none()
MAX_INLINE = 3
MAX_QUESTION = 300

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)
_INLINE_CODE = re.compile(r"``.+?``|`[^`]+`", re.S)  # ``code with a ` inside`` too
_SPOILER = re.compile(r"\|\|.*?\|\|", re.S)
_BLOCK_QUOTE = re.compile(r"^>>> .*", re.M | re.S)  # ">>> " quotes everything after it
_QUOTE_LINE = re.compile(r"^>.*$", re.M)
_INLINE = re.compile(r"\[\[([^\[\]\n]{1,100})\]\]")
_MENTION = re.compile(r"<@!?\d+>|<@&\d+>|<#\d+>")


def inline_names(content: str) -> list[str]:
    """The `[[name]]`s of a message, outside code, spoilers and quotes; at most 3, duplicates dropped."""
    text = _CODE_BLOCK.sub(" ", content)
    text = _INLINE_CODE.sub(" ", text)
    text = _SPOILER.sub(" ", text)
    text = _BLOCK_QUOTE.sub(" ", text)
    text = _QUOTE_LINE.sub(" ", text)
    seen: dict[str, str] = {}
    for raw in _INLINE.findall(text):
        name = raw.strip()
        if name and fold(name) and fold(name) not in seen:
            seen[fold(name)] = name
        if len(seen) == MAX_INLINE:
            break
    return list(seen.values())


class Chat(commands.Cog):
    """Answers in ordinary messages; ignores bots (itself included) and rate-limits each user."""

    def __init__(self, bot: MovesBot):
        self.bot = bot
        self.cooldown = commands.CooldownMapping.from_cooldown(5, 30.0, commands.BucketType.user)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None or message.author.id == self.bot.user.id:
            return
        mentioned = self.bot.user in message.mentions
        names = inline_names(message.content)
        # Without the message-content intent every message reaches us empty: not a question to answer.
        in_qa = message.channel.id in self.bot.settings.qa_channels and bool(message.content.strip())
        if not (mentioned or names or in_qa):
            return
        bucket = self.cooldown.get_bucket(message)
        if bucket is not None and bucket.update_rate_limit():
            log.info("chat cooldown for user %s", message.author.id)
            return
        await self.bot.ready.wait()
        if self.bot.engine is None:  # the database could not be read: say so rather than fail
            await message.channel.send(UNAVAILABLE[detect_locale(message.content)], allowed_mentions=NONE)
            return
        try:
            await self._answer(message, names)
        except discord.Forbidden:
            log.warning("no permission to answer in channel %s", message.channel.id)
        except Exception as exc:
            down = describe(exc, self.bot.db_path)
            if down is not None:  # the database is unreachable for now: one line in the log, and the user is told
                log.warning("chat answer failed, the database is unavailable: %s", down)
            else:
                log.exception("chat answer failed (user %s, channel %s, message %r)", message.author.id,
                              message.channel.id, message.content[:120])
            try:
                reply = UNAVAILABLE if down is not None else APOLOGY
                await message.channel.send(reply[detect_locale(message.content)], allowed_mentions=NONE)
            except discord.HTTPException:
                log.warning("could not send the apology in channel %s", message.channel.id)

    async def _answer(self, message: discord.Message, names: list[str]) -> None:
        engine = self.bot.engine
        assert engine is not None
        if names:
            question = " ".join(names)
            locale = detect_locale(message.content)
            answers = [await engine.lookup(name, locale) for name in names]
        else:
            question = _MENTION.sub(" ", message.content).strip()[:MAX_QUESTION]
            answers = [await engine.ask(question) if question else engine.help(detect_locale(message.content))]
        budget = 6000 // len(answers)
        embeds = [answer_embed(a, budget=budget) for a in answers]
        view = view_for(engine, answers[0], message.author.id) if len(answers) == 1 else None
        kwargs: dict = {"embeds": embeds, "allowed_mentions": NONE, "mention_author": False}
        if view is not None:
            kwargs["view"] = view
        try:
            sent = await message.reply(**kwargs)
        except discord.HTTPException as exc:
            if exc.code != 50035:  # a reply to a message deleted meanwhile: post plainly instead
                raise
            sent = await message.channel.send(**{k: v for k, v in kwargs.items() if k != "mention_author"})
        if view is not None:
            view.message = sent
        log.debug("answered %r in channel %s", question[:80], message.channel.id)


async def setup(bot: MovesBot) -> None:
    await bot.add_cog(Chat(bot))
