"""Screening quality: precision, recall and F1 on the development set and on the public name-pair benchmark.

    python -m bench.screening_quality            # both sets, per category, at the default thresholds
    python -m bench.screening_quality --errors   # also list every wrong answer
    python -m bench.screening_quality --peer     # nomenklatura's logic-v2 side by side (`peer` extra)

Development set (tests/data/names/): each query is screened against the whole registry; the answer is the top
candidate if its decision is `match`, else none. A right entity is a true positive; a wrong entity is a false
positive (and, when another entity was expected, also a false negative); no answer where one was expected is
a false negative. Hard negatives expect no answer.

Public pairs (../shared/data/name_bench_cases.csv): each pair is one decision, `match` or not.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lantern.screening import Decision, Screener, ScreeningEntity
from lantern.screening.model import MatchConfig

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "names"
PUBLIC = ROOT.parent.parent / "shared" / "data" / "name_bench_cases.csv"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, expected: str | None, predicted: str | None) -> str:
        if predicted is not None and predicted == expected:
            self.tp += 1
            return "tp"
        outcome = "tn"
        if predicted is not None:
            self.fp += 1
            outcome = "fp"
        if expected is not None:
            self.fn += 1
            outcome = "fn" if predicted is None else "fp+fn"
        if outcome == "tn":
            self.tn += 1
        return outcome

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        n = self.tp + self.fp + self.fn + self.tn
        return (
            f"{label:<22} n={n:<5} P={self.precision:.3f} R={self.recall:.3f} F1={self.f1:.3f} "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn}, tn {self.tn})"
        )


def read_registry(folder: Path = DEVSET) -> list[ScreeningEntity]:
    with (folder / "registry.csv").open(encoding="utf-8") as fh:
        return [
            ScreeningEntity(
                id=row["id"],
                names=tuple(n.strip() for n in row["names"].split(" | ")),
                kind=row["kind"],
                country=row["country"] or None,
                state=row["state"] or None,
                municipality=row["municipality"] or None,
                level=row["level"] or None,
            )
            for row in csv.DictReader(fh)
        ]


def read_queries(folder: Path = DEVSET) -> list[dict[str, str]]:
    with (folder / "queries.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def evaluate_devset(
    answer: Callable[[str], str | None], queries: list[dict[str, str]]
) -> tuple[Tally, dict[str, Tally]]:
    total = Tally()
    by_category: dict[str, Tally] = defaultdict(Tally)
    for row in queries:
        expected = row["expected_id"] or None
        predicted = answer(row["query"])
        outcome = total.add(expected, predicted)
        by_category[row["category"]].add(expected, predicted)
        label = "hard negatives" if row["hard_negative"] else "positives"
        by_category[label].add(expected, predicted)
        if outcome not in ("tp", "tn"):
            total.errors.append(f"{outcome:<6} {row['query']!r} expected={expected} got={predicted}")
    return total, dict(by_category)


def evaluate_pairs(decide: Callable[[str, str, bool], bool]) -> tuple[Tally, dict[str, Tally]]:
    total = Tally()
    by_schema: dict[str, Tally] = defaultdict(Tally)
    with PUBLIC.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        person = row["schema"] == "Person"
        gold = row["is_match"] == "true"
        predicted = decide(row["name1"], row["name2"], person)
        expected, got = ("same" if gold else None), ("same" if predicted else None)
        outcome = total.add(expected, got)
        by_schema[row["schema"]].add(expected, got)
        if outcome not in ("tp", "tn"):
            total.errors.append(f"{outcome:<6} {row['schema']}: {row['name1']!r} / {row['name2']!r}")
    return total, dict(by_schema)


def lantern_answer(screener: Screener) -> Callable[[str], str | None]:
    def answer(query: str) -> str | None:
        matches = screener.screen(query, limit=1)
        if matches and matches[0].decision == Decision.MATCH:
            return matches[0].entity_id
        return None

    return answer


def report(title: str, total: Tally, groups: dict[str, Tally], errors: bool) -> None:
    print(f"\n{title}")
    print(total.line("all"))
    for label in sorted(groups):
        print(groups[label].line(f"  {label}"))
    if errors:
        for line in total.errors:
            print("   ", line)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--errors", action="store_true", help="list every wrong answer")
    parser.add_argument("--peer", action="store_true", help="also score nomenklatura's logic-v2")
    parser.add_argument("--only", choices=["devset", "public"], help="one set only")
    args = parser.parse_args(argv)
    config = MatchConfig()
    entities = read_registry()
    queries = read_queries()
    started = time.perf_counter()
    screener = Screener.build(entities, config)
    if args.only != "public":
        total, groups = evaluate_devset(lantern_answer(screener), queries)
        seconds = time.perf_counter() - started
        report(
            f"Lantern on the development set ({len(entities)} entities, {len(queries)} queries, "
            f"{seconds:.1f} s)",
            total,
            groups,
            args.errors,
        )
    if args.only != "devset" and PUBLIC.is_file():

        def decide(a: str, b: str, person: bool) -> bool:
            score, _ = screener.compare_names(a, b, person=person, explain=False)
            return score >= config.match_threshold

        total, groups = evaluate_pairs(decide)
        report("Lantern on the public name pairs", total, groups, args.errors)
    if args.peer:
        from bench.screening_peer import peer_report

        peer_report(entities, queries, errors=args.errors)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
