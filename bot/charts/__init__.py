"""Charts of the record (no Discord): flows of one org, its timeline, and the talent war between the top orgs.

`data` reads what to draw from the store, `words` says it (title, caption, alt text) in English or French, and
`render` draws it into PNG bytes; `render` is imported only when a chart is drawn (matplotlib is heavy).
"""

from bot.charts.data import BadChartInput, FlowsData, TimelineData, WarData, flows_data, timeline_data, war_data
from bot.charts.words import Chart, alt_text, caption, empty_sentence, summary, title

__all__ = ["BadChartInput", "Chart", "FlowsData", "TimelineData", "WarData", "alt_text", "caption",
           "empty_sentence", "flows_data", "render_png", "summary", "timeline_data", "title", "war_data"]


def render_png(chart: Chart) -> bytes:
    """The chart drawn as PNG bytes; blocking (tens of milliseconds): run it off the event loop."""
    from bot.charts.render import render_png as render

    return render(chart)
