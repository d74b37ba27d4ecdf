"""Reading names into meanings: ordinals, places, acronyms, legal forms, abbreviations."""

from __future__ import annotations

import pytest

from lantern.screening.analysis import Analyser, covers_acronym, fold_text

ANALYSER = Analyser()


def kinds_and_keys(name: str, *, person: bool = False) -> list[tuple[str, str]]:
    return [(t[0], t[1]) for t in ANALYSER.analyse(name, person=person).tokens]


def numbers(name: str) -> list[str]:
    return [t[1] for t in ANALYSER.analyse(name).tokens if t[0] == "n"]


@pytest.mark.parametrize(
    "name",
    [
        "27 Batallón de Infantería",
        "27/o. Batallón de Infantería",
        "27o. Batallón de Infantería",
        "27vo Batallón de Infantería",
        "27º Batallón de Infantería",
        "Vigésimo Séptimo Batallón de Infantería",
        "27th Infantry Battalion",
        "Twenty-Seventh Infantry Battalion",
        "Batallón de Infantería No. 27",
        "BATALLON DE INFANTERIA NUM. 27",
    ],
)
def test_every_notation_of_a_unit_number_reads_as_the_number(name: str) -> None:
    assert numbers(name) == ["27"]
    assert ("c", "battalion") in kinds_and_keys(name)
    assert ("c", "infantry") in kinds_and_keys(name)


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("IX Región Militar", "9"),
        ("Región Militar IX", "9"),
        ("Novena Región Militar", "9"),
        ("I Región Militar", "1"),
        ("Décimo Primer Regimiento", "11"),
        ("Brigade Forty-Four", "44"),
    ],
)
def test_roman_and_spelled_numbers(name: str, number: str) -> None:
    assert numbers(name) == [number]


def test_a_lone_capital_i_is_a_numeral_only_next_to_a_unit_word() -> None:
    assert numbers("Grupo I") == ["1"]
    assert numbers("Smith I Trading") == []


@pytest.mark.parametrize(
    ("name", "state"),
    [
        ("Policía Estatal de Guerrero", "st:GRO"),
        ("Pol. Estatal Gro.", "st:GRO"),
        ("POLICIA ESTATAL TAMPS.", "st:TAMPS"),
        ("Fuerza Civil N.L.", "st:NL"),
        ("Policía de B.C.S.", "st:BCS"),
        ("Baja California Sur", "st:BCS"),
        ("Edo. Mex.", "st:MEX"),
        ("Tamaulipaz State Police", "st:TAMPS"),
    ],
)
def test_states_in_every_form(name: str, state: str) -> None:
    places = [k for kind, key in kinds_and_keys(name) if kind == "p" for k in key.split("|")]
    assert state in places


def test_baja_california_and_its_south_are_different_places() -> None:
    assert kinds_and_keys("Baja California") != kinds_and_keys("Baja California Sur")


def test_an_abbreviation_that_is_a_word_needs_its_dot() -> None:
    assert all(kind != "p" for kind, _ in kinds_and_keys("Johnson and Son"))
    assert ("p", "st:SON") in kinds_and_keys("Policía Estatal, Son.")


def test_juarez_is_not_oaxaca_de_juarez() -> None:
    juarez = {key for kind, key in kinds_and_keys("Juárez") if kind == "p"}
    oaxaca = {key for kind, key in kinds_and_keys("Oaxaca de Juárez") if kind == "p"}
    keys_j = {k for key in juarez for k in key.split("|")}
    keys_o = {k for key in oaxaca for k in key.split("|")}
    assert keys_j
    assert keys_o
    assert not keys_j & keys_o


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Secretaría de Seguridad Pública", "Public Security Secretariat"),
        ("Policía Estatal", "State Police"),
        ("Sria. de Marina", "SEMAR"),
        ("Secretaría de la Defensa Nacional", "SEDENA"),
        ("Batallón de Infantería de Marina", "BIM"),
        ("Fiscalía General de la República", "FGR"),
        (
            "Dirección de Comercialización de Armamento y Municiones",
            "Arms and Ammunition Marketing Directorate",
        ),
        (
            "Dirección de Comercialización de Armamento y Municiones",
            "Directorate of Arms and Munitions Sales",
        ),
        ("Dirección de Comercialización de Armamento y Municiones", "DCAM"),
        ("Batallón de Infantería de Marina", "Naval Infantry Battalion"),
    ],
)
def test_translations_abbreviations_and_acronyms_share_concepts(a: str, b: str) -> None:
    def concepts(name: str) -> set[str]:
        return {key for kind, key in kinds_and_keys(name) if kind == "c"}

    assert concepts(a) == concepts(b)


def test_marine_infantry_is_not_infantry() -> None:
    assert ("c", "marine_infantry") in kinds_and_keys("Batallón de Infantería de Marina")
    assert ("c", "infantry") not in kinds_and_keys("Batallón de Infantería de Marina")


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("Armas y Municiones del Norte, S.A. de C.V.", "sa"),
        ("ARMAS Y MUNICIONES DEL NORTE SA DE CV", "sa"),
        ("Sig Sauer, Inc.", "inc"),
        ("SIG SAUER INCORPORATED", "inc"),
        ("Colt's Manufacturing Company, LLC", "llc"),
        ("Heckler & Koch GmbH", "gmbh"),
        ("OAO Gazprom", "jsc"),
    ],
)
def test_legal_forms(name: str, family: str) -> None:
    assert ("l", family) in kinds_and_keys(name)


def test_short_legal_forms_count_only_at_the_ends() -> None:
    assert all(kind != "l" for kind, _ in kinds_and_keys("Vendido AS Tal Corporativo Norte"))


def test_a_redundant_acronym_in_brackets_is_dropped() -> None:
    assert kinds_and_keys("Secretaría de Marina (SEMAR)") == kinds_and_keys("Secretaría de Marina")
    assert kinds_and_keys("Grupo de Operaciones Especiales (GOPES)") == kinds_and_keys(
        "Grupo de Operaciones Especiales"
    )


def test_a_state_secretariat_implies_its_level() -> None:
    tokens = ANALYSER.analyse("SSP Tamaulipas").tokens
    assert ("c", "state", "", "m") in tokens


def test_typing_mistakes_in_vocabulary_words_are_corrected() -> None:
    assert kinds_and_keys("Poliica Estatla de Guerrero") == kinds_and_keys("Policía Estatal de Guerrero")


def test_person_names_keep_their_words() -> None:
    assert kinds_and_keys("Lic. María Guerrero Morelos", person=True) == [
        ("w", "maria"),
        ("w", "guerrero"),
        ("w", "morelos"),
    ]
    assert ("r", "bin") in kinds_and_keys("Usama ibn Ladin", person=True)


@pytest.mark.parametrize(
    ("acronym", "words", "covers"),
    [
        ("ssp", ["secretaria", "seguridad", "publica"], True),
        ("semar", ["secretaria", "marina"], True),
        ("gopes", ["grupo", "operaciones", "especiales"], True),
        ("ssp", ["secretaria", "marina"], False),
        ("abc", ["alpha", "beta"], False),
        ("fgjem", ["fiscalia", "general", "justicia", "del", "estado", "mexico"], True),
        ("fgm", ["fiscalia", "general", "de", "la", "republica"], False),
    ],
)
def test_acronyms_spell_word_starts(acronym: str, words: list[str], covers: bool) -> None:
    assert covers_acronym(acronym, words) is covers


def test_readings_of_a_name_with_its_parent_first() -> None:
    readings = ANALYSER.readings("Gobierno del Estado de Tamaulipas - Secretaría de Seguridad Pública")
    assert len(readings) == 2
    last = {(t[0], t[1]) for t in readings[1][0]}
    assert {("c", "secretariat"), ("c", "public_security"), ("p", "st:TAMPS")} <= last
    assert readings[1][1] < 1.0


def test_fold_text() -> None:
    assert fold_text("  Policía   ESTATAL, Gro. ") == "policia estatal gro"


def _reading_keys(name: str) -> list[set[tuple[str, str]]]:
    return [{(t[0], t[1]) for t in tokens} for tokens, _factor in ANALYSER.readings(name)]


def test_a_parent_after_the_unit_is_read_as_its_parent() -> None:
    readings = _reading_keys("Policía Estatal, Secretaría de Seguridad Pública de Guerrero")
    assert {("c", "police"), ("c", "state"), ("p", "mu:CHIH:ciudad-guerrero|st:GRO")} in readings
    # The secretariat ranks as the parent, so it is not read alone.
    assert not any(("c", "secretariat") in r and ("c", "police") not in r for r in readings)
    battalion = _reading_keys("Batallón de Infantería de Marina No. 10 (BIM-10), Primera Zona Naval")
    assert {("c", "battalion"), ("c", "marine_infantry"), ("n", "10")} in battalion
    assert not any(("n", "1") in r and ("n", "10") not in r for r in battalion)


def test_a_purpose_after_the_body_is_left_out() -> None:
    readings = _reading_keys("SEDENA/DCAM p/ SSP Guerrero")
    assert any(("c", "directorate") in r and not any(k[0] == "p" for k in r) for r in readings)
    assert ANALYSER.readings("Secretaría de la Defensa Nacional para su comercialización")[1][1] == 0.99


def test_an_address_after_the_body_costs_little_and_drops_the_seat_of_a_state_body() -> None:
    *_whole, (body, _f) = ANALYSER.readings("27vo. Batallon de Infanteria (Iguala, Gro.)")
    assert ("n", "27") in {(t[0], t[1]) for t in body}
    places = [t for t in body if t[0] == "p"]
    assert places
    assert all("d" in t[3] for t in places)
    assert all("mu:" not in t[1] for t in places)  # Iguala is the battalion's seat
    municipal = ANALYSER.readings("Policía Municipal, Iguala, Gro.")
    assert any(any(t[0] == "p" and "iguala" in t[1] for t in r) for r, _f in municipal[1:])


def test_an_acronym_that_spells_the_name_beside_it_is_dropped_whatever_it_usually_means() -> None:
    assert kinds_and_keys("Gendarmería Nacional (GN)") == kinds_and_keys("Gendarmería Nacional")
    assert ("c", "guard") in kinds_and_keys("Policía Estatal de Guerrero (GN)")
    assert kinds_and_keys("Fiscalía General de Justicia del Estado de México (FGJEM)") == kinds_and_keys(
        "Fiscalía General de Justicia del Estado de México"
    )


def test_a_name_of_plain_words_first_is_not_split() -> None:
    assert len(ANALYSER.readings("Gendarmería Nacional (GN)")) == 1
    assert len(ANALYSER.readings("Sturm, Ruger & Co., Inc.")) == 1


def test_a_place_that_starts_inside_a_phrase_and_runs_past_it_wins() -> None:
    assert kinds_and_keys("Policía Estatal del Estado de México") == [
        ("c", "police"),
        ("c", "state"),
        ("p", "st:MEX"),
    ]


def test_a_state_body_named_after_mexico_is_the_state_of_mexico() -> None:
    assert ("p", "cc:mx|st:MEX") in kinds_and_keys("Policía Estatal de México")
    assert ("p", "cc:mx") in kinds_and_keys("Policía Federal de México")


def test_a_division_after_its_police_is_the_unit() -> None:
    readings = _reading_keys("Policía Federal, División de Gendarmería")
    assert not any(r == {("c", "police"), ("c", "federal")} for r in readings)


def test_a_ministry_named_with_its_countrys_adjective_is_the_national_one() -> None:
    assert ("c", "federal") in kinds_and_keys("Mexican Ministry of Defense")
    assert ("c", "federal") not in kinds_and_keys("SSP México")
    assert ("c", "federal") not in kinds_and_keys("Mexican State Police")
