"""The interactive console: the bot's commands and free-text questions in a terminal, no Discord needed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from bot.answers import Answer, Engine, render_text
from bot.answers.i18n import normalize_locale

# Commands that are questions in disguise: the same parser answers them, so "/left Apple AFM since 2025"
# and "who left Apple's AFM team since 2025?" can never disagree.
TEMPLATES = {"/left": "who left {}", "/joined": "who joined {}", "/moves": "moves from {}", "/ask": "{}"}
PROMPT = "movesbot> "


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

    async def run(self, stdin: TextIO | None = None) -> None:
        """The read-answer loop; ends cleanly on EOF or /quit."""
        stdin = stdin or sys.stdin
        interactive = stdin.isatty()
        info = await self.engine.store.info()
        self.out.write(f"movesbot console: {info['moves']} moves, {info['people']} people. "
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
