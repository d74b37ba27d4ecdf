"""Invariants of scoring, for any input (Hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.screening import MatchConfig, Screener
from lantern.screening.analysis import Analyser, fold_text
from lantern.screening.index import Blob

SCREENER = Screener.build([], MatchConfig())
ANALYSER = Analyser()

#: Names built from the words the engine knows and words it does not, in any case and with punctuation.
WORDS = st.sampled_from(
    [
        "Policía",
        "Estatal",
        "Municipal",
        "de",
        "Guerrero",
        "Gro.",
        "Iguala",
        "Batallón",
        "Infantería",
        "27/o.",
        "IX",
        "SEMAR",
        "Sria.",
        "S.A. de C.V.",
        "Inc.",
        "GmbH",
        "Sig",
        "Sauer",
        "Juárez",
        "Oaxaca",
        "María",
        "Pérez",
        "(SEDENA)",
        "-",
        "Vigésimo",
        "Séptimo",
        "Región",
        "Militar",
        "Zona",
        "Naval",
        "Norte",
        "&",
    ]
)
NAMES = st.one_of(st.lists(WORDS, min_size=1, max_size=7).map(" ".join), st.text(max_size=40))


@settings(max_examples=300, deadline=None)
@given(NAMES, NAMES, st.booleans())
def test_scores_stay_in_range_and_are_symmetric(a: str, b: str, person: bool) -> None:
    ab, _ = SCREENER.compare_names(a, b, person=person)
    ba, _ = SCREENER.compare_names(b, a, person=person)
    assert 0.0 <= ab <= 1.0
    assert ab == ba


@settings(max_examples=300, deadline=None)
@given(NAMES, st.booleans())
def test_a_name_matches_itself(name: str, person: bool) -> None:
    if not ANALYSER.analyse(name, person=person).tokens:
        return  # nothing left to compare (punctuation, stopwords only)
    value, _ = SCREENER.compare_names(name, name, person=person)
    assert value == 1.0


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = fold_text(text)
    assert fold_text(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(), st.booleans())
def test_any_unicode_is_analysed_without_error(text: str, person: bool) -> None:
    tokens = ANALYSER.analyse(text, person=person).tokens
    assert all(len(t) == 4 for t in tokens)
    assert SCREENER.screen(text) == []


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(st.text(max_size=6), min_size=1, max_size=60),
    cuts=st.lists(st.integers(min_value=0, max_value=59), max_size=4),
    shuffled=st.booleans(),
    data=st.data(),
)
def test_a_blob_takes_exactly_the_items_asked_for(
    items: list[str], cuts: list[int], shuffled: bool, data: st.DataObject
) -> None:
    """Both ways of taking (slices of runs of rows, or a gather of bytes) give the items at the rows."""
    blob = Blob.of(items)
    rows = [i for i in range(len(items)) if i not in cuts]  # long runs: the incremental update
    if shuffled:
        rows = data.draw(st.permutations(rows))  # no runs: the gather
    taken = blob.take(np.asarray(rows, dtype=np.int64))
    assert [taken[i] for i in range(len(taken))] == [items[i] for i in rows]
