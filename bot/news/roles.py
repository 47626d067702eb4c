"""The roles a sentence gives around a move: "joins Meta as chief scientist", "was named CTO of X", "X, Apple's head
of foundation models, ..."; only when the words are plainly a title, else nothing."""

from __future__ import annotations

import re

from bot.news.lexicon import NEGATED

_AS = re.compile(r"\b(?:as|comme|en\s+tant\s+que|au\s+poste\s+de)\s+(?!(?:part|well|soon|such|much|long|usual|"
                r"noted|seen|described|announced|mentioned|shown|confirmed|expected|planned|reported|early|late|a\s+result|of|if|though)\b)(?:(?:its|their|his|her|the|a|an|son|sa|"
                r"new|nouveau|nouvelle|first|premier|première)\s+)*(?P<r>[^,.;()\"]{2,60}?)(?=\s*(?:[,.;()]|$"
                r"|\b(?:at|(?-i:of\s+[A-Z])|for|in|on|after|following|and|to|chez|de|d['’]|à|pour|avec|where|qui|"
                r"who|with|from|since|under|reporting)\b))", re.IGNORECASE)
_TITLE = re.compile(r"^(?:the\s+|a\s+|an\s+|l['’]|le\s+|la\s+|un\s+|une\s+)?(?:(?:former|ex-|ancien|ancienne|"
                    r"then|longtime)\s*)?(?:\w+['’]s\s+)?(?P<r>(?:(?:top|senior|principal|distinguished|lead|"
                    r"staff|chief|vice|head|former)\s+)*(?:head|lead|leader|chief|director|president|vp|manager|"
                    r"researcher|engineer|scientist|co-?founder|founder|ceo|cto|coo|executive|responsable|"
                    r"directeur|directrice|chercheur|chercheuse|ingénieur|ingénieure|patron|patronne|"
                    r"cofondateur|cofondatrice|cadre)\b[^,]{0,60})$", re.IGNORECASE)


def role_as(text: str, start: int, end: int) -> str | None:
    """The role after "as" / "comme" / "en tant que" between `start` and `end`."""
    found = _AS.search(text, start, end)
    return clean_role(found.group("r")) if found else None


def named_role(between: str) -> str | None:
    """The words between "named" and its org ("named chief scientist of"): a role if short and plain."""
    between = re.sub(r"^\s*(?:as\s+)?(?:(?:its|the|a|an|new|nouveau|nouvelle)\s+)*", "", between)
    between = re.sub(r"\s+(?:of|at|chez|de|d['’]|du|à)\s*$", "", between.strip(" ,"))
    return clean_role(between) if between and len(between.split()) <= 6 and not NEGATED.search(between) else None


def role_after_name(text: str) -> str | None:
    """The role an apposition gives right after a name (`text` starts after it): "X, Apple's head of ...,"."""
    m = re.match(r"\s*,\s*([^,]{3,90}),", text)
    role = _TITLE.match(m.group(1).strip()) if m else None
    return clean_role(role.group("r")) if role else None


def clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = role.strip(" ,.;")
    return role if 1 <= len(role.split()) <= 8 else None
