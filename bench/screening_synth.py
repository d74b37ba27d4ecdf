"""A seeded generator of synthetic screening entities for the speed benchmark (1,000,000 by default).

Every entity is synthetic and says nothing about any real body. Names are built the way real ones are:
municipal and state police units across the real Mexican places of GeoNames, numbered units, companies with
legal forms, and people with Mexican and international given names and surnames, each with about three
names (Spanish, English, an acronym or a reordered personal name).
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench.screening_devset import GIVEN, SECOND, STATES, SURNAMES, strip_accents, typo
from lantern.screening import Query, ScreeningEntity
from lantern.screening.vocabulary import _rows

GIVEN_INTL = [
    "John",
    "Michael",
    "David",
    "James",
    "Robert",
    "William",
    "Thomas",
    "Richard",
    "Daniel",
    "Mark",
    "Paul",
    "Anna",
    "Maria",
    "Elena",
    "Olga",
    "Irina",
    "Fatima",
    "Aisha",
    "Mohammed",
    "Ahmed",
    "Ali",
    "Omar",
    "Hassan",
    "Wei",
    "Li",
    "Jun",
    "Hiroshi",
    "Kenji",
    "Sergei",
    "Ivan",
    "Dmitri",
    "Pierre",
    "Jean",
    "Luc",
    "Hans",
    "Klaus",
    "Stefan",
    "Giovanni",
    "Marco",
    "Luca",
    "Pedro",
    "Joao",
    "Rafael",
    "Diego",
    "Andres",
    "Camila",
]
SURNAMES_INTL = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Miller",
    "Davis",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "Ivanov",
    "Petrov",
    "Smirnov",
    "Kuznetsov",
    "Popov",
    "Muller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Dubois",
    "Moreau",
    "Laurent",
    "Silva",
    "Santos",
    "Oliveira",
    "Costa",
    "Khan",
    "Rahman",
    "Hussein",
    "Abdullah",
    "Wang",
    "Zhang",
    "Chen",
    "Liu",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Kim",
    "Park",
    "Choi",
    "Nguyen",
    "Tran",
    "Kowalski",
    "Nowak",
    "Novak",
]
COMPANY_WORDS = [
    "Tactical",
    "Defense",
    "Armory",
    "Arms",
    "Global",
    "International",
    "Industrial",
    "Precision",
    "Security",
    "Supply",
    "Trading",
    "Logistics",
    "Systems",
    "Solutions",
    "Technologies",
    "Outdoor",
    "Sporting",
    "Hunting",
    "Frontier",
    "Eagle",
    "Falcon",
    "Liberty",
    "Patriot",
    "Summit",
    "Pacific",
    "Atlantic",
    "Northern",
    "Southern",
    "Western",
    "Eastern",
    "Continental",
    "Imperial",
    "Royal",
    "Union",
    "United",
    "Allied",
    "Comercializadora",
    "Distribuidora",
    "Importadora",
    "Exportadora",
    "Grupo",
    "Servicios",
    "Suministros",
    "Equipos",
    "Industrias",
    "Tecnologia",
    "Proteccion",
    "Blindajes",
    "Cinegetica",
    "Deportiva",
    "Metalica",
]
LEGAL = [
    ", Inc.",
    " LLC",
    ", S.A. de C.V.",
    " S. de R.L. de C.V.",
    " GmbH",
    " Ltd.",
    " Corp.",
    " S.A.",
    " SpA",
    " AG",
    " B.V.",
    ", LLP",
    " Co.",
    " S.A.P.I. de C.V.",
]
UNIT_TYPES_ES = [
    ("Agrupamiento", "Group"),
    ("Grupo Táctico", "Tactical Group"),
    ("Unidad de Reacción", "Reaction Unit"),
    ("Sector", "Sector"),
    ("Compañía", "Company"),
    ("Escuadrón", "Squadron"),
    ("Batallón", "Battalion"),
    ("Unidad Especializada", "Specialised Unit"),
    ("Grupo de Operaciones Especiales", "Special Operations Group"),
    ("Centro de Mando", "Command Centre"),
    ("Base de Operaciones", "Operations Base"),
]


def _municipalities() -> list[tuple[str, str]]:
    states = {code: name for code, name, _admin1, _variants in _rows("states_mx.tsv")}
    return [(name, states[state]) for state, name, _population, _forms in _rows("places_mx.tsv")]


def generate(count: int, seed: int = 7) -> Iterator[ScreeningEntity]:
    rng = random.Random(seed)
    municipalities = _municipalities()
    state_names = [s[0] for s in STATES]
    given_all = GIVEN + GIVEN_INTL
    surnames_all = SURNAMES + SURNAMES_INTL
    for i in range(count):
        roll = rng.random()
        if roll < 0.35:
            given = rng.choice(given_all)
            middle = rng.choice(SECOND + GIVEN_INTL) if rng.random() < 0.4 else ""
            first, second = rng.choice(surnames_all), rng.choice(surnames_all)
            full = " ".join(p for p in (given, middle, first, second) if p)
            names = (full, f"{first.upper()} {second.upper()}, {given.upper()}", f"{given} {first}")
            yield ScreeningEntity(f"entry:synth/p{i}", names, "person", rng.choice(["MX", "US", None]))
        elif roll < 0.65:
            words = rng.sample(COMPANY_WORDS, rng.randint(1, 3))
            if rng.random() < 0.5:
                words.insert(0, rng.choice(surnames_all))
            stem = " ".join(words)
            legal = rng.choice(LEGAL)
            names = (stem + legal, strip_accents(stem).upper() + legal.upper().replace(".", ""), stem)
            yield ScreeningEntity(f"entry:synth/c{i}", names, "company", rng.choice(["MX", "US", "DE", None]))
        else:
            unit_es, unit_en = rng.choice(UNIT_TYPES_ES)
            n = rng.randint(1, 120)
            if rng.random() < 0.6:
                town, state = rng.choice(municipalities)
                names = (
                    f"{unit_es} {n} de la Policía Municipal de {town}",
                    f"{strip_accents(town)} Municipal Police {unit_en} {n}",
                    f"{unit_es.upper()} {n} POL. MPAL. {strip_accents(town).upper()}",
                )
                yield ScreeningEntity(
                    f"unit:synth-{i}", names, "municipal_police", "MX", state, town, "municipal"
                )
            else:
                state = rng.choice(state_names)
                names = (
                    f"{unit_es} {n} de la Policía Estatal de {state}",
                    f"{strip_accents(state)} State Police {unit_en} {n}",
                    f"{n}/o. {unit_es} Estatal, {state}",
                )
                yield ScreeningEntity(f"unit:synth-{i}", names, "state_police", "MX", state, None, "state")


def queries_for(entities: list[ScreeningEntity], count: int, seed: int = 11) -> list[Query]:
    """Names as a licence would write them: a registry name with a typing mistake, in capitals, without
    accents; and one in five names of no entity at all."""
    rng = random.Random(seed)
    out: list[Query] = []
    for i in range(count):
        if rng.random() < 0.2:
            name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(SURNAMES_INTL)} {rng.choice(COMPANY_WORDS)}"
        else:
            entity = rng.choice(entities)
            name = rng.choice(entity.names)
            if rng.random() < 0.4:
                name = typo(rng, name)
            if rng.random() < 0.3:
                name = strip_accents(name).upper()
        out.append(Query(name=name, id=f"q{i}"))
    return out
