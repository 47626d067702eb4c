"""`movesbot chart …` and the console's `/chart …`: a PNG written where asked (and said), an unknown org or a bad
option exits 1 with a clear message and writes nothing, an org with no move in the period gets a sentence."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.answers import Engine
from bot.cli import app
from bot.config import get_settings
from bot.console import Console
from tests.conftest import DATA_DIR
from tests.test_charts import assert_png

runner = CliRunner()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No database or dataset path from the developer's shell; files land in the test's own folder."""
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def chart(db: Path, *args: str):
    return runner.invoke(app, ["chart", *args, "--db", str(db), "--data", str(DATA_DIR)])


def test_cli_writes_each_chart(db_path: Path, tmp_path: Path) -> None:
    for args in (["flows", "apple", "--team", "AFM", "--since", "2025"], ["timeline", "Meta", "--locale", "fr"],
                 ["war", "--top", "5", "--since", "2025-06"]):
        out = tmp_path / f"{args[0]}.png"
        result = chart(db_path, *args, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.stdout
        assert_png(out.read_bytes())
    flows = chart(db_path, "flows", "Apple", "--team", "AFM", "--out", str(tmp_path / "f.png"))
    assert "Bar chart of the moves of Foundation Models (Apple): 0 in, 10 out (net -10)." in flows.stdout


def test_cli_says_why_and_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "none.png"
    unknown = chart(db_path, "flows", "Zzyzx Qwv Labs", "--out", str(out))
    assert unknown.exit_code == 1 and "Zzyzx Qwv Labs" in unknown.output
    bad_since = chart(db_path, "timeline", "Apple", "--since", "soon", "--out", str(out))
    assert bad_since.exit_code == 1 and "'soon' is not YYYY, YYYY-MM or YYYY-MM-DD" in bad_since.output
    bad_top = chart(db_path, "war", "--top", "30", "--out", str(out))
    assert bad_top.exit_code == 1 and "top must be between 2 and 12" in bad_top.output
    empty = chart(db_path, "timeline", "Apple", "--since", "2099", "--out", str(out))
    assert empty.exit_code == 0
    assert empty.stdout.strip() == "No move of Apple is on record since 2099: there is nothing to chart."
    assert not out.exists()


async def test_console_chart_prints_where_it_wrote(engine: Engine, tmp_path: Path) -> None:
    console = Console(engine, out=io.StringIO())
    text = await console.handle("/chart flows Google DeepMind --since 2025")
    written = tmp_path / "chart-flows-google-deepmind.png"
    assert text is not None and text.startswith(f"Wrote {written} (")
    assert_png(written.read_bytes())
    text = await console.handle(f"/chart war --top 3 --out {tmp_path / 'w.png'}")
    assert text is not None and f"Wrote {tmp_path / 'w.png'}" in text
    assert (await console.handle("/chart")).startswith("Usage: /chart")
    assert (await console.handle("/chart war Apple")).startswith("Usage: /chart")
    assert (await console.handle("/chart flows Apple --colour red")).startswith("Unknown option --colour")
    assert "not YYYY" in await console.handle("/chart timeline Apple --since next week")
