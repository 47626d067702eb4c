"""The interactive console: the bot's commands and free-text questions in a terminal, no Discord needed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.alerts import preview_subscription
from bot.answers import Answer, Engine, render_text
from bot.answers.i18n import format_iso, normalize_locale, t
from bot.answers.render import move_line

# Commands that are questions in disguise: the same parser answers them, so "/left Apple AFM since 2025"
# and "who left Apple's AFM team since 2025?" can never disagree.
TEMPLATES = {"/left": "who left {}", "/joined": "who joined {}", "/moves": "moves from {}", "/ask": "{}"}
PROMPT = "movesbot> "
PREVIEW_USAGE = "Usage: /preview org|team NAME [left|joined|both], /preview person NAME, /preview everything"
PREVIEW_KINDS = {"org": "org", "team": "team", "person": "person", "everything": "all", "all": "all"}


class Console:
    """Reads lines, answers each; `/more` pages through the last list."""

    def __init__(self, engine: Engine, locale: str | None = None, out: TextIO | None = None):
        self.engine = engine
        self.locale = normalize_locale(locale) if locale else None
        self.out = out or sys.stdout
        self.last: Answer | None = None

    async def handle(self, line: str) -> str | None:
        """Answer one line; None means quit."""
        line = line.strip()
        if not line:
            return ""
        command, _, rest = line.partition(" ")
        command = command.lower()
        rest = rest.strip()
        loc = self.locale or "en"
        if command in ("/quit", "/exit", "quit", "exit"):
            return None
        handlers: dict[str, Callable] = {
            "/help": lambda: self.engine.help(loc),
            "/person": lambda: self.engine.person(rest, loc),
            "/org": lambda: self.engine.org(rest, loc),
            "/recent": lambda: self.engine.recent(loc),
            "/about": lambda: self.engine.about(loc),
        }
        if command == "/preview":
            return await self.preview(rest, loc)
        if command == "/chart":
            from bot.charts.files import console_chart

            return await console_chart(self.engine, rest, loc)
        if command in ("/more", "more", "plus"):
            if self.last is None or not self.last.has_more or self.last.request is None:
                return "Nothing more."
            answer = await self.engine.page(self.last.request, self.last.offset + len(self.last.facts))
        elif command in TEMPLATES:
            if not rest:
                return f"Usage: {command} NAME …  (see /help)"
            answer = await self.engine.ask(TEMPLATES[command].format(rest), self.locale)
        elif command in handlers:
            if command in ("/person", "/org") and not rest:
                return f"Usage: {command} NAME"
            answer = handlers[command]()
            if not isinstance(answer, Answer):
                answer = await answer
        elif command.startswith("/"):
            return f"Unknown command {command}. Type /help."
        else:
            answer = await self.engine.ask(line, self.locale)
        self.last = answer
        text = render_text(answer)
        if answer.has_more:
            text += "\n(/more for the next page)"
        return text

    async def preview(self, rest: str, locale: str) -> str:
        """`/preview org Apple left`: the recent moves such a subscription would deliver (the core decides)."""
        kind_word, _, name = rest.partition(" ")
        kind = PREVIEW_KINDS.get(kind_word.lower())
        words = name.split()
        direction = "both"
        if kind in ("org", "team") and len(words) > 1 and words[-1].lower() in ("left", "joined", "both"):
            direction = words.pop().lower()
        name = " ".join(words)
        if kind is None or (kind != "all" and not name):
            return PREVIEW_USAGE
        found = await preview_subscription(self.engine.store, self.engine.index, kind, name, direction)
        if found.target is None:
            hint = f" Did you mean: {', '.join(found.suggestions)}?" if found.suggestions else ""
            return f"I don't know the {kind} “{name}”.{hint}"
        if not found.moves:
            return f"A subscription to {found.target} would deliver no move on record yet."
        shown = f"all {found.total}" if found.total == len(found.moves) else \
            f"{len(found.moves)} most recent of {found.total}"
        lines = [f"A subscription to {found.target} would deliver these moves ({shown}):"]
        for move in found.moves:
            lines.append(f"• {move_line(move, locale)}")
            lines.extend(f"    {s.url}" for s in move.sources[:1])
        return "\n".join(lines)

    async def run(self, stdin: TextIO | None = None) -> None:
        """The read-answer loop; ends cleanly on EOF or /quit."""
        stdin = stdin or sys.stdin
        interactive = stdin.isatty()
        info = await self.engine.store.info()
        current = t("en", "record_current", latest=format_iso(info["latest_move"], "en"))
        self.out.write(f"movesbot console: {info['moves']} moves, {info['people']} people; {current}. "
                       "Ask a question, or /help. Ctrl-D to quit.\n")
        while True:
            if interactive:
                try:
                    line = input(PROMPT)
                except EOFError:
                    self.out.write("\n")
                    return
            else:
                line = stdin.readline()
                if not line:
                    return
            reply = await self.handle(line)
            if reply is None:
                return
            if reply:
                self.out.write(reply + "\n\n")
                self.out.flush()
