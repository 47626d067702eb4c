"""News extraction: how fast an article becomes candidate moves, against merely reading its text, and what each part
of the extractor buys on the development set (`tests/news_dev/`).

- `news_extract_*`: extraction of every development article (plain text), several rounds, per article; the
  reference is reading the same file and splitting it into words, in the same run. Over the default dataset's name
  index and over the mid-size synthetic one (a big index makes name lookups dearer).
- `news_html_*`: the same articles as web pages, through trafilatura and then extraction; the reference is reading
  the page.
- `news_dev_*`: precision and recall on (person, destination) over the development set, with everything, and
  without each part in turn (informational: what that part buys).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from unittest import mock

from bench.common import OUT, Figure, Scale, label
from bot.news import article_from_html, article_from_text, extract_candidates
from bot.news.mentions import MentionFinder
from bot.news.sentence import SentenceReader
from bot.search import Lookup, NameIndex
from tests.news_devset import DEV_DIR, dev_articles, score


def bench_news(scale: Scale, mid_db: Path) -> list[Figure]:
    return asyncio.run(_news(scale, mid_db))


async def _news(scale: Scale, mid_db: Path) -> list[Figure]:
    from bot.answers.engine import _index_of
    from bot.service import open_engine
    from bot.store import Store

    rounds = 5 if scale.name == "quick" else 20
    texts = sorted(DEV_DIR.glob("*.txt"))
    pages = _pages(texts)
    engine = await open_engine(OUT / "news-default.sqlite", Path(__file__).resolve().parents[1] / "data")
    figures: list[Figure] = []
    try:
        figures += _speed("news_extract_default", texts, rounds, engine.index)
        figures += _html_speed(pages, max(1, rounds // 4), engine.index)
        figures += await _quality(engine)
    finally:
        await engine.store.close()
    store = await Store.open(mid_db)
    try:
        big = await _index_of(store)
    finally:
        await store.close()
    figures += _speed(f"news_extract_{label(scale.mid)}_index", texts, max(1, rounds // 4), big)
    return figures


def _per_article(run: Callable[[Path], object], files: list[Path], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        for path in files:
            run(path)
    return (time.perf_counter() - started) / (rounds * len(files))


def _speed(name: str, texts: list[Path], rounds: int, index: NameIndex) -> list[Figure]:
    def read(path: Path) -> object:
        return path.read_text(encoding="utf-8").split()

    def extract(path: Path) -> object:
        return extract_candidates(article_from_text(path.read_text(encoding="utf-8")), index)

    extract(texts[0])  # warm: imports and regex compilation are not per article
    reading = _per_article(read, texts, rounds)
    cost = _per_article(extract, texts, rounds)
    return [Figure(f"{name}_per_article", cost * 1000, "ms", reading * 1000),
            Figure(f"{name}_rate", 1 / cost, "articles/s", note=f"{len(texts)} articles x {rounds} rounds")]


def _pages(texts: list[Path]) -> list[Path]:
    """Each development article as a page with a menu, a footer and OpenGraph metadata (written once)."""
    folder = OUT / "news-pages"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for path in texts:
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        page = folder / (path.stem + ".html")
        page.write_text(
            f'<!DOCTYPE html><html><head><title>{title}</title><meta property="og:title" content="{title}">'
            '<meta property="og:site_name" content="Example News">'
            '<meta property="article:published_time" content="2025-07-20T08:00:00Z"></head><body>'
            '<nav><a href="/">Home</a> <a href="/ai">AI</a> <a href="/login">Sign in</a></nav>'
            f'<article><h1>{title}</h1>' + "".join(f"<p>{p}</p>" for p in body.splitlines()) +
            '</article><aside>Most read: a list of other stories</aside><footer>Cookies, terms</footer></body></html>',
            encoding="utf-8")
        out.append(page)
    return out


def _html_speed(pages: list[Path], rounds: int, index: NameIndex) -> list[Figure]:
    def read(path: Path) -> object:
        return path.read_text(encoding="utf-8").split()

    def extract(path: Path) -> object:
        return extract_candidates(article_from_html(path.read_text(encoding="utf-8")), index)

    extract(pages[0])
    reading = _per_article(read, pages, rounds)
    cost = _per_article(extract, pages, rounds)
    return [Figure("news_html_per_article", cost * 1000, "ms", reading * 1000),
            Figure("news_html_rate", 1 / cost, "articles/s")]


class _Without:
    """A name index seen through a narrower window: no people, or canonical names only (no aliases)."""

    def __init__(self, index: NameIndex, *, people: bool = True, aliases: bool = True):
        self.index, self.people, self.aliases = index, people, aliases

    def __len__(self) -> int:
        return len(self.index)

    def spellings(self, kind: str) -> dict[str, str]:
        return self.index.spellings(kind) if self.people or kind != "person" else {}

    def exact(self, text, kinds=None):
        kinds = [k for k in (kinds or ("person", "org", "team")) if self.people or k != "person"]
        return [m for m in self.index.exact(text, kinds) if self.aliases or m.spelling == m.name]

    def fuzzy(self, text, kinds=None, limit=10, cutoff=60.0):
        if not self.people:
            return []
        return [m for m in self.index.fuzzy(text, kinds, limit, cutoff) if self.aliases or m.spelling == m.name]

    def lookup(self, text, kinds=None, limit=5):
        return self.index.lookup(text, kinds, limit) if self.people and self.aliases else Lookup(text, None)


@contextmanager
def _patched(target: type, attribute: str, value: object) -> Iterator[None]:
    with mock.patch.object(target, attribute, value):
        yield


async def _quality(engine) -> list[Figure]:
    from bot.news import extract_with_store

    variants: dict[str, tuple[object, Callable[[], AbstractContextManager]]] = {
        "": (engine.index, nullcontext),
        "_without_people_index": (_Without(engine.index, people=False), nullcontext),
        "_without_aliases": (_Without(engine.index, aliases=False), nullcontext),
        "_without_new_names": (engine.index, lambda: _patched(MentionFinder, "_new_names", lambda *a: [])),
        "_without_background_rule": (engine.index, lambda: _patched(SentenceReader, "_background", lambda *a: False)),
    }
    figures = []
    for suffix, (index, context) in variants.items():
        with context():
            found = {name: await extract_with_store(article, index, engine.store)
                     for name, article, _ in dev_articles()}
        result = score(found)
        goal = suffix == ""
        figures.append(Figure(f"news_dev{suffix}_precision", result.precision, "share",
                              goal=">= 90%" if goal else None, met=result.precision >= 0.9 if goal else None))
        figures.append(Figure(f"news_dev{suffix}_recall", result.recall, "share",
                              goal=">= 85%" if goal else None, met=result.recall >= 0.85 if goal else None))
    return figures
