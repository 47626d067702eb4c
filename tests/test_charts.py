"""Charts (core, no Discord): the numbers drawn are the store's own counts, one bar or cell per number, valid
PNGs well under Discord's upload limit, alt text that states the numbers, and a sentence instead of an empty
chart. No pixel comparisons: the figures' artists are inspected before saving."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from PIL import Image

from bot.answers import Answer, Engine
from bot.charts import BadChartInput, FlowsData, TimelineData, WarData, flows_data, render_png, timeline_data, war_data
from bot.charts.data import MAX_ROWS, FlowRow, Period
from bot.charts.render import draw
from bot.charts.words import ALT_LIMIT, alt_text, caption, empty_sentence, title

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
DISCORD_UPLOAD_LIMIT = 10 * 1024 * 1024


def bars(fig, gid: str) -> list:
    """The bars of one series (arrivals or departures), in drawing order."""
    return [p for p in fig.axes[0].patches if p.get_gid() == gid]


def assert_png(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) < 1024 * 1024 < DISCORD_UPLOAD_LIMIT
    with Image.open(io.BytesIO(data)) as image:
        image.load()  # decodes every pixel: a truncated or corrupt file fails here
        assert image.format == "PNG"
        return image.size


async def org_id(engine: Engine, name: str, kind: str = "org") -> int:
    match = engine.index.lookup(name, [kind]).best
    assert match is not None
    return match.id


async def test_flows_of_an_org_are_the_stores_counts_one_bar_each(engine: Engine) -> None:
    chart = await flows_data(engine, "Apple")
    assert isinstance(chart, FlowsData) and not chart.empty
    expected = {f.counterpart: (f.joined, f.left) for f in await engine.store.org_flows(await org_id(engine, "Apple"))}
    assert len(expected) <= MAX_ROWS  # every counterpart gets its own row here
    assert {r.counterpart: (r.joined, r.left) for r in chart.rows} == expected
    fig = draw(chart)
    arrivals, departures = bars(fig, "arrivals"), bars(fig, "departures")
    assert len(arrivals) == len(departures) == len(chart.rows)
    assert [round(p.get_width()) for p in arrivals] == [r.joined for r in chart.rows]
    assert [round(-p.get_width()) for p in departures] == [r.left for r in chart.rows]
    _, left_total = await engine.store.moves(from_org_id=await org_id(engine, "Apple"), limit=1)
    assert chart.left == left_total
    width, height = assert_png(render_png(chart))
    assert width >= 1000 and height >= 500


async def test_flows_of_a_team_by_alias_and_a_fuzzy_org(engine: Engine) -> None:
    chart = await flows_data(engine, "apple", "AFM", since="2025")
    assert isinstance(chart, FlowsData)
    assert chart.subject == "Foundation Models (Apple)"
    team = await org_id(engine, "Foundation Models", "team")
    _, left = await engine.store.moves(from_team_id=team, date_from="2025", limit=1)
    _, joined = await engine.store.moves(to_team_id=team, date_from="2025", limit=1)
    assert (chart.left, chart.joined) == (left, joined) and left > 0
    assert sum(r.left for r in chart.rows) == left
    assert caption(chart).endswith("Period: since 2025")
    lower = await flows_data(engine, "openai")
    assert isinstance(lower, FlowsData) and lower.subject == "OpenAI"
    alias = await timeline_data(engine, "AFM")  # a team's alias typed where the org goes
    assert isinstance(alias, TimelineData) and alias.subject == "Foundation Models (Apple)"


async def test_many_counterparts_keep_the_most_active_and_sum_the_rest(engine: Engine) -> None:
    chart = await flows_data(engine, "Meta")
    assert isinstance(chart, FlowsData)
    flows = await engine.store.org_flows(await org_id(engine, "Meta"))
    assert len(flows) > MAX_ROWS
    named = [f for f in flows if f.counterpart is not None]
    shown = MAX_ROWS - 1 - (len(named) < len(flows))  # a row for the unreported destinations, one for the rest
    assert len(chart.rows) == MAX_ROWS and chart.rows[-1].others == len(named) - shown
    assert chart.rows[-1].joined == sum(f.joined for f in named[shown:])
    assert (chart.joined, chart.left) == (sum(f.joined for f in flows), sum(f.left for f in flows))
    assert len(bars(draw(chart), "arrivals")) == MAX_ROWS


async def test_a_retracted_move_leaves_the_chart(engine: Engine) -> None:
    before = await flows_data(engine, "Apple", "AFM")
    await engine.store.retract_move("ruoming-pang-meta-2025", actor="test", reason="test")
    after = await flows_data(engine, "Apple", "AFM")
    assert isinstance(before, FlowsData) and isinstance(after, FlowsData)
    assert after.left == before.left - 1
    meta = lambda chart: next(r.left for r in chart.rows if r.counterpart == "Meta")  # noqa: E731
    assert meta(after) == meta(before) - 1


async def test_timeline_counts_each_month_and_marks_the_latest_move(engine: Engine) -> None:
    chart = await timeline_data(engine, "Meta")
    assert isinstance(chart, TimelineData) and not chart.empty
    meta = await org_id(engine, "Meta")
    months = [m for m, _, _ in chart.months]
    assert months == sorted(months) and len(set(months)) == len(months)
    fig = draw(chart)
    arrivals, departures = bars(fig, "arrivals"), bars(fig, "departures")
    at = {round(b.get_x() + b.get_width() / 2): round(b.get_height()) for b in arrivals}
    assert len(at) == len(arrivals) == sum(1 for _, joined, _ in chart.months if joined)  # a bar per count
    assert len(departures) == sum(1 for *_, left in chart.months if left)
    for i, month in enumerate(months):  # [month, month-32): the month and its days only
        year, mon = int(month[:4]), int(month[5:7])
        after = f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"
        _, n = await engine.store.moves(to_org_id=meta, date_from=month, date_before=after, limit=1)
        assert at.get(i, 0) == n, month
    _, all_in = await engine.store.moves(to_org_id=meta, limit=1)
    _, all_out = await engine.store.moves(from_org_id=meta, limit=1)
    assert sum(round(b.get_height()) for b in arrivals) + chart.year_only[0] == all_in
    assert sum(round(-b.get_height()) for b in departures) + chart.year_only[1] == all_out
    newest_in, _ = await engine.store.moves(to_org_id=meta, newest_first=True, limit=1)
    assert chart.latest is not None and chart.latest.id == newest_in[0].id and chart.latest_arrived
    marks = [a for a in fig.axes[0].texts if a.get_gid() == "latest"]
    assert len(marks) == 1 and chart.latest.person in marks[0].get_text()
    if sum(chart.year_only):
        assert "dated only to the year" in alt_text(chart)
    assert_png(render_png(chart))


async def test_war_cells_are_the_net_flows_between_the_top_orgs(engine: Engine) -> None:
    chart = await war_data(engine, top=6)
    assert isinstance(chart, WarData) and len(chart.orgs) == 6
    totals = sorted(await engine.store.org_totals(), key=lambda f: (-(f.joined + f.left), f.counterpart))
    assert chart.orgs == tuple(f.counterpart for f in totals[:6])
    ids = {name: await org_id(engine, name) for name in chart.orgs}
    fig = draw(chart)
    meshes = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    cells = np.ma.asarray(meshes[0].get_array()).reshape(6, 6)
    assert cells.count() == 6 * 5 and all(cells.mask[i, i] for i in range(6))
    for i, row in enumerate(chart.orgs):
        for j, column in enumerate(chart.orgs):
            if i != j:
                _, gained = await engine.store.moves(from_org_id=ids[column], to_org_id=ids[row], limit=1)
                _, lost = await engine.store.moves(from_org_id=ids[row], to_org_id=ids[column], limit=1)
                assert cells[i, j] == gained - lost, (row, column)
    biggest = max((abs(chart.net(a, b)), a, b) for a in chart.orgs for b in chart.orgs if a != b)
    assert f"{biggest[0]} net" in alt_text(chart)
    assert_png(render_png(chart))


async def test_nothing_to_draw_is_a_sentence(engine: Engine) -> None:
    chart = await flows_data(engine, "Apple", since="2099")
    assert isinstance(chart, FlowsData) and chart.empty
    assert empty_sentence(chart) == "No move of Apple is on record since 2099: there is nothing to chart."
    timeline = await timeline_data(engine, "Apple", since="2099", locale="fr")
    assert isinstance(timeline, TimelineData) and timeline.empty
    assert empty_sentence(timeline).startswith("Aucun mouvement d'Apple n'est enregistré depuis 2099")
    war = await war_data(engine, since="2099")
    assert war.empty and "nothing to chart" in empty_sentence(war)


async def test_unknown_names_and_bad_options(engine: Engine) -> None:
    unknown = await flows_data(engine, "Zzyzx Qwv Labs")
    assert isinstance(unknown, Answer) and unknown.intent in ("not_found", "ambiguous")
    with pytest.raises(BadChartInput):
        await timeline_data(engine, "Apple", since="last tuesday")
    with pytest.raises(BadChartInput, match="between 2 and 12"):
        await war_data(engine, top=40)


async def test_french_words_and_caption(engine: Engine) -> None:
    chart = await flows_data(engine, "Apple", locale="fr")
    assert isinstance(chart, FlowsData)
    assert title(chart) == "Arrivées et départs : Apple"
    assert caption(chart).startswith("Source : registre movesbot, dernier mouvement ")
    assert "Période : tous les mouvements enregistrés" in caption(chart)
    plural = lambda n, word: f"{n} {word}" + ("s" if n > 1 else "")  # noqa: E731
    assert f"{plural(chart.joined, 'arrivée')} et {plural(chart.left, 'départ')}" in alt_text(chart)
    texts = [t.get_text() for t in draw(chart).findobj(lambda a: hasattr(a, "get_text"))]
    assert any("départs (vers)" in text for text in texts)


def test_accented_names_render_without_missing_glyphs() -> None:
    rows = tuple(FlowRow(name, 2, 1) for name in ("Université de Montréal", "Zoë Ångström Lab", "Škoda AI"))
    chart = FlowsData("fr", Period(), "2025-07-07", "Société Générale (Équipe Données)", rows, 6, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        assert_png(render_png(chart))


def test_alt_text_stays_within_discords_limit() -> None:
    rows = tuple(FlowRow(f"A rather long organisation name number {i}", i, i + 1) for i in range(40))
    chart = FlowsData("en", Period("2025", "year"), "2026-01", "Meta", rows, 780, 820)
    text = alt_text(chart)
    assert len(text) <= ALT_LIMIT
    assert text.startswith("Bar chart of the moves of Meta since 2025: 780 in, 820 out (net -40).")
    assert text.rstrip(".").split("; ")[-1].startswith("and ") and "more" in text


def test_departures_to_an_unreported_destination_are_named_so() -> None:
    rows = (FlowRow("Meta", 0, 4), FlowRow(None, 0, 2), FlowRow(None, 1, 1, others=3))
    chart = FlowsData("en", Period(), "2025-07-07", "Apple", rows, 1, 7)
    fig = draw(chart)
    labels = [label.get_text() for label in fig.axes[0].get_yticklabels()]
    assert labels == ["Meta", "destination not reported", "3 other orgs"]  # top to bottom
    assert "destination not reported, 0 in and 2 out; 3 other orgs, 1 in and 1 out" in alt_text(chart)
    french = FlowsData("fr", Period(), "2025-07-07", "Apple", rows, 1, 7)
    assert "destination non communiquée, 0 arrivée et 2 départs" in alt_text(french)
