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


# -- a large index: the bounded search against a full scan ----------------------------------------------------------

_FIRST = ["james", "mary", "john", "patricia", "robert", "jennifer", "michael", "linda", "william", "elizabeth",
          "david", "wei", "jing", "ravi", "priya", "hiroshi", "yuki", "pierre", "camille", "matteo", "giulia", "ahmed",
          "fatima", "ivan", "olga", "li", "yu", "jin"]
_LAST = ["smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "lopez", "wilson", "anderson",
         "taylor", "moore", "martin", "lee", "chen", "wang", "zhang", "liu", "patel", "sharma", "tanaka", "suzuki",
         "dubois", "bernard", "rossi", "ivanov", "novak", "kim", "park", "he"]


def _people(count: int, seed: int = 1) -> list[str]:
    import random

    rng = random.Random(seed)
    seen: dict[str, None] = {}
    while len(seen) < count:
        words = [rng.choice(_FIRST)]
        if rng.random() < 0.3:
            words.append(rng.choice("abcdefghjklmnprstw") + ".")
        words.append(rng.choice(_LAST))
        seen.setdefault(" ".join(w.capitalize() for w in words))
    return list(seen)


def _typo(name: str, rng) -> str:
    i = rng.randrange(len(name))
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1:]
    if kind == 1:
        return name[:i] + rng.choice("aeiourst") + name[i:]
    return name[:i] + rng.choice("aeiourst") + name[i + 1:]


@pytest.fixture(scope="module")
def crowd():
    """Two thousand people (with another spelling for some): well past the size scanned in full."""
    names = _people(2000)
    entries = [NameEntry("person", i + 1, n, n) for i, n in enumerate(names)]
    entries += [NameEntry("person", i + 1, n, " ".join(reversed(n.split()))) for i, n in enumerate(names[:200])]
    return names, entries, NameIndex(entries)


def _full_scan(entries, text, cutoff=60.0):
    """Entities by their best spelling's WRatio, as the index ranks them: score, then name."""
    from rapidfuzz import fuzz, process

    from bot.text import fold

    best: dict[int, tuple[float, int]] = {}
    keys = [fold(e.spelling) for e in entries]
    for _, score, i in process.extract(fold(text), keys, scorer=fuzz.WRatio, processor=None, limit=None,
                                       score_cutoff=cutoff):
        found = best.get(entries[i].id)
        if found is None or score > found[0] or (score == found[0] and i < found[1]):
            best[entries[i].id] = (score, i)
    return sorted(((s, entries[i].name) for s, i in best.values()), key=lambda sn: (-sn[0], sn[1]))


def test_misspelled_names_get_the_top_answer_and_decision_of_a_full_scan(crowd):
    import random

    from bot.search import ACCEPT, MARGIN, covers
    from bot.text import fold

    names, entries, index = crowd
    rng = random.Random(7)
    for _ in range(150):
        query = _typo(rng.choice(names), rng)
        if index.exact(query, ["person"]):
            continue
        ranked = _full_scan(entries, query)
        hit = index.lookup(query, ["person"])
        top = hit.best or (hit.candidates[0] if hit.candidates else None)
        assert (top.score, top.name) == ranked[0], (query, ranked[:3])
        sure = (ranked[0][0] >= ACCEPT and (len(ranked) < 2 or ranked[0][0] - ranked[1][0] >= MARGIN)
                and covers(fold(query), fold(top.spelling)))
        assert (hit.best is not None) == sure, (query, ranked[:3])


def test_the_bound_holds_every_spelling_that_scores(crowd):
    """`candidates(part, q, T)` leaves out only spellings that score under T (when it does not give up)."""
    import random

    from rapidfuzz import fuzz

    from bot.search.candidates import candidates
    from bot.search.query import Query
    from bot.text import fold

    names, entries, index = crowd
    part = index.part("person")
    rng = random.Random(3)
    for _ in range(20):
        query = _typo(rng.choice(names), rng)
        q = Query.of(query)
        for threshold in (90.0, 80.0):
            found = candidates(part, q, threshold, 0)
            if found is None:
                continue
            missed = [e.spelling for n, e in enumerate(entries) if n not in found
                      and fuzz.WRatio(q.key, fold(e.spelling), processor=None) >= threshold]
            assert not missed, (query, threshold, missed[:3])


def test_completion_as_the_full_scan_had_it(crowd):
    """Names starting with the text, shortest first; then names where a later word starts with it."""
    from bot.text import fold

    _, entries, index = crowd
    keys = [fold(e.spelling) for e in entries]
    starting = sorted((k for k in keys if k.startswith("wei")), key=lambda k: (len(k), k))
    assert [fold(m.spelling) for m in index.complete("wei", ["person"])] == starting[:25]
    later = sorted((k for k in keys if " zhang" in k and not k.startswith("zhang")), key=lambda k: (len(k), k))
    got = [fold(m.spelling) for m in index.complete("zhang", ["person"])]
    assert got[:3] == [k for k in sorted(keys, key=lambda k: (len(k), k)) if k.startswith("zhang")][:3] or \
        got[:3] == later[:3]
    assert len(index.complete("jam", ["person"], limit=25)) == 25


def test_built_at_once_or_one_by_one_the_index_answers_the_same(crowd):
    _, entries, _ = crowd
    one_by_one = NameIndex()
    one_by_one.add(entries[0])
    for entry in entries[1:600]:
        one_by_one.add(entry)
    at_once = NameIndex(entries[:600])
    assert len(one_by_one) == len(at_once)
    for text in ("wei li", "Li Wei", "jamse smith", "tanaka", "pierre", "Olga K. Novak"):
        assert one_by_one.exact(text) == at_once.exact(text)
        assert one_by_one.complete(text) == at_once.complete(text)
        assert one_by_one.lookup(text) == at_once.lookup(text)


def test_words_in_another_order_are_exact_only_when_no_spelling_has_them_as_typed():
    ix = NameIndex([NameEntry("person", 1, "Wei Li", "Wei Li"), NameEntry("person", 2, "Li Wei", "Li Wei")])
    assert [m.name for m in ix.exact("wei li")] == ["Wei Li"]
    assert sorted(m.name for m in ix.exact("li wei")) == ["Li Wei", "Wei Li"]  # as the index always had it


def test_names_shown_are_the_names_given():
    entries = [NameEntry("person", 1, "Maria K. Lopez", "Maria K. Lopez"), NameEntry("org", 2, "OpenAI", "OpenAI"),
               NameEntry("org", 3, "Nimbus Labs 2", "Nimbus Labs 2"),
               NameEntry("person", 4, "José Núñez", "Jose Nunez"),
               NameEntry("team", 5, "Pre-training", "Pre-training", "Apple")]
    ix = NameIndex(entries)
    for e in entries:
        (hit,) = ix.exact(e.spelling)
        assert (hit.name, hit.spelling, hit.org) == (e.name, e.spelling, e.org)


def test_shown_names_sort_as_their_folded_spellings():
    """Names not stored are made from the folded spelling (`display`) in its order, which ties rely on."""
    import random

    from bot.search.signatures import display

    rng = random.Random(5)
    keys = [" ".join("".join(rng.choice("abz19") for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 3)))
            for _ in range(3000)]
    assert sorted(keys, key=display) == sorted(keys)


def test_short_one_word_queries_skip_only_spellings_under_the_cutoff(crowd):
    """A one-word query of up to 8 letters, at a cutoff of 80 or more (autocomplete): the spellings left out of
    WRatio by partial_ratio are exactly those a full WRatio scan puts under the cutoff."""
    import random

    from rapidfuzz import fuzz

    from bot.search.fuzzy import Search
    from bot.text import fold

    names, _, index = crowd
    keys = index.columns.keys
    rng = random.Random(9)
    texts = ["lui", "eta", "gaer", "ather", "arie", "ohnson", "illiams", "zhangwei"]
    for _ in range(40):
        key = fold(rng.choice(names)).replace(" ", "")
        start = rng.randrange(len(key) - 2)
        texts.append(_typo(key[start:start + rng.randint(3, 8)], rng))
    for text in texts:
        for cutoff in (80.0, 86.0, 90.0):
            search = Search(index.columns, {}, text, cutoff, 25)
            assert search.partial_first == (len(fold(text)) <= 8)
            search.score(range(len(keys)))
            full = {n: s for n, k in enumerate(keys) if (s := fuzz.WRatio(fold(text), k, processor=None)) >= cutoff}
            assert search.good == full, (text, cutoff)


def test_did_you_mean_puts_a_whole_word_first_among_equal_scores():
    """"nat" scores the same against "Jonathan Ross" and "Nat Friedman" (WRatio's partial match): the name with
    the word itself comes first."""
    index = NameIndex([NameEntry("person", 1, "Jonathan Ross", "Jonathan Ross"),
                       NameEntry("person", 2, "Nat Friedman", "Nat Friedman"),
                       NameEntry("person", 3, "Natalia Antonova", "Natalia Antonova")])
    hit = index.lookup("nat", ["person"])
    assert hit.best is None and hit.candidates[0].name == "Nat Friedman"
    assert hit.candidates[0].score == max(c.score for c in hit.candidates)


def test_one_slip_a_word_is_sure_only_when_no_other_name_is_as_close():
    """"vertax" is one letter off Vertex (WRatio 83, under the sure threshold): taken when Vertex is alone one slip
    away (a longer name that merely contains it does not count), a question when Vortax is one slip away too."""
    alone = NameIndex([NameEntry("org", 1, "Vertex", "Vertex"), NameEntry("org", 2, "Vertex Labs", "Vertex Labs")])
    hit = alone.lookup("vertax", ["org"])
    assert hit.best is not None and hit.best.name == "Vertex" and hit.best.score < 85
    both = NameIndex([NameEntry("org", 1, "Vertex", "Vertex"), NameEntry("org", 2, "Vortax", "Vortax")])
    hit = both.lookup("vertax", ["org"])
    assert hit.best is None and {c.name for c in hit.candidates[:2]} == {"Vertex", "Vortax"}


def test_the_letter_bound_holds_for_every_spelling_it_rules_out(crowd):
    """No spelling sharing no word with the query (nor repeating one) scores more than its letters allow."""
    import random

    import numpy as np
    from rapidfuzz import fuzz

    from bot.search.bounds import letter_bound
    from bot.search.query import Query

    _, _, index = crowd
    keys = index.columns.keys
    rng = random.Random(5)
    queries = [_typo(rng.choice(keys), rng) for _ in range(30)] + [
        "jk mills", "lo e zhang", "randt he", "ao", "x", "a very long query with many words in it", "ii", "ab cd",
        "lee lee", "hnery f f", "ann maria ann", "wu wu wu"]  # (token_set_ratio counts a repeated word once)
    for query in queries:
        q = Query.of(query)
        if q.letters is None:
            continue
        words = set(q.words)
        bound = letter_bound(q, index.columns, np.arange(len(keys)))
        for n, key in enumerate(keys):
            if words & set(key.split()) or len(set(key.split())) != len(key.split()):
                continue
            score = fuzz.WRatio(q.key, key, processor=None)
            assert score <= bound[n] + 1e-9, (query, key, score, bound[n])


def test_the_order_bound_holds_for_every_spelling_that_reaches_the_floor(crowd):
    """A spelling sharing no word with the query that scores the floor or more is never ruled out by
    `order_bound`."""
    import random

    import numpy as np
    from rapidfuzz import fuzz

    from bot.search.bounds import order_bound
    from bot.search.query import Query

    _, _, index = crowd
    keys = index.columns.keys
    rng = random.Random(6)
    words = sorted({w for key in keys for w in key.split()})
    queries = [_typo(rng.choice(words), rng) for _ in range(20)] + [w[:rng.randint(2, len(w))] for w in
                                                                    rng.sample([w for w in words if len(w) > 2], 10)]
    queries += [_typo(rng.choice(keys), rng) for _ in range(10)] + ["lee lee", "ann maria ann", "jk mills"]
    queries += [" ".join(key.split()[:2])[:rng.randint(3, 12)] for key in rng.sample(keys, 10)]
    for query in queries:
        q = Query.of(query)
        if not q.key:
            continue
        typed = set(q.words)
        for floor in (60.0, 75.0, 80.0, 85.0, 85.5, 86.0, 90.0):
            bound = order_bound(q, index.columns, np.arange(len(keys)), floor)
            for n, key in enumerate(keys):
                if typed & set(key.split()) or len(set(key.split())) != len(key.split()):
                    continue
                score = fuzz.WRatio(q.key, key, processor=None)
                assert score < floor or bound[n] >= floor - 1e-9, (query, key, floor, score, bound[n])
    # across two words sorted: "la re" in "la renny" (partial_token_ratio 80) beats every window of "renny la"
    small = NameIndex([NameEntry("person", 1, "Renny La", "Renny La")])
    assert fuzz.WRatio("laren", "renny la", processor=None) == pytest.approx(68.4)
    assert order_bound(Query.of("laren"), small.columns, np.arange(1), 68.0)[0] >= 68.4 - 1e-9
    # the query's words sorted, "a lei", within the name's, "ba leizz": partial_token_ratio 100, WRatio 85.5
    small = NameIndex([NameEntry("person", 1, "Ba Leizz", "Ba Leizz")])
    assert fuzz.WRatio("lei a", "ba leizz", processor=None) == pytest.approx(85.5)
    assert order_bound(Query.of("lei a"), small.columns, np.arange(1), 85.5)[0] >= 85.5 - 1e-9


def test_the_first_entities_and_the_close_ones_are_those_scoring_everything_gives(crowd, monkeypatch):
    """The letter bound only skips spellings that cannot change the first `want` entities nor (`close`) those near
    the leader, even once widened: the same search without it ranks them the same."""
    import random

    import numpy as np

    from bot.search import COMPLETE_CUTOFF, SUGGEST, fuzzy
    from bot.search.fuzzy import Search

    names, _, index = crowd
    person = {0: index.part("person")}
    rng = random.Random(8)
    queries = [_typo(rng.choice(names), rng) for _ in range(40)]
    queries += [q[: rng.randint(3, len(q))] for q in queries[:20]] + ["jk mills", "lo e zhang", "ann"]

    def ranked(query, cutoff, want, prefix, close, widen):
        search = Search(index.columns, person, query, cutoff, want, prefix=prefix, close=close)
        top = search.top(want)
        count = close and top and search.count_close(top[0].score)
        if widen:
            search.widen(widen)
            top = search.top(widen)
        return [(m.name, m.score) for m in top], count

    for query in queries:
        for case in ((SUGGEST, 10, False, False, 0), (COMPLETE_CUTOFF, 25, True, False, 0),
                     (SUGGEST, 1, False, True, 0), (SUGGEST, 1, False, True, 10)):
            bounded = ranked(query, *case)
            with monkeypatch.context() as patch:
                patch.setattr(fuzzy, "letter_bound", lambda q, columns, numbers: np.full(len(numbers), 1e9))
                patch.setattr(fuzzy, "order_bound", lambda q, columns, numbers, floor: np.full(len(numbers), 1e9))
                everything = ranked(query, *case)
            assert bounded == everything, (query, case)


def test_autocomplete_ranks_the_names_resembling_a_fragment_as_scoring_each_would(crowd):
    """What is typed, one word or more: the first 25 entities are those WRatio ranks first among the names holding
    a word that resembles each word typed (`resembling`), or when none of those scores, any; scored one by one.
    "arie" lists the Maries."""
    import random

    from rapidfuzz import fuzz

    from bot.search import COMPLETE_CUTOFF
    from bot.search.candidates import resembling
    from bot.search.fuzzy import Search

    names, _, index = crowd
    part, columns = index.part("person"), index.columns
    keys = columns.keys
    rng = random.Random(12)
    words = sorted({w for key in keys for w in key.split() if len(w) >= 4})
    fragments = ["arie", "ather", "eta", "lee"] + [w[rng.randrange(2):][:rng.randint(3, 8)] for w in
                                                    rng.sample(words, 25)]
    fragments += [_typo(f, rng) for f in fragments[4:14]]
    typed = [_typo(rng.choice(names), rng) for _ in range(30)]
    fragments += [t[:rng.randint(3, len(t))] for t in typed] + [f"{_typo(rng.choice(words), rng)} {w}"
                                                                 for w in rng.sample(words, 10)]
    fragments += ["maroin jones", "fotima ahmed", "zhong miller", "atteo jing", "joh james"]  # (any word)

    def ranked(spellings):
        best: dict[int, tuple[float, str]] = {}
        for n in spellings:
            score = fuzz.WRatio(q.key, keys[n], processor=None)
            if score >= COMPLETE_CUTOFF and score > best.get(columns.ids[n], (0.0,))[0]:
                best[columns.ids[n]] = (score, columns.name(n))
        return sorted(best.values(), key=lambda sn: (-sn[0], sn[1]))

    for text in fragments:
        search = Search(columns, {0: part}, text, COMPLETE_CUTOFF, 25, prefix=True)
        q = search.query
        expected = ranked(resembling(part, q, prefix=True))
        if not expected:
            expected = ranked(set(resembling(part, q, every=False, prefix=True).tolist()))
        assert [(m.score, m.name) for m in search.top(25)] == expected[:25], text
        if " " not in text and any(text in key for key in keys if 1.5 * len(text) <= len(key) <= 8 * len(text)):
            assert expected, text  # 90 at least for the names holding it whole


def test_autocomplete_falls_back_to_names_with_any_word_typed(crowd):
    """When no name resembles every word typed, names holding one of them are offered, long ones too (WRatio
    scores those 85.5 for the shared word): "qxzw liu" lists the Lius."""
    from bot.text import fold

    _, _, index = crowd
    keys = index.columns.keys
    word = next(w for key in keys for w in key.split()[1:]
                if len(w) >= 3 and sum(w in k.split() for k in keys) >= 3)
    text = "qxzw " + word
    offered = index.complete(text, ["person"])
    assert offered and all(word in fold(m.spelling).split() for m in offered), (text, offered[:3])
    assert any(len(fold(m.spelling)) >= 1.5 * len(text) for m in offered)


def test_words_resembling_a_typed_word_are_those_the_rules_name_one_by_one(crowd):
    """`resembling_words` narrows the vocabulary with cheaper scorers first; it finds what the rules, checked word by
    word, find: equal; ratio 55 (4-5 letters) or 65; while typing, a longer word starting like it (ratio 65 on
    its start); from 5 letters, a shorter word within it (partial_ratio 90)."""
    import random

    from rapidfuzz import fuzz

    from bot.search.candidates import resembling_words

    _, _, index = crowd
    part = index.part("person")
    rng = random.Random(4)
    typed = [_typo(w, rng) for w in rng.sample(part.vocab, 40)] + rng.sample(part.vocab, 20)
    typed += [w[:rng.randint(3, max(3, len(w)))] for w in rng.sample(part.vocab, 20)] + ["ab", "x", "zzzzzz"]
    for word in typed:
        for typing in (False, True):
            expected = {w for w in part.vocab if (w == word and len(word) > 1) or (len(word) >= 3 and fuzz.ratio(
                word, w) >= (55 if 4 <= len(word) <= 5 else 65)) or (typing and len(word) >= 3 and len(w) > len(word)
                and fuzz.partial_ratio(word, w) >= 65 and fuzz.ratio(word, w[:len(word)]) >= 65) or (
                len(word) >= 5 and 3 <= len(w) < len(word) and fuzz.partial_ratio(word, w) >= 90)}
            assert resembling_words(part, word, typing) == expected, (word, typing)


def test_did_you_mean_offers_names_resembling_what_is_typed():
    """WRatio scores any longer name sharing a word 85.5: "Priya s. Freeman" would be offered "Adam S. Xu" next to
    the Priya Freemans. After the first (the best score), only names with a word like one typed are offered."""
    names = ["Priya Freeman", "Priya D. Freeman", "Priya N. Freeman", "Adam S. Xu", "Aiko S. Ma", "Mary S. Freeman"]
    names += [f"{first} {last}" for first in ("Ann", "Bo", "Cy", "Di", "Ed", "Fay", "Gil", "Hal", "Ida", "Jo")
              for last in ("Ng", "Wu", "Li", "Xu", "Ma", "He", "Yu", "Hu", "Lo", "Ko")]
    index = NameIndex([NameEntry("person", i + 1, n, n) for i, n in enumerate(names)])
    hit = index.lookup("Priya s. Freeman", ["person"])
    assert hit.best is None
    offered = [m.name for m in hit.candidates]
    assert offered[:3] == ["Priya Freeman", "Priya D. Freeman", "Priya N. Freeman"], offered
    assert "Adam S. Xu" not in offered and "Aiko S. Ma" not in offered and "Mary S. Freeman" in offered


def test_names_ruled_out_by_their_pairs_of_letters_score_under_the_floor(crowd):
    """`paired`: a name 1.5 times longer than the query, sharing no word with it, that scores 85.5 or more holds
    every pair of letters of the query within a word but the two at its ends."""
    import random

    import numpy as np
    from rapidfuzz import fuzz

    from bot.search.bounds import paired
    from bot.search.query import Query

    names, _, index = crowd
    keys = index.columns.keys
    rng = random.Random(14)
    queries = [_typo(rng.choice(names), rng) for _ in range(25)] + [rng.choice(names) for _ in range(10)]
    queries += [" ".join(rng.choice(keys).split()[::-1])[:rng.randint(4, 12)] for _ in range(15)]
    checked = 0
    for query in queries:
        q = Query.of(query)
        typed = set(q.words)
        for floor in (85.5, 88.0, 90.0):
            kept = paired(q, index.columns, np.arange(len(keys)), floor)
            for n, key in enumerate(keys):
                if typed & set(key.split()) or len(set(key.split())) != len(key.split()):
                    continue
                score = fuzz.WRatio(q.key, key, processor=None)
                checked += score >= floor
                assert score < floor or kept[n], (query, key, floor, score)
    assert checked > 20  # (names that reach the floor were there to be kept)
    # the query but its last letter, at the end of the name: partial_ratio 2 * 10 / 21 = 95.2, WRatio 85.7
    small = NameIndex([NameEntry("person", 1, "Zzzzzzz Xenophanes", "Zzzzzzz Xenophanes")])
    assert fuzz.WRatio("xenophanesw", "zzzzzzz xenophanes", processor=None) >= 85.5
    assert paired(Query.of("xenophanesw"), small.columns, np.arange(1), 85.5)[0]


def test_long_names_sharing_a_word_score_as_wratio_gives_them(crowd):
    """`Search.score_far` scores names 1.5 times longer or shorter sharing a word with the query without WRatio for
    most (85.5 tied, or 0.9 partial_ratio): each score is WRatio's own."""
    import random

    import numpy as np
    from rapidfuzz import fuzz

    from bot.search.candidates import far_sharing
    from bot.search.fuzzy import Search

    names, _, index = crowd
    keys = index.columns.keys
    rng = random.Random(15)
    queries = [_typo(rng.choice(names), rng) for _ in range(20)] + [" ".join(rng.choice(keys).split()[:2])
                                                                    for _ in range(10)] + ["lee", "ann k", "m"]
    for query in queries:
        search = Search(index.columns, {}, query, 60.0, len(keys))  # (every tied name kept)
        far = sorted(far_sharing(index.part("person"), search.query, 60.0))
        search.score_far(np.array(far, dtype=np.int64))
        for n in far:
            score = fuzz.WRatio(search.query.key, keys[n], processor=None)
            assert search.good.get(n, 0.0) == (score if score >= 60.0 else 0.0), (query, keys[n], score)


def test_names_tied_by_the_thousand_keep_the_first_by_name():
    """WRatio ties 600 names at 85.5 for "lee qqq" (the shared word): a search for the first three keeps the first
    three by name, and every spelling of a name with two (one of them first)."""
    import string

    singles = [f"Bob{a}{b} Lee Smithson" for a in string.ascii_lowercase for b in string.ascii_lowercase][:600]
    index = NameIndex([NameEntry("person", i + 2, n, n) for i, n in enumerate(singles)])
    assert [m.name for m in index.fuzzy("lee qqq", ["person"], limit=3)] == sorted(singles)[:3]
    index.add(NameEntry("person", 1, "Aab Lee Smithson", "Aab Lee Smithson"))
    index.add(NameEntry("person", 1, "Aab Lee Smithson", "Aab Lee Smithsone"))
    hits = index.fuzzy("lee qqq", ["person"], limit=3)
    assert [(m.name, m.score) for m in hits] == [("Aab Lee Smithson", 85.5)] + [(n, 85.5) for n in sorted(singles)[:2]]
