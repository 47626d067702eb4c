"""Question answering: parse (en, fr) -> query -> `Answer`, and the plain-text renderer."""

from bot.answers.engine import Engine
from bot.answers.model import Answer, Fact
from bot.answers.render import render_text

__all__ = ["Answer", "Engine", "Fact", "render_text"]
