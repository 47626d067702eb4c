"""/help's list of commands: every slash command of the tree, as a clickable mention (`</left:123>`) in the
user's language (French clients see `/departs`), with its description."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord import app_commands

from bot.answers.i18n import t
from bot.discord_bot.translator import FRENCH

if TYPE_CHECKING:
    from bot.discord_bot.bot import MovesBot


def command_mentions(bot: MovesBot, locale: str) -> str:
    """"**Commands**" then one line a command: its mention and what it does, in `locale`."""
    lines = [f"**{t(locale, 'help_commands')}**"]
    for command in sorted(bot.tree.walk_commands(), key=lambda c: c.qualified_name):
        if isinstance(command, app_commands.Group):
            continue
        root = command.root_parent or command
        words = command.qualified_name.split()
        if locale == "fr":
            words = [FRENCH.get(w, w) for w in words]
            description = FRENCH.get(command.description, command.description)
        else:
            description = command.description
        name = " ".join(words)
        command_id = bot.command_ids.get(root.name)
        mention = f"</{name}:{command_id}>" if command_id else f"`/{name}`"
        lines.append(f"{mention} · {description}")
    return "\n".join(lines)
