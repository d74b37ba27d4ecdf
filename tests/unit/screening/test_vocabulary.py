"""The vocabulary files are data with rules: every row well formed, every state present."""

from __future__ import annotations

from lantern.screening.analysis import Analyser
from lantern.screening.model import KIND_GROUPS
from lantern.screening.vocabulary import _rows, load_vocabulary


def test_all_32_states_have_a_place_and_abbreviations() -> None:
    vocab = load_vocabulary()
    rows = _rows("states_mx.tsv")
    assert len(rows) == 32
    for code, _name, admin1, variants in rows:
        assert len(admin1) == 2
        key = f"st:{code}"
        assert key in vocab.place_names
        assert all(key in vocab.phrases[v.rstrip(".")].places for v in variants.split("|"))


def test_every_concept_row_has_a_known_group() -> None:
    groups = {
        "institution",
        "unit_type",
        "arm",
        "branch",
        "level",
        "police_type",
        "domain",
        "collective",
        "-",
        "noise",
    }
    for phrase, concepts, group in _rows("concepts.tsv"):
        assert phrase == phrase.lower().strip()
        assert concepts.split()
        assert group in groups


def test_every_acronym_expands_to_something_the_vocabulary_understands() -> None:
    analyser = Analyser()
    for row in _rows("acronyms.tsv"):
        tokens = analyser.analyse(row[1]).tokens
        assert tokens, row
        assert any(t[0] == "c" for t in tokens), (row, tokens)


def test_legal_forms_have_families_and_no_phrase_is_both_a_stopword_and_a_concept() -> None:
    vocab = load_vocabulary()
    for phrase, family in _rows("legal_forms.tsv"):
        assert family
        assert vocab.phrases[phrase].legal_family
    for phrase, meaning in vocab.phrases.items():
        assert not (meaning.stopword and meaning.concepts), phrase


def test_number_words_and_kind_context() -> None:
    vocab = load_vocabulary()
    assert vocab.number_words["vigesimo"] == (20, "tens")
    assert vocab.number_words["twenty"] == (20, "tens")
    assert "army" in vocab.kind_context["army"]
    assert set(vocab.kind_context) <= KIND_GROUPS["unit"]


def test_the_places_of_the_letter_are_known() -> None:
    vocab = load_vocabulary()
    for place in ("iguala", "cocula", "camargo", "nuevo laredo", "ciudad juarez", "oaxaca de juarez"):
        assert vocab.phrases[place].places, place
