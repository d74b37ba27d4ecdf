"""Every name of the demo licence book, and the same bodies as other licences write them, resolves as
docs/review-cases.md and bench/demo_resolutions.py say: the right unit at `match`, or nothing at `match`."""

from __future__ import annotations

import functools

import pytest
from bench.demo_resolutions import Case, demo_cases, read_entities, verdict

from lantern.screening import MatchConfig, Screener

CASES = demo_cases()


@functools.cache
def screener() -> Screener:
    return Screener.build(read_entities(), MatchConfig())


def test_the_cases_cover_the_book_and_its_hard_negatives() -> None:
    book = [c for c in CASES if c.where != "variant"]
    assert len(book) >= 80
    assert sum(c.expected is None for c in CASES if c.where == "variant") >= 10


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where}:{c.name}" for c in CASES])
def test_demo_name_resolves_as_expected(case: Case) -> None:
    matches = screener().screen(case.name, country=case.country, limit=3)
    top = [(m.entity_id, m.decision.value, round(m.score, 2)) for m in matches[:2]]
    assert verdict(case, matches) == "ok", (case.expected, top)
