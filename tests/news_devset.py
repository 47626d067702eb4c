"""The news development set (`tests/news_dev/`): paraphrased articles and their gold (person, destination) pairs,
and how a run over it is scored. Shared by the test that holds the thresholds and by `bench/news.py`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.news import Article, Candidate, article_from_text

DEV_DIR = Path(__file__).parent / "news_dev"

Pair = tuple[str, str | None]


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __str__(self) -> str:
        return f"precision {self.precision:.1%}, recall {self.recall:.1%} (tp {self.tp}, fp {self.fp}, fn {self.fn})"


def dev_articles() -> Iterator[tuple[str, Article, set[Pair]]]:
    """(file name, article, gold pairs) for every development article."""
    gold = json.loads((DEV_DIR / "gold.json").read_text(encoding="utf-8"))
    for name, item in gold.items():
        if name.startswith("_"):
            continue
        article = article_from_text((DEV_DIR / name).read_text(encoding="utf-8"), published=item["published"])
        yield name, article, {(p, o) for p, o in item["moves"]}


def score(found: Mapping[str, list[Candidate]], misses: list[str] | None = None) -> Score:
    """Precision and recall on (person, destination org) of what was `found` in each development article."""
    total = Score()
    for name, _, gold in dev_articles():
        got = {(c.person, c.to_org) for c in found[name]}
        total.tp += len(got & gold)
        total.fp += len(got - gold)
        total.fn += len(gold - got)
        if misses is not None and got != gold:
            misses.append(f"{name}: wrong {sorted(got - gold, key=str)}, missed {sorted(gold - got, key=str)}")
    return total
