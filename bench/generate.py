"""Deterministic synthetic datasets in the project's format: realistic names, many orgs and teams, 1-3 sources.

`python -m bench.generate --moves 100000 --out bench/out/data-100k` writes a dataset folder that
`movesbot load --data` accepts. Same seed, same files, so runs compare.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from bot.dataset import COLUMNS


def _words(text: str) -> list[str]:
    """A word list written as a block of text."""
    return text.split()


FIRST = _words("""
James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph
Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa Matthew Betty Anthony Margaret Mark Sandra Donald
Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa
Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas
Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha
Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis
Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary
Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger
Hannah Terry Jacqueline Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances
Dylan Kathryn Jesse Janice Jordan Jean Bryan Abigail Billy Alice Joe Judy Bruce Sophia Gabriel Grace Logan Denise
Albert Amber Willie Doris Alan Marilyn Juan Danielle Wayne Beverly Elijah Isabella Randy Theresa Roy Diana Vincent
Natalie Ralph Brittany Eugene Charlotte Russell Marie Bobby Kayla Mason Alexis Philip Lori Wei Jing Li Ming Hao Yan
Xin Lei Jun Tao Yu Fang Hui Chen Ravi Priya Arjun Ananya Vikram Deepa Rahul Sneha Amit Pooja Hiroshi Yuki Takashi
Sakura Kenji Aiko Jin Min Seo Hyun Ji Pierre Camille Louis Chloe Hugo Lea Lucas Manon Jonas Lena Felix Mia Lukas Sofia
Matteo Giulia Luca Chiara Mateo Lucia Diego Valentina Ahmed Fatima Omar Layla Yusuf Amira Ivan Olga Dmitri
Anastasia""")
LAST = _words("""
Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson
Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter
Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood
James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell
Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan
Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran
Medina Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy Wells
Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder
Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold
Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley
Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence
Sandoval Wang Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Sharma Gupta Singh Kumar
Reddy Iyer Nair Rao Mehta Joshi Tanaka Suzuki Takahashi Watanabe Ito Yamamoto Nakamura Kobayashi Park Choi Jung Kang
Cho Yoon Dubois Laurent Bernard Moreau Lefebvre Mercier Muller Schneider Fischer Weber Becker Rossi Russo Ferrari
Esposito Bianchi Romano Ivanov Petrov Sokolov Novak Kowalski Nowak Jansen Visser Larsen Nielsen Johansson
Lindqvist""")
ORG_A = _words("""
Nimbus Quantum Vector Apex Lumen Cortex Helix Axiom Nova Orbit Stellar Tensor Photon Cipher Vertex Zenith
Aurora Echo Prism Flux Atlas Beacon Catalyst Delta Ember Fathom Granite Harbor Ion Juniper Kepler Lattice Meridian
Nexus Onyx Polaris Quartz Radiant Summit Tidal Umbra Vanguard Willow Xenon Yonder Zephyr""")
ORG_B = _words("""
Labs AI Research Systems Robotics Intelligence Dynamics Compute Networks Analytics Machines Cloud Foundry
Works Technologies""")
TEAMS = _words("""
Pre-training Post-training Inference Safety Alignment Research Applied-AI Infrastructure Multimodal Agents
Robotics Evaluation Data Platform Product""")
REAL_ORGS = ["Apple", "Meta", "OpenAI", "Google DeepMind", "Anthropic", "Microsoft", "xAI", "Amazon", "Nvidia",
             "Mistral AI", "Thinking Machines Lab", "Safe Superintelligence", "ByteDance", "Alibaba", "Tencent"]


def orgs(count: int) -> list[str]:
    names = list(REAL_ORGS)
    for b in ORG_B:
        for a in ORG_A:
            names.append(f"{a} {b}")
    i = 2
    while len(names) < count:
        names.extend(f"{a} {b} {i}" for b in ORG_B for a in ORG_A)
        i += 1
    return names[:count]


def person_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct realistic names ("Wei Zhang", "Maria K. Lopez")."""
    seen: set[str] = set()
    out: list[str] = []
    initials = "ABCDEFGHJKLMNPRSTW"
    while len(out) < count:
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        if name in seen:
            name = f"{first} {rng.choice(initials)}. {last}"
        if name in seen:
            name = f"{first} {rng.choice(FIRST)} {last}"
        if name not in seen:
            seen.add(name)
            out.append(name)
    return out


def generate(moves: int, out: Path, seed: int = 7) -> Path:
    """Write a dataset of `moves` moves (about 0.7 moves per person) into `out`; return it."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    org_names = orgs(max(50, min(5000, moves // 50)))
    people = person_names(max(10, int(moves * 0.7)), rng)
    files = {name: (out / name).open("w", encoding="utf-8", newline="") for name in
             ("moves.csv", "sources.csv", "people.csv", "orgs.csv", "teams.csv")}
    try:
        writers = {name: csv.writer(f, lineterminator="\n") for name, f in files.items()}
        for name, w in writers.items():
            w.writerow(COLUMNS[name])
        for org in org_names:
            writers["orgs.csv"].writerow([org, ""])
            for team in TEAMS[:3]:
                writers["teams.csv"].writerow([org, team, ""])
        names = set(people)
        for person in people[: len(people) // 10]:
            first, _, last = person.rpartition(" ")
            alias = f"{last} {first}"  # (not when it is another person's name: a spelling belongs to one person)
            writers["people.csv"].writerow([person, alias if alias not in names else ""])
        used: set[tuple[str, str, str, str]] = set()
        for i in range(moves):
            person = people[i % len(people)] if i < len(people) else rng.choice(people)
            src, dst = rng.sample(org_names, 2)
            year = rng.randint(2015, 2026)
            date = rng.choice([f"{year}", f"{year}-{rng.randint(1, 12):02d}",
                               f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"])
            if (person, src, dst, date) in used:
                continue
            used.add((person, src, dst, date))
            move_id = f"m{i:07d}"
            writers["moves.csv"].writerow([
                move_id, person, src, rng.choice(TEAMS[:3]) if rng.random() < 0.3 else "", "researcher", dst,
                rng.choice(TEAMS[:3]) if rng.random() < 0.3 else "", "", date,
                rng.choice(["announced", "reported", "effective"]), rng.choice(["reported", "confirmed"]),
                "synthetic" if rng.random() < 0.2 else ""])
            for j in range(rng.randint(1, 3)):
                writers["sources.csv"].writerow([move_id, f"https://news{j}.example.com/{year}/{move_id}",
                                                 f"Story {i}", "Example News", "", "en", ""])
    finally:
        for f in files.values():
            f.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--moves", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.moves, args.out, args.seed)


if __name__ == "__main__":
    main()
