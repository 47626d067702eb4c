"""First-person moves in quotes: '"I'm joining Anthropic," X wrote', 'X a écrit : « Je rejoins Mistral »'. The
"I" is the person quoted: named outside the quote in the same sentence, or the last person named when the
sentence only says "he said" / "a-t-il écrit"."""

from __future__ import annotations

import re

from bot.news.clause import Clause, Verb
from bot.news.lexicon import AUX
from bot.news.mentions import Mention

_I = frozenset(["i", "je", "j"])
# between "I" and the verb: "I'm", "I've decided to", "I've made the difficult decision to", "j'ai décidé de",
# "I'm excited to join", "je suis ravi de rejoindre"
_FIRST_PERSON_AUX = frozenset((
    "m", "am", "ai", "suis", "vais", "viens", "ve", "have", "ll", "will", "d", "made", "make", "taken", "took",
    "the", "a", "my", "this", "difficult", "tough", "hard", "bittersweet", "decision", "to", "de", "pris", "la",
    "decision", "difficile", "moving", "on", "excited", "thrilled", "happy", "proud", "delighted", "so", "very",
    "heureux", "heureuse", "ravi", "ravie", "fier", "fiere"))
_CLOSE = "\"”»"
_SPEECH = re.compile(r"\b(?:said|says|wrote|writes|posted|told|added|announced|a(?:-t-(?:il|elle))?\s+(?:dit|écrit|"
                     r"déclaré|ajouté|annoncé|confié|expliqué)|(?:dit|écrit|déclaré|ajouté|annoncé|confié|expliqué)-"
                     r"(?:il|elle))\b", re.IGNORECASE)


def speaker(clause: Clause, verb: Verb, last_people: list[Mention]) -> list[Mention] | None:
    """The person an "I" / "je" before the verb stands for, when it sits inside quotes; None when the subject is
    no first-person pronoun in a quote (a reporter's own "I" is nobody's move)."""
    k = verb.ti - 1
    while k >= verb.lo and (clause._folded(k) in _FIRST_PERSON_AUX or clause._folded(k) in AUX):
        k -= 1
    if k < verb.lo or clause._folded(k) not in _I:
        return None
    pos = clause.ws[k].start
    start = _open_quote(clause.text, pos)
    if start is None:
        return None
    end = next((n for n in range(pos, len(clause.text)) if clause.text[n] in _CLOSE), len(clause.text))
    outside = [m for m in clause.mentions if m.kind == "person" and not m.possessive
               and not start <= clause.ws[m.i].start <= end and (m.known or len(m.name.split()) >= 2)]
    after = [m for m in outside if clause.ws[m.i].start > end]
    if after or outside:
        return (after or outside)[-1:] if not after else after[:1]
    rest = clause.text[:start] + clause.text[end:]
    return last_people[:1] if _SPEECH.search(rest) else None


def _open_quote(text: str, pos: int) -> int | None:
    """Where the quote that `pos` is inside of opens, if it is inside one."""
    before = text[:pos]
    straight = [n for n, c in enumerate(before) if c == "\""]
    if len(straight) % 2:
        return straight[-1]
    for o, c in (("“", "”"), ("«", "»")):
        if before.count(o) > before.count(c):
            return before.rindex(o)
    return None
