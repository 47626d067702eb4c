"""An article as the extractor reads it: main text, title, site, publication date, language, URL.

HTML goes through trafilatura, offline: it keeps the story's text and drops menus, footers and cookie notices, and
reads the title, site name and date from the page's own metadata (OpenGraph, JSON-LD, <time>...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.text import fold

_EN = frozenset(fold("the and of to in is has was for with that who said its from have will at by an are were "
                    "this which after his her their").split())
_FR = frozenset(fold("le la les des et est dans pour qui une du au sur avec par ont sont selon a ete son sa ses "
                    "cette aux chez apres aussi qu l d").split())
_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<head|<body|<meta|<article|<div|<p[\s>])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    """What extraction needs from a story; `published` is `YYYY-MM-DD` (or None when neither page nor caller
    gives it)."""

    text: str
    title: str | None = None
    site: str | None = None
    published: str | None = None
    language: str = "en"
    url: str | None = None


def detect_language(text: str) -> str:
    """'fr' or 'en', by the function words each language cannot do without; English when unsure."""
    words = fold(text[:20_000]).split()
    en = sum(w in _EN for w in words)
    fr = sum(w in _FR for w in words)
    return "fr" if fr > en else "en"


def looks_like_html(raw: str) -> bool:
    """A page rather than plain text (what `movesbot extract` is given may be either)."""
    return bool(_HTML.match(raw[:2000]))


def article_from_text(text: str, *, url: str | None = None, published: str | None = None,
                      title: str | None = None) -> Article:
    """A plain-text story (as pasted by a moderator, or a test's paraphrase)."""
    text = text.strip()
    first = text.split("\n", 1)[0].strip()
    if title is None and "\n" in text and len(first) <= 150 and not first.endswith((".", "!", "?", "»", "”")):
        title = first  # a headline on the first line, as a story is usually pasted
    return Article(text=text, title=title, site=None, published=_day(published), language=detect_language(text),
                   url=url)


def article_from_html(html: str | bytes, *, url: str | None = None, published: str | None = None) -> Article:
    """The main text and metadata of a page; `published` given by the caller (a feed item's date) wins over the
    page's own. An empty page gives an article with empty text, never an error."""
    import trafilatura  # imported here: a second or so of import time only for callers that read HTML

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None:
        return Article(text="", url=url, published=_day(published))
    text = (doc.text or "").strip()
    title = (doc.title or "").strip() or None
    if title and not text.startswith(title):
        text = f"{title}\n{text}"  # a headline often states the move: it is read as the first sentence
    return Article(text=text, title=title, site=(doc.sitename or doc.hostname or None), url=url or doc.url,
                   published=_day(published) or _day(doc.date), language=detect_language(text))


def _day(value: str | None) -> str | None:
    """`YYYY-MM-DD` from an ISO date or timestamp; None for anything else."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None
