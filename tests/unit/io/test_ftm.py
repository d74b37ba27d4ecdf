from pathlib import Path
from typing import Any

import orjson
import pytest

from lantern.io.ftm import FtmFile, guess_kind
from lantern.io.records import RecordKind
from lantern.units.model import Level, UnitKind
from tests.unit.io.samples import records_by_kind


def _entity(key: str, schema: str, **props: Any) -> dict[str, Any]:
    return {
        "id": key,
        "schema": schema,
        "properties": {k: v if isinstance(v, list) else [v] for k, v in props.items()},
    }


def _read(tmp_path: Path, entities: list[dict[str, Any]], **options: Any) -> dict[RecordKind, list[Any]]:
    path = tmp_path / "entities.ftm.json"
    path.write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in entities))
    return records_by_kind(FtmFile(path, name="entities.ftm.json", max_line_bytes=1 << 20, **options))


SEDENA = _entity(
    "sedena", "PublicBody", name="Secretaría de la Defensa Nacional", country="mx", abbreviation="SEDENA"
)


def test_the_parent_property_makes_a_hierarchy_of_units(tmp_path: Path) -> None:
    zone = _entity("zm-35", "PublicBody", name="35 Zona Militar", country="mx", parent="sedena")
    records = _read(tmp_path, [zone, SEDENA])
    units = {u.id: u for u in records[RecordKind.UNITS]}
    assert set(units) == {"sedena", "zm-35"}
    assert [p.unit for p in units["zm-35"].parents] == ["sedena"]
    assert units["sedena"].country == "MX"
    assert [(a.name, a.kind) for a in units["sedena"].aliases] == [("SEDENA", "acronym")]
    assert RecordKind.LIST_ENTRIES not in records


def test_membership_and_ownership_links_carry_dates(tmp_path: Path) -> None:
    guard = _entity("gn", "PublicBody", name="Guardia Nacional", country="mx")
    sspc = _entity("sspc", "PublicBody", name="Secretaría de Seguridad y Protección Ciudadana", country="mx")
    links = [
        _entity(
            "m1", "Membership", member="gn", organization="sspc", startDate="2019-03-26", endDate="2022-09"
        ),
        _entity("o1", "Ownership", asset="gn", owner="sedena", startDate="2022-09-09T00:00:00"),
    ]
    records = _read(tmp_path, [*links, guard, sspc, SEDENA])
    units = {u.id: u for u in records[RecordKind.UNITS]}
    assert [(p.unit, p.start, p.end) for p in units["gn"].parents] == [
        ("sspc", "2019-03-26", "2022-09"),
        ("sedena", "2022-09-09", None),
    ]
    assert units["gn"].kind is UnitKind.NATIONAL_GUARD


def test_people_companies_and_lone_bodies_become_list_entries(tmp_path: Path) -> None:
    person = _entity("p1", "Person", name=["Juan Pérez", "Juanito"], nationality="mx", idNumber="X1")
    company = _entity("c1", "Company", name="Armas del Norte SA", country="mx")
    body = _entity("b1", "PublicBody", name="Ministry of Trade", country="suhh")
    member = _entity("m1", "Membership", member="p1", organization="sedena")
    sanction = _entity(
        "s1", "Sanction", entity="p1", program="TEST-PROGRAM", startDate="2019-02", endDate="2021"
    )
    passport = _entity("i1", "Passport", holder="p1", number="G123", type="passport")
    vehicle = _entity("v1", "Airplane", name="XA-ABC")
    records = _read(
        tmp_path, [person, company, body, member, sanction, passport, vehicle, SEDENA], list_key="wl"
    )
    entries = {e.id: e for e in records[RecordKind.LIST_ENTRIES]}
    assert set(entries) == {"p1", "c1", "b1", "sedena"}
    juan = entries["p1"]
    assert (juan.type, juan.aliases, juan.countries, juan.programs) == (
        "person",
        ["Juanito"],
        ["MX"],
        ["TEST-PROGRAM"],
    )
    assert (juan.listed, juan.delisted) == ("2019-02", "2021")
    assert [(i.scheme, i.value) for i in juan.identifiers] == [("idNumber", "X1"), ("passport", "G123")]
    assert entries["b1"].countries == []
    [watch_list] = records[RecordKind.LISTS]
    assert (watch_list.id, watch_list.source) == ("wl", "wl")


def test_bodies_with_a_security_topic_are_units_without_a_hierarchy(tmp_path: Path) -> None:
    navy = _entity("semar", "Organization", name="Secretaría de Marina", country="mx", topics="gov.security")
    records = _read(tmp_path, [navy])
    [unit] = records[RecordKind.UNITS]
    assert (unit.id, unit.kind, unit.sources) == ("semar", UnitKind.NAVY, ["entities"])


def test_bad_lines_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "x.ftm.json"
    path.write_bytes(b'{"id": "a", "schema": "Person", "properties": {"name": "not a list"}}\n{"id": "b"')
    source = FtmFile(path, name="x", max_line_bytes=1 << 20)
    problems = [str(p) for row in source.rows(RecordKind.SOURCES) for p in row.problems]
    assert problems[0] == "x:1: properties: must be an object whose values are lists"
    assert problems[1].startswith("x:2: record: not valid JSON")
    assert problems[1].endswith("the file seems truncated")


@pytest.mark.parametrize(
    ("name", "kind", "level"),
    [
        ("Policía Municipal de Iguala de la Independencia", UnitKind.MUNICIPAL_POLICE, Level.MUNICIPAL),
        ("Secretaría de Seguridad Pública del Estado de Tamaulipas", UnitKind.STATE_POLICE, Level.STATE),
        (
            "Grupo de Operaciones Especiales (Policía Estatal de Tamaulipas)",
            UnitKind.STATE_POLICE,
            Level.STATE,
        ),
        ("Fiscalía General del Estado de Guerrero", UnitKind.PROSECUTOR, Level.STATE),
        ("Fiscalía General de la República", UnitKind.PROSECUTOR, Level.FEDERAL),
        ("Secretaría de Marina", UnitKind.NAVY, Level.FEDERAL),
        ("Batallón de Infantería de Marina No. 3", UnitKind.NAVY, Level.FEDERAL),
        ("27/o. Batallón de Infantería", UnitKind.ARMY, Level.FEDERAL),
        ("Guardia Nacional", UnitKind.NATIONAL_GUARD, Level.FEDERAL),
        ("Fuerza Aérea Mexicana", UnitKind.AIR_FORCE, Level.FEDERAL),
        ("Federal Police", UnitKind.FEDERAL_POLICE, Level.FEDERAL),
        ("Comisión Nacional de Derechos Humanos", UnitKind.OTHER, Level.FEDERAL),
    ],
)
def test_unit_kinds_are_guessed_from_real_names(name: str, kind: UnitKind, level: Level) -> None:
    assert guess_kind(name) == (kind, level)
