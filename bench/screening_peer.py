"""nomenklatura's logic-v2 (the matcher behind OpenSanctions' yente) on the same sets, for comparison.

Needs the optional `peer` extra (`pip install -e '.[peer]'`; PyICU compiles: apt-get install libicu-dev
pkg-config). Used by `python -m bench.screening_quality --peer` and `python -m bench.screening_speed`.
logic-v2 decides `match` at its default threshold, 0.7.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from typing import Any

from followthemoney import model
from nomenklatura.matching import get_algorithm

from bench.screening_quality import Tally, evaluate_devset, evaluate_pairs, report
from lantern.screening import Query, Screener, ScreeningEntity

ALGORITHM = get_algorithm("logic-v2")
CONFIG = ALGORITHM.default_config()
THRESHOLD = 0.7
_SCHEMA = {"person": "Person", "company": "Company", "organisation": "Organization", "vessel": "Vessel"}


def _schema(kind: str) -> str:
    return _SCHEMA.get(kind, "PublicBody")


_SERIAL = itertools.count()


def make_entity(schema: str, names: Sequence[str], key: str, country: str | None = None) -> Any:
    """An FtM entity. Ids are made unique: logic-v2 caches what it computes per entity id."""
    entity = model.make_entity(schema)
    entity.id = f"{key}-{next(_SERIAL)}"
    for name in names:
        entity.add("name", name)
    if country:
        entity.add("country", country.lower())
    return entity


def score(query: Any, candidate: Any) -> float:
    return float(ALGORITHM.compare(query, candidate, CONFIG).score)


class PeerScreener:
    """Screens like Lantern's Screener but scores the candidates with logic-v2 (same candidates)."""

    def __init__(self, screener: Screener) -> None:
        self.screener = screener
        index = screener.index
        self.entities: dict[int, Any] = {}
        self.index = index

    def entity(self, e: int) -> Any:
        cached = self.entities.get(e)
        if cached is None:
            index = self.index
            first, count = int(index.entity_first[e]), int(index.entity_count[e])
            names = [index.names[j] for j in range(first, first + count)]
            kind = index.kind_names[index.entity_kind[e]]
            cached = self.entities[e] = make_entity(_schema(kind), names, index.entity_ids[e])
        return cached

    def candidates(self, name: str) -> list[int]:
        screener = self.screener
        readings = screener.analyser.readings(name)
        keys = [k for tokens, _f in readings for k in screener._query_keys(tokens)]
        keys += screener._query_keys(screener.analyser.analyse(name, person=True).tokens)
        found = screener.index.candidates(
            keys, limit=screener.candidate_limit, max_postings=screener.max_postings
        )
        return [int(e) for e in found]

    def answer(self, name: str) -> str | None:
        best, best_id = 0.0, None
        for e in self.candidates(name):
            entity = self.entity(e)
            query = make_entity(entity.schema.name, [name], "query")
            s = score(query, entity)
            if s > best:
                best, best_id = s, self.index.entity_ids[e]
        return best_id if best >= THRESHOLD else None


def peer_report(entities: list[ScreeningEntity], queries: list[dict[str, str]], *, errors: bool) -> None:
    screener = Screener.build(entities)
    peer = PeerScreener(screener)
    started = time.perf_counter()
    total, groups = evaluate_devset(peer.answer, queries)
    report(
        f"logic-v2 on the development set (Lantern's candidates; {time.perf_counter() - started:.1f} s)",
        total,
        groups,
        errors,
    )

    def decide(a: str, b: str, person: bool) -> bool:
        schema = "Person" if person else "Organization"
        return score(make_entity(schema, [a], "a"), make_entity(schema, [b], "b")) >= THRESHOLD

    pairs, by_schema = evaluate_pairs(decide)
    report("logic-v2 on the public name pairs", pairs, by_schema, errors)


def compare_speed(screener: Screener, queries: Sequence[Query]) -> dict[str, float]:
    """Names per second on one core: Lantern's whole screen() against logic-v2 scoring only the candidates
    that Lantern's index proposes (so logic-v2 is spared the candidate search)."""
    peer = PeerScreener(screener)
    # Both engines warm up untimed on the first quarter: logic-v2's first comparisons pay for loading and
    # filling its caches (transliteration, name parts), which made it look up to ten times slower.
    warm, queries = queries[: len(queries) // 4], queries[len(queries) // 4 :]
    for q in warm:
        peer.answer(q.name)
        screener.screen(q.name)
    lists = [peer.candidates(q.name) for q in queries]
    for e in {e for found in lists for e in found}:
        peer.entity(e)  # build the FtM entities outside the timing
    started, cpu = time.perf_counter(), time.process_time()
    for q, found in zip(queries, lists, strict=True):
        for e in found:
            entity = peer.entity(e)
            score(make_entity(entity.schema.name, [q.name], "query"), entity)
    peer_s, peer_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    for q in queries:
        screener.screen(q.name)
    ours_s, ours_cpu = time.perf_counter() - started, time.process_time() - cpu
    pairs = sum(len(found) for found in lists)
    return {
        "peer_queries": len(queries),
        "peer_candidates_per_query": pairs / max(1, len(queries)),
        "logic_v2_names_per_s": len(queries) / peer_s,
        "lantern_names_per_s": len(queries) / ours_s,
        "speedup": peer_s / ours_s,
        # CPU time of this process: on a shared machine the wall-time ratio also counts waiting for a core,
        # which differs between the two timed loops.
        "speedup_cpu": peer_cpu / ours_cpu,
    }


__all__ = ["PeerScreener", "Tally", "compare_speed", "peer_report"]
