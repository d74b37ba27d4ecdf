"""How screening resolves the names written in the demo licence book, against the demo registry.

    python -m bench demo_resolutions            # misses and wrong matches only
    python -m bench demo_resolutions --all      # every name, with its best candidate

Every party name and shipment consignee in `src/lantern/demo/data/licences.jsonl` and `shipments.jsonl` is
screened (with the party's country; consignees with MX, as the review does) against the units and list entries
of the demo data, read straight from its JSON Lines files the way `lantern.screening.service.read_entities`
reads them from the store.

What each name should resolve to comes from:
- the "End user as written … intended resolution" lines of docs/review-cases.md (end users);
- `EXPECTED` below for the other parties and the consignees (the watch-list hits of review-cases.md, and the
  consignee a shipment names first: "SEDENA/DCAM p/ SSP Guerrero" is consigned to the DCAM);
- `VARIANTS` below: the same bodies written as other licences write them (parents added, acronyms in
  brackets, numbers in other notations, English, places appended), with hard negatives that must not match.

A name is right when the best candidate is the expected entity at `match`, or when nothing reaches `match` and
none was expected. Anything else is listed: a miss (expected entity not at `match`) or a wrong match.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from lantern.screening import Decision, Match, MatchConfig, Screener, ScreeningEntity

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "src" / "lantern" / "demo" / "data"
CASES = ROOT / "docs" / "review-cases.md"

_INTENDED = re.compile(r'End user as written:\*\* "(?P<name>.*)"; intended resolution: `(?P<unit>[^`]+)`')

#: Parties other than end users, and shipment consignees: name as written -> expected entity id (None: no
#: entity in the registry, so nothing may match).
EXPECTED: dict[str, str | None] = {
    # Ultimate consignees and the purchaser named by the licences.
    "SEDENA/DCAM": "unit:mx-sedena-dcam",
    "Secretaría de la Defensa Nacional, Dirección de Comercialización de Armamento y Municiones": (
        "unit:mx-sedena-dcam"
    ),
    "SECRETARIA DE LA DEFENSA NACIONAL (SEDENA) - DCAM": "unit:mx-sedena-dcam",
    "Mexican Ministry of National Defense - Directorate of Arms and Munitions Sales (DCAM)": (
        "unit:mx-sedena-dcam"
    ),
    "SEMAR - Primera Zona Naval": "unit:mx-semar-zn-1",
    "Secretaria de Marina": "unit:mx-semar",
    "Secretaría de Marina-Armada de México": "unit:mx-semar",
    # Watch-list parties (review-cases.md: BIS/SYN-D100033, -D100034, -D100035).
    "Ejemplo Logistica Armera SA de CV": "entry:lantern-demo-watchlist/WL-0001",
    "Fictitious Border Freight, L.L.C.": "entry:lantern-demo-watchlist/WL-0002",
    "DEMO TACTICAL SUPPLY LTD.": "entry:lantern-demo-watchlist/WL-0004",
    "Demo Tactical Supply Ltd": "entry:lantern-demo-watchlist/WL-0004",
    # Applicants: US makers, on no list of the demo.
    "Beretta U.S.A. Corp.": None,
    "Colt Defense LLC": None,
    "Colt's Manufacturing Company LLC": None,
    "Federal Cartridge Company": None,
    "O.F. Mossberg & Sons, Inc.": None,
    "Remington Arms Company, LLC": None,
    "SIG SAUER, Inc.": None,
    "Sig Sauer Inc": None,
    "Smith & Wesson Corp.": None,
    "Smith & Wesson Inc.": None,
    "Sturm, Ruger & Co., Inc.": None,
    "Synthetic Rifle Components Inc. (SYNTHETIC)": None,
    "Trijicon, Inc.": None,
    # Shipment consignees: the body named first is the consignee; "p/ …", "para …" say whom it is for.
    "SEDENA/DCAM, Ciudad de México": "unit:mx-sedena-dcam",
    "SEDENA/DCAM p/ SSP Guerrero": "unit:mx-sedena-dcam",
    "SEDENA/DCAM para Policía Estatal Gro.": "unit:mx-sedena-dcam",
    "SEDENA/DCAM p/ Iguala": "unit:mx-sedena-dcam",
    "SEMAR": "unit:mx-semar",
    "Secretaría de Seguridad Pública del Estado de Guerrero, Chilpancingo, Gro.": "unit:mx-gro-ssp",
    "DCAM": "unit:mx-sedena-dcam",
    "SSPC - Guardia Nacional": "unit:mx-gn",
    "Institución Policial Estatal Fuerza Civil, Escobedo, N.L.": "unit:mx-nl-fuerzacivil",
    "SSP Yucatán, Mérida": "unit:mx-yuc-ssp",
    "PGR": "unit:mx-fgr",
    "FGR": "unit:mx-fgr",
}

#: The demo's bodies as other licences write them; None where the body written is not in the registry.
VARIANTS: dict[str, str | None] = {
    # A parent before or after the unit.
    "Secretaría de la Defensa Nacional - Dirección de Comercialización de Armamento y Municiones": (
        "unit:mx-sedena-dcam"
    ),
    "Secretaría de la Defensa Nacional - Dirección General de Industria Militar": None,
    "27 Batallón de Infantería (SEDENA)": "unit:mx-sedena-bi-27",
    "SEDENA - 27/o. Batallón de Infantería": "unit:mx-sedena-bi-27",
    "SEDENA / DCAM": "unit:mx-sedena-dcam",
    "SEDENA-DCAM": "unit:mx-sedena-dcam",
    "Policía Estatal, Secretaría de Seguridad Pública de Guerrero": "unit:mx-gro-pe",
    "Secretaría de Seguridad Pública de Guerrero - Policía Estatal": "unit:mx-gro-pe",
    "Policía Ministerial, Fiscalía General del Estado de Guerrero": "unit:mx-gro-fge-pm",
    "Secretaría de Marina - Primer Batallón de Infantería de Marina": "unit:mx-semar-bim-1",
    # An acronym in brackets.
    "Guardia Nacional (GN)": "unit:mx-gn",
    "Dirección de Comercialización de Armamento y Municiones (DCAM)": "unit:mx-sedena-dcam",
    "Policía Federal (PF)": "unit:mx-pf",
    "Policía Federal Ministerial (PFM)": "unit:mx-fgr-pfm",
    "Fiscalía General de la República (FGR)": "unit:mx-fgr",
    "Grupo de Operaciones Especiales (GOPES)": "unit:mx-tam-gopes",
    "Guardia Nacional, Coordinación Estatal Guerrero (GN)": "unit:mx-gn-ce-gro",
    "Guardia Nacional (GN), Coordinación Estatal Michoacán": None,
    "Guardia Civil (GC)": None,
    "Gendarmería Nacional (GN)": "unit:mx-pf-gendarmeria",
    # Numbers in every notation, marine infantry battalions included.
    "Batallón de Infantería de Marina No. 10": "unit:mx-semar-bim-10",
    "Batallón de Infantería de Marina Núm. 10": "unit:mx-semar-bim-10",
    "Batallón de Infantería de Marina Número 10": "unit:mx-semar-bim-10",
    "BIM-10": "unit:mx-semar-bim-10",
    "BIM 10": "unit:mx-semar-bim-10",
    "BIM No. 10": "unit:mx-semar-bim-10",
    "10/o. B.I.M.": "unit:mx-semar-bim-10",
    "10/o. Batallón de Infantería de Marina": "unit:mx-semar-bim-10",
    "10o. Batallón de Infantería de Marina": "unit:mx-semar-bim-10",
    "10th Marine Infantry Battalion": "unit:mx-semar-bim-10",
    "10th Naval Infantry Battalion": "unit:mx-semar-bim-10",
    "Décimo Batallón de Infantería de Marina (SEMAR)": "unit:mx-semar-bim-10",
    "BIM-11": None,
    "Batallón de Infantería de Marina No. 11": None,
    "11th Marine Infantry Battalion": None,
    "10/o. Batallón de Infantería": None,
    "Batallón de Infantería No. 27": "unit:mx-sedena-bi-27",
    "Batallón de Infantería Núm. 27": "unit:mx-sedena-bi-27",
    "27/o. B.I.": "unit:mx-sedena-bi-27",
    "27th Infantry Battalion": "unit:mx-sedena-bi-27",
    "27th Infantry Battalion (Mexican Army)": "unit:mx-sedena-bi-27",
    "Batallón de Infantería No. 28": None,
    "1er. B.I.M.": "unit:mx-semar-bim-1",
    "Zona Militar No. 35": "unit:mx-sedena-zm-35",
    "35th Military Zone": "unit:mx-sedena-zm-35",
    "Zona Militar Núm. 36": None,
    # English renderings of Mexican bodies.
    "Directorate of Arms and Munitions Sales": "unit:mx-sedena-dcam",
    "Arms and Ammunition Marketing Directorate": "unit:mx-sedena-dcam",
    "Directorate for the Marketing of Arms and Munitions": "unit:mx-sedena-dcam",
    "Arms and Munitions Commercialization Directorate (DCAM)": "unit:mx-sedena-dcam",
    "Ministry of National Defense": "unit:mx-sedena",
    "Secretariat of the Navy - Mexican Navy": "unit:mx-semar",
    "Ministry of the Navy": "unit:mx-semar",
    "National Guard (GN)": "unit:mx-gn",
    "Federal Attorney General's Office (PGR)": "unit:mx-fgr",
    "Attorney General of the Republic": "unit:mx-fgr",
    "Guerrero State Police": "unit:mx-gro-pe",
    "State Police of Guerrero": "unit:mx-gro-pe",
    "Guerrero State Public Security Secretariat": "unit:mx-gro-ssp",
    "Public Security Secretariat of the State of Guerrero": "unit:mx-gro-ssp",
    "Ministry of Public Security of Tamaulipas": "unit:mx-tam-ssp",
    "Iguala Municipal Police": "unit:mx-gro-iguala-pm",
    "Municipal Police of Iguala, Guerrero": "unit:mx-gro-iguala-pm",
    "Michoacán State Police": None,
    # Several bodies at once name no one of them.
    "Various state police forces of Tamaulipas": None,
    "Corporaciones policiales del Estado de Guerrero": None,
    # A place appended.
    "Policía Municipal de Iguala, Guerrero": "unit:mx-gro-iguala-pm",
    "Policía Municipal Iguala de la Independencia Gro.": "unit:mx-gro-iguala-pm",
    "Policía Municipal de Iguala de la Independencia, Gro.": "unit:mx-gro-iguala-pm",
    "Policía Municipal de Cocula, Gro.": "unit:mx-gro-cocula-pm",
    "Policía Estatal de Guerrero, Chilpancingo": "unit:mx-gro-pe",
    "Secretaría de Seguridad Pública de Tamaulipas, Cd. Victoria, Tamps.": "unit:mx-tam-ssp",
    "Policía Municipal de Iguala, Michoacán": None,
    "Policía Municipal de Taxco, Gro.": None,
    "Policía Estatal de Guerrero, Morelia, Mich.": None,
}


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    country: str | None
    expected: str | None
    where: str


def read_entities(folder: Path = DATA) -> list[ScreeningEntity]:
    """The demo's units and list entries as screening entities (as the store gives them)."""
    entities = []
    for line in (folder / "units.jsonl").read_text(encoding="utf-8").splitlines():
        unit = json.loads(line)
        entities.append(
            ScreeningEntity(
                id=f"unit:{unit['id']}",
                names=(unit["name"], *(a["name"] for a in unit.get("aliases", []))),
                kind=unit["kind"],
                country=unit.get("country"),
                state=unit.get("state"),
                municipality=unit.get("municipality"),
                level=unit.get("level"),
            )
        )
    for line in (folder / "list_entries.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        countries = entry.get("countries") or []
        entities.append(
            ScreeningEntity(
                id=f"entry:{entry['list']}/{entry['id']}",
                names=(entry["name"], *entry.get("aliases", [])),
                kind=entry["type"],
                country=countries[0] if len(countries) == 1 else None,
            )
        )
    return entities


def intended_end_users(path: Path = CASES) -> dict[str, str | None]:
    """End user as written -> intended unit (None for `none`), from docs/review-cases.md."""
    out: dict[str, str | None] = {}
    for m in _INTENDED.finditer(path.read_text(encoding="utf-8")):
        unit = m.group("unit")
        out[m.group("name")] = None if unit == "none" else f"unit:{unit}"
    return out


def demo_cases(folder: Path = DATA, *, variants: bool = True) -> list[Case]:
    """Every distinct (name, country) of the demo book, with what it should resolve to."""
    intended = intended_end_users()
    cases: dict[tuple[str, str | None], Case] = {}
    unknown: list[str] = []

    def expect(name: str, role: str) -> str | None:
        if role == "end_user" and name in intended:
            return intended[name]
        if name in EXPECTED:
            return EXPECTED[name]
        if name in intended:
            return intended[name]
        unknown.append(name)
        return None

    for line in (folder / "licences.jsonl").read_text(encoding="utf-8").splitlines():
        licence = json.loads(line)
        for party in licence["parties"]:
            key = (party["name"], party.get("country"))
            if key not in cases:
                where = f"{licence['agency']}/{licence['number']} {party['role']}"
                cases[key] = Case(party["name"], party.get("country"), expect(*key[:1], party["role"]), where)
    for line in (folder / "shipments.jsonl").read_text(encoding="utf-8").splitlines():
        shipment = json.loads(line)
        key = (shipment["consignee"], "MX")
        if key not in cases:
            cases[key] = Case(
                shipment["consignee"], "MX", expect(shipment["consignee"], "consignee"), shipment["id"]
            )
    if unknown:
        raise SystemExit(f"no expected resolution for: {sorted(set(unknown))}")
    out = list(cases.values())
    if variants:
        out += [Case(name, "MX", expected, "variant") for name, expected in VARIANTS.items()]
    return out


def verdict(case: Case, matches: list[Match]) -> str:
    """ok, miss (expected entity not at match) or wrong (another entity at match)."""
    top = matches[0] if matches else None
    if top is not None and top.decision == Decision.MATCH:
        return "ok" if top.entity_id == case.expected else "wrong"
    return "miss" if case.expected is not None else "ok"


def run(screener: Screener, cases: list[Case]) -> list[tuple[Case, str, list[Match]]]:
    out = []
    for case in cases:
        matches = screener.screen(case.name, country=case.country, limit=3)
        out.append((case, verdict(case, matches), matches))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--all", action="store_true", help="print every name, not only the wrong ones")
    parser.add_argument("--no-variants", action="store_true", help="only the names of the demo book")
    args = parser.parse_args(argv)
    screener = Screener.build(read_entities(), MatchConfig())
    results = run(screener, demo_cases(variants=not args.no_variants))
    for case, outcome, matches in results:
        if outcome == "ok" and not args.all:
            continue
        top = matches[0] if matches else None
        got = f"{top.entity_id} {top.decision} {top.score:.2f}" if top else "nothing"
        print(f"{outcome:<5} {case.name!r} [{case.where}] expected={case.expected} got={got}")
    book = [r for r in results if r[0].where != "variant"]
    for label, part in (("demo book", book), ("variants", [r for r in results if r[0].where == "variant"])):
        wrong = sum(r[1] == "wrong" for r in part)
        miss = sum(r[1] == "miss" for r in part)
        print(f"{label}: {len(part)} names, {len(part) - wrong - miss} right, {miss} missed, {wrong} wrong")


if __name__ == "__main__":
    main()
