"""The one name index: exact (any case, accents, word order) beats fuzzy; close calls give candidates."""

from __future__ import annotations

import pytest

from bot.records import NameEntry
from bot.search import NameIndex


def _entries():
    return [
        NameEntry("org", 1, "Nix", "Nix"),
        NameEntry("org", 2, "Phoenix", "Phoenix"),
        NameEntry("org", 3, "Meta", "Meta"),
        NameEntry("org", 3, "Meta", "Facebook"),
        NameEntry("person", 1, "Baptiste Rozière", "Baptiste Rozière"),
        NameEntry("person", 2, "Ruoming Pang", "Ruoming Pang"),
        NameEntry("person", 2, "Ruoming Pang", "Rouming Pang"),
        NameEntry("person", 3, "Anna Lee", "Anna Lee"),
        NameEntry("person", 4, "Anne Lee", "Anne Lee"),
        NameEntry("person", 5, "Mark Lee", "Mark Lee"),
        NameEntry("team", 1, "Foundation Models", "Foundation Models", "Apple"),
        NameEntry("team", 1, "Foundation Models", "AFM", "Apple"),
        NameEntry("team", 2, "Research", "Research", "Apple"),
        NameEntry("team", 3, "Research", "Research", "Meta"),
    ]


@pytest.fixture
def index():
    return NameIndex(_entries())


def test_exact_short_name_beats_the_longer_name_containing_it(index):
    """"Nix" is a whole spelling: it must never answer "Phoenix", however well "nix" scores inside it."""
    hit = index.lookup("Nix")
    assert hit.best is not None and (hit.best.name, hit.best.exact) == ("Nix", True)
    assert index.lookup("phoenix").best.name == "Phoenix"
    assert {m.name for m in index.fuzzy("nix")} >= {"Nix", "Phoenix"}  # both were in reach of fuzzy matching


@pytest.mark.parametrize("query", ["Baptiste Roziere", "baptiste ROZIÈRE", "Rozière Baptiste", "roziere, baptiste"])
def test_case_accents_punctuation_and_word_order_are_exact(index, query):
    hit = index.lookup(query)
    assert hit.best is not None and hit.best.name == "Baptiste Rozière" and hit.best.exact


def test_alias_is_an_exact_hit_for_its_owner(index):
    hit = index.lookup("facebook")
    assert (hit.best.kind, hit.best.name, hit.best.spelling, hit.best.exact) == ("org", "Meta", "Facebook", True)
    afm = index.lookup("AFM").best
    assert (afm.name, afm.org, afm.label) == ("Foundation Models", "Apple", "Foundation Models (Apple)")


def test_clear_fuzzy_leader_is_taken(index):
    hit = index.lookup("ruoming pnag")
    assert hit.best is not None and hit.best.name == "Ruoming Pang" and not hit.best.exact
    assert hit.best.score >= 85


def test_close_call_returns_candidates_not_a_guess(index):
    """"Ann Lee" is as close to Anna Lee as to Anne Lee: the caller must ask, not pick one."""
    hit = index.lookup("Ann Lee")
    assert hit.best is None and hit.ambiguous
    assert {m.name for m in hit.candidates[:2]} == {"Anna Lee", "Anne Lee"}
    assert hit.candidates[0].score == hit.candidates[1].score


def test_same_spelling_for_two_entities_is_ambiguous(index):
    hit = index.lookup("research")
    assert hit.best is None
    assert [m.label for m in hit.candidates] == ["Research (Apple)", "Research (Meta)"]


def test_kinds_filter(index):
    assert index.lookup("Meta", ["person"]).best is None
    assert index.lookup("Meta", ["org"]).best.name == "Meta"
    assert all(m.kind == "team" for m in index.fuzzy("research", ["team"]))


def test_nothing_close_gives_nothing(index):
    hit = index.lookup("xqzvbw")
    assert hit.best is None and hit.candidates == [] and not hit.ambiguous
    assert index.lookup("").best is None


def test_one_row_per_entity_in_fuzzy_results(index):
    names = [m.name for m in index.fuzzy("ruomin pang")]
    assert names.count("Ruoming Pang") == 1


def test_add_is_idempotent_and_updates_lookups():
    ix = NameIndex()
    entry = NameEntry("person", 9, "Zhifeng Chen", "Zhifeng Chen")
    ix.add(entry)
    ix.add(entry)
    assert len(ix) == 1
    ix.add(NameEntry("person", 9, "Zhifeng Chen", "Zhifeng Cheng"))
    assert ix.lookup("zhifeng cheng").best.exact and ix.max_words == 2


def test_complete_exact_then_prefix_then_fuzzy(index):
    assert [m.name for m in index.complete("", ["org"])] == ["Meta", "Nix", "Phoenix"]
    assert index.complete("Nix", ["org"])[0].name == "Nix"
    assert [m.name for m in index.complete("pho")] == ["Phoenix"]
    assert "Ruoming Pang" in [m.name for m in index.complete("pang")]  # a later word of the name
    assert "Mark Lee" in [m.name for m in index.complete("lee")]


# -- the real index, built from the default dataset ----------------------------------------------------------

@pytest.mark.parametrize(("typed", "name"), [
    ("ruoming pnag", "Ruoming Pang"),
    ("Pang Ruoming", "Ruoming Pang"),
    ("Giannaandrea", "John Giannandrea"),
    ("John Giannaandrea", "John Giannandrea"),
    ("Zhifeng Cheng", "Zhifeng Chen"),
    ("Baptiste Roziere", "Baptiste Rozière"),
])
async def test_dataset_names_people_type(engine, typed, name):
    hit = engine.index.lookup(typed, ["person"])
    assert hit.best is not None and hit.best.name == name


async def test_dataset_exact_name_beats_a_fuzzy_neighbour(engine):
    """"Mark Lee" exists: it must not drift to another Lee, nor "Bowen Zhang" to "Yu Bowen"."""
    assert engine.index.lookup("Mark Lee").best.name == "Mark Lee"
    assert engine.index.lookup("Bowen Zhang").best.name == "Bowen Zhang"
    assert engine.index.lookup("Yu Bowen").best.name == "Yu Bowen"
