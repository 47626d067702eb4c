"""Moves a sentence tells as a noun rather than a verb: "the hiring of X by Meta", "X's move to Anthropic", "the
departure of X from OpenAI", "l'arrivée de X chez Meta", "le départ de X pour Mistral", "le recrutement de X par
Meta". Real stories tell a move this way as often as with a verb ("Along with the exit of X, ..."); hedged nouns
("the potential departure of X") give nothing, and one after "after" / "since" is background."""

from __future__ import annotations

import re

from bot.news.clause import Clause, Found
from bot.news.dates import date_in, status_of
from bot.news.lexicon import NEGATED
from bot.news.mentions import Mention
from bot.text import fold

_DESCRIBED = r"(?:[\w'’.-]+\s+){0,5}?"  # "the hiring of former Apple researcher X"
_ARRIVAL = re.compile(r"\b(?:(?:arrival|hiring|hire|recruitment|recruiting|poaching|appointment|signing|return)\s+of"
                      r"|(?:arrivée|recrutement|embauche|débauchage|nomination|transfert|venue|retour)\s+(?:de|d['’]))"
                      rf"\s*{_DESCRIBED}$", re.IGNORECASE)
_DEPARTURE = re.compile(r"\b(?:(?:departure|exit|resignation|defection)\s+of|(?:départ|démission)\s+(?:de|d['’]))"
                        rf"\s*{_DESCRIBED}$", re.IGNORECASE)
_POSSESSED = re.compile(r"\s*(?:(?:recent|reported|latest|surprise|sudden|abrupt|planned|récent)\s+)?(?P<noun>move|"
                        r"switch|jump|defection|arrival|departure|exit|return|shift)\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:potential|possible|rumou?red|would-be|eventual|likely|feared|éventuel(?:le)?|"
                    r"possible|potentiel(?:le)?|hypothétique|probable)\s+(?:\w+\s+){0,1}$", re.IGNORECASE)
_TO = frozenset(fold("to at by for chez par pour vers a au joins rejoint").split())
_FROM = frozenset(fold("from de d du of").split())
# a sentence that only names where the last mover goes: "His destination: Anthropic.", "Sa destination : Meta."
_DESTINATION = re.compile(r"^\W*(?:his|her|their|sa|leur)\s+(?:(?:new|next|nouvelle|prochaine)\s+)?(?:destination|"
                          r"employer|home|stop|employeur|point\s+de\s+chute)\s*:", re.IGNORECASE)
# "Yang, who ..., is another big October Meta hire", "X est la dernière recrue de Meta": the gap after the name
_IS_A = re.compile(r"(?:\s*,[^;]{0,160}?,)?\s*(?:is|was|becomes|became|has\s+become|est|devient|était|serait)\s+"
                   r"(?:(?:the|a|an|another|yet\s+another|la|une|encore\s+une)\s+)(?:[\w-]+\s+){0,4}?$", re.IGNORECASE)
_HIRE_NOUNS = frozenset(fold("hire recruit addition signing").split())
_RECRUE = re.compile(r"\brecrue\s+(?:de|d['’]|du)\s*$", re.IGNORECASE)
_BACKGROUND = frozenset(fold("after since following before depuis apres avant").split())


def noun_moves(clause: Clause) -> list[Found]:
    """The moves the sentence tells as nouns, one per person named in one."""
    out = []
    for p in clause.mentions:
        if p.kind != "person" or not (p.known or len(p.name.split()) >= 2):
            continue
        start = clause.ws[p.i].start
        head = clause.text[max(0, start - 80):start]
        arrival, departure = _ARRIVAL.search(head), _DEPARTURE.search(head)
        possessed = _POSSESSED.match(clause.text, clause.ws[p.j - 1].end) if p.possessive else None
        found = arrival or departure
        if not (found or possessed) or NEGATED.search(clause.text[max(0, start - 80):start]):
            continue
        noun_at = start - len(head) + found.start() if found else clause.ws[p.i].start
        if _HEDGE.search(clause.text[:noun_at]):
            continue
        leaving = bool(departure) or bool(possessed and possessed.group("noun").lower() in ("departure", "exit"))
        move = _move(clause, p, noun_at, leaving)
        if move is not None:
            out.append(move)
    return out


def hire_nouns(clause: Clause) -> list[Found]:
    """"X is another big October Meta hire", "X est la dernière recrue de Meta": the person before joins the org."""
    out = []
    for org in clause.mentions:
        start = clause.ws[org.i].start
        recrue = _RECRUE.search(clause.text, 0, start)
        if org.kind != "org" or not org.known or not (clause._folded(org.j) in _HIRE_NOUNS or recrue):
            continue
        end = recrue.start() if recrue else start
        person = next((p for p in reversed(clause.mentions) if p.kind == "person" and clause.ws[p.j - 1].end <= end
                       and (p.known or len(p.name.split()) >= 2)), None)
        if person is None or not _IS_A.fullmatch(clause.text, clause.ws[person.j - 1].end, end) or NEGATED.search(
                clause.text, clause.ws[person.j - 1].end, end):
            continue
        out.append(Found(person=person.name, person_known=person.known, to_org=org.name,
                         date=date_in(clause.text, start, clause.ws[min(org.j, len(clause.ws) - 1)].end,
                                      clause.ctx.published),
                         status=status_of(clause.text), evidence=clause.text))
    return out


def destination(clause: Clause, movers: list[Mention]) -> list[Found]:
    """"His destination: Anthropic.": the move of the person the story just told leaving, with its destination."""
    if not _DESTINATION.match(clause.text) or not movers:
        return []
    org = next((m for m in clause.mentions if m.kind in ("org", "team") and m.known), None)
    if org is None:
        return []
    return [Found(person=p.name, person_known=p.known, to_org=org.org if org.kind == "team" else org.name,
                  to_team=org.name if org.kind == "team" else None, status=status_of(clause.text),
                  evidence=clause.text) for p in movers[:1] if p.known or len(p.name.split()) >= 2]


def _move(clause: Clause, p: Mention, noun_at: int, leaving: bool) -> Found | None:
    """Where the person of a noun phrase went (the org after "to"/"chez"/"by", or the one whose noun it is:
    "Meta's hiring of X") and came from ("from"/"de"); a departure to nowhere is kept for people on record."""
    after = [m for m in clause.mentions if m.kind in ("org", "team") and m.known and p.j <= m.i <= p.j + 8
             and not any(o.kind == "person" for o in clause.mentions if p.j <= o.i < m.i)]
    to = next((m for m in after if clause._folded(m.i - 1) in _TO or clause._folded(m.i - 2) in _TO), None)
    frm = next((m for m in after if m is not to and clause._folded(m.i - 1) in _FROM), None)
    noun_word = clause._word_at(noun_at)
    owner = next((m for m in clause.mentions if m.kind == "org" and m.known and m.possessive
                  and 0 < noun_word - m.j <= 2), None)  # "Meta's hiring of X"
    if to is None and not leaving:
        to = owner
    if leaving and frm is None and owner is not None:
        frm = owner  # "OpenAI's loss of X"
    if to is None and frm is None and not (leaving and p.known):
        return None
    background = any(clause._folded(noun_word - k) in _BACKGROUND for k in (1, 2, 3)) or (to is None and frm is None)
    # (a departure to nowhere only confirms one on record: "The exit of X, ..., who went back to Y" is Y's story)
    end = clause.ws[min(p.j + 8, len(clause.ws)) - 1].end
    return Found(person=p.name, person_known=p.known,
                 from_org=(frm.org if frm.kind == "team" else frm.name) if frm else None,
                 from_team=frm.name if frm and frm.kind == "team" else None,
                 to_org=(to.org if to.kind == "team" else to.name) if to else None,
                 to_team=to.name if to and to.kind == "team" else None,
                 date=date_in(clause.text, noun_at, end, clause.ctx.published),
                 status=status_of(clause.text), evidence=clause.text, background=background)
