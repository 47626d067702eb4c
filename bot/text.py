"""Text normalization shared by the search index, the question parser and the dataset checks."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_POSSESSIVE = re.compile(r"(\w)['’]s\b")


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "Giannaandrea's" -> "giannaandrea".

    Used on both sides of every comparison so that case, accents and punctuation never matter.
    """
    if text.isascii():  # nothing to decompose nor strip: the common case, several times faster
        text = text.lower()
        if "'" in text:
            text = _POSSESSIVE.sub(r"\1", text)
    else:
        text = unicodedata.normalize("NFKD", text)
        text = _POSSESSIVE.sub(r"\1", "".join(c for c in text if not unicodedata.combining(c)).casefold())
    text = text.replace("_", " ")
    return " ".join(_NON_WORD.sub(" ", text).split())


def split_aliases(value: str | None) -> tuple[str, ...]:
    """Split a `;`-separated alias cell, dropping blanks and duplicates but keeping order."""
    if not value:
        return ()
    seen: dict[str, None] = {}
    for part in value.split(";"):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return tuple(seen)
