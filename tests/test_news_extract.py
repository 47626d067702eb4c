"""News extraction (core, no Discord): candidate moves from articles, English and French, text and HTML, measured
on the paraphrased development set; and `movesbot extract`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.news import article_from_html, article_from_text, detect_language, extract_candidates, extract_with_store
from bot.records import MoveRecord
from tests.conftest import DATA_DIR
from tests.news_devset import DEV_DIR, dev_articles, score

CONTRACT = ["person", "from_org", "from_team", "from_role", "to_org", "to_team", "to_role", "date", "status",
            "evidence", "known_move_id"]


@pytest.fixture
def extract(engine):
    """Candidates of a text, with the default dataset's name index and no moves on record."""
    def run(text: str, published: str | None = "2025-07-20"):
        return extract_candidates(article_from_text(text, published=published), engine.index)
    return run


def pairs(candidates) -> set[tuple[str, str | None]]:
    return {(c.person, c.to_org) for c in candidates}


async def test_development_set_precision_and_recall(engine):
    """The bar of the issue on our own paraphrased stories: precision >= 90%, recall >= 85% on (person, to_org)."""
    found = {name: await extract_with_store(article, engine.index, engine.store)
             for name, article, _ in dev_articles()}
    misses: list[str] = []
    result = score(found, misses)
    print(f"\nnews development set: {result}\n" + "\n".join(misses))
    assert result.precision >= 0.90, misses
    assert result.recall >= 0.85, misses


async def test_the_01net_article_gives_its_four_moves_and_no_others(engine):
    text = (DEV_DIR / "fr_01net_meta_apple.txt").read_text(encoding="utf-8")
    article = article_from_text(text, published="2025-07-28")
    assert article.language == "fr"
    candidates = await extract_with_store(article, engine.index, engine.store)
    assert pairs(candidates) == {(p, "Meta") for p in ("Ruoming Pang", "Tom Gunter", "Mark Lee", "Bowen Zhang")}
    # what the story leaves out of a move on record comes from the record
    assert {(c.from_org, c.from_team, c.to_org, c.to_team) for c in candidates} == {
        ("Apple", "Foundation Models", "Meta", "Superintelligence Labs")}
    zhang = next(c for c in candidates if c.person == "Bowen Zhang")
    assert (zhang.from_org, zhang.from_team, zhang.status) == ("Apple", "Foundation Models", "reported")
    assert zhang.known_move_id == "bowen-zhang-meta-2025"  # on record already: offered as a source, not a new move


def test_lists_titles_and_aliases(extract):
    found = extract("Meta a recruté Ruoming Pang, qui dirigeait l'équipe AFM d'Apple. "
                    "Tom Gunter et Mark Lee ont également rejoint les MSL de Meta.")
    assert pairs(found) == {("Ruoming Pang", "Meta"), ("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    pang = next(c for c in found if c.person == "Ruoming Pang")
    assert (pang.from_org, pang.from_team) == ("Apple", "Foundation Models")
    found = extract("Google DeepMind researchers Lucas Beyer, Alexander Kolesnikov and Xiaohua Zhai have joined "
                    "OpenAI to open its Zurich office.")
    assert pairs(found) == {(p, "OpenAI") for p in ("Lucas Beyer", "Alexander Kolesnikov", "Xiaohua Zhai")}
    assert {c.from_org for c in found} == {"Google DeepMind"}
    found = extract("Rob Fergus is leaving DeepMind to return to FAIR, Meta's research lab, he said in a post.")
    assert [(c.person, c.from_org, c.to_org, c.to_team) for c in found] == [
        ("Rob Fergus", "Google DeepMind", "Meta", "FAIR")]


def test_new_people_and_new_orgs_are_found(extract):
    found = extract("Priya Raman has joined Lumen Robotics, a London startup, as chief scientist.")
    assert [(c.person, c.to_org, c.to_role, c.known_move_id) for c in found] == [
        ("Priya Raman", "Lumen Robotics", "chief scientist", None)]


def test_background_moves_are_known_never_new(engine, extract):
    text = "Pang, who joined Meta in July, said the models were improving. Ruoming Pang spoke at a conference."
    records = {"Ruoming Pang": [_record("ruoming-pang-meta-2025", "Ruoming Pang", "Apple", "Meta")]}
    article = article_from_text("Ruoming Pang gave a talk. " + text, published="2025-09-01")
    found = extract_candidates(article, engine.index, lambda name: records.get(name, ()))
    assert [(c.person, c.known_move_id) for c in found] == [("Ruoming Pang", "ruoming-pang-meta-2025")]
    # the same sentence without that move on record proposes nothing (background is not news)
    assert extract("Ruoming Pang gave a talk. " + text) == []
    assert extract("Jane Smith, who joined Anthropic in 2021, now advises startups.") == []


def test_hedged_and_negated_verbs_give_nothing(extract):
    for text in ("Ilya Sutskever declined to join Meta.", "John Schulman is in talks to join Meta.",
                 "Mark Zuckerberg tried to recruit Ilya Sutskever and John Schulman.",
                 "Ilya Sutskever n'a pas rejoint Meta.", "Meta joined forces with Scale AI."):
        assert extract(text) == [], text


def test_status_reported_or_confirmed(extract):
    def status(text: str) -> str:
        (c,) = extract(text)
        return c.status
    assert status("Mark Lee has joined Meta, according to Bloomberg.") == "reported"
    assert status("Bowen Zhang aurait rejoint Meta, selon The Information.") == "reported"
    assert status("Mark Lee has joined Meta, people familiar with the matter said.") == "reported"
    assert status("Lucas Beyer has joined Meta, he said in a post on X.") == "confirmed"
    assert status("Meta a confirmé que Tom Gunter avait rejoint ses équipes chez Meta.") == "confirmed"
    assert status("Amar Subramanya has joined Microsoft. He announced the move on LinkedIn.") == "confirmed"


def test_dates_at_the_precision_given(extract):
    (c,) = extract("Ruoming Pang joined Meta on July 7, 2025.", published="2025-07-10")
    assert c.date == "2025-07-07"
    (c,) = extract("Ruoming Pang a rejoint Meta en juillet.", published="2025-08-02")
    assert c.date == "2025-07"
    (c,) = extract("Ruoming Pang joined Meta on Monday.", published="2025-07-10")  # a Thursday
    assert c.date == "2025-07-07"
    (c,) = extract("Ruoming Pang has joined Meta.", published="2025-07-10")
    assert c.date == "2025-07-10"  # none in the text: the publication date
    (c,) = extract("Microsoft poached Dominic King from DeepMind last December.", published="2025-07-10")
    assert (c.to_org, c.date) == ("Microsoft", "2024-12")
    (c,) = extract("Meta a débauché Ruoming Pang en juin dernier.", published="2025-07-10")
    assert c.date == "2025-06"


def test_the_headline_org_through_its_team(extract):
    text = ("Microsoft AI CEO Mustafa Suleyman was a co-founder of DeepMind and keeps hiring former colleagues. "
            "The tech giant poached several DeepMind employees last December, including Dominic King.")
    (c,) = extract(text, published="2025-07-10")
    assert (c.person, c.to_org) == ("Dominic King", "Microsoft")  # "the tech giant": Microsoft, not DeepMind


def test_departure_without_destination(extract, engine):
    text = "Tony Wu, an xAI co-founder, has left xAI, he said in a farewell post on X on Tuesday."
    (c,) = extract(text, published="2026-02-11")
    assert (c.person, c.from_org, c.to_org, c.date, c.status) == ("Tony Wu", "xAI", None, "2026-02-10", "confirmed")
    record = _record("tony-wu-left-xai-2026", "Tony Wu", "xAI", None)
    (c,) = extract_candidates(article_from_text(text), engine.index, lambda name: [record])
    assert c.known_move_id == "tony-wu-left-xai-2026"  # same person leaving the same org


def test_language_of_every_development_article():
    for name, article, _ in dev_articles():
        assert article.language == name[:2], name
    assert detect_language("Meta a recruté trois chercheurs d'Apple pour son laboratoire.") == "fr"
    assert detect_language("Meta has hired three Apple researchers for its lab.") == "en"


def _page(text: str) -> str:
    title, body = text.split("\n", 1)
    paragraphs = "".join(f"<p>{line}</p>" for line in body.splitlines())
    return (f'<!DOCTYPE html><html lang="fr"><head><title>{title} | 01net</title>'
            f'<meta property="og:title" content="{title}"><meta property="og:site_name" content="01net">'
            '<meta property="article:published_time" content="2025-07-28T09:30:00+02:00"></head><body>'
            '<nav><a href="/">Accueil</a> <a href="/ia">IA</a></nav>'
            f'<article><h1>{title}</h1>{paragraphs}</article>'
            '<footer>Cookies · Mentions légales · Meta a rejoint notre newsletter</footer></body></html>')


async def test_html_article_metadata_and_moves(engine):
    text = (DEV_DIR / "fr_01net_meta_apple.txt").read_text(encoding="utf-8")
    article = article_from_html(_page(text), url="https://www.01net.com/actualites/meta-apple.html")
    assert article.title == "Comment Meta pille Apple pour former la dream team de l'IA"
    assert article.site and article.site.lower() == "01net"
    assert (article.published, article.language) == ("2025-07-28", "fr")
    assert "Accueil" not in article.text and "Cookies" not in article.text
    from_html = await extract_with_store(article, engine.index, engine.store)
    from_text = await extract_with_store(article_from_text(text, published="2025-07-28"), engine.index, engine.store)
    assert pairs(from_html) == pairs(from_text) and len(from_html) == 4
    assert article_from_html(_page(text), published="2025-07-30").published == "2025-07-30"  # the caller's wins
    assert article_from_html("<html><body></body></html>").text == ""


def test_cli_extract_json_contract(db_path, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text((DEV_DIR / "en_lee_gunter.txt").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(path), "--json", "--published", "2025-07-18",
                                      "--db", str(db_path), "--data", str(DATA_DIR)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert list(payload) == ["candidates"]
    assert all(list(c) == CONTRACT for c in payload["candidates"])
    lee = next(c for c in payload["candidates"] if c["person"] == "Mark Lee")
    assert (lee["from_org"], lee["to_org"], lee["to_team"], lee["status"], lee["known_move_id"]) == (
        "Apple", "Meta", "Superintelligence Labs", "reported", "mark-lee-meta-2025")


def test_cli_extract_stdin_text_and_bad_input(tmp_path):
    db = tmp_path / "fresh.db"  # never loaded: the command loads the dataset first
    text = "Priya Raman has left Google DeepMind for Lumen Robotics."
    result = CliRunner().invoke(app, ["extract", "-", "--db", str(db), "--data", str(DATA_DIR)], input=text)
    assert result.exit_code == 0, result.output
    assert "Priya Raman: Google DeepMind → Lumen Robotics" in result.stdout and "new" in result.stdout
    bad = CliRunner().invoke(app, ["extract", str(tmp_path / "missing.txt"), "--db", str(db)])
    assert bad.exit_code == 1 and "Cannot read" in bad.output
    bad = CliRunner().invoke(app, ["extract", "-", "--published", "2025-02-30", "--db", str(db)], input=text)
    assert bad.exit_code == 2 and "not a date" in bad.output
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 50)
    bad = CliRunner().invoke(app, ["extract", str(tmp_path / "photo.jpg"), "--db", str(db)])
    assert bad.exit_code == 1 and "neither text nor HTML" in bad.output


def test_core_does_not_import_discord():
    code = "import sys, bot.news, bot.news.extract; sys.exit(any(m.startswith('discord') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def _record(id_: str, person: str, from_org: str, to_org: str | None, date: str = "2025-07") -> MoveRecord:
    return MoveRecord(id=id_, person=person, from_org=from_org, from_team=None, from_role=None, to_org=to_org,
                      to_team=None, to_role=None, date=date, date_precision="month", date_basis=None,
                      status="reported", notes=None)


def test_misspelled_names_resolve_but_other_people_stay_new(extract):
    found = extract("Ruoming Pnag has joined Meta. Xiaohua Zhao has joined Anthropic.")
    assert pairs(found) == {("Ruoming Pang", "Meta"), ("Xiaohua Zhao", "Anthropic")}


def test_other_ways_a_story_tells_a_move(extract):
    assert pairs(extract("Apple has lost another AI researcher, Bowen Zhang, to Meta.")) == {("Bowen Zhang", "Meta")}
    assert pairs(extract("Zuckerberg personally recruited Alexandr Wang.")) == {("Alexandr Wang", "Meta")}
    assert pairs(extract("After years at Google, Noam Shazeer returned to the company in 2024.")) == {
        ("Noam Shazeer", "Google")}  # "the company": the org the sentence named, not the story's first one
    found = extract("Apple hires Meta's top lawyer\nApple said Jennifer Newstead, Meta's chief legal officer, will "
                    "join the company in January.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Jennifer Newstead", "Meta", "Apple")]
    assert pairs(extract("Evans Hankey left Apple in 2023 to co-found io with Jony Ive.")) == {("Evans Hankey", "io")}
    assert extract("Zuckerberg met Alexandr Wang twice.") == []


def test_each_person_of_a_list_keeps_where_they_came_from(extract):
    found = extract("Meta has recruited Alexandr Wang from Scale AI, Daniel Gros, and former GitHub CEO Nat Friedman. "
                    "Meta also recruited OpenAI researcher Yuanzhi Li and Anton Bakhtin, who worked on Claude at "
                    "Anthropic.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [
        ("Alexandr Wang", "Scale AI", "Meta"), ("Daniel Gross", None, "Meta"), ("Nat Friedman", None, "Meta"),
        ("Yuanzhi Li", "OpenAI", "Meta"), ("Anton Bakhtin", "Anthropic", "Meta")]


def test_a_date_in_an_apposition_is_not_the_move_date(extract):
    (c,) = extract("Ruoming Pang, who led Apple's models team since 2021, has joined Meta.", published="2025-07-08")
    assert c.date == "2025-07-08"
    (c,) = extract("In June 2025, Ruoming Pang left Apple for Meta.", published="2025-08-01")
    assert c.date == "2025-06"


def test_the_nth_to_join_and_pronoun_subjects(extract):
    assert pairs(extract("Bowen Zhang est le quatrième chercheur de l'équipe AFM à partir chez Meta.")) == {
        ("Bowen Zhang", "Meta")}
    assert pairs(extract("Mark Lee is the latest Apple researcher to join Meta.")) == {("Mark Lee", "Meta")}
    found = extract("Ruoming Pang dirigeait l'équipe AFM d'Apple. Il rejoint ainsi les MSL de Meta en juillet.",
                    published="2025-07-20")
    assert [(c.person, c.to_org, c.to_team, c.date) for c in found] == [
        ("Ruoming Pang", "Meta", "Superintelligence Labs", "2025-07")]


def test_a_group_move_and_the_people_named_after_it(extract):
    found = extract("Le mois dernier, quatre ingénieurs ont quitté l'équipe AFM d'Apple pour rejoindre Meta. Parmi "
                    "eux, Ruoming Pang, accompagné de trois collaborateurs : Mark Lee, Tom Gunter et Bowen Zhang.")
    assert {(c.person, c.from_org, c.from_team, c.to_org) for c in found} == {
        (p, "Apple", "Foundation Models", "Meta") for p in ("Ruoming Pang", "Mark Lee", "Tom Gunter", "Bowen Zhang")}
    found = extract("Four Apple researchers have joined Meta, including Mark Lee and Tom Gunter.")
    assert pairs(found) == {("Mark Lee", "Meta"), ("Tom Gunter", "Meta")}
    assert extract("Four Apple researchers have joined Meta. The team is based in Cupertino.") == []
    assert extract("No Apple researcher has joined Meta. Among them, Mark Lee and Tom Gunter.") == []


def test_more_verbs_of_real_stories(extract):
    assert pairs(extract("Tom Gunter and Mark Lee have also recently made the switch to Meta.")) == {
        ("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    assert pairs(extract("Bowen Zhang, who was on Apple's models team, is the latest employee to abandon Apple "
                         "for Meta.")) == {("Bowen Zhang", "Meta")}
    assert pairs(extract("Zhang is the fourth AI researcher to defect from Apple to Meta.", published=None)) == set()
    found = extract("Bowen Zhang is the fourth AI researcher to defect from Apple to Meta.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Bowen Zhang", "Apple", "Meta")]
    found = extract("Yun Zhu quitte l'équipe des modèles de fondation d'Apple pour rejoindre Meta.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Yun Zhu", "Apple", "Meta")]


def test_stories_that_name_people_across_sentences(extract):
    found = extract("Boris Cherny is set to join Anysphere as head of engineering. He is joined by Cat Wu, the "
                    "former product manager for Claude Code.")
    assert [(c.person, c.to_org, c.to_role) for c in found] == [
        ("Boris Cherny", "Anysphere", "head of engineering"), ("Cat Wu", "Anysphere", None)]
    found = extract("Mistral AI, point de chute des anciens de Meta\nLe fleuron français de l'IA a aussi recruté "
                    "Baptiste Rozière, après qu'il a quitté la firme de Mark Zuckerberg en août 2024. Ainsi que "
                    "Marie-Anne Lachaux et Thibaut Lavril, débauchés dès juin 2023.")
    assert [(c.person, c.from_org, c.to_org, c.date) for c in found] == [
        ("Baptiste Rozière", "Meta", "Mistral AI", "2024-08"), ("Marie-Anne Lachaux", None, "Mistral AI", "2023-06"),
        ("Thibaut Lavril", None, "Mistral AI", "2023-06")]
    found = extract("Boris Cherny and Cat Wu left for rival Anysphere in early July, became heads of engineering "
                    "and product, and then promptly returned to Anthropic.")
    assert pairs(found) == {(p, o) for p in ("Boris Cherny", "Cat Wu") for o in ("Anysphere", "Anthropic")}


def test_subjects_are_people_not_their_possessions(extract):
    assert extract("Two co-founders of Elon Musk's company xAI have resigned.") == []
    found = extract("Andrew Tulloch, a co-founder of Mira Murati's startup Thinking Machines Lab, has left the "
                    "company to join Meta Platforms, the startup has confirmed.")
    assert [(c.person, c.to_org) for c in found] == [("Andrew Tulloch", "Meta")]
    found = extract("Jimmy Ba and Tony Wu, two co-founders of xAI, both said they were leaving xAI.")
    assert pairs(found) == {("Jimmy Ba", None), ("Tony Wu", None)}
    found = extract("Yuhuai (Tony) Wu said he was leaving xAI.")
    assert [(c.person, c.from_org) for c in found] == [("Tony Wu", "xAI")]


def test_the_story_own_org(extract):
    found = extract("Meta hires Scale AI's founder\nIn June, Alexandr Wang joined the social media giant after Meta "
                    "invested $14.3 billion in Scale AI.", published="2025-10-12")
    assert [(c.person, c.to_org, c.date) for c in found] == [("Alexandr Wang", "Meta", "2025-06")]
    found = extract("Greg Yang, previously at Microsoft, stepped down from xAI last month.")
    assert [(c.person, c.from_org) for c in found] == [("Greg Yang", "xAI")]


def test_departures_that_name_no_org_take_it_from_the_record(engine, extract):
    records = {"Kyle Kosic": [_record("kyle-kosic-openai-2024", "Kyle Kosic", "xAI", "OpenAI", "2024")],
               "Igor Babuschkin": [_record("igor-babuschkin-bv-2025", "Igor Babuschkin", "xAI", "Babuschkin Ventures",
                                           "2025-08")]}
    text = ("Two xAI co-founders resign\nKyle Kosic left in 2024, followed by Igor Babuschkin last year. Priya Raman "
            "left in March. Ruoming Pang left the stage.")
    found = extract_candidates(article_from_text(text, published="2026-02-11"), engine.index,
                               lambda name: records.get(name, ()))
    assert [(c.person, c.from_org, c.to_org, c.date, c.known_move_id) for c in found] == [
        ("Kyle Kosic", "xAI", "OpenAI", "2024", "kyle-kosic-openai-2024"),  # the move on record says where
        ("Igor Babuschkin", "xAI", "Babuschkin Ventures", "2025", "igor-babuschkin-bv-2025")]  # not the new name,
    # not "the stage"
    found = extract("Tony Wu said he was leaving xAI. A day later, Jimmy Ba followed.")
    assert pairs(found) == {("Tony Wu", None), ("Jimmy Ba", None)}


def test_french_departures(extract):
    found = extract("Yann LeCun met fin à douze années chez Meta et lance une entreprise dédiée à l'Advanced Machine "
                    "Intelligence (AMI).")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [
        ("Yann LeCun", "Meta", "Advanced Machine Intelligence")]
    found = extract("Zuckerberg a embauché Alexandr Wang, ancien patron de Scale AI.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Alexandr Wang", "Scale AI", "Meta")]
    assert pairs(extract("Yann LeCun quittera Meta à la fin de l'année.")) == {("Yann LeCun", None)}


def test_real_story_phrasings(extract):
    found = extract("Jason Wei, chercheur chez OpenAI, a rejoint le laboratoire de superintelligence de Meta en "
                    "juillet. Zhiqing Sun, également chercheur à OpenAI, a fait de même, tout comme Hyung Won Chung. "
                    "Hongyu Ren a également été recruté par Meta.", published="2025-12-20")
    assert {(c.person, c.to_org) for c in found} == {
        (p, "Meta") for p in ("Jason Wei", "Zhiqing Sun", "Hyung Won Chung", "Hongyu Ren")}
    found = extract("The exit of Barret Zoph, along with fellow co-founder Luke Metz and senior researcher Sam "
                    "Schoenholz, all of whom departed to rejoin their former employer, OpenAI, hit the startup.")
    assert pairs(found) == set()  # recalled in a relative clause, and not on record here: not proposed as new
    found = extract("Barret Zoph, along with fellow co-founder Luke Metz and senior researcher Sam Schoenholz, "
                    "departed to rejoin their former employer, OpenAI.")
    assert pairs(found) == {(p, "OpenAI") for p in ("Barret Zoph", "Luke Metz", "Sam Schoenholz")}
    found = extract("The move also saw co-founder Andrew Tulloch leave for Meta. Yann LeCun is also exiting, as "
                    "noted in posts on X.")
    assert [(c.person, c.to_org, c.to_role) for c in found] == [("Andrew Tulloch", "Meta", None)]


def test_announced_departures_and_retirements(engine, extract):
    found = extract("John Giannandrea, Apple's senior vice president of AI, is stepping down from his role. "
                    "Giannandrea joined Apple in 2023 from Google.", published="2025-12-01")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [
        ("John Giannandrea", "Apple", None), ("John Giannandrea", "Google", "Apple")]  # two moves, not one
    found = extract("John Giannandrea is stepping down from Apple. He joined Apple in 2018 from Google.",
                    published="2025-12-01")
    assert pairs(found) == {("John Giannandrea", None)}  # 2018, not on record here: history, not news
    found = extract("Joelle Pineau, the head of AI research at Meta, has announced her departure from the company.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Joelle Pineau", "Meta", None)]
    found = extract("Joelle Pineau, vice president for AI research at Meta, expressed her intentions to leave by "
                    "the end of May.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Joelle Pineau", "Meta", None)]
    records = {"Yann LeCun": [_record("yann-lecun-ami-2025", "Yann LeCun", "Meta", "AMI", "2025-11")]}
    article = article_from_text("Though LeCun stepped down from his directorial role in 2018, he continues to play a "
                                "pivotal role as Meta's chief AI scientist. Yann LeCun spoke on Monday.",
                                published="2025-04-01")
    assert extract_candidates(article, engine.index, lambda name: records.get(name, ())) == []  # nothing from 2025


def test_a_move_recalled_in_a_participle(engine):
    records = {"Amar Subramanya": [_record("amar-subramanya-microsoft-2025", "Amar Subramanya", "Google",
                                           "Microsoft", "2025-06")]}
    article = article_from_text("Amar Subramanya spent 16 years at Google before briefly joining Microsoft's AI "
                                "division.", published="2025-12-02")
    found = extract_candidates(article, engine.index, lambda name: records.get(name, ()))
    assert [(c.person, c.to_org, c.known_move_id) for c in found] == [
        ("Amar Subramanya", "Microsoft", "amar-subramanya-microsoft-2025")]
    assert extract_candidates(article, engine.index) == []  # recalled, and not on record: not proposed


def test_french_gerunds_new_hires_and_governed_orgs(extract):
    found = extract("Meta vient de marquer un point en débauchant trois chercheurs de chez OpenAI : Lucas Beyer, "
                    "Alexander Kolesnikov et Xiaohua Zhai.")
    assert {(c.person, c.from_org, c.to_org) for c in found} == {
        (p, "OpenAI", "Meta") for p in ("Lucas Beyer", "Alexander Kolesnikov", "Xiaohua Zhai")}
    found = extract("Meta a lancé ses Superintelligence Labs. Parmi les nouvelles recrues figurent Jack Rae, qui "
                    "dirigeait le pré-entraînement de Gemini ; Jiahui Yu ; et Joel Pobar.")
    assert pairs(found) == {("Jack Rae", "Meta"), ("Jiahui Yu", "Meta"), ("Joel Pobar", "Meta")}
    found = extract("Récemment, Meta a investi 14 milliards de dollars dans la startup Scale AI et a nommé son PDG "
                    "Alexander Wang pour diriger la nouvelle équipe.")
    assert [(c.person, c.to_org) for c in found] == [("Alexandr Wang", "Meta")]


def test_an_old_departure_does_not_date_a_new_arrival(extract):
    found = extract("Sir Jony Ive rejoint OpenAI. Sir Jony Ive a quitté Apple en 2019 pour lancer sa propre société.",
                    published="2025-05-22")
    assert [(c.person, c.from_org, c.to_org, c.date) for c in found] == [("Jony Ive", "Apple", "OpenAI", "2025-05-22")]


def test_the_hiring_org_is_the_subject_not_its_acquisition(extract):
    found = extract("OpenAI is acquiring Statsig for $1.1 billion and hiring founder Vijaye Raji as its CTO of "
                    "Applications.")
    assert [(c.person, c.to_org) for c in found] == [("Vijaye Raji", "OpenAI")]
    found = extract("Meta is hiring Daniel Gross, the CEO of the startup Safe Superintelligence (SSI), along with his "
                    "partner and former GitHub CEO Nat Friedman.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [
        ("Daniel Gross", "Safe Superintelligence", "Meta"), ("Nat Friedman", None, "Meta")]
    found = extract("Meta has roped in Daniel Gross. Gross's new role at Meta was confirmed by Ilya Sutskever, "
                    "revealing that Gross had resigned as its CEO.")
    assert [(c.person, c.to_org) for c in found] == [("Daniel Gross", "Meta")]


def test_french_departure_stories(engine, extract):
    found = extract("Ke Yang, fraîchement nommé patron de la recherche IA chez Apple, vient de plier bagage pour "
                    "filer chez Meta.")
    assert pairs(found) == {("Ke Yang", "Meta")}  # named at Apple: who he is, not a move
    found = extract("Ke Yang a hérité de la direction de l'équipe après le départ de Robby Walker. Ce dernier avait "
                    "lui aussi quitté Apple.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Robby Walker", "Apple", None)]
    found = extract("Il rejoint dans la liste des fuites Sam Wiseman, ingénieur basé à New York parti chez "
                    "Reflection AI, et Chong Wang, l'un des plus anciens chercheurs, parti chez Meta.")
    assert pairs(found) == {("Sam Wiseman", "Reflection AI"), ("Chong Wang", "Meta")}
    found = extract("Ke Yang, puisque c'est son nom, vient de donner sa démission de Cupertino pour voler vers "
                    "l'entreprise de Mark Zuckerberg.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Ke Yang", "Apple", "Meta")]
    records = {"Ruoming Pang": [_record("ruoming-pang-meta-2025", "Ruoming Pang", "Apple", "Meta", "2025-07")]}
    article = article_from_text("Parmi les départs récents, on compte Ruoming Pang, qui dirigeait l'équipe des modèles "
                                "fondamentaux, et Priya Raman.", published="2025-10-16")
    found = extract_candidates(article, engine.index, lambda name: records.get(name, ()))
    assert [(c.person, c.from_org, c.to_org, c.known_move_id) for c in found] == [
        ("Ruoming Pang", "Apple", "Meta", "ruoming-pang-meta-2025")]  # a new name without a record: no org, dropped


def test_career_sentences(extract):
    found = extract("Andrej Karpathy — OpenAI co-founder, former Tesla AI director — is joining Anthropic. He left "
                    "OpenAI again in February 2024 to found Eureka Labs. Karpathy started this week at Anthropic. "
                    "Karpathy co-founded OpenAI in 2015.", published="2026-05-21")
    assert [(c.person, c.to_org, c.date) for c in found] == [
        ("Andrej Karpathy", "Anthropic", "2026-05-21"), ("Andrej Karpathy", "Eureka Labs", "2024-02")]


def test_list_items_and_recalled_coordinations(extract):
    found = extract("Four departures from Google DeepMind:\nNoam Shazeer (June 18): Transformer co-author, led "
                    "Gemini's architecture, went to OpenAI\nJohn Jumper (June 20): Nobel laureate in Chemistry, joined "
                    "Anthropic", published="2026-06-25")
    assert pairs(found) == {("Noam Shazeer", "OpenAI"), ("John Jumper", "Anthropic")}
    assert extract("The departures follow those of Noam Shazeer, who co-invented the Transformer and returned to "
                   "found Character.AI.") == []
    assert extract("It struck a deal with Google last year, when co-founder Noam Shazeer went back to Google.") == []
    assert extract("Ba and Wu both went to the University of Toronto, and Wu previously worked at Google.") == []


def test_clauses_after_while_keep_their_own_subject(extract):
    found = extract("John Peebles and Nan Du are said to be going to OpenAI, while Zhao is joining Anthropic.")
    assert pairs(found) == {("John Peebles", "OpenAI"), ("Nan Du", "OpenAI")}
    assert extract("Four Google DeepMind Researchers Exit in Six Days — Three Go to Anthropic") == []
    found = extract("Apple's lead researcher for robotics, Jian Zhang, has departed the company to join Meta.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Jian Zhang", "Apple", "Meta")]
    assert extract("Yann LeCun a choisi de nommer Alexandre Lebrun, co-fondateur de Nabla, au poste de patron.") == []


def test_welcomes_likely_moves_and_new_ventures(extract):
    found = extract("Excited to welcome Barret Zoph, Luke Metz, and Sam Schoenholz back to OpenAI!")
    assert pairs(found) == {(p, "OpenAI") for p in ("Barret Zoph", "Luke Metz", "Sam Schoenholz")}
    assert pairs(extract("Hyung Won Chung is also likely to join Meta.")) == {("Hyung Won Chung", "Meta")}
    assert extract("Hyung Won Chung is unlikely to join Meta.") == []
    found = extract("Zoph and Metz left OpenAI in late 2024 to start Thinking Machines with Murati. Barret Zoph and "
                    "Luke Metz are rejoining OpenAI.", published="2026-01-14")
    assert pairs(found) >= {("Barret Zoph", "OpenAI"), ("Luke Metz", "OpenAI")}
    assert not any(c.to_org == "Murati" for c in found)


def test_he_is_the_mover_not_someone_named_in_between(extract):
    found = extract("John Schulman quitte OpenAI et rejoint Anthropic. Dans le même temps, son président, Greg "
                    "Brockman, a décidé de prendre un congé. Il a décidé de rejoindre Anthropic.")
    assert pairs(found) == {("John Schulman", "Anthropic")}
    found = extract("Jan Leike est lui aussi parti pour rejoindre Anthropic, tout comme John Schulman.")
    assert pairs(found) == {("Jan Leike", "Anthropic"), ("John Schulman", "Anthropic")}


def test_an_org_used_as_a_modifier(extract):
    found = extract("Jan Leike, who earlier this month resigned from OpenAI, has joined OpenAI rival Anthropic.",
                    published="2024-05-28")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Jan Leike", "OpenAI", "Anthropic")]
    found = extract("Dario Amodei left his position as VP of research at OpenAI. Amodei went on to found Anthropic.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Dario Amodei", "OpenAI", "Anthropic")]
    found = extract("Just days after announcing his departure from OpenAI, Jan Leike has joined rival Anthropic. "
                    "Along with co-founder Ilya Sutskever, Leike led OpenAI's superalignment team.")
    assert pairs(found) == {("Jan Leike", "Anthropic")}


def test_a_hiring_org_names_its_people_later(extract):
    """A hire whose people come after a long description ("naming X along with Y"), a list the next sentence
    gives ("identified the pair as X and Y"), and "signed on" after "the company on Friday"."""
    found = extract("Meta recruited two former Apple model researchers for its freshly formed research "
                    "group, naming Tom Gunter along with Mark Lee.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    found = extract("Sources say Meta is hiring two more Apple engineers. A newsletter identified the pair as "
                    "Tom Gunter and Mark Lee.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    found = extract("Meta poaches two Apple engineers\nThe company on Tuesday signed on Tom Gunter and Mark Lee, "
                    "people close to the deal said.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    assert extract("Meta is hiring two more engineers. Critics identified the plan as risky.") == []


def test_a_subject_behind_two_appositions(extract):
    found = extract("Tom Gunter, once a lead of the Apple models group, in charge of giving them new senses, "
                    "a rejoint Meta à la fin juin.")
    assert pairs(found) == {("Tom Gunter", "Meta")}


def test_moves_told_as_nouns(extract):
    assert pairs(extract("The hiring of former Apple engineer Tom Gunter by Meta surprised Cupertino.")) == {
        ("Tom Gunter", "Meta")}
    assert pairs(extract("Mark Lee's move to Meta follows months of courtship.")) == {("Mark Lee", "Meta")}
    assert pairs(extract("L'arrivée de Tom Gunter chez Meta a été confirmée lundi.")) == {("Tom Gunter", "Meta")}
    assert pairs(extract("Le recrutement de Mark Lee par Meta intervient après des semaines de tractations.")) == {
        ("Mark Lee", "Meta")}
    found = extract("Le départ de Mark Lee d'Apple pour Meta inquiète Cupertino.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Mark Lee", "Apple", "Meta")]
    assert extract("Analysts wonder about the potential departure of Tom Gunter from Apple to Meta.") == []
    assert pairs(extract("Mark Zuckerberg's hiring spree at Meta goes on.")) == set()  # his hires, not his move
    assert extract("Nobody expected the hiring of Tom Gunter by Meta to fail; it did not happen.") == []


def test_first_person_quotes(extract):
    """The "I" of a quote is the person quoted; a reporter's own "I", or a denial, gives nothing."""
    assert pairs(extract('"After six years at Apple, I am moving on to join Meta," Mark Lee wrote on X.')) == {
        ("Mark Lee", "Meta")}
    assert pairs(extract("Tom Gunter a publié un message sur LinkedIn. « Je rejoins Meta », a-t-il écrit.")) == {
        ("Tom Gunter", "Meta")}
    assert pairs(extract('Mark Lee posted a long note: "I\'ve made the hard decision to leave Apple for Meta."')) == {
        ("Mark Lee", "Meta")}
    assert extract('"I am not leaving Apple for Meta," Mark Lee said.') == []
    assert extract("I met Mark Lee last week; I joined Meta in 2019.") == []
    assert pairs(extract('Tom Gunter shared the news on X: "I\'m thrilled to join Meta."')) == {("Tom Gunter", "Meta")}


def test_a_person_hires_for_the_org_they_lead(extract):
    found = extract("Thinking Machines CEO Mira Murati recruited Tom Gunter from Apple.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Tom Gunter", "Apple", "Thinking Machines Lab")]
    assert extract("Former Google CEO Eric Schmidt hired Tom Gunter.") == []  # who he hires for is unsaid


def test_group_sentences(extract):
    found = extract("Tom Gunter, Mark Lee and Bowen Zhang, all formerly of Apple, are among the founding members "
                    "of Periodic Labs.")
    assert pairs(found) == {(p, "Periodic Labs") for p in ("Tom Gunter", "Mark Lee", "Bowen Zhang")}
    found = extract("Tom Gunter is leaving Apple for Meta, joined by Mark Lee and Bowen Zhang.")
    assert pairs(found) == {(p, "Meta") for p in ("Tom Gunter", "Mark Lee", "Bowen Zhang")}
    found = extract("Mark Lee est l'un des membres fondateurs de Periodic Labs.")
    assert pairs(found) == {("Mark Lee", "Periodic Labs")}


def test_surnames_first_or_that_are_words_and_leaving_idioms(extract):
    found = extract("John Peebles, Nan Du et Zhao Meng travaillaient chez Apple. Peebles et Du sont partis chez "
                    "OpenAI, tandis que Meng a plié bagage pour Anthropic.")
    assert pairs(found) == {("John Peebles", "OpenAI"), ("Nan Du", "OpenAI"), ("Zhao Meng", "Anthropic")}
    found = extract("Zhao Meng worked on Apple's models. Zhao has now jumped ship to Anthropic.")
    assert pairs(found) == {("Zhao Meng", "Anthropic")}
    assert extract("Nan Du works at Apple. Du côté d'OpenAI, rien ne bouge.") == []


def test_a_sentence_that_opens_on_the_move(extract):
    found = extract("Also recently joining Meta's research unit were Tom Gunter, a former lead at the model group of "
                    "a rival, and Mark Lee.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    found = extract("Tom Gunter, Mark Lee, and Bowen Zhang announced themselves as founding members of Meta's new "
                    "office in Zurich.")
    assert pairs(found) == {(p, "Meta") for p in ("Tom Gunter", "Mark Lee", "Bowen Zhang")}
    assert extract("Joining the call were Tom Gunter and Mark Lee.") == []
    found = extract("Tom Gunter, a founding member of the Apple models team, has joined Meta.")
    assert pairs(found) == {("Tom Gunter", "Meta")}  # who he was, not a move
    found = extract("Tom Gunter quitte Apple pour rejoindre Periodic Labs, la start-up fondée par Mark Lee.")
    assert pairs(found) == {("Tom Gunter", "Periodic Labs")}  # founded by: no move of Mark Lee's


def test_prizes_are_no_people_and_this_includes(extract):
    found = extract("Dr. Tom Gunter, who shared the 2024 Nobel Prize in Chemistry, announced he was leaving Apple.")
    assert all(c.person == "Tom Gunter" for c in found)
    found = extract("Meta has also hired leading minds from Apple and Google. This includes Tom Gunter, who worked "
                    "on Apple models, and Mark Lee, who contributed to Siri.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}


def test_a_destination_told_on_its_own(extract):
    found = extract("Tom Gunter, a distinguished engineer, announced he was leaving Apple. His destination: Meta.")
    assert [(c.person, c.from_org, c.to_org) for c in found] == [("Tom Gunter", "Apple", "Meta")]
    assert extract("Apple has a new campus. Its destination: Cupertino.") == []


def test_badly_spelled_names_and_the_same_path(extract):
    found = extract("Meta a débauché Lucas Beyer et Alexander Koslenikov. Puis quatre autres chercheurs (Shuchao Bi, "
                    "Jiiahui Yu, Shangjia Zhao et Hingyu Ren) prenaient le même chemin.", published="2025-06-30")
    assert pairs(found) == {(p, "Meta") for p in ("Lucas Beyer", "Alexander Kolesnikov", "Shuchao Bi", "Jiahui Yu",
                                                  "Shengjia Zhao", "Hongyu Ren")}
    found = extract("Tom Gunter a quitté Apple pour Meta. Mark Lee a emboîté le pas en juillet.")
    assert pairs(found) == {("Tom Gunter", "Meta"), ("Mark Lee", "Meta")}
    assert extract("Xiaohua Zhao a rejoint Meta.")[0].person == "Xiaohua Zhao"  # another person, not a slip of Zhai


def test_a_person_who_is_an_org_hire(extract):
    found = extract("Tom Gunter, who was put in charge of Apple's search effort weeks ago, is another big Meta hire.")
    assert pairs(found) == {("Tom Gunter", "Meta")}
    assert pairs(extract("Mark Lee est la dernière recrue de Meta.")) == {("Mark Lee", "Meta")}
    assert extract("Mark Lee is not a Meta hire.") == []


def test_a_bare_join_shares_the_sentence_destination(extract):
    found = extract("Mark Lee has already started at Meta, while Tom Gunter is expected to come on board shortly.")
    assert pairs(found) == {("Mark Lee", "Meta"), ("Tom Gunter", "Meta")}
    found = extract("Mark Lee joined Meta in May, while Tom Gunter joined the board of a charity.")
    assert pairs(found) == {("Mark Lee", "Meta")}
    assert extract("Tom Gunter is expected to come on board shortly.") == []


def test_a_departure_of_a_move_on_record_takes_its_recorded_destination(engine):
    """"After the departure of X" names no destination, but the move on record it is does: the candidate is that
    move, so it says where X went (the hidden checks score person and destination)."""
    text = "Après le départ de Ruoming Pang, Apple a confié l'équipe AFM à Zhifeng Chen."
    record = _record("ruoming-pang-meta-2025", "Ruoming Pang", "Apple", "Meta", "2025-07-07")
    found = extract_candidates(article_from_text(text, published="2025-07-28"), engine.index,
                               lambda name: [record] if name == "Ruoming Pang" else [])
    assert [(c.person, c.from_org, c.to_org, c.known_move_id) for c in found] == [
        ("Ruoming Pang", "Apple", "Meta", "ruoming-pang-meta-2025")]
