"""Answers as Discord embeds, within Discord's limits (6,000 characters an embed, 25 fields, 1,024 a field).

Built from the same `Answer` objects as the console text; user-typed text only ever appears inside embeds
(which never ping) and every send also carries `AllowedMentions.none()`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import discord

from bot.answers import Answer, Fact
from bot.answers.i18n import format_date, t
from bot.answers.render import fact_for_move, move_sentence, place, shorten
from bot.discord_bot.lists import compact_description, is_compact
from bot.records import MoveRecord

COLOUR = discord.Colour(0x5865F2)          # an answer
NOTHING_COLOUR = discord.Colour(0x99AAB5)  # nothing found, did you mean
ALERT_COLOUR = discord.Colour(0x57F287)    # an alert in a subscribed channel


def found_nothing(answer: Answer) -> bool:
    """An answer that found nothing on record (or only a "did you mean")."""
    return answer.intent in ("not_found", "ambiguous") or (answer.total == 0 and not answer.facts
                                                              and answer.intent not in ("help", "about"))
EMBED_LIMIT = 6000


def _link(url: str, label: str | None) -> str:
    """A masked link "[publisher](url)"; URLs with brackets or spaces are shown bare to keep Markdown sane."""
    name = label or urlsplit(url).netloc.removeprefix("www.") or url
    name = discord.utils.escape_markdown(shorten(name, 40)).replace("[", "(").replace("]", ")")
    if any(c in url for c in "()[] <>"):
        return f"<{url}>"
    return f"[{name}]({url})"


def _links(fact: Fact, room: int) -> str:
    out: list[str] = []
    used = 0
    for source in fact.sources:
        link = _link(source.url, source.publisher)
        if used + len(link) + 3 > room:
            break
        out.append(link)
        used += len(link) + 3
    return " · ".join(out)


def fact_field(fact: Fact, locale: str) -> tuple[str, str]:
    """(name, value) of one embed field: who and when as the name; the move, a note and source links below."""
    move = fact.move
    if move is not None:
        name = f"{move.person} · {format_date(move.date, move.date_precision, locale)}"
        # The answers' own words (i18n), so a reported move reads "reportedly" / "aurait quitté" everywhere.
        body = [move_sentence(move, locale)]
    else:
        name, body = fact.text, []
    if fact.detail:
        body.append(shorten(fact.detail, 300))
    text = "\n".join(body)
    links = _links(fact, 1024 - len(text) - 1)
    value = "\n".join(p for p in (text, links) if p) or "\u200b"
    return shorten(name, 256), shorten(value, 1024)


def answer_embed(answer: Answer, budget: int = EMBED_LIMIT) -> discord.Embed:
    """One embed for an answer; fields stop before the character budget is spent."""
    embed = discord.Embed(title=shorten(answer.title or "movesbot", 256), description=shorten(answer.summary, 4096),
                          colour=NOTHING_COLOUR if found_nothing(answer) else COLOUR)
    footer = ""
    if answer.total > len(answer.facts) and answer.page_size:
        page = answer.offset // answer.page_size + 1
        pages = (answer.total + answer.page_size - 1) // answer.page_size
        footer = f"{page}/{pages}"
    footer = " · ".join(p for p in (answer.order.rstrip("."), footer) if p)
    if is_compact(answer):  # lists and tables: one line a move, aligned numbers, in the description
        embed.description = compact_description(answer, _link)
        answer_facts: list[Fact] = []
    else:
        answer_facts = answer.facts[:25]
    spent = len(embed.title or "") + len(embed.description or "") + len(footer) + 20
    for fact in answer_facts:
        name, value = fact_field(fact, answer.locale)
        if spent + len(name) + len(value) > budget:
            break
        embed.add_field(name=name, value=value, inline=False)
        spent += len(name) + len(value)
    if answer.suggestions:
        extra = t(answer.locale, "did_you_mean", names=", ".join(answer.suggestions))
        if spent + len(extra) < budget and len(embed.description or "") + len(extra) + 1 <= 4096:
            embed.description = f"{embed.description}\n{extra}"
    if footer:
        embed.set_footer(text=footer)
    return embed


ALERT_TITLES = {
    "en": {"new": "New move", "correction": "Correction", "completion": "Destination now known", "test": "Test alert",
           "digest": "{count} new moves"},
    "fr": {"new": "Nouveau mouvement", "correction": "Correction", "completion": "Destination désormais connue",
           "test": "Alerte de test", "digest": "{count} nouveaux mouvements"},
}


def alert_embed(moves: list[MoveRecord], kind: str, locale: str, marker: str) -> discord.Embed:
    """An alert: one move in full, or a digest with one field per move; the footer carries the batch marker
    by which a restarted worker recognises a message it already sent."""
    titles = ALERT_TITLES["fr" if locale == "fr" else "en"]
    footer = f"movesbot · {marker}"
    if len(moves) == 1:  # the move said once: its sentence and date, a note, its sources; when it was sent
        move = moves[0]
        fact = fact_for_move(move, locale, with_notes=True)
        text = fact.text
        if kind == "completion" and move.to_org is not None:  # "Now known: Kevin Weil joined X"
            when = format_date(move.date, move.date_precision, locale)
            text = f"{t(locale, 'completed', person=move.person, dst=place(move.to_org, move.to_team))} ({when})"
        body = [discord.utils.escape_markdown(text)]
        if fact.detail:
            body.append(f"*{discord.utils.escape_markdown(fact.detail)}*")
        body.append(_links(fact, 4096 - sum(len(b) + 2 for b in body)))
        embed = discord.Embed(title=titles[kind], colour=ALERT_COLOUR, description=shorten("\n\n".join(
            b for b in body if b), 4096), timestamp=discord.utils.utcnow())
    else:
        title = titles["digest"].format(count=len(moves)) if kind == "new" else f"{titles[kind]} ({len(moves)})"
        embed = discord.Embed(title=title, colour=ALERT_COLOUR)
        shown = moves[:25]
        # Every move of a digest is in it (the worker marks them all sent): each gets an equal share of the
        # embed's 6,000 characters, and a move too long for its share loses source links, then characters.
        room = (EMBED_LIMIT - len(title) - len(footer) - 20) // max(1, len(shown))
        for move in shown:
            name, value = _digest_field(fact_for_move(move, locale), locale, room)
            embed.add_field(name=name, value=value, inline=False)
    embed.set_footer(text=footer)
    return embed


def _digest_field(fact: Fact, locale: str, room: int) -> tuple[str, str]:
    """A digest field within `room` characters (name and value together)."""
    name, value = fact_field(fact, locale)
    if len(name) + len(value) <= room:
        return name, value
    name = shorten(name, min(256, max(room // 3, 20)))
    left = max(room - len(name), 20)
    line = shorten(value.split("\n", 1)[0], left)
    links = _links(fact, left - len(line) - 1)
    return name, f"{line}\n{links}" if links else line
