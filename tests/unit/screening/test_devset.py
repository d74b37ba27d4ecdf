"""The development set is what the issue asks for, and the engine holds its quality on it."""

from __future__ import annotations

from bench.screening_quality import evaluate_devset, lantern_answer, read_queries, read_registry

from lantern.screening import MatchConfig, Screener


def test_development_set_shape() -> None:
    entities = read_registry()
    queries = read_queries()
    assert len(entities) >= 400
    assert len(queries) >= 1500
    negatives = [q for q in queries if q["hard_negative"]]
    assert len(negatives) / len(queries) >= 0.35
    assert all(q["twin_id"] for q in negatives)
    states = {e.state for e in entities if e.state}
    assert len(states) == 32
    assert sum(e.kind == "municipal_police" for e in entities) >= 50
    categories = {q["category"] for q in queries}
    assert categories == {"federal", "state", "municipal", "sedena", "semar", "company", "person"}
    ids = {e.id for e in entities}
    assert all(q["expected_id"] in ids for q in queries if q["expected_id"])


def test_f1_on_the_development_set() -> None:
    screener = Screener.build(read_registry(), MatchConfig())
    total, _ = evaluate_devset(lantern_answer(screener), read_queries())
    assert total.f1 >= 0.97, total.line("all")
