"""What the benchmarks ask: names misspelled the way people mistype them, and a fixed mix of questions."""

from __future__ import annotations

import csv
import random
from pathlib import Path

LETTERS = "abcdefghijklmnopqrstuvwxyz"
NEIGHBOURS = {  # QWERTY keys next to each other: the commonest substitution
    "q": "wa", "w": "qes", "e": "wrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "ol", "a": "qsz", "s": "awdz", "d": "sefx", "f": "drgc", "g": "fthv", "h": "gyjb", "j": "hukn",
    "k": "jilm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm",
    "m": "njk",
}


def misspell(name: str, rng: random.Random) -> str:
    """One or two typing mistakes in a name (swapped, missing, extra or wrong letter), sometimes with the words in
    another order, the middle initial left out, or all lower case; never the name itself."""
    for _ in range(20):
        text = name
        roll = rng.random()
        if roll < 0.08:
            text = " ".join(reversed(text.split()))
        elif roll < 0.14 and len(text.split()) == 3:
            words = text.split()
            text = f"{words[0]} {words[2]}"
        for _ in range(1 if rng.random() < 0.7 else 2):
            text = _typo(text, rng)
        if rng.random() < 0.2:
            text = text.lower()
        if text.casefold() != name.casefold():
            return text
    return name + "x"


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if not letters:
        return text
    i = rng.choice(letters)
    kind = rng.choice(("swap", "drop", "extra", "wrong"))
    if kind == "swap" and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    if kind == "drop" and len(letters) > 3:
        return text[:i] + text[i + 1:]
    if kind == "extra":
        return text[:i] + rng.choice(NEIGHBOURS.get(text[i].lower(), LETTERS)) + text[i:]
    near = NEIGHBOURS.get(text[i].lower(), LETTERS)
    return text[:i] + rng.choice(near) + text[i + 1:]


def dataset_names(data_dir: Path, limit: int = 5_000) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """People, orgs and (org, team) pairs named in a dataset (the first `limit` moves), in file order."""
    people: dict[str, None] = {}
    orgs: dict[str, None] = {}
    teams: dict[tuple[str, str], None] = {}
    with (data_dir / "moves.csv").open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if i >= limit:
                break
            people.setdefault(row["person"])
            for side in ("from", "to"):
                orgs.setdefault(row[f"{side}_org"])
                if row[f"{side}_team"]:
                    teams.setdefault((row[f"{side}_org"], row[f"{side}_team"]))
    return list(people), list(orgs), list(teams)


def question_mix(data_dir: Path, count: int, seed: int = 3) -> list[str]:
    """A fixed mix of the questions people ask, in English and French, about names of the dataset."""
    rng = random.Random(seed)
    people, orgs, teams = dataset_names(data_dir)
    templates = [
        lambda: f"who left {rng.choice(orgs)}?",
        lambda: f"who joined {rng.choice(orgs)}?",
        lambda: f"who joined {rng.choice(orgs)} from {rng.choice(orgs)} in {rng.randint(2016, 2025)}?",
        lambda: f"{rng.choice(orgs)} to {rng.choice(orgs)}",
        lambda: f"where did {rng.choice(people)} go?",
        lambda: misspell(rng.choice(people), rng),
        lambda: "recent moves",
        lambda: rng.choice(orgs),
        lambda: "who left {}'s {} team?".format(*rng.choice(teams)),
        lambda: f"qui a quitté {rng.choice(orgs)} ?",
        lambda: f"who leads {rng.choice(orgs)}?",
        lambda: f"who left {rng.choice(orgs)} since {rng.randint(2016, 2025)}?",
        lambda: f"où est parti {rng.choice(people)} ?",
        lambda: "mouvements récents",
    ]
    return [templates[i % len(templates)]() for i in range(count)]
