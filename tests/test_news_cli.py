"""`movesbot feeds` and `movesbot candidates` from a shell, against a feed served on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.news.records import ArticleRef
from bot.store import Store
from tests.feed_server import rss
from tests.test_news_candidates import Found

runner = CliRunner()
FEED = rss([{"title": "Old story", "link": "https://news.example/old", "guid": "old"}], title="Demo AI news")


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body, kind = (FEED, "application/rss+xml") if self.path == "/feed.xml" else (b"<html></html>", "text/html")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """A plain HTTP server in a thread (the CLI runs its own event loop)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name == "DISCORD_TOKEN" or name.startswith("MOVESBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MOVESBOT_DB", str(tmp_path / "cli.db"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_feeds_add_list_enable_remove(site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    refused = invoke("feeds", "add", f"{site}/feed.xml")
    assert refused.exit_code == 1 and "MOVESBOT_ALLOW_PRIVATE_URLS" in refused.output
    monkeypatch.setenv("MOVESBOT_ALLOW_PRIVATE_URLS", "1")
    get_settings.cache_clear()
    not_feed = invoke("feeds", "add", f"{site}/page.html")
    assert not_feed.exit_code == 1 and "text/html" in not_feed.output
    assert "No feeds" in invoke("feeds", "list").output
    added = invoke("feeds", "add", f"{site}/feed.xml")
    assert added.exit_code == 0, added.output
    assert "Added feed #1 Demo AI news: its 1 current item(s) are the baseline" in added.output
    assert "already there" in invoke("feeds", "add", f"{site}/feed.xml").output
    listed = invoke("feeds", "list").output
    assert listed.startswith(f"#1 Demo AI news <{site}/feed.xml> — every server; ok")
    assert "is enabled" in invoke("feeds", "enable", f"{site}/feed.xml").output
    missing = invoke("feeds", "remove", "7")
    assert missing.exit_code == 1 and "7: no feed" in missing.output
    assert "Removed feed #1" in invoke("feeds", "remove", "1").output
    assert "No feeds" in invoke("feeds", "list").output


def test_candidates_list_and_reject(tmp_path: Path) -> None:
    async def seed() -> tuple[int, int]:
        async with await Store.open(tmp_path / "cli.db") as store:
            a = await store.add_candidate(Found(), ArticleRef("https://news.example/pang"))
            b = await store.add_candidate(Found(person="Tom Gunter", to_org=None, to_team=None),
                                          ArticleRef("https://news.example/gunter"))
            return a.candidate.id, b.candidate.id

    pang, gunter = asyncio.run(seed())
    listed = invoke("candidates", "list")
    assert listed.exit_code == 0
    assert f"#{gunter} Tom Gunter: Apple (Foundation Models) → left (destination not reported)" in listed.output
    assert "https://news.example/pang" in listed.output
    rejected = invoke("candidates", "reject", str(gunter), "--by", "alice")
    assert rejected.exit_code == 0 and "will not be proposed again" in rejected.output
    again = invoke("candidates", "reject", str(gunter))
    assert again.exit_code == 1 and "already rejected by alice" in again.output
    assert invoke("candidates", "reject", "99").exit_code == 1
    data = json.loads(invoke("candidates", "list", "--state", "all", "--json").output)
    assert [(c["id"], c["state"], c["to_org"]) for c in data["candidates"]] == [
        (gunter, "rejected", None), (pang, "pending", "Meta")]
    assert invoke("candidates", "list", "--state", "maybe").exit_code == 2
