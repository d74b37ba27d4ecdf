"""The letter's criteria on small hand-built books. Each test is one rule and its boundary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from lantern.allegations.model import Allegation, AllegationStatus, StatusEntry, ViolationType
from lantern.core.dates import DateRange, PartialDate
from lantern.core.provenance import Citation, Confidence
from lantern.licences.model import (
    Agency,
    Exclusion,
    ExclusionKind,
    FireMode,
    Item,
    Licence,
    LicenceKind,
    LicenceStatus,
    Party,
    PartyRole,
    StatusChange,
)
from lantern.review.criteria import counted_since, implications, review_licence
from lantern.review.model import (
    Criterion,
    Decision,
    Delivery,
    Finding,
    LicenceFacts,
    Recommendation,
    Registry,
    Resolution,
    Severity,
    ShipmentFact,
    StandingViolation,
)
from lantern.review.policy import default_rules, make_policy
from lantern.units.model import Level, ParentLink, Unit, UnitKind
from lantern.watchlists.model import EntryType, ListEntry

AS_OF = date(2026, 11, 1)
POLICY = make_policy(reseller_unit_keys={"mx-sedena", "mx-dcam"})


def unit(
    key: str, name: str, kind: UnitKind = UnitKind.STATE_POLICE, state: str | None = "Tamaulipas"
) -> Unit:
    level = Level.FEDERAL if state is None else Level.STATE
    return Unit(key=key, name=name, kind=kind, level=level, country="MX", state=state)


def link(parent: str, start: str | None = None, end: str | None = None) -> ParentLink:
    return ParentLink(
        parent,
        DateRange(PartialDate.parse(start) if start else None, PartialDate.parse(end) if end else None),
    )


def allegation(
    key: str,
    units: tuple[str, ...],
    *,
    incident: str = "2021-01-22",
    credible: date = date(2021, 2, 2),
    confidence: Confidence = Confidence.HIGH,
    later: tuple[StatusEntry, ...] = (),
    violations: tuple[ViolationType, ...] = (ViolationType.EXTRAJUDICIAL_KILLING,),
) -> Allegation:
    return Allegation(
        key=key,
        unit_keys=units,
        violations=violations,
        incident=DateRange(PartialDate.parse(incident), PartialDate.parse(incident)),
        description="test",
        citations=(Citation("src-test", "p. 3"),),
        confidence=confidence,
        statuses=(StatusEntry(AllegationStatus.CREDIBLE, credible), *later),
    )


UNITS = {
    u.key: u
    for u in (
        unit("mx-tam-ssp", "Secretaría de Seguridad Pública de Tamaulipas"),
        unit("mx-tam-gopes", "Grupo de Operaciones Especiales"),
        unit("mx-tam-pe", "Policía Estatal de Tamaulipas"),
        unit("mx-gro-iguala-pm", "Policía Municipal de Iguala", UnitKind.MUNICIPAL_POLICE, "Guerrero"),
        unit("mx-gro-iguala-transito", "Tránsito de Iguala", UnitKind.MUNICIPAL_POLICE, "Guerrero"),
        unit("mx-sedena", "Secretaría de la Defensa Nacional", UnitKind.ARMY, None),
        unit("mx-dcam", "Dirección de Comercialización de Armamento y Municiones", UnitKind.ARMY, None),
        unit("mx-semar", "Secretaría de Marina", UnitKind.NAVY, None),
        unit("mx-son-pe", "Policía Estatal de Sonora", UnitKind.STATE_POLICE, "Sonora"),
    )
}
LINKS = {
    "mx-tam-gopes": [link("mx-tam-ssp", "2016")],
    "mx-tam-pe": [link("mx-tam-ssp")],
    "mx-gro-iguala-transito": [link("mx-gro-iguala-pm")],
    "mx-dcam": [link("mx-sedena")],
}
CAMARGO = allegation("camargo-2021", ("mx-tam-gopes",))
IGUALA = allegation(
    "iguala-2014",
    ("mx-gro-iguala-pm",),
    incident="2014-09-26",
    credible=date(2014, 10, 1),
    violations=(ViolationType.ENFORCED_DISAPPEARANCE,),
)


def registry(
    *allegations: Allegation, links: dict[str, list[ParentLink]] | None = None, **extra: object
) -> Registry:
    by_unit: dict[str, list[Allegation]] = {}
    for a in allegations:
        for key in a.unit_keys:
            by_unit.setdefault(key, []).append(a)
    return Registry.build(UNITS, links if links is not None else LINKS, by_unit, **extra)  # type: ignore[arg-type]


def licence(
    end_user: str | None = "SSP Tamaulipas",
    *,
    approved: date | None = date(2019, 6, 1),
    status: LicenceStatus = LicenceStatus.APPROVED,
    kind: LicenceKind = LicenceKind.DSP5,
    items: Sequence[Item] = (),
    extra_parties: Sequence[Party] = (),
    cn_reference: str | None = None,
    exclusions: Sequence[Exclusion] = (),
) -> Licence:
    history = [StatusChange(LicenceStatus.APPLIED, datetime(2019, 1, 5, tzinfo=UTC), "exporter")]
    if approved:
        history.append(StatusChange(status, datetime.combine(approved, datetime.min.time(), UTC), "officer"))
    parties = [Party(PartyRole.APPLICANT, "Example Arms Inc.", "US")]
    if end_user:
        parties.append(Party(PartyRole.END_USER, end_user, "MX"))
    parties.extend(extra_parties)
    return Licence(
        agency=Agency.DDTC,
        number="T-1",
        kind=kind,
        destination_country="MX",
        issue_date=approved,
        parties=tuple(parties),
        items=tuple(items)
        or (Item(1, "Rifle", 300, usml_category="I(a)", fire_mode=FireMode.SEMI_AUTOMATIC),),
        status_history=tuple(history),
        cn_reference=cn_reference,
        exclusions=tuple(exclusions),
        synthetic=True,
    )


def resolved(unit_key: str, decision: Decision = Decision.MATCH, score: float = 0.97) -> Resolution:
    return Resolution(
        f"unit:{unit_key}", decision, score, UNITS[unit_key].name if unit_key in UNITS else None
    )


def review(
    lic: Licence,
    resolutions: dict[int, Resolution],
    reg: Registry,
    shipments: Sequence[ShipmentFact] = (),
    **facts: bool,
) -> list[Finding]:
    return review_licence(
        LicenceFacts(lic, resolutions, shipments, **facts), reg, POLICY, default_rules(), AS_OF
    )


def only(findings: list[Finding], criterion: Criterion) -> list[Finding]:
    return [f for f in findings if f.criterion is criterion]


SHIPMENTS = (
    ShipmentFact("s1", date(2019, 9, 1), 100, Decimal("120000")),
    ShipmentFact("s2", date(2021, 3, 1), 120, Decimal("144000")),
    ShipmentFact("s3", date(2021, 4, 1), 30, Decimal("36000"), status="rejected"),
)


# Criterion 1 ------------------------------------------------------------------------------------------------


def test_a_secretariat_containing_a_unit_implicated_later_needed_action() -> None:
    found = only(
        review(licence(), {1: resolved("mx-tam-ssp")}, registry(CAMARGO), SHIPMENTS),
        Criterion.IMPLICATED_END_USER,
    )
    assert [(f.code, f.subject) for f in found] == [
        ("implicated_after_approval", "party:1:contains:mx-tam-gopes")
    ]
    finding = found[0]
    assert finding.severity is Severity.HIGH
    assert finding.recommendation is Recommendation.SUSPEND
    assert (finding.shipped_since_quantity, finding.shipped_since_value) == (120, Decimal("144000"))
    kinds = [step.kind for step in finding.evidence]
    assert kinds == ["party", "resolution", "hierarchy", "allegation", "shipment"]
    assert finding.evidence[2].data["path"] == ["mx-tam-ssp", "mx-tam-gopes"]
    assert "120 items" in finding.summary


def test_a_unit_implicated_before_approval_should_not_have_been_licensed() -> None:
    found = only(
        review(
            licence("Policía Municipal de Iguala", approved=date(2015, 3, 2)),
            {1: resolved("mx-gro-iguala-pm")},
            registry(IGUALA),
        ),
        Criterion.IMPLICATED_END_USER,
    )
    assert [(f.code, f.severity) for f in found] == [("implicated_before_approval", Severity.CRITICAL)]


def test_a_sub_unit_of_an_implicated_force_belongs_to_it() -> None:
    found = only(
        review(licence("Tránsito Iguala"), {1: resolved("mx-gro-iguala-transito")}, registry(IGUALA)),
        Criterion.IMPLICATED_END_USER,
    )
    assert [f.subject for f in found] == ["party:1:belongs to:mx-gro-iguala-pm"]


def test_an_application_for_an_implicated_unit_should_be_denied() -> None:
    lic = licence("GOPES", approved=None)
    found = only(review(lic, {1: resolved("mx-tam-gopes")}, registry(CAMARGO)), Criterion.IMPLICATED_END_USER)
    assert [(f.code, f.recommendation) for f in found] == [("implicated_pending", Recommendation.DENY)]


def test_the_hierarchy_is_read_as_it_stood_on_the_licence_dates() -> None:
    # GOPES joined the SSP only in 2022: a licence of 2019 that expired in 2020 does not contain it.
    links = dict(LINKS, **{"mx-tam-gopes": [link("mx-tam-ssp", "2022")]})
    lic = licence(status=LicenceStatus.EXPIRED)
    assert (
        only(
            review(lic, {1: resolved("mx-tam-ssp")}, registry(CAMARGO, links=links)),
            Criterion.IMPLICATED_END_USER,
        )
        == []
    )


def test_a_unit_that_joined_after_the_incident_does_not_implicate_its_new_parent() -> None:
    links = dict(LINKS, **{"mx-tam-gopes": [link("mx-tam-ssp", "2022")]})
    assert (
        only(
            review(licence(), {1: resolved("mx-tam-ssp")}, registry(CAMARGO, links=links)),
            Criterion.IMPLICATED_END_USER,
        )
        == []
    )


@pytest.mark.parametrize(
    ("changed", "counts"),
    [
        (replace(CAMARGO, confidence=Confidence.LOW), False),
        (replace(CAMARGO, confidence=Confidence.MEDIUM), True),
        (
            replace(
                CAMARGO,
                statuses=(*CAMARGO.statuses, StatusEntry(AllegationStatus.REMEDIATED, date(2024, 1, 1))),
            ),
            False,
        ),
        (
            replace(CAMARGO, statuses=(StatusEntry(AllegationStatus.NOT_SUBSTANTIATED, date(2021, 5, 1)),)),
            False,
        ),
        (replace(CAMARGO, statuses=(StatusEntry(AllegationStatus.UNDER_REVIEW, date(2021, 2, 1)),)), False),
        (replace(CAMARGO, statuses=(StatusEntry(AllegationStatus.CREDIBLE, date(2027, 1, 1)),)), False),
    ],
)
def test_confidence_and_status_decide_whether_an_allegation_counts(changed: Allegation, counts: bool) -> None:
    assert (counted_since(changed, POLICY, AS_OF) is not None) is counts


def test_the_policy_can_count_allegations_under_review() -> None:
    pending = replace(CAMARGO, statuses=(StatusEntry(AllegationStatus.UNDER_REVIEW, date(2021, 2, 1)),))
    policy = make_policy(counted_statuses=("credible", "under_review"))
    assert counted_since(pending, policy, AS_OF) == date(2021, 2, 1)


def test_an_unconfirmed_resolution_does_not_implicate() -> None:
    found = review(
        licence("GOPES?"), {1: resolved("mx-tam-gopes", Decision.POSSIBLE, 0.6)}, registry(CAMARGO)
    )
    assert only(found, Criterion.IMPLICATED_END_USER) == []
    assert [f.code for f in only(found, Criterion.UNIDENTIFIED_END_USER)] == ["uncertain_end_user"]


# Criterion 2 ------------------------------------------------------------------------------------------------


def codes(findings: list[Finding]) -> list[str]:
    return sorted(f.code for f in only(findings, Criterion.UNIDENTIFIED_END_USER))


def test_no_end_user_at_all() -> None:
    assert codes(review(licence(None), {}, registry())) == ["no_end_user"]


@pytest.mark.parametrize(
    "name",
    [
        "Mexican Government",
        "Gobierno de México",
        "Police forces",
        "Varias policías estatales",
        "For resale",
        "Fuerzas de seguridad del Estado",
        "POLICIA",
        "Various state police",
    ],
)
def test_generic_end_users(name: str) -> None:
    none = Resolution(None, Decision.NO_MATCH)
    assert codes(review(licence(name), {1: none}, registry())) == ["generic_end_user"]


def test_sedena_without_a_final_unit_does_not_identify_the_end_user() -> None:
    found = review(licence("SEDENA"), {1: resolved("mx-sedena")}, registry())
    assert codes(found) == ["reseller_without_final_end_user"]


def test_a_reseller_does_not_carry_its_sub_units_allegations() -> None:
    links = dict(LINKS, **{"mx-army-bn": [link("mx-sedena")]})
    units = dict(
        UNITS, **{"mx-army-bn": unit("mx-army-bn", "102/o. Batallón de Infantería", UnitKind.ARMY, None)}
    )
    tlatlaya = allegation(
        "tlatlaya-2014", ("mx-army-bn",), incident="2014-06-30", credible=date(2014, 10, 21)
    )
    reg = Registry.build(units, links, {"mx-army-bn": [tlatlaya]})
    found = review(licence("SEDENA"), {1: resolved("mx-sedena")}, reg)
    assert only(found, Criterion.IMPLICATED_END_USER) == []
    battalion = review(licence("102 Batallón"), {1: Resolution("unit:mx-army-bn", Decision.MATCH, 0.9)}, reg)
    assert [f.code for f in only(battalion, Criterion.IMPLICATED_END_USER)] == ["implicated_before_approval"]


def test_sedena_as_consignee_with_a_named_police_unit_is_identified() -> None:
    consignee = Party(PartyRole.ULTIMATE_CONSIGNEE, "SEDENA / DCAM", "MX")
    lic = licence("Policía Estatal de Sonora", extra_parties=[consignee])
    found = review(lic, {1: resolved("mx-son-pe"), 2: resolved("mx-dcam")}, registry())
    assert codes(found) == []


def test_sedena_as_consignee_with_a_named_but_unresolved_unit_is_not_a_reseller_case() -> None:
    consignee = Party(PartyRole.ULTIMATE_CONSIGNEE, "SEDENA / DCAM", "MX")
    lic = licence("Fuerzas Especiales de la Guardia Estatal", extra_parties=[consignee])
    possible = Resolution("unit:mx-son-pe", Decision.POSSIBLE, 0.65)
    found = review(lic, {1: possible, 2: resolved("mx-dcam")}, registry())
    assert codes(found) == ["uncertain_end_user"]
    found = review(lic, {1: Resolution(None, Decision.NO_MATCH), 2: resolved("mx-dcam")}, registry())
    assert codes(found) == ["unresolved_end_user"]


def test_no_end_user_with_sedena_as_consignee_is_one_finding_not_two() -> None:
    consignee = Party(PartyRole.ULTIMATE_CONSIGNEE, "SEDENA / DCAM", "MX")
    lic = licence("x", extra_parties=[consignee])
    lic = replace(lic, parties=tuple(p for p in lic.parties if p.role is not PartyRole.END_USER))
    index = next(i for i, p in enumerate(lic.parties) if p.role is PartyRole.ULTIMATE_CONSIGNEE)
    assert codes(review(lic, {index: resolved("mx-dcam")}, registry())) == ["no_end_user"]


def test_an_unresolved_sedena_is_recognised_by_name() -> None:
    none = Resolution(None, Decision.NO_MATCH)
    found = review(licence("Secretaria de la Defensa Nacional (DCAM)"), {1: none}, registry())
    assert codes(found) == ["reseller_without_final_end_user", "unresolved_end_user"]


def test_an_end_user_named_only_at_secretariat_level_when_items_went_to_a_sub_unit() -> None:
    res = {1: resolved("mx-tam-ssp")}
    assert codes(review(licence(), res, registry())) == []
    delivered = (Delivery(date(2020, 1, 10), "mx-tam-pe", "shipment", "s1", 100),)
    found = review_licence(
        LicenceFacts(licence(), res, (), deliveries=delivered), registry(), POLICY, (), AS_OF
    )
    assert codes(found) == ["secretariat_level_end_user"]
    assert "Policía Estatal de Tamaulipas" in only(found, Criterion.UNIDENTIFIED_END_USER)[0].summary
    # Custody of the serials with the named unit itself is no evidence of a lower recipient.
    own = (Delivery(date(2020, 1, 10), "mx-tam-ssp", "custody", "transfer"),)
    assert (
        codes(review_licence(LicenceFacts(licence(), res, (), deliveries=own), registry(), POLICY, (), AS_OF))
        == []
    )


def test_generic_wording_fails_criterion_2_even_when_a_unit_is_likely() -> None:
    found = review(
        licence("Police forces of the State of Tamaulipas"),
        {1: resolved("mx-tam-pe", score=0.89)},
        registry(CAMARGO),
    )
    assert codes(found) == ["generic_end_user"]


def test_a_denied_application_has_no_findings() -> None:
    lic = licence("GOPES", status=LicenceStatus.DENIED)
    assert review(lic, {1: resolved("mx-tam-gopes")}, registry(CAMARGO)) == []


def test_naming_the_secretariat_and_its_sub_unit_identifies_the_end_user() -> None:
    pe = Party(PartyRole.END_USER, "Policía Estatal", "MX")
    found = review(
        licence(extra_parties=[pe]), {1: resolved("mx-tam-ssp"), 2: resolved("mx-tam-pe")}, registry()
    )
    assert codes(found) == []


def test_an_end_user_that_resolves_to_nothing() -> None:
    found = review(licence("Policía Auxiliar Bancaria"), {1: Resolution(None, Decision.NO_MATCH)}, registry())
    assert codes(found) == ["unresolved_end_user"]


def test_an_sta_record_needs_a_prior_consignee_statement() -> None:
    lic = licence("Policía Estatal de Sonora", kind=LicenceKind.STA)
    res = {1: resolved("mx-son-pe")}
    assert codes(review(lic, res, registry())) == ["sta_without_consignee_statement"]
    assert codes(review(lic, res, registry(), consignee_statement=True)) == []


# Watch lists, notification, 502B, provisos, standing violations ----------------------------------------


ENTRY = ListEntry(
    "demo-list", "WL-1", "Armas Fantasma SA de CV", EntryType.COMPANY, listed=PartialDate.parse("2019")
)


def test_a_private_party_on_a_watch_list() -> None:
    broker = Party(PartyRole.INTERMEDIATE_CONSIGNEE, "ARMAS FANTASMA S.A. DE C.V.", "MX")
    lic = licence("Policía Estatal de Sonora", extra_parties=[broker])
    reg = registry(list_entries={"demo-list/WL-1": ENTRY})
    match = Resolution("entry:demo-list/WL-1", Decision.MATCH, 0.95, ENTRY.name)
    found = only(review(lic, {1: resolved("mx-son-pe"), 2: match}, reg), Criterion.WATCH_LIST)
    assert [(f.code, f.severity) for f in found] == [("watch_list_match", Severity.HIGH)]
    # Listed when the licence was approved (2019-06-01): still a finding after a later delisting.
    later = registry(list_entries={"demo-list/WL-1": replace(ENTRY, delisted=PartialDate.parse("2020"))})
    assert len(only(review(lic, {1: resolved("mx-son-pe"), 2: match}, later), Criterion.WATCH_LIST)) == 1
    # Delisted, or not yet listed, on the day of approval: no finding.
    delisted = registry(list_entries={"demo-list/WL-1": replace(ENTRY, delisted=PartialDate.parse("2018"))})
    assert only(review(lic, {1: resolved("mx-son-pe"), 2: match}, delisted), Criterion.WATCH_LIST) == []
    unlisted = registry(list_entries={"demo-list/WL-1": replace(ENTRY, listed=PartialDate.parse("2020"))})
    assert only(review(lic, {1: resolved("mx-son-pe"), 2: match}, unlisted), Criterion.WATCH_LIST) == []


def cat_i(value: str) -> Item:
    return Item(
        1,
        "Rifle, automatic",
        1000,
        usml_category="I(a)",
        fire_mode=FireMode.AUTOMATIC,
        total_value=Decimal(value),
    )


def semi_0a501(value: str) -> Item:
    return Item(
        1, "Rifle", 2000, eccn="0A501.a", fire_mode=FireMode.SEMI_AUTOMATIC, total_value=Decimal(value)
    )


@pytest.mark.parametrize(
    ("item", "approved", "cn", "expected"),
    [
        (cat_i("5500000"), date(2021, 7, 29), None, ["aeca-36c-usml-cat-i-firearms"]),
        (cat_i("5500000"), date(2021, 7, 29), "DDTC-20-072", []),
        (cat_i("999999.99"), date(2021, 7, 29), None, []),
        (cat_i("1000000"), date(2021, 7, 29), None, ["aeca-36c-usml-cat-i-firearms"]),
        (semi_0a501("4200000"), date(2023, 5, 1), None, ["ear-743-6-0a501a"]),
        (semi_0a501("4200000"), date(2022, 7, 17), None, []),  # the day before the rule took effect
        (semi_0a501("4200000"), date(2025, 9, 30), None, []),  # the day it was removed
        (semi_0a501("3999999"), date(2023, 5, 1), None, []),
    ],
)
def test_congressional_notification_applies_the_rule_in_force(
    item: Item, approved: date, cn: str | None, expected: list[str]
) -> None:
    lic = licence("Policía Estatal de Sonora", approved=approved, items=[item], cn_reference=cn)
    found = only(review(lic, {1: resolved("mx-son-pe")}, registry()), Criterion.CONGRESSIONAL_NOTIFICATION)
    assert [f.subject.removeprefix("rule:") for f in found] == expected


def test_commerce_firearms_for_an_implicated_police_unit_fall_in_the_502b_gap() -> None:
    lic = licence("GOPES", items=[semi_0a501("300000")])
    found = review(lic, {1: resolved("mx-tam-gopes")}, registry(CAMARGO))
    assert [f.code for f in only(found, Criterion.CRIME_CONTROL)] == ["police_end_user_implicated"]


def test_the_502b_gap_covers_the_guardia_nacional_and_end_uses_that_say_police() -> None:
    units = dict(UNITS, **{"mx-gn": unit("mx-gn", "Guardia Nacional", UnitKind.NATIONAL_GUARD, None)})
    gn = allegation("gn-2022", ("mx-gn",), incident="2022", credible=date(2022, 11, 30))
    reg = Registry.build(units, LINKS, {"mx-gn": [gn]})
    lic = licence("Guardia Nacional", items=[semi_0a501("300000")])
    found = review(lic, {1: Resolution("unit:mx-gn", Decision.MATCH, 1.0)}, reg)
    assert [f.code for f in only(found, Criterion.CRIME_CONTROL)] == ["police_end_user_implicated"]
    generic = replace(
        licence("Gobierno de México", items=[semi_0a501("300000")]), end_use="Law enforcement use"
    )
    found = review(generic, {1: Resolution(None, Decision.NO_MATCH)}, registry())
    assert [f.code for f in only(found, Criterion.CRIME_CONTROL)] == ["police_end_user_unidentified"]
    army = replace(generic, end_use="Army training")
    assert (
        only(review(army, {1: Resolution(None, Decision.NO_MATCH)}, registry()), Criterion.CRIME_CONTROL)
        == []
    )


def test_a_reseller_for_police_leaves_a_police_end_user_unidentified_in_the_502b_gap() -> None:
    # The end user resolves to the DCAM, which resells: the police unit that receives the items is unnamed.
    lic = licence(
        "SEDENA/DCAM - for resale to authorized law enforcement agencies", items=[semi_0a501("690000")]
    )
    found = review(lic, {1: resolved("mx-dcam")}, registry())
    assert [f.code for f in only(found, Criterion.CRIME_CONTROL)] == ["police_end_user_unidentified"]
    army = licence("SEDENA/DCAM - for resale to the army", items=[semi_0a501("690000")])
    assert only(review(army, {1: resolved("mx-dcam")}, registry()), Criterion.CRIME_CONTROL) == []


def test_usml_items_are_not_in_the_502b_gap() -> None:
    found = review(licence("GOPES"), {1: resolved("mx-tam-gopes")}, registry(CAMARGO))
    assert only(found, Criterion.CRIME_CONTROL) == []


def test_a_state_exclusion_is_breached_by_an_end_user_in_that_state() -> None:
    guerrero = Exclusion(ExclusionKind.STATE, "Guerrero", "Not for units in Guerrero")
    lic = licence("Policía Municipal de Iguala", exclusions=[guerrero])
    found = only(review(lic, {1: resolved("mx-gro-iguala-pm")}, registry()), Criterion.PROVISO_BREACH)
    assert [f.code for f in found] == ["excluded_state"]
    sonora = licence("Policía Estatal de Sonora", exclusions=[guerrero])
    shipped = [
        ShipmentFact("s9", date(2020, 1, 1), 10, Decimal(1), consignee="SSP Gro.", consignee_state="Guerrero")
    ]
    assert (
        len(only(review(sonora, {1: resolved("mx-son-pe")}, registry(), shipped), Criterion.PROVISO_BREACH))
        == 1
    )
    assert only(review(sonora, {1: resolved("mx-son-pe")}, registry()), Criterion.PROVISO_BREACH) == []


def test_a_standing_violation_needs_a_presidential_determination() -> None:
    case = StandingViolation("VC-1", "mx-gro-iguala-pm", "MX", date(2018, 1, 1), "re-transfer")
    lic = licence("Tránsito de Iguala", approved=date(2019, 1, 1))
    found = review(lic, {1: resolved("mx-gro-iguala-transito")}, registry(standing_violations=[case]))
    assert [f.recommendation for f in only(found, Criterion.VIOLATION)] == [
        Recommendation.PRESIDENTIAL_DETERMINATION
    ]


def test_findings_have_stable_fingerprints_and_sensitive_content_hashes() -> None:
    reg = registry(CAMARGO)
    first = review(licence(), {1: resolved("mx-tam-ssp")}, reg, SHIPMENTS)
    again = review(licence(), {1: resolved("mx-tam-ssp")}, reg, SHIPMENTS)
    assert [f.fingerprint for f in first] == [f.fingerprint for f in again]
    assert [f.content_hash for f in first] == [f.content_hash for f in again]
    more = review(
        licence(),
        {1: resolved("mx-tam-ssp")},
        reg,
        (*SHIPMENTS, ShipmentFact("s4", date(2022, 1, 1), 5, Decimal(5))),
    )
    assert {f.fingerprint for f in more} == {f.fingerprint for f in first}
    assert {f.content_hash for f in more} != {f.content_hash for f in first}


def test_the_alleged_units_below_a_unit_are_those_that_ever_sat_under_it() -> None:
    links = dict(LINKS, **{"mx-tam-ssp": [link("mx-gob-tam", "2010", "2015")]})
    reg = Registry.build(UNITS, links, {"mx-tam-gopes": [CAMARGO]})
    # GOPES sits under the SSP from 2016, and the SSP sat under the state government in 2010-2015: at no
    # single time were all three linked, but each is a walk to check on the licence's own days.
    assert reg.alleged_below("mx-gob-tam") == ("mx-tam-gopes",)
    assert reg.alleged_below("mx-tam-ssp") == ("mx-tam-gopes",)
    # An alleged unit with nothing alleged below it, and a unit outside that hierarchy, have none.
    assert reg.alleged_below("mx-tam-gopes") == ()
    assert reg.alleged_below("mx-son-pe") == ()
    # A registry with other allegations works them out again, not taken from the one it was made from.
    assert replace(reg, allegations_by_unit={}).alleged_below("mx-tam-ssp") == ()


def test_contains_is_found_for_a_parent_of_another_time_only_on_the_days_it_held_the_unit() -> None:
    # GOPES sat under the SSP from 2016: a licence reviewed on days before that finds nothing it contains;
    # one whose days include a day after finds GOPES.
    reg = registry(CAMARGO)
    assert reg.alleged_below("mx-tam-ssp") == ("mx-tam-gopes",)
    before = implications("mx-tam-ssp", reg, POLICY, [date(2015, 6, 1)], AS_OF)
    after = implications("mx-tam-ssp", reg, POLICY, [date(2015, 6, 1), date(2021, 6, 1)], AS_OF)
    assert [(i.relation, i.unit_key) for i in before] == []
    assert [(i.relation, i.unit_key, i.path) for i in after] == [
        ("contains", "mx-tam-gopes", ("mx-tam-ssp", "mx-tam-gopes"))
    ]
    # Without sub-units (a reseller's), nothing below is looked at; what it is or belongs to still is.
    assert implications("mx-tam-ssp", reg, POLICY, [date(2021, 6, 1)], AS_OF, contains=False) == []
    gopes = implications("mx-tam-gopes", reg, POLICY, [date(2021, 6, 1)], AS_OF, contains=False)
    assert [(i.relation, i.unit_key) for i in gopes] == [("is", "mx-tam-gopes")]
