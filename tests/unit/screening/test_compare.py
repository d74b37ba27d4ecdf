"""Scoring pairs of names: the hard negatives of the issue, real variants, symmetry."""

from __future__ import annotations

import pytest

from lantern.screening import MatchConfig, Screener
from lantern.screening.model import Decision

SCREENER = Screener.build([], MatchConfig())
CONFIG = MatchConfig()


def score(a: str, b: str, *, person: bool = False) -> float:
    value, _ = SCREENER.compare_names(a, b, person=person)
    return value


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Policía Estatal de Guerrero", "Guerrero State Police"),
        ("Policía Estatal de Guerrero", "POLICIA ESTATAL DE GUERRERO"),
        ("Policía Estatal de Guerrero", "Pol. Estatal Gro."),
        ("Secretaría de Seguridad Pública del Estado de Tamaulipas", "SSP Tamaulipas"),
        (
            "Secretaría de Seguridad Pública del Estado de Tamaulipas",
            "Tamaulipas State Public Security Secretariat",
        ),
        (
            "Secretaría de Seguridad Pública del Estado de Tamaulipas",
            "Gobierno del Estado de Tamaulipas - Secretaría de Seguridad Pública",
        ),
        ("27 Batallón de Infantería", "27/o. Batallón de Infantería"),
        ("27 Batallón de Infantería", "Vigésimo Séptimo Batallón de Infantería"),
        ("27 Batallón de Infantería", "27th Infantry Battalion"),
        ("IX Región Militar", "9th Military Region"),
        ("Secretaría de Marina", "Sria. de Marina (SEMAR)"),
        ("Sig Sauer, Inc.", "SIG SAUER INC"),
        ("Colt's Manufacturing Company, LLC", "Colt Manufacturing Co LLC"),
        ("Armas y Municiones del Norte, S.A. de C.V.", "ARMAS Y MUNICIONES DEL NORTE SA DE CV"),
        ("Policía Municipal de Iguala", "Policia Municipal de Iguala, Gro."),
        ("Batallón de Infantería de Marina No. 3", "3er. Batallón de Infantería de Marina"),
    ],
)
def test_same_body_written_differently_matches(a: str, b: str) -> None:
    assert CONFIG.decide(score(a, b)) == Decision.MATCH


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Policía Estatal de Guerrero", "Policía Estatal de Michoacán"),
        ("Policía Estatal de Baja California", "Policía Estatal de Baja California Sur"),
        ("Policía Estatal de Sonora", "Policía Estatal de Sinaloa"),
        ("27 Batallón de Infantería", "41 Batallón de Infantería"),
        ("Policía Municipal de Chihuahua", "Policía Estatal de Chihuahua"),
        ("Policía Municipal de Veracruz", "Policía Estatal de Veracruz"),
        ("Policía Municipal de Juárez", "Policía Municipal de Oaxaca de Juárez"),
        ("Policía Federal", "Policía Federal Ministerial"),
        ("Sig Sauer GmbH", "Sig Sauer, Inc."),
        ("3/a. Zona Naval", "3/a. Zona Militar"),
        ("IX Región Militar", "IX Zona Militar"),
        ("Batallón de Infantería de Marina No. 3", "3/er. Batallón de Infantería"),
        ("Policía Estatal", "Policía Estatal de Guerrero"),
        ("Batallón de Infantería", "27 Batallón de Infantería"),
        ("Juan Carlos Pérez Hernández", "Juan Carlos Pérez Martínez"),
    ],
)
def test_near_twins_do_not_match(a: str, b: str) -> None:
    person = a.startswith("Juan")
    assert CONFIG.decide(score(a, b, person=person)) != Decision.MATCH


@pytest.mark.parametrize(
    ("a", "b", "person"),
    [
        ("Policía Estatal de Guerrero", "Pol. Estatal Gro.", False),
        ("SSP Tamaulipas", "Secretaría de Seguridad Pública del Estado de Tamaulipas", False),
        ("Sig Sauer GmbH", "SIG SAUER INC", False),
        ("Vladimir Putin", "Putin, Vladimir", True),
        ("Juan C. Pérez", "Juan Carlos Perez Hernandez", True),
        ("27 BI", "Batallón de Infantería No. 27", False),
    ],
)
def test_scores_are_symmetric(a: str, b: str, person: bool) -> None:
    assert score(a, b, person=person) == score(b, a, person=person)


def test_explanation_says_what_agreed_and_what_did_not() -> None:
    value, explanation = SCREENER.compare_names("Policía Estatal de Guerrero", "Policía Estatal de Michoacán")
    conflicts = [f for f in explanation.features if f.how == "conflict"]
    assert value < CONFIG.possible_threshold
    assert [f.name for f in conflicts] == ["place"]
    assert conflicts[0].query_value == "guerrero"
    assert conflicts[0].candidate_value == "michoacan"
    assert "Disagree: place guerrero vs michoacan" in explanation.summary


def test_explanation_names_how_parts_matched() -> None:
    _, explanation = SCREENER.compare_names(
        "27th Infantry Battalion (SEDENA)", "Vigésimo Séptimo Batallón de Infantería"
    )
    hows = {f.how for f in explanation.features}
    assert {"ordinal", "translated"} <= hows


def test_generic_words_alone_do_not_carry_a_match() -> None:
    value, explanation = SCREENER.compare_names("Policía Estatal", "Policía Estatal de Guerrero")
    assert value <= CONFIG.generic_only_cap
    assert any(f.name == "place" and f.how == "missing" for f in explanation.features)


def test_thresholds_come_from_the_config() -> None:
    strict = Screener.build([], MatchConfig(match_threshold=0.999))
    value, _ = strict.compare_names("Sig Sauer, Inc.", "Sig Sauer Inc")
    assert strict.config.decide(value) == Decision.MATCH
    value, _ = strict.compare_names("Policía Estatal de Guerrero", "Pol. Estatal Guerero")
    assert strict.config.decide(value) != Decision.MATCH or value >= 0.999
