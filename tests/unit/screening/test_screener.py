"""The Screener: ranked candidates with explanations, filters, batches, the disk cache and updates."""

from __future__ import annotations

from pathlib import Path

from lantern.screening import MATCHER_VERSION, Decision, Query, Screener, ScreeningEntity
from lantern.screening.index import ScreeningIndex
from lantern.screening.screener import analyse_in_parallel
from lantern.settings import ScreeningSettings


def unit(
    key: str, *names: str, kind: str = "state_police", state: str | None = None, **extra: str
) -> ScreeningEntity:
    return ScreeningEntity(id=f"unit:{key}", names=names, kind=kind, country="MX", state=state, **extra)


ENTITIES = [
    unit("mx-semar", "Secretaría de Marina", "SEMAR", "Mexican Navy", kind="navy", level="federal"),
    unit("mx-gro-pe", "Policía Estatal de Guerrero", state="Guerrero", level="state"),
    unit("mx-mich-pe", "Policía Estatal de Michoacán", state="Michoacán", level="state"),
    unit("mx-bi-27", "27/o. Batallón de Infantería", kind="army", level="federal"),
    unit(
        "mx-iguala-pm",
        "Policía Municipal de Iguala",
        kind="municipal_police",
        state="Guerrero",
        municipality="Iguala de la Independencia",
        level="municipal",
    ),
    ScreeningEntity("entry:list/sig", ("Sig Sauer, Inc.",), "company", "US"),
    ScreeningEntity("entry:list/p1", ("Juan Carlos Pérez Hernández",), "person", "MX"),
]


def build() -> Screener:
    return Screener.build(ENTITIES, ScreeningSettings())


def test_screen_ranks_and_explains() -> None:
    matches = build().screen("Sria. de Marina (SEMAR)", country="MX")
    best = matches[0]
    assert (best.entity_id, best.kind, best.decision) == ("unit:mx-semar", "navy", Decision.MATCH)
    assert best.score == 1.0
    assert best.explanation.summary.startswith("match")
    assert best.to_dict()["explanation"]["features"]


def test_place_in_the_registry_counts_for_the_name() -> None:
    matches = build().screen("Policia Municipal de Iguala, Gro.")
    assert matches[0].entity_id == "unit:mx-iguala-pm"
    assert matches[0].decision == Decision.MATCH


def test_hard_negative_returns_no_match() -> None:
    matches = build().screen("Policía Estatal de Sonora")
    assert all(m.decision == Decision.NO_MATCH for m in matches)


def test_filters_by_kind_and_country() -> None:
    screener = build()
    assert screener.screen("Sig Sauer Inc", kind="unit") == []
    assert screener.screen("Sig Sauer Inc", country="MX") == []
    assert screener.screen("Sig Sauer Inc", country="US")[0].entity_id == "entry:list/sig"
    assert screener.screen("Juan C. Perez Hernandez", kind="person")[0].entity_id == "entry:list/p1"


def test_screen_many_gives_what_screen_gives() -> None:
    screener = build()
    names = ["SEMAR", "Pol. Estatal Gro.", "27th Infantry Battalion", "SIG SAUER INC"] * 20
    names += [f"{n}th Infantry Battalion" for n in range(1, 80)]  # enough distinct names for the workers
    batch = screener.screen_many([Query(name=n) for n in names], workers=2)
    assert batch == [screener.screen(n) for n in names]
    assert screener.screen_many(names[:80], workers=1) == [screener.screen(n) for n in names[:80]]


def test_explaining_only_decided_candidates_changes_nothing_else() -> None:
    """`explain="decided"` (the review's batch resolution) keeps the ranking, scores and decisions, and the
    explanations of candidates at `possible` or above; the others get a one-line summary and no features."""
    screener = build()
    names = ["Sria. de Marina (SEMAR)", "Policía Estatal", "Marina", "Sauer Arms", "Sig Sauer GmbH"]
    names += [f"{n}th Infantry Battalion" for n in range(20, 90)]
    full = screener.screen_many(names, workers=1)
    brief = screener.screen_many(names, workers=2, explain="decided")
    unexplained = 0
    for all_matches, some in zip(full, brief, strict=True):
        assert [(m.entity_id, m.name, m.score, m.decision) for m in all_matches] == [
            (m.entity_id, m.name, m.score, m.decision) for m in some
        ]
        for a, b in zip(all_matches, some, strict=True):
            if a.decision is Decision.NO_MATCH:
                unexplained += 1
                assert b.explanation.features == ()
                assert b.explanation.summary.startswith(f"no_match ({a.score:.2f};")
            else:
                assert b.explanation == a.explanation
    assert unexplained
    assert any(m.decision is not Decision.NO_MATCH for ms in full for m in ms)


def test_parallel_build_gives_the_same_index() -> None:
    many = [
        *ENTITIES,
        *(unit(f"mx-bi-{n}", f"{n}/o. Batallón de Infantería", kind="army") for n in range(30)),
    ]
    one = ScreeningIndex.from_rows(analyse_in_parallel(many, 1), {})
    parts = ScreeningIndex.from_rows(analyse_in_parallel(many, 2, chunk=5), {})
    assert list(parts.key_ids) == list(one.key_ids)
    assert parts.entity_ids == one.entity_ids
    assert parts.context_list == one.context_list
    assert parts.encodings.data == one.encodings.data
    assert parts.names.data == one.names.data
    for field in ("name_keys", "name_key_offsets", "postings", "posting_offsets", "entity_first"):
        assert (getattr(parts, field) == getattr(one, field)).all(), field


def test_cache_round_trip(tmp_path: Path) -> None:
    screener = build()
    screener.save(tmp_path)
    assert Screener.cache_is_current(tmp_path)
    loaded = Screener.load(tmp_path)
    assert loaded.index.meta["matcher_version"] == MATCHER_VERSION
    for name in ("SEMAR", "Pol. Estatal Gro.", "Juan Perez Hernandez"):
        assert loaded.screen(name) == screener.screen(name)


def test_update_reanalyses_only_what_changed() -> None:
    screener = build()
    changed = [*ENTITIES[:-2], unit("mx-son-pe", "Policía Estatal de Sonora", state="Sonora", level="state")]
    changed[1] = unit(
        "mx-gro-pe", "Policía Estatal de Guerrero", "PE Guerrero", state="Guerrero", level="state"
    )
    updated, counts = screener.updated(changed)
    assert counts == {"kept": 4, "analysed": 2, "removed": 2}
    assert len(updated) == 6
    assert updated.screen("Policía Estatal de Sonora")[0].entity_id == "unit:mx-son-pe"
    assert updated.screen("Sig Sauer Inc") == []
    assert updated.screen("SEMAR")[0].entity_id == "unit:mx-semar"


def test_an_update_gives_the_postings_a_full_inversion_gives() -> None:
    many = [
        *ENTITIES,
        *(unit(f"mx-bi-{n}", f"{n}/o. Batallón de Infantería", f"BI {n}", kind="army") for n in range(40)),
    ]
    index = ScreeningIndex.from_rows(analyse_in_parallel(many, 1), {})
    # Drop some (first, middle, last), change one, and add entities with words the index has never seen.
    drop = {"unit:mx-semar", "unit:mx-bi-7", "unit:mx-bi-39", "unit:mx-gro-pe"}
    fresh = [
        unit("mx-gro-pe", "Policía Estatal de Guerrero", "PE Gro", state="Guerrero"),
        unit("mx-zac-pe", "Policía Estatal de Zacatecas", "Zacatecas State Police", state="Zacatecas"),
        ScreeningEntity("entry:list/new", ("Quetzalcoatl Armas y Cartuchos, S.A. de C.V.",), "company", "MX"),
    ]
    updated = index.replace(drop, analyse_in_parallel(fresh, 1))
    assert updated.entity_ids == [e.id for e in many if e.id not in drop] + [e.id for e in fresh]
    assert len(updated.key_ids) > len(index.key_ids)
    inverted = ScreeningIndex.from_rows(analyse_in_parallel([], 1), {})
    inverted.key_ids, inverted.name_keys = updated.key_ids, updated.name_keys
    inverted.name_key_offsets = updated.name_key_offsets
    inverted._invert()
    assert updated.postings.tolist() == inverted.postings.tolist()
    assert updated.posting_offsets.tolist() == inverted.posting_offsets.tolist()
    # Nothing dropped: the names are shared with the old index, the postings still what inversion gives.
    added = index.replace(set(), analyse_in_parallel(fresh[1:], 1))
    inverted.key_ids, inverted.name_keys = added.key_ids, added.name_keys
    inverted.name_key_offsets = added.name_key_offsets
    inverted._invert()
    assert added.postings.tolist() == inverted.postings.tolist()
    assert added.posting_offsets.tolist() == inverted.posting_offsets.tolist()
    assert len(index) == len(many)  # the old index is left as it was
    screener = Screener(updated, ScreeningSettings())
    assert screener.screen("Policía Estatal de Zacatecas")[0].entity_id == "unit:mx-zac-pe"
    assert screener.screen("PE Gro")[0].entity_id == "unit:mx-gro-pe"
    assert all(m.entity_id != "unit:mx-bi-7" for m in screener.screen("7/o. Batallón de Infantería"))


def test_matches_survive_pickling_as_they_were() -> None:
    """Batch workers send matches back pickled."""
    import pickle

    screener = build()
    matches = [screener.screen(n) for n in ("Sria. de Marina (SEMAR)", "Juan C. Perez Hernandez")]
    back = pickle.loads(pickle.dumps(matches))
    assert back == matches
    assert all(isinstance(m.decision, Decision) for found in back for m in found)
    assert back[0][0].explanation.features == matches[0][0].explanation.features


def test_a_score_is_explained_from_its_own_pairing() -> None:
    screener = build()
    comparer, analyse = screener.comparer, screener.analyser.analyse
    names = [
        "Sria. de Marina (SEMAR)",
        "Secretaría de Marina",
        "Policía Estatal de Guerrero",
        "Pol. Estatal Gro.",
        "Policía Estatal de Michoacán",
        "Sig Sauer, Inc.",
        "SIG SAUER GmbH",
        "27/o. Batallón de Infantería",
        "28th Infantry Battalion",
    ]
    context = screener.index.context_list[1]
    for a in names:
        for b in names:
            ta, tb = analyse(a).tokens, analyse(b).tokens
            explained = comparer.compare(ta, tb, context, context, explain=True)
            score, paired = comparer.score(ta, tb, context, context)
            assert score == comparer.compare(ta, tb, context, context).score == explained.score
            if paired is not None:
                assert comparer.finish(paired, explain=True) == explained
                assert comparer.finish(paired, explain=True) == explained  # finishing twice changes nothing
