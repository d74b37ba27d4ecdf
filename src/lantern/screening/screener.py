"""The Screener: screens names against an index of entities, one at a time or in batches on every core."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from lantern.core.collection import frozen
from lantern.screening.analysis import Analyser, Token, decode, encode
from lantern.screening.compare import EMPTY_CONTEXT, Comparer, Context, Paired
from lantern.screening.index import Blob, EntityRows, ScreeningIndex, blocking_keys
from lantern.screening.model import (
    MATCHER_VERSION,
    Decision,
    Explanation,
    Feature,
    Match,
    MatchConfig,
    Query,
    ScreeningEntity,
    kinds_for,
)
from lantern.screening.vocabulary import Vocabulary, load_vocabulary, municipality_keys

if TYPE_CHECKING:
    from lantern.settings import ScreeningSettings

#: How much of each match `Screener.screen` explains: everything, or only candidates at `possible` or above.
Explain = Literal["all", "decided"]

_LEVEL_CONCEPTS = {"federal": "federal", "state": "state", "municipal": "municipal"}
_BUILD_CHUNK = 20_000


def match_config(settings: ScreeningSettings | MatchConfig | None) -> MatchConfig:
    if settings is None:
        return MatchConfig()
    if isinstance(settings, MatchConfig):
        return settings
    fields = {f.name for f in dataclasses.fields(MatchConfig)}
    return MatchConfig(**{name: getattr(settings, name) for name in fields})


def index_meta(config: MatchConfig) -> dict[str, str]:
    """What an index depends on: a cache built under other rules or vocabulary is rebuilt, not reused."""
    return {"matcher_version": MATCHER_VERSION, "vocabulary": load_vocabulary().digest}


def entity_context(entity: ScreeningEntity, vocab: Vocabulary) -> Context:
    places: set[str] = set()
    if entity.country:
        places.add(f"cc:{entity.country.lower()}")
    state_key = None
    if entity.state:
        analyser_key = vocab.state_keys.get(fold_place(entity.state))
        if analyser_key:
            state_key = analyser_key
            places.add(analyser_key)
    if entity.municipality:
        places.update(municipality_keys(vocab, entity.municipality, state_key))
    concepts = set(vocab.kind_context.get(entity.kind, ()))
    if entity.level in _LEVEL_CONCEPTS:
        concepts.add(_LEVEL_CONCEPTS[entity.level])
    return Context(frozenset(places), frozenset(concepts))


def fold_place(text: str) -> str:
    from lantern.screening.analysis import fold_text

    return fold_text(text)


def analyse_entities(entities: Sequence[ScreeningEntity]) -> EntityRows:
    """Analyses entities' names for the index: the expensive step, run in parallel by `build`.

    A name written alike for entities known alike is analysed once (`_AnalysisMemo`)."""
    memo = _MEMO.get()
    ids: list[str] = []
    fingerprints: list[str] = []
    kinds: list[str] = []
    countries: list[str | None] = []
    contexts: list[Context] = []
    name_counts: list[int] = []
    names: list[str] = []
    encodings: list[str] = []
    keys: dict[str, int] = {}
    codes: list[int] = []
    counts: list[int] = []
    for entity in entities:
        own = list(dict.fromkeys(n.strip() for n in entity.names if n and n.strip()))
        context = memo.context(entity)
        ids.append(entity.id)
        fingerprints.append(entity.fingerprint())
        kinds.append(entity.kind)
        countries.append(entity.country.upper() if entity.country else None)
        contexts.append(context)
        name_counts.append(len(own))
        for name in own:
            encoding, name_keys = memo.name(name, entity.is_person, context)
            names.append(name)
            encodings.append(encoding)
            counts.append(len(name_keys))
            for key in name_keys:
                code = keys.get(key)
                if code is None:
                    code = keys[key] = len(keys)
                codes.append(code)
    return EntityRows(
        ids,
        fingerprints,
        kinds,
        countries,
        contexts,
        name_counts,
        Blob.of(names),
        Blob.of(encodings),
        list(keys),
        np.asarray(codes, dtype=np.int32),
        np.asarray(counts, dtype=np.int64),
    )


class _AnalysisMemo:
    """What a build process has analysed: entity contexts, and each name's encoding and blocking keys by
    (name, person, context). Bounded; kept across the chunks one worker analyses."""

    LIMIT = 300_000

    def __init__(self) -> None:
        self.analyser = Analyser()
        self._contexts: dict[tuple[str | None, ...], Context] = {}
        self._names: dict[tuple[str, bool, Context], tuple[str, list[str]]] = {}

    def context(self, entity: ScreeningEntity) -> Context:
        key = (entity.kind, entity.country, entity.state, entity.municipality, entity.level)
        found = self._contexts.get(key)
        if found is None:
            if len(self._contexts) > self.LIMIT:
                self._contexts.clear()
            found = self._contexts[key] = entity_context(entity, self.analyser.vocab)
        return found

    def name(self, name: str, person: bool, context: Context) -> tuple[str, list[str]]:
        key = (name, person, context)
        found = self._names.get(key)
        if found is None:
            if len(self._names) > self.LIMIT:
                self._names.clear()
            tokens = narrow_places(self.analyser.analyse(name, person=person).tokens, context)
            found = self._names[key] = (encode(tokens), blocking_keys(tokens))
        return found


class _MemoSlot:
    """One memo per process, made on first use (a forked worker starts from its parent's)."""

    def __init__(self) -> None:
        self._memo: _AnalysisMemo | None = None

    def get(self) -> _AnalysisMemo:
        if self._memo is None:
            self._memo = _AnalysisMemo()
        return self._memo

    def clear(self) -> None:
        self._memo = None


_MEMO = _MemoSlot()


def narrow_places(tokens: tuple[Token, ...], context: Context) -> tuple[Token, ...]:
    """An entity the registry places in Tabasco means Cárdenas, Tabasco, not the Cárdenas of San Luis
    Potosí: a place in its name keeps only the readings its known places allow (if any remain)."""
    if not context.places or not any(t[0] == "p" for t in tokens):
        return tokens
    out = []
    for t in tokens:
        if t[0] == "p":
            keys = t[1].split("|")
            kept = [k for k in keys if k in context.places]
            if kept and len(kept) < len(keys):
                t = ("p", "|".join(kept), t[2], t[3])
        out.append(t)
    return tuple(out)


_BUILD_ITEMS: Sequence[ScreeningEntity] = ()


def _analyse_range(bounds: tuple[int, int]) -> EntityRows:
    """A build worker's share: entities are inherited through fork, not sent through the pipe."""
    return analyse_entities(_BUILD_ITEMS[bounds[0] : bounds[1]])


def analyse_in_parallel(
    entities: Sequence[ScreeningEntity], workers: int, *, chunk: int = _BUILD_CHUNK
) -> EntityRows:
    try:
        if workers <= 1 or len(entities) < 2 * chunk:
            return analyse_entities(entities)
        global _BUILD_ITEMS
        _BUILD_ITEMS = entities
        bounds = [(i, min(i + chunk, len(entities))) for i in range(0, len(entities), chunk)]
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                return EntityRows.merge(list(pool.imap(_analyse_range, bounds)))
        finally:
            _BUILD_ITEMS = ()
    finally:
        _MEMO.clear()  # the names of one build say nothing of the next


class Screener:
    """Screens names against the entities of one index with one set of weights and thresholds."""

    def __init__(
        self, index: ScreeningIndex, settings: ScreeningSettings | MatchConfig | None = None
    ) -> None:
        self.index = index
        self.config = match_config(settings)
        self.candidate_limit = int(getattr(settings, "candidates", 12))
        self.max_postings = int(getattr(settings, "max_postings", 20_000))
        self.workers = int(getattr(settings, "workers", 2))
        self.min_score = 0.3
        self.analyser = Analyser()
        self.comparer = Comparer(self.config, self.analyser.vocab)
        self._decoded: dict[int, tuple[Token, ...]] = {}
        self._words: frozenset[str] | None = None
        self._typos: dict[str, list[str]] = {}

    # Building and caching ----------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        entities: Iterable[ScreeningEntity],
        settings: ScreeningSettings | MatchConfig | None = None,
        *,
        workers: int | None = None,
    ) -> Screener:
        items = list(entities)
        config = match_config(settings)
        count = workers if workers is not None else int(getattr(settings, "workers", 1))
        rows = analyse_in_parallel(items, count)
        return cls(ScreeningIndex.from_rows(rows, index_meta(config)), settings)

    def updated(
        self,
        entities: Iterable[ScreeningEntity],
        *,
        workers: int | None = None,
        removed: Iterable[str] | None = None,
    ) -> tuple[Screener, dict[str, int]]:
        """A screener for `entities` that re-analyses only those whose fingerprint changed.

        `entities` is every entity, and those of this index not among them are dropped; or, with `removed`,
        only some (those that may have changed), and the ids in `removed` are dropped. Returns the screener
        (this one when nothing changed) with counts: kept (as they were), analysed (new or changed), removed.
        """
        items = list(entities)
        ids = self.index.entity_ids
        old = dict(zip(ids, self.index.fingerprints, strict=True))
        fresh = [entity for entity in items if old.get(entity.id) != entity.fingerprint()]
        if removed is None:
            present = {e.id for e in items}
            gone = {eid for eid in ids if eid not in present}
        else:
            gone = {eid for eid in removed if eid in old}
        if not fresh and not gone:
            return self, {"kept": len(ids), "analysed": 0, "removed": 0}
        drop = gone | {e.id for e in fresh if e.id in old}
        count = workers if workers is not None else self.workers
        rows = analyse_in_parallel(fresh, count)
        index = self.index.replace(drop, rows)
        return Screener(index, self._settings_like()), {
            "kept": len(ids) - len(drop),
            "analysed": len(fresh),
            "removed": len(gone),
        }

    def _settings_like(self) -> Any:
        return _Limits(self.config, self.candidate_limit, self.max_postings, self.workers)

    def save(self, folder: Path) -> None:
        self.index.save(folder)

    @classmethod
    def load(cls, folder: Path, settings: ScreeningSettings | MatchConfig | None = None) -> Screener:
        return cls(ScreeningIndex.load(folder), settings)

    @staticmethod
    def cache_is_current(folder: Path, settings: ScreeningSettings | MatchConfig | None = None) -> bool:
        meta = ScreeningIndex.read_meta(folder)
        if meta is None:
            return False
        meta.pop("format", None)
        return meta == index_meta(match_config(settings))

    def __len__(self) -> int:
        return len(self.index)

    # Screening ---------------------------------------------------------------------------------------

    def screen(
        self,
        name: str,
        *,
        country: str | None = None,
        kind: str | None = None,
        limit: int = 10,
        explain: Explain = "all",
    ) -> list[Match]:
        """Ranked candidates for `name`, best first, each with a decision and an explanation.

        With `explain="decided"`, a candidate below the possible threshold gets a one-line summary instead of
        its features: what a batch resolution asks for, since it never chooses such a candidate.
        """
        index = self.index
        readings = self.analyser.readings(name)
        person: tuple[Token, ...] | None = None
        admitted = kinds_for(kind)
        want_persons = admitted is None or "person" in admitted
        keys = [k for tokens, _factor in readings for k in self._query_keys(tokens)]
        if want_persons:
            person = self.analyser.analyse(name, person=True).tokens
            keys += self._query_keys(person)
        ctx = Context(frozenset({f"cc:{country.lower()}"})) if country else EMPTY_CONTEXT
        limit_candidates = max(self.candidate_limit, limit)
        candidates = index.candidates(keys, limit=limit_candidates, max_postings=self.max_postings)
        results: list[tuple[float, int, int, int, bool, Paired | None]] = []
        compared: dict[tuple[str, int, bool], list[tuple[float, Paired | None]]] = {}
        score_pair = self.comparer.score
        country_code = country.upper() if country else None
        for e in candidates:
            e = int(e)
            entity_kind = index.kind_names[index.entity_kind[e]]
            if admitted is not None and entity_kind not in admitted:
                continue
            if country_code is not None:
                entity_country = index.country_names[index.entity_country[e]]
                if entity_country is not None and entity_country != country_code:
                    continue
            is_person = entity_kind == "person"
            if is_person and person is None:
                continue
            options = [(person, 1.0)] if is_person else readings
            context_id = int(index.entity_context[e])
            context = index.context_list[context_id]
            best, best_name, best_reading, best_paired = -1.0, -1, 0, None
            first = int(index.entity_first[e])
            for j in range(first, first + int(index.entity_count[e])):
                # Names analysed alike (within an entity, or across entities of one context) score alike.
                seen = (index.encodings[j], context_id, is_person)
                scores = compared.get(seen)
                if scores is None:
                    tokens = self._tokens(j)
                    scores = compared[seen] = []
                    for query, factor in options:
                        if query is not None:
                            score, paired = score_pair(query, tokens, ctx, context, person=is_person)
                            scores.append((factor * score, paired))
                for r, (score, paired) in enumerate(scores):
                    if score > best:
                        best, best_name, best_reading, best_paired = score, j, r, paired
                if best >= 1.0:
                    break  # no later name can score higher, and a tie keeps the first
            if best >= self.min_score:
                results.append((best, e, best_name, best_reading, is_person, best_paired))
        results.sort(key=lambda r: (-r[0], index.entity_ids[r[1]]))
        matches = []
        for score, e, j, r, is_person, paired in results[:limit]:
            decision = self.config.decide(score)
            if explain == "decided" and decision is Decision.NO_MATCH:
                explanation = Explanation((), unexplained(score, self.config))
            else:
                if paired is not None:
                    # Explained from the pairing the score came from: the same steps, not made again.
                    comparison = self.comparer.finish(paired, explain=True)
                else:
                    query = person if is_person else readings[r][0]
                    assert query is not None
                    context = index.context_list[index.entity_context[e]]
                    comparison = self.comparer.compare(
                        query, self._tokens(j), ctx, context, person=is_person, explain=True
                    )
                explanation = Explanation(
                    comparison.features,
                    summarise(score, self.config, comparison.features, comparison.vetoed),
                )
            matches.append(
                Match(
                    entity_id=index.entity_ids[e],
                    name=index.names[j],
                    kind=index.kind_names[index.entity_kind[e]],
                    score=round(score, 6),
                    decision=decision,
                    explanation=explanation,
                )
            )
        return matches

    def screen_many(
        self,
        queries: Iterable[Query | str],
        *,
        workers: int | None = None,
        limit: int = 10,
        explain: Explain = "all",
    ) -> list[list[Match]]:
        """Screens every query; with workers > 1 the batch is split over that many processes.

        A name asked twice (with the same country and kind) is screened once. Workers are forked, so each
        starts with this screener's index and caches in memory, shared until written.
        """
        items = [q if isinstance(q, Query) else Query(name=q) for q in queries]
        distinct = list(dict.fromkeys((q.name, q.country, q.kind) for q in items))
        count = workers if workers is not None else self.workers
        if count <= 1 or len(distinct) < 64 or multiprocessing.get_start_method(allow_none=True) == "spawn":
            found = [self.screen(n, country=c, kind=k, limit=limit, explain=explain) for n, c, k in distinct]
        else:
            global _WORKER_SCREENER
            _WORKER_SCREENER = self
            self._index_words()  # made once here rather than once in each worker
            size = max(16, len(distinct) // (count * 8))
            chunks = [(distinct[i : i + size], limit, explain) for i in range(0, len(distinct), size)]
            # What the parent holds is left out of the workers' garbage collections: a collection would
            # otherwise walk (and so copy, page by page) every object the workers share with it.
            try:
                with frozen(), multiprocessing.get_context("fork").Pool(count) as pool:
                    found = [m for part in pool.map(_screen_chunk, chunks) for m in part]
            finally:
                _WORKER_SCREENER = None
        if len(distinct) == len(items):
            return found
        results = dict(zip(distinct, found, strict=True))
        return [list(results[(q.name, q.country, q.kind)]) for q in items]

    def compare_names(
        self, a: str, b: str, *, person: bool = False, explain: bool = True
    ) -> tuple[float, Explanation]:
        """Scores two names as written, with no context: the symmetric core of screening."""
        ta = self.analyser.analyse(a, person=person).tokens
        tb = self.analyser.analyse(b, person=person).tokens
        comparison = self.comparer.compare(ta, tb, person=person, explain=explain)
        return comparison.score, Explanation(
            comparison.features,
            summarise(comparison.score, self.config, comparison.features, comparison.vetoed),
        )

    def _tokens(self, name_row: int) -> tuple[Token, ...]:
        cached = self._decoded.get(name_row)
        if cached is None:
            if len(self._decoded) > 200_000:
                self._decoded.clear()
            cached = self._decoded[name_row] = decode(self.index.encodings[name_row])
        return cached

    def _typo_keys(self, word: str) -> list[str]:
        """The index's words one edit from `word`, as keys (a set intersection, remembered per word)."""
        found = self._typos.get(word)
        if found is None:
            if len(self._typos) > 100_000:
                self._typos.clear()
            found = self._typos[word] = [f"w:{v}" for v in _edits(word) & self._index_words()]
        return found

    def _index_words(self) -> frozenset[str]:
        if self._words is None:
            self._words = frozenset(k[2:] for k in self.index.key_ids if k.startswith("w:"))
        return self._words

    def _query_keys(self, tokens: tuple[Token, ...]) -> list[str]:
        keys = blocking_keys(tokens)
        key_ids = self.index.key_ids
        for kind, key, _surface, flags in tokens:
            # Typing mistakes: look up every one-edit variant, unless the word is in the index as written.
            if kind == "w" and len(key) >= 4 and f"w:{key}" not in key_ids:
                keys.extend(self._typo_keys(key))
            if kind == "w" and "a" in flags:
                keys.append(f"ac:{key}")
        return keys


class _Limits:
    """Carries a screener's limits to the screener an incremental update makes."""

    def __init__(self, config: MatchConfig, candidates: int, max_postings: int, workers: int) -> None:
        self.candidates = candidates
        self.max_postings = max_postings
        self.workers = workers
        for field in dataclasses.fields(MatchConfig):
            setattr(self, field.name, getattr(config, field.name))


_WORKER_SCREENER: Screener | None = None
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _screen_chunk(
    args: tuple[list[tuple[str, str | None, str | None]], int, Explain],
) -> list[list[Match]]:
    queries, limit, explain = args
    screener = _WORKER_SCREENER
    assert screener is not None, "batch workers are forked from a process that set the screener"
    return [
        screener.screen(name, country=country, kind=kind, limit=limit, explain=explain)
        for name, country, kind in queries
    ]


def _edits(word: str) -> set[str]:
    """Every string one edit away (deletion, transposition, substitution, insertion)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    out.update(a + c + b[1:] for a, b in splits if b for c in _LETTERS)
    out.update(a + c + b for a, b in splits for c in _LETTERS)
    out.discard(word)
    return out


def unexplained(score: float, config: MatchConfig) -> str:
    """The summary of a candidate screened with `explain="decided"` below the possible threshold."""
    return (
        f"{Decision.NO_MATCH} ({score:.2f}; possible at {config.possible_threshold:.2f}); "
        "not explained in this batch."
    )


def summarise(score: float, config: MatchConfig, features: Sequence[Feature], vetoed: bool) -> str:
    """One paragraph: the decision, what agreed, what disagreed, and why the score is what it is."""
    decision = config.decide(score)
    agreed = [f for f in features if f.how not in ("conflict", "missing", "context", "capped")]
    conflicts = [f for f in features if f.how == "conflict"]
    missing = [f for f in features if f.how == "missing"]
    parts = [f"{decision} ({score:.2f}; match at {config.match_threshold:.2f})."]
    if agreed:
        shown = ", ".join(
            f"{f.query_value} = {f.candidate_value} ({f.how})"
            if f.query_value != f.candidate_value
            else f"{f.query_value} ({f.how})"
            for f in agreed[:8]
        )
        parts.append(f"Agree: {shown}.")
    if conflicts:
        parts.append(
            "Disagree: "
            + "; ".join(f"{f.name} {f.query_value or '-'} vs {f.candidate_value or '-'}" for f in conflicts)
            + "."
        )
    if missing:
        parts.append(
            "One side only: " + ", ".join(str(f.query_value or f.candidate_value) for f in missing) + "."
        )
    if any(f.how == "capped" for f in features):
        parts.append("Only generic words agree, so the score is capped.")
    if vetoed:
        parts.append(
            f"A place, number or kind disagrees, so the score is cut to {config.conflict_factor:.0%}."
        )
    return " ".join(parts)


def default_workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))
