"""The verbs whose people are not the subject: "Apple lost X to Meta", "Excited to welcome X back to OpenAI", "X
left, followed by Y". Mixed into `sentence.SentenceReader`, whose `_org_before`, `_subjects` and `_found` they
use."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.news.clause import Clause, Found, Verb
from bot.news.dates import date_in
from bot.news.mentions import Mention

LIKE = re.compile(r"[\s,]*\b(?:tout\s+comme|just\s+like|as\s+did|like|de\s+même\s+que)\s+", re.IGNORECASE)


class OtherVerbs(Clause):
    """Losing, welcoming and following: the moves whose people come after the verb or from the story so far."""

    def _lose(self, verb: Verb, previous: tuple[list[Mention], bool]
              ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        """"Apple has lost another AI researcher, X, to Meta": the subject is where they left, "to" where they
        went."""
        subject = self._org_before(verb)
        objects = [m for m in self.mentions if verb.tj <= m.i < verb.hi and m.kind == "person" and m.i - verb.tj <= 8]
        if subject is None or not objects:
            return [], previous
        people = [m for m in self._list_forward(objects[0], verb.hi) if is_person(m)]
        places = self._places(people[-1].j, verb.hi)
        to = next((self._place(m, places) for m in places if self._preceded_by(m, frozenset({"to", "profit", "a"}))),
                  None)
        frm = self._place(subject, [m for m in self.mentions if m.i >= subject.j])
        return self._found(people, frm, to, None, verb, self._background(verb)), (people, False)

    def _welcome(self, verb: Verb, previous: tuple[list[Mention], bool]
                 ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        """"Excited to welcome X, Y and Z back to OpenAI": they join the org after "to"."""
        first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - verb.tj <= 1), None)
        if first is None:
            return [], previous
        people = [m for m in self._list_forward(first, verb.hi) if is_person(m)]
        places = self._places(people[-1].j, verb.hi)
        to = next((self._place(m, places) for m in places if m.known and self._preceded_by(m, frozenset({"to", "a"}), 1)
                   and m.i - people[-1].j <= 3), None)
        return (self._found(people, None, to, None, verb, False) if to else []), (people, False)

    def _follow(self, verb: Verb, previous: tuple[list[Mention], bool]
                ) -> tuple[list[Found], tuple[list[Mention], bool]]:
        """"X left in 2024, followed by Y and Z": they left the org X left; "Y a fait de même, tout comme Z": they
        made X's move. Each at the date this sentence gives, if any."""
        same = bool(re.search(r"m[eê]me|same|suit|emboîté", verb.match.group(), re.IGNORECASE))
        model = next((f for f in reversed(self.ctx.found) if same or f.to_org is None), None)
        if model is None or model.background:
            return [], previous
        if re.search(r"\b(?:by|par|de)$", verb.match.group()):
            first = next((m for m in self.mentions if m.kind == "person" and 0 <= m.i - verb.tj <= 3), None)
            people = [m for m in self._list_forward(first, verb.hi) if is_person(m)] if first else []
        else:  # "Jimmy Ba followed.", "Zhiqing Sun a fait de même, tout comme Hyung Won Chung"
            people = self._subjects(verb, previous)[0]
            like = LIKE.match(self.text, verb.match.end())
            if people and like:
                first = next((m for m in self.mentions if m.kind == "person" and m.i == self._word_at(like.end())),
                             None)
                people += [m for m in self._list_forward(first, len(self.ws)) if is_person(m)] if first else []
        when = date_in(self.text, verb.match.start(), self._end(verb), self.ctx.published)
        return [replace(model, person=p.name, person_known=p.known, from_role=None, date=when or model.date,
                        evidence=self.text) for p in people], (people, False)


def is_person(m: Mention) -> bool:
    """A known person, or a new name of two words or more."""
    return m.kind == "person" and (m.known or len(m.name.split()) >= 2)
