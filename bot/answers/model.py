"""The answer object every face renders: console text, `ask --json`, and Discord embeds."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.records import MoveRecord, SourceRecord
from bot.search import Match


@dataclass(frozen=True)
class Fact:
    """One line of an answer with the pages that support it."""

    text: str
    sources: tuple[SourceRecord, ...] = ()
    move: MoveRecord | None = None
    detail: str | None = None   # a note or role, shown under the line where there is room
    line: str | None = None     # the move as one compact Markdown line, for lists read on a phone
    cells: tuple[str, ...] = ()  # a row of an aligned table (an org's flows, a ranking): name, then numbers


@dataclass
class Answer:
    """A short factual summary, its lines with sources, and what a script or a view needs to go on."""

    question: str
    intent: str
    locale: str
    title: str
    summary: str
    facts: list[Fact] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    total: int = 0          # facts in all (the answer may hold one page of them)
    offset: int = 0
    page_size: int = 10
    request: dict | None = None  # how to ask for another page (engine method + arguments)
    choices: list[Match] = field(default_factory=list)  # the entities behind `suggestions`, for a picker
    order: str = ""  # how a list is sorted, said to the reader ("Newest first.")

    @property
    def moves(self) -> list[MoveRecord]:
        return [f.move for f in self.facts if f.move is not None]

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.facts) < self.total

    def as_json(self) -> dict:
        """The stable `ask --json` object (scripts depend on its keys)."""
        from bot.answers.render import render_text

        return {
            "question": self.question, "intent": self.intent, "locale": self.locale,
            "text": render_text(self), "people": self.people,
            "moves": [m.as_json() for m in self.moves],
            "suggestions": self.suggestions, "total": self.total,
        }
