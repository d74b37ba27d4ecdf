"""Writes the screening development set: tests/data/names/registry.csv and queries.csv.

    python -m bench.screening_devset            # rewrite both files (seeded: the same every time)

The registry holds real Mexican security bodies (federal, the 32 states, municipalities, numbered SEDENA and
SEMAR units), real firearms companies, and synthetic companies and people (marked `synthetic` in the source
column: no real person is named). Some real bodies are left out of the registry on purpose while a near twin
stays in (another state, another number, the municipal force of a state's capital, the GmbH of an Inc.).
Queries written from those absent bodies are the hard negatives: the right answer is "no match".

Queries are written the way licences, training records and lists write names: Spanish and English, with and
without accents, upper case, abbreviations (Sria., Edo., Mpal., Gro.), acronyms, ordinals in every notation,
parent prefixes and suffixes, legal forms written out or dropped, and one-letter typing mistakes. No query is
taken from the engine's vocabulary files; the generator has its own templates.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "names"
SEED = 20260428


@dataclass
class Entity:
    id: str
    category: str
    kind: str
    names: list[str]
    level: str | None = None
    state: str | None = None
    municipality: str | None = None
    country: str = "MX"
    source: str = "public"
    present: bool = True
    twin: str | None = None
    variants: list[tuple[str, str]] = field(default_factory=list)  # (query, how)


# name, abbreviation, English name
STATES = [
    ("Aguascalientes", "Ags.", "Aguascalientes"),
    ("Baja California", "B.C.", "Baja California"),
    ("Baja California Sur", "B.C.S.", "Baja California Sur"),
    ("Campeche", "Camp.", "Campeche"),
    ("Chiapas", "Chis.", "Chiapas"),
    ("Chihuahua", "Chih.", "Chihuahua"),
    ("Ciudad de México", "CDMX", "Mexico City"),
    ("Coahuila", "Coah.", "Coahuila"),
    ("Colima", "Col.", "Colima"),
    ("Durango", "Dgo.", "Durango"),
    ("Estado de México", "Edomex", "State of Mexico"),
    ("Guanajuato", "Gto.", "Guanajuato"),
    ("Guerrero", "Gro.", "Guerrero"),
    ("Hidalgo", "Hgo.", "Hidalgo"),
    ("Jalisco", "Jal.", "Jalisco"),
    ("Michoacán", "Mich.", "Michoacan"),
    ("Morelos", "Mor.", "Morelos"),
    ("Nayarit", "Nay.", "Nayarit"),
    ("Nuevo León", "N.L.", "Nuevo Leon"),
    ("Oaxaca", "Oax.", "Oaxaca"),
    ("Puebla", "Pue.", "Puebla"),
    ("Querétaro", "Qro.", "Queretaro"),
    ("Quintana Roo", "Q. Roo", "Quintana Roo"),
    ("San Luis Potosí", "S.L.P.", "San Luis Potosi"),
    ("Sinaloa", "Sin.", "Sinaloa"),
    ("Sonora", "Son.", "Sonora"),
    ("Tabasco", "Tab.", "Tabasco"),
    ("Tamaulipas", "Tamps.", "Tamaulipas"),
    ("Tlaxcala", "Tlax.", "Tlaxcala"),
    ("Veracruz", "Ver.", "Veracruz"),
    ("Yucatán", "Yuc.", "Yucatan"),
    ("Zacatecas", "Zac.", "Zacatecas"),
]
ABBR = {name: abbr for name, abbr, _ in STATES}
ENGLISH = {name: en for name, _, en in STATES}

# Absent on purpose; each pattern stays present for the other states (same pattern, different place).
ABSENT_STATE_POLICE = {
    "Michoacán",
    "Sinaloa",
    "Baja California Sur",
    "Veracruz",
    "Puebla",
    "Colima",
    "Hidalgo",
}
ABSENT_SSP = {"Sonora", "Baja California", "Zacatecas", "Chiapas", "Durango", "Nayarit", "Yucatán"}
ABSENT_FISCALIA = {"Guanajuato", "Tabasco", "Campeche", "Querétaro", "Tlaxcala", "Morelos"}

# (municipality, state, present?) Municipal forces; capitals that share the state's name are twins of the
# state force, and "Oaxaca de Juárez" is the twin of "Juárez".
MUNICIPALITIES = [
    ("Iguala de la Independencia", "Guerrero", True),
    ("Cocula", "Guerrero", True),
    ("Acapulco de Juárez", "Guerrero", True),
    ("Chilpancingo de los Bravo", "Guerrero", False),
    ("Tixtla de Guerrero", "Guerrero", True),
    ("Camargo", "Tamaulipas", True),
    ("Nuevo Laredo", "Tamaulipas", True),
    ("Reynosa", "Tamaulipas", True),
    ("Matamoros", "Tamaulipas", False),
    ("Tampico", "Tamaulipas", True),
    ("Victoria", "Tamaulipas", False),
    ("Juárez", "Chihuahua", True),
    ("Chihuahua", "Chihuahua", False),
    ("Cuauhtémoc", "Chihuahua", True),
    ("Hermosillo", "Sonora", True),
    ("Nogales", "Sonora", True),
    ("Cajeme", "Sonora", False),
    ("Culiacán", "Sinaloa", True),
    ("Mazatlán", "Sinaloa", True),
    ("Ahome", "Sinaloa", False),
    ("Tijuana", "Baja California", True),
    ("Mexicali", "Baja California", True),
    ("Ensenada", "Baja California", False),
    ("La Paz", "Baja California Sur", True),
    ("Los Cabos", "Baja California Sur", False),
    ("Monterrey", "Nuevo León", True),
    ("Apodaca", "Nuevo León", True),
    ("San Nicolás de los Garza", "Nuevo León", False),
    ("Saltillo", "Coahuila", True),
    ("Torreón", "Coahuila", True),
    ("Piedras Negras", "Coahuila", False),
    ("Guadalajara", "Jalisco", True),
    ("Zapopan", "Jalisco", True),
    ("Tlaquepaque", "Jalisco", False),
    ("Puerto Vallarta", "Jalisco", True),
    ("Morelia", "Michoacán", True),
    ("Uruapan", "Michoacán", True),
    ("Apatzingán", "Michoacán", False),
    ("Zamora", "Michoacán", True),
    ("Puebla", "Puebla", True),
    ("Tehuacán", "Puebla", False),
    ("Veracruz", "Veracruz", True),
    ("Xalapa", "Veracruz", True),
    ("Coatzacoalcos", "Veracruz", False),
    ("Córdoba", "Veracruz", True),
    ("Oaxaca de Juárez", "Oaxaca", False),
    ("Juchitán de Zaragoza", "Oaxaca", True),
    ("Tuxtla Gutiérrez", "Chiapas", True),
    ("Tapachula", "Chiapas", False),
    ("Villahermosa", "Tabasco", True),
    ("Mérida", "Yucatán", True),
    ("Cancún", "Quintana Roo", True),
    ("Chetumal", "Quintana Roo", False),
    ("Campeche", "Campeche", False),
    ("Ciudad del Carmen", "Campeche", True),
    ("Cuernavaca", "Morelos", True),
    ("Cuautla", "Morelos", False),
    ("Toluca", "Estado de México", True),
    ("Ecatepec de Morelos", "Estado de México", True),
    ("Naucalpan de Juárez", "Estado de México", False),
    ("Nezahualcóyotl", "Estado de México", True),
    ("Pachuca de Soto", "Hidalgo", True),
    ("Querétaro", "Querétaro", True),
    ("San Luis Potosí", "San Luis Potosí", False),
    ("Aguascalientes", "Aguascalientes", True),
    ("Zacatecas", "Zacatecas", True),
    ("Fresnillo", "Zacatecas", True),
    ("Durango", "Durango", True),
    ("Gómez Palacio", "Durango", False),
    ("Tepic", "Nayarit", True),
    ("Colima", "Colima", True),
    ("Manzanillo", "Colima", False),
    ("Tlaxcala", "Tlaxcala", True),
    ("León", "Guanajuato", True),
    ("Irapuato", "Guanajuato", False),
    ("Celaya", "Guanajuato", True),
    ("Salamanca", "Guanajuato", True),
    ("Silao", "Guanajuato", True),
    ("Ciudad Valles", "San Luis Potosí", True),
    ("Soledad de Graciano Sánchez", "San Luis Potosí", True),
    ("Lázaro Cárdenas", "Michoacán", True),
    ("Zitácuaro", "Michoacán", False),
    ("Tecomán", "Colima", True),
    ("Poza Rica de Hidalgo", "Veracruz", True),
    ("Tuxpan", "Veracruz", False),
    ("Minatitlán", "Veracruz", True),
    ("Comitán de Domínguez", "Chiapas", True),
    ("San Cristóbal de las Casas", "Chiapas", True),
    ("Cárdenas", "Tabasco", True),
    ("Comalcalco", "Tabasco", False),
    ("Valladolid", "Yucatán", True),
    ("Playa del Carmen", "Quintana Roo", True),
    ("Tulancingo de Bravo", "Hidalgo", True),
    ("Tula de Allende", "Hidalgo", False),
    ("Atlixco", "Puebla", True),
    ("San Martín Texmelucan", "Puebla", False),
    ("Tlaxcala de Xicohténcatl", "Tlaxcala", False),
    ("Apizaco", "Tlaxcala", True),
    ("Guasave", "Sinaloa", True),
    ("Navojoa", "Sonora", True),
    ("Caborca", "Sonora", False),
    ("San Luis Río Colorado", "Sonora", True),
    ("Delicias", "Chihuahua", True),
    ("Parral", "Chihuahua", False),
    ("Nuevo Casas Grandes", "Chihuahua", True),
    ("Monclova", "Coahuila", True),
    ("Ciudad Acuña", "Coahuila", True),
    ("Guadalupe", "Nuevo León", False),
    ("Santa Catarina", "Nuevo León", True),
    ("Lagos de Moreno", "Jalisco", True),
    ("Tepatitlán de Morelos", "Jalisco", False),
    ("Taxco de Alarcón", "Guerrero", True),
    ("Zihuatanejo de Azueta", "Guerrero", True),
    ("Altamira", "Tamaulipas", True),
    ("Río Bravo", "Tamaulipas", False),
    ("Texcoco", "Estado de México", True),
    ("Tlalnepantla de Baz", "Estado de México", False),
    ("Jiutepec", "Morelos", True),
    ("Río Grande", "Zacatecas", True),
    ("Lerdo", "Durango", True),
    ("Bahía de Banderas", "Nayarit", True),
    ("San Juan del Río", "Querétaro", True),
    ("Rincón de Romos", "Aguascalientes", False),
]
# A state police whose capital's municipal force is absent, or the reverse, makes the twin.

FEDERAL = [
    # id, kind, names, present
    (
        "sedena",
        "army",
        ["Secretaría de la Defensa Nacional", "SEDENA", "Secretariat of National Defense"],
        True,
    ),
    ("semar", "navy", ["Secretaría de Marina", "SEMAR", "Mexican Navy", "Armada de México"], True),
    ("ejercito", "army", ["Ejército Mexicano", "Mexican Army"], True),
    ("fam", "air_force", ["Fuerza Aérea Mexicana", "Mexican Air Force"], True),
    ("gn", "national_guard", ["Guardia Nacional", "National Guard"], True),
    (
        "fgr",
        "prosecutor",
        ["Fiscalía General de la República", "FGR", "Procuraduría General de la República"],
        True,
    ),
    ("sspc", "other", ["Secretaría de Seguridad y Protección Ciudadana", "SSPC"], True),
    # The Policía Federal Preventiva was renamed Policía Federal in 2009: one body, two names.
    ("pf", "federal_police", ["Policía Federal", "Federal Police", "Policía Federal Preventiva"], True),
    ("pfm", "federal_police", ["Policía Federal Ministerial", "Federal Ministerial Police"], False),
    ("aic", "federal_police", ["Agencia de Investigación Criminal", "Criminal Investigation Agency"], True),
    ("cni", "other", ["Centro Nacional de Inteligencia", "National Intelligence Center"], True),
    ("cisen", "other", ["Centro de Investigación y Seguridad Nacional", "CISEN"], False),
    ("inm", "other", ["Instituto Nacional de Migración", "National Migration Institute", "INM"], True),
    ("dcam", "army", ["Dirección de Comercialización de Armamento y Municiones", "DCAM"], True),
    ("ssp-federal", "federal_police", ["Secretaría de Seguridad Pública Federal"], True),
    ("spf", "federal_police", ["Servicio de Protección Federal", "Federal Protection Service"], True),
    ("gendarmeria", "federal_police", ["Gendarmería Nacional", "National Gendarmerie"], False),
    ("cndh", "other", ["Comisión Nacional de los Derechos Humanos", "CNDH"], True),
]

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
ORD_ES_M = {
    1: "Primer",
    2: "Segundo",
    3: "Tercer",
    4: "Cuarto",
    5: "Quinto",
    6: "Sexto",
    7: "Séptimo",
    8: "Octavo",
    9: "Noveno",
    10: "Décimo",
    11: "Décimo Primer",
    12: "Décimo Segundo",
}
ORD_ES_F = {
    1: "Primera",
    2: "Segunda",
    3: "Tercera",
    4: "Cuarta",
    5: "Quinta",
    6: "Sexta",
    7: "Séptima",
    8: "Octava",
    9: "Novena",
    10: "Décima",
    11: "Décima Primera",
    12: "Décima Segunda",
}
TENS_M = {
    20: "Vigésimo",
    30: "Trigésimo",
    40: "Cuadragésimo",
    50: "Quincuagésimo",
    60: "Sexagésimo",
    70: "Septuagésimo",
    80: "Octogésimo",
    90: "Nonagésimo",
}
UNITS_M = {
    1: "Primer",
    2: "Segundo",
    3: "Tercer",
    4: "Cuarto",
    5: "Quinto",
    6: "Sexto",
    7: "Séptimo",
    8: "Octavo",
    9: "Noveno",
}
ORD_EN = {1: "1st", 2: "2nd", 3: "3rd"}

# SEDENA and SEMAR unit numbers in the registry, and the numbers left out as twins.
INFANTRY_PRESENT = [
    1,
    3,
    5,
    6,
    7,
    9,
    10,
    12,
    14,
    15,
    17,
    19,
    20,
    21,
    22,
    23,
    24,
    25,
    27,
    28,
    30,
    33,
    35,
    38,
    40,
    43,
    44,
    47,
    49,
    50,
    52,
    56,
    60,
    65,
    68,
    73,
    74,
    75,
    78,
    80,
    85,
    90,
    91,
    97,
    101,
    102,
]
INFANTRY_ABSENT = [2, 13, 34, 41, 45, 57, 61, 86, 95, 105]
CAVALRY_PRESENT = [1, 3, 6, 9, 12, 15]
CAVALRY_ABSENT = [2, 16]
ZONES_PRESENT = [1, 4, 5, 9, 11, 17, 22, 27, 30, 35, 42, 45]
ZONES_ABSENT = [3, 8, 28, 43]
REGIONS_PRESENT = [1, 2, 3, 4, 5, 6, 8, 9, 11]
REGIONS_ABSENT = [7, 10, 12]
NAVAL_REGIONS_PRESENT = [1, 2, 3, 4, 6, 8]
NAVAL_REGIONS_ABSENT = [5, 7]
NAVAL_ZONES_PRESENT = [1, 3, 4, 6, 8, 10, 12, 14, 16, 18]
NAVAL_ZONES_ABSENT = [2, 9, 11]
BIM_PRESENT = [2, 4, 6, 7, 8, 10, 11, 14, 16, 19, 21, 25]
BIM_ABSENT = [1, 3, 5, 9, 27]

# Real firearms companies (no allegation is made against any of them) and synthetic Mexican dealers.
# (id, names, country, present, source)
COMPANIES = [
    ("sig-sauer-inc", ["Sig Sauer, Inc."], "US", True, "public"),
    ("sig-sauer-gmbh", ["SIG Sauer GmbH"], "DE", False, "public"),
    ("colt-mfg", ["Colt's Manufacturing Company, LLC"], "US", True, "public"),
    ("colt-canada", ["Colt Canada Corporation"], "CA", False, "public"),
    ("smith-wesson", ["Smith & Wesson Inc."], "US", True, "public"),
    ("ruger", ["Sturm, Ruger & Company, Inc."], "US", True, "public"),
    ("beretta-usa", ["Beretta USA Corp."], "US", True, "public"),
    ("beretta-italy", ["Fabbrica d'Armi Pietro Beretta S.p.A."], "IT", True, "public"),
    ("fn-america", ["FN America, LLC"], "US", True, "public"),
    ("fn-herstal", ["FN Herstal SA"], "BE", False, "public"),
    ("hk-gmbh", ["Heckler & Koch GmbH"], "DE", True, "public"),
    ("hk-inc", ["Heckler & Koch, Inc."], "US", False, "public"),
    ("glock-inc", ["Glock, Inc."], "US", True, "public"),
    ("glock-gmbh", ["Glock Ges.m.b.H."], "AT", False, "public"),
    ("barrett", ["Barrett Firearms Manufacturing, Inc."], "US", True, "public"),
    ("daniel-defense", ["Daniel Defense, LLC"], "US", True, "public"),
    ("century-arms", ["Century International Arms, Inc."], "US", True, "public"),
    ("remington-arms", ["Remington Arms Company, LLC"], "US", True, "public"),
    ("remington-outdoor", ["Remington Outdoor Company, Inc."], "US", False, "public"),
    ("savage", ["Savage Arms, Inc."], "US", True, "public"),
    ("springfield", ["Springfield Armory, Inc."], "US", True, "public"),
    ("bushmaster", ["Bushmaster Firearms International, LLC"], "US", False, "public"),
    ("olin", ["Olin Corporation"], "US", True, "public"),
    ("hornady", ["Hornady Manufacturing Company"], "US", True, "public"),
    ("federal-cartridge", ["Federal Cartridge Company"], "US", True, "public"),
    ("kalashnikov", ["Kalashnikov Concern JSC"], "RU", True, "public"),
    ("ceska", ["Česká zbrojovka a.s."], "CZ", True, "public"),
    ("taurus", ["Taurus Armas S.A."], "BR", True, "public"),
    ("taurus-intl", ["Taurus International Manufacturing, Inc."], "US", False, "public"),
    ("anmn", ["Armas y Municiones del Norte, S.A. de C.V."], "MX", True, "synthetic"),
    ("anms", ["Armas y Municiones del Sur, S.A. de C.V."], "MX", False, "synthetic"),
    ("dts", ["Distribuidora Táctica de Sonora, S.A. de C.V."], "MX", True, "synthetic"),
    ("dtsin", ["Distribuidora Táctica de Sinaloa, S.A. de C.V."], "MX", False, "synthetic"),
    ("icb", ["Importadora Cinegética del Bajío, S. de R.L. de C.V."], "MX", True, "synthetic"),
    ("icb-sa", ["Importadora Cinegética del Bajío, S.A."], "ES", False, "synthetic"),
    ("ssg", ["Suministros de Seguridad del Golfo, S.A. de C.V."], "MX", True, "synthetic"),
    ("ssp-co", ["Suministros de Seguridad del Pacífico, S.A. de C.V."], "MX", False, "synthetic"),
    ("tei", ["Tactical Equipment International, LLC"], "US", True, "synthetic"),
    ("tei-ltd", ["Tactical Equipment International Ltd."], "GB", False, "synthetic"),
    ("lsa", ["Lone Star Arms Export, Inc."], "US", True, "synthetic"),
    ("lsa-2", ["Lone Star Armory, Inc."], "US", False, "synthetic"),
    ("gds", ["Grupo Defensa y Seguridad Integral, S.A.P.I. de C.V."], "MX", True, "synthetic"),
    ("border", ["Border Sporting Goods, LLC"], "US", True, "synthetic"),
    ("border-tx", ["Border Sporting Goods of Texas, LLC"], "US", False, "synthetic"),
    ("cmx", ["Comercializadora Militar Mexicana, S.A. de C.V."], "MX", True, "synthetic"),
    ("atlas", ["Atlas Tactical Supply Co."], "US", True, "synthetic"),
    ("aztec", ["Aztec Armament Trading, S.A. de C.V."], "MX", True, "synthetic"),
    ("aztec-us", ["Aztec Armament Trading, Inc."], "US", False, "synthetic"),
]

GIVEN = [
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jorge",
    "Miguel",
    "Francisco",
    "Alejandro",
    "Roberto",
    "Fernando",
    "Ricardo",
    "Eduardo",
    "Sergio",
    "Raúl",
    "Arturo",
    "Héctor",
    "Javier",
    "Manuel",
    "Ramón",
    "Armando",
    "María",
    "Guadalupe",
    "Verónica",
    "Leticia",
    "Patricia",
    "Claudia",
    "Adriana",
    "Gabriela",
    "Rosa",
    "Alejandra",
]
SECOND = ["Antonio", "Luis", "Alberto", "Manuel", "Carlos", "Ángel", "Eduardo", "Fernando", "Elena", "Isabel"]
SURNAMES = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Domínguez",
    "Salazar",
    "Villanueva",
    "Zamora",
    "Cervantes",
    "Bautista",
    "Navarro",
    "Solís",
    "Trujillo",
    "Ochoa",
    "Espinoza",
    "Velázquez",
    "Arellano",
    "Beltrán",
]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    """One keyboard mistake in one word of five letters or more: dropped, doubled, swapped or wrong letter."""
    words = text.split(" ")
    choices = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not choices:
        return text
    i = rng.choice(choices)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.choice(["drop", "double", "swap", "wrong"])
    if op == "drop":
        w = w[:p] + w[p + 1 :]
    elif op == "double":
        w = w[:p] + w[p] + w[p:]
    elif op == "swap":
        w = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    else:
        neighbours = {
            "a": "s",
            "e": "r",
            "i": "o",
            "o": "i",
            "n": "m",
            "r": "t",
            "s": "a",
            "t": "r",
            "l": "k",
        }
        wrong = neighbours.get(w[p].lower(), "e")
        w = w[:p] + (wrong.upper() if w[p].isupper() else wrong) + w[p + 1 :]
    words[i] = w
    return " ".join(words)


def casing(rng: random.Random, text: str) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.3:
        return strip_accents(text).upper(), "upper, no accents"
    if roll < 0.45:
        return text.upper(), "upper"
    if roll < 0.6:
        return strip_accents(text), "no accents"
    return text, "as written"


ATTACHED = {1: "ro", 2: "do", 3: "ro", 4: "to", 5: "to", 6: "to", 7: "mo", 8: "vo", 9: "no", 0: "mo"}


def ordinal_es(n: int, feminine: bool, style: str) -> str:
    """27/o., 27vo., 27º, Vigésimo Séptimo …, the ways Mexican documents write ordinals."""
    if style == "slash":
        return f"{n}/{'a' if feminine else ('er' if n % 10 in (1, 3) and n % 100 not in (11, 13) else 'o')}."
    if style == "attached":
        suffix = ATTACHED[n % 10]
        return f"{n}{suffix[0] + 'a' if feminine else suffix}."
    if style == "degree":
        return f"{n}{'ª' if feminine else 'º'}"
    if style == "words":
        return _words_es(n, feminine)
    return str(n)


def _words_es(n: int, feminine: bool) -> str:
    def fem(word: str) -> str:
        if not feminine:
            return word
        return {"Primer": "Primera", "Tercer": "Tercera"}.get(word, word[:-1] + "a")

    if n >= 100:
        rest = n - 100
        return fem("Centésimo") + (" " + _words_es(rest, feminine) if rest else "")
    if n <= 12:
        return (ORD_ES_F if feminine else ORD_ES_M)[n]
    tens, unit = (n // 10) * 10, n % 10
    tens_word = fem("Décimo") if tens == 10 else fem(TENS_M[tens])
    return f"{tens_word} {fem(UNITS_M[unit])}".strip() if unit else tens_word


def ordinal_en(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return ORD_EN.get(n % 10, f"{n % 10}th").replace(str(n % 10), str(n), 1) if n % 10 in ORD_EN else f"{n}th"


class Builder:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.entities: list[Entity] = []

    def add(self, entity: Entity, variants: list[tuple[str, str]]) -> Entity:
        entity.variants = variants
        self.entities.append(entity)
        return entity

    def pick(self, variants: list[tuple[str, str]], k: int) -> list[tuple[str, str]]:
        unique = list(dict.fromkeys(variants))
        self.rng.shuffle(unique)
        return unique[:k]

    def finish(self, variants: list[tuple[str, str]], k: int, typos: bool = True) -> list[tuple[str, str]]:
        chosen = self.pick(variants, k)
        out = []
        for text, how in chosen:
            cased, case_how = casing(self.rng, text)
            if typos and self.rng.random() < 0.2:
                cased, case_how = typo(self.rng, cased), case_how + ", typo"
            out.append((cased, f"{how}; {case_how}"))
        return out

    # Federal bodies ----------------------------------------------------------------------------------

    def federal(self) -> None:
        for key, kind, names, present in FEDERAL:
            variants = [(n, "registry name") for n in names]
            main = names[0]
            variants.append((main.replace("Secretaría", "Sria."), "abbreviation"))
            variants.append((f"{main} (Gobierno de México)", "suffix"))
            variants.append((f"Gobierno Federal - {main}", "parent prefix"))
            if len(names) > 1:
                variants.append(
                    (f"{main} ({names[1]})" if names[1].isupper() else f"{names[1]} of Mexico", "mixed")
                )
            entity = Entity(
                f"unit:mx-{key}", "federal", kind, names if present else names[:1], "federal", present=present
            )
            self.add(entity, self.finish(variants, 4 if present else 5))

    # States ------------------------------------------------------------------------------------------

    def states(self) -> None:
        for name, abbr, english in STATES:
            slug = strip_accents(name).lower().replace(" ", "-")
            de = "del" if name == "Estado de México" else "de"
            short = "México" if name == "Estado de México" else name
            # State police
            police = [
                (f"Policía Estatal {de} {name}", "registry name"),
                (f"Policía Estatal de {short}", "short"),
                (f"Pol. Estatal {abbr}", "abbreviations"),
                (f"{english} State Police", "English"),
                (f"Policía del Estado de {short}", "reworded"),
                (f"POLICIA ESTATAL {strip_accents(short).upper()}", "no preposition"),
                (f"Secretaría de Seguridad Pública - Policía Estatal de {short}", "parent prefix"),
                (f"State Police of {english.replace('State of ', '')}", "English"),
                (f"Policía Estatal, {abbr}", "state abbreviation"),
            ]
            present = name not in ABSENT_STATE_POLICE
            entity = Entity(
                f"unit:mx-{slug}-pe",
                "state",
                "state_police",
                [f"Policía Estatal {de} {name}", f"{english} State Police"]
                if present
                else [f"Policía Estatal {de} {name}"],
                "state",
                state=name,
                present=present,
            )
            self.add(entity, self.finish(police, 3 if present else 7))
            # Security secretariat
            ssp = [
                (f"Secretaría de Seguridad Pública del Estado de {short}", "registry name"),
                (f"SSP {short}", "acronym"),
                (f"SSP {abbr}", "acronym, abbreviation"),
                (f"Sria. de Seguridad Pública de {short}", "abbreviation"),
                (f"{english} State Public Security Secretariat", "English"),
                (f"Secretariat of Public Security of {english}", "English"),
                (f"Gobierno del Estado de {short} - Secretaría de Seguridad Pública", "parent prefix"),
                (f"Secretaria de Seguridad Publica Estatal ({abbr})", "reworded"),
                (f"SSPE {short}", "acronym"),
            ]
            present = name not in ABSENT_SSP
            entity = Entity(
                f"unit:mx-{slug}-ssp",
                "state",
                "state_police",
                [f"Secretaría de Seguridad Pública del Estado de {short}"],
                "state",
                state=name,
                present=present,
            )
            self.add(entity, self.finish(ssp, 3 if present else 7))
            # Prosecutor
            fge = [
                (f"Fiscalía General del Estado de {short}", "registry name"),
                (f"FGE {short}", "acronym"),
                (f"Fiscalía General de Justicia del Estado de {short}", "reworded"),
                (f"{english} State Attorney General's Office", "English"),
                (f"Fiscalia Gral. del Edo. de {short}", "abbreviations"),
                (f"Fiscalía del Estado de {abbr}", "short"),
                (
                    "Office of the Attorney General of "
                    + ("" if "State" in english else "the State of ")
                    + english,
                    "English",
                ),
            ]
            present = name not in ABSENT_FISCALIA
            entity = Entity(
                f"unit:mx-{slug}-fge",
                "state",
                "prosecutor",
                [f"Fiscalía General del Estado de {short}", f"FGE {short}"]
                if present
                else [f"Fiscalía General del Estado de {short}"],
                "state",
                state=name,
                present=present,
            )
            self.add(entity, self.finish(fge, 3 if present else 6))
        # Named state units from public reporting (the Camargo case; Nuevo León's state police).
        self.add(
            Entity(
                "unit:mx-tamaulipas-gopes",
                "state",
                "state_police",
                ["Grupo de Operaciones Especiales", "GOPES"],
                "state",
                state="Tamaulipas",
            ),
            self.finish(
                [
                    ("Grupo de Operaciones Especiales (GOPES)", "name and acronym"),
                    ("GOPES Tamaulipas", "acronym and state"),
                    ("Grupo de Operaciones Especiales de la Policía Estatal de Tamaulipas", "parent"),
                    ("Special Operations Group (GOPES)", "English"),
                ],
                4,
            ),
        )
        self.add(
            Entity(
                "unit:mx-nuevo-leon-fuerza-civil",
                "state",
                "state_police",
                ["Fuerza Civil", "Institución Policial Estatal Fuerza Civil"],
                "state",
                state="Nuevo León",
            ),
            self.finish(
                [
                    ("Fuerza Civil de Nuevo León", "name and state"),
                    ("FUERZA CIVIL NL", "abbreviation"),
                    ("Institución Policial Estatal Fuerza Civil", "registry name"),
                ],
                3,
            ),
        )

    # Municipalities ----------------------------------------------------------------------------------

    def municipalities(self) -> None:
        for name, state, present in MUNICIPALITIES:
            slug = strip_accents(name).lower().replace(" ", "-")
            abbr = ABBR[state]
            short = (
                name.split(" de ")[0]
                if name in ("Iguala de la Independencia", "Acapulco de Juárez")
                else name
            )
            variants = [
                (f"Policía Municipal de {name}", "registry name"),
                (f"Policía Municipal de {short}, {abbr}", "state abbreviation"),
                (f"Dirección de Seguridad Pública Municipal de {short}", "reworded"),
                (f"{strip_accents(short)} Municipal Police", "English"),
                (f"Pol. Mpal. {short}", "abbreviations"),
                (f"H. Ayuntamiento de {short} - Policía Municipal", "parent prefix"),
                (f"Secretaría de Seguridad Pública Municipal de {short}", "reworded"),
                (f"Policía Preventiva Municipal de {short}", "reworded"),
            ]
            names = [f"Policía Municipal de {name}"]
            if present and self.rng.random() < 0.5:
                names.append(f"Dirección de Seguridad Pública Municipal de {name}")
            entity = Entity(
                f"unit:mx-{slug}-pm",
                "municipal",
                "municipal_police",
                names,
                "municipal",
                state=state,
                municipality=name,
                present=present,
            )
            self.add(entity, self.finish(variants, 3 if present else 6))

    # SEDENA and SEMAR --------------------------------------------------------------------------------

    def numbered(
        self,
        category: str,
        kind: str,
        key: str,
        numbers: list[int],
        present: bool,
        registry: Callable[[int], str],
        variants: Callable[[int], list[tuple[str, str]]],
        k: int,
    ) -> None:
        for n in numbers:
            entity = Entity(f"unit:mx-{key}-{n}", category, kind, [registry(n)], "federal", present=present)
            self.add(entity, self.finish(variants(n), k))

    def military(self) -> None:
        def battalion(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ordinal_es(n, False, 'slash')} Batallón de Infantería", "slash ordinal"),
                (f"{ordinal_es(n, False, 'attached')} Batallón de Infantería", "attached ordinal"),
                (f"{ordinal_es(n, False, 'words')} Batallón de Infantería", "ordinal in words"),
                (f"{ordinal_en(n)} Infantry Battalion", "English"),
                (f"Batallón de Infantería No. {n}", "number sign"),
                (f"{n} BI", "acronym"),
                (f"{ordinal_es(n, False, 'slash')} Btn. Inf. (SEDENA)", "abbreviations, parent"),
                (f"SEDENA - {n} Batallón de Infantería", "parent prefix"),
                (f"{n} Batallon Infanteria", "bare"),
            ]

        def regiment(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ordinal_es(n, False, 'slash')} Regimiento de Caballería Motorizado", "slash ordinal"),
                (f"{ordinal_es(n, False, 'words')} Regimiento de Caballería Motorizado", "ordinal in words"),
                (f"{ordinal_en(n)} Motorized Cavalry Regiment", "English"),
                (f"{n} Regto. de Cab. Mot.", "abbreviations"),
                (f"Regimiento de Caballería Motorizado No. {n} (SEDENA)", "number sign, parent"),
            ]

        def zone(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ordinal_es(n, True, 'slash')} Zona Militar", "slash ordinal"),
                (f"{ordinal_es(n, True, 'words')} Zona Militar", "ordinal in words"),
                (f"{ordinal_en(n)} Military Zone", "English"),
                (f"{n} Zona Militar (SEDENA)", "parent"),
                (f"Zona Militar No. {n}", "number sign"),
                (f"{ordinal_es(n, True, 'degree')} Zona Militar", "degree ordinal"),
            ]

        def region(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ROMAN[n - 1]} Región Militar", "Roman numeral"),
                (f"{ordinal_es(n, True, 'words')} Región Militar", "ordinal in words"),
                (f"{ordinal_en(n)} Military Region", "English"),
                (f"{ordinal_es(n, True, 'slash')} Región Militar", "slash ordinal"),
                (f"Región Militar {ROMAN[n - 1]} (SEDENA)", "Roman numeral after, parent"),
            ]

        def naval_region(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ordinal_es(n, True, 'words')} Región Naval", "ordinal in words"),
                (f"{ordinal_es(n, True, 'slash')} Región Naval", "slash ordinal"),
                (f"{ordinal_en(n)} Naval Region", "English"),
                (f"Región Naval {n} (SEMAR)", "parent"),
            ]

        def naval_zone(n: int) -> list[tuple[str, str]]:
            return [
                (f"{ordinal_es(n, True, 'slash')} Zona Naval", "slash ordinal"),
                (f"{ordinal_es(n, True, 'words')} Zona Naval", "ordinal in words"),
                (f"{ordinal_en(n)} Naval Zone", "English"),
                (f"Zona Naval No. {n}, SEMAR", "parent"),
            ]

        def bim(n: int) -> list[tuple[str, str]]:
            return [
                (f"Batallón de Infantería de Marina No. {n}", "number sign"),
                (f"{ordinal_es(n, False, 'slash')} Batallón de Infantería de Marina", "slash ordinal"),
                (f"{ordinal_es(n, False, 'words')} Batallón de Infantería de Marina", "ordinal in words"),
                (f"{ordinal_en(n)} Marine Infantry Battalion", "English"),
                (f"BIM {n}", "acronym"),
                (f"{n} BIM (SEMAR)", "acronym, parent"),
                (f"Secretaría de Marina - Batallón de Infantería de Marina {n}", "parent prefix"),
            ]

        def battalion_name(n: int) -> str:
            return f"{ordinal_es(n, False, 'slash')} Batallón de Infantería"

        self.numbered("sedena", "army", "bi", INFANTRY_PRESENT, True, battalion_name, battalion, 3)
        self.numbered("sedena", "army", "bi", INFANTRY_ABSENT, False, battalion_name, battalion, 5)
        rc = lambda n: f"{ordinal_es(n, False, 'slash')} Regimiento de Caballería Motorizado"  # noqa: E731
        self.numbered("sedena", "army", "rcm", CAVALRY_PRESENT, True, rc, regiment, 3)
        self.numbered("sedena", "army", "rcm", CAVALRY_ABSENT, False, rc, regiment, 4)
        zm = lambda n: f"{ordinal_es(n, True, 'slash')} Zona Militar"  # noqa: E731
        self.numbered("sedena", "army", "zm", ZONES_PRESENT, True, zm, zone, 3)
        self.numbered("sedena", "army", "zm", ZONES_ABSENT, False, zm, zone, 4)
        rm = lambda n: f"{ROMAN[n - 1]} Región Militar"  # noqa: E731
        self.numbered("sedena", "army", "rm", REGIONS_PRESENT, True, rm, region, 3)
        self.numbered("sedena", "army", "rm", REGIONS_ABSENT, False, rm, region, 4)
        rn = lambda n: f"{ordinal_es(n, True, 'words')} Región Naval"  # noqa: E731
        self.numbered("semar", "navy", "rn", NAVAL_REGIONS_PRESENT, True, rn, naval_region, 3)
        self.numbered("semar", "navy", "rn", NAVAL_REGIONS_ABSENT, False, rn, naval_region, 4)
        zn = lambda n: f"{ordinal_es(n, True, 'slash')} Zona Naval"  # noqa: E731
        self.numbered("semar", "navy", "zn", NAVAL_ZONES_PRESENT, True, zn, naval_zone, 3)
        self.numbered("semar", "navy", "zn", NAVAL_ZONES_ABSENT, False, zn, naval_zone, 4)
        bn = lambda n: f"Batallón de Infantería de Marina No. {n}"  # noqa: E731
        self.numbered("semar", "navy", "bim", BIM_PRESENT, True, bn, bim, 3)
        self.numbered("semar", "navy", "bim", BIM_ABSENT, False, bn, bim, 5)

    # Companies ---------------------------------------------------------------------------------------

    def companies(self) -> None:
        forms = [
            (", Inc.", [" INC", " Inc", ", Incorporated", " Inc."]),
            (" Inc.", [" INC", ", Inc", " Incorporated"]),
            (", LLC", [" LLC", " L.L.C.", ", Limited Liability Company", ""]),
            (" Corp.", [" Corporation", " CORP", " Corp"]),
            (" Corporation", [" Corp.", " CORP.", ""]),
            (", S.A. de C.V.", [" SA DE CV", " S.A. DE C.V.", ", S. A. de C. V.", " SA de CV"]),
            (", S. de R.L. de C.V.", [" S DE RL DE CV", " S. de R.L. de C.V."]),
            (", S.A.P.I. de C.V.", [" SAPI DE CV", " S.A.P.I. de C.V."]),
            (" GmbH", [" G.m.b.H.", " GMBH"]),
            (" Ges.m.b.H.", [" GmbH", " Gesellschaft m.b.H."]),
            (" S.p.A.", [" SpA", " S.P.A."]),
            (" SA", [" S.A.", " S.A"]),
            (" S.A.", [" SA", " S A"]),
            (" JSC", [" Joint Stock Company", " AO", ""]),
            (" a.s.", [" AS", ""]),
            (" Ltd.", [" Limited", " LTD"]),
            (" Company", [" Co.", " CO", ""]),
            (" Co.", [" Company", " CO."]),
        ]
        for key, names, country, present, source in COMPANIES:
            main = names[0]
            variants: list[tuple[str, str]] = [(main, "registry name")]
            for suffix, others in forms:
                if main.endswith(suffix):
                    stem = main[: -len(suffix)]
                    variants += [(stem + o, f"legal form '{o.strip() or 'dropped'}'") for o in others]
                    variants.append((stem.replace(" & ", " and "), "legal form dropped, & written out"))
                    break
            variants.append((main.replace("'s", "s").replace("’s", "s"), "possessive dropped"))
            variants.append((main.replace(" & ", " and ").replace(" y ", " & "), "and/&"))
            if not present:
                # Without its legal form an absent company's name is its present twin's too ("SIG Sauer"
                # for SIG Sauer GmbH and Sig Sauer, Inc.): such a query has no right answer, so none is made.
                variants = [(v, how) for v, how in variants if _keeps_legal_form(v, main)]
            entity = Entity(
                f"entry:companies/{key}",
                "company",
                "company",
                names,
                None,
                country=country,
                source=source,
                present=present,
            )
            self.add(entity, self.finish(variants, 3 if present else 5))

    # People ------------------------------------------------------------------------------------------

    def people(self) -> None:
        rng = random.Random(SEED + 1)
        seen: set[tuple[str, str, str]] = set()
        seen_pairs: set[tuple[str, str]] = set()
        people = []
        while len(people) < 150:
            given = rng.choice(GIVEN)
            middle = rng.choice(SECOND) if rng.random() < 0.4 else None
            first, second = rng.sample(SURNAMES, 2)
            # Two people whose names differ only by a middle name would make "middle name dropped"
            # ambiguous, so the given name and surnames are unique.
            if (given, first, second) in seen or (given, first) in seen_pairs:
                continue
            seen.add((given, first, second))
            seen_pairs.add((given, first))
            people.append((given, middle, first, second))
        for i, (given, middle, first, second) in enumerate(people):
            present = i % 4 != 3
            if not present:
                # The twin: a present person who shares the given name and first surname.
                twin_second = rng.choice([s for s in SURNAMES if s not in (first, second)])
                twin = (given, middle, first, twin_second)
                self._person(f"p{i:03d}t", twin, True)
            self._person(f"p{i:03d}", (given, middle, first, second), present)

    def _person(self, key: str, parts: tuple[str, str | None, str, str], present: bool) -> None:
        given, middle, first, second = parts
        full = " ".join(p for p in (given, middle, first, second) if p)
        variants = [
            (full, "registry name"),
            (f"{first} {second}, {given}{' ' + middle if middle else ''}", "surname first"),
            (f"{given} {first} {second}", "middle name dropped") if middle else (full.upper(), "upper"),
            (f"{given} {middle[0] + '. ' if middle else ''}{first} {second}", "middle initial"),
            (
                strip_accents(f"{first} {second} {given}").upper(),
                "upper, surnames first, no comma",
            ),
            (f"Lic. {given} {first} {second}", "title"),
            (f"Cap. {given} {first} {second}", "rank"),
        ]
        entity = Entity(
            f"entry:people/{key}", "person", "person", [full], None, source="synthetic", present=present
        )
        self.add(entity, self.finish(variants, 3 if present else 5))


#: Names as the demo licence book writes them (src/lantern/demo/data: parties and shipment consignees) and
#: the same patterns for other bodies, written by hand and appended after the generated queries (so the
#: generated ids stay stable): parents before or after the unit, acronyms in brackets, numbers as "No.",
#: "Núm.", "BIM-10", "10/o.", "10th", English renderings of the DCAM, addresses and purposes after the body.
#: Each pattern comes with hard negatives: the same pattern around a body that is absent while its parent or
#: twin is present.
#: (query, expected id or "" for none, category, twin id for a hard negative, variation)
DEMO_BOOK: list[tuple[str, str, str, str, str]] = [
    # Parents before or after the unit.
    (
        "Secretaría de la Defensa Nacional - Dirección de Comercialización de Armamento y Municiones",
        "unit:mx-dcam",
        "federal",
        "",
        "demo book; parent prefix",
    ),
    (
        "Secretaría de la Defensa Nacional, Dirección de Comercialización de Armamento y Municiones",
        "unit:mx-dcam",
        "federal",
        "",
        "demo book; parent first, comma",
    ),
    ("SEDENA/DCAM", "unit:mx-dcam", "federal", "", "demo book; parent and acronym"),
    ("SEDENA / DCAM", "unit:mx-dcam", "federal", "", "parent and acronym, spaced"),
    ("SECRETARIA DE LA DEFENSA NACIONAL (SEDENA) - DCAM", "unit:mx-dcam", "federal", "", "demo book; upper"),
    (
        "Secretaría de la Defensa Nacional - Dirección General de Industria Militar",
        "",
        "federal",
        "unit:mx-dcam",
        "parent prefix; another directorate",
    ),
    ("SSPC - Guardia Nacional", "unit:mx-gn", "federal", "", "demo book; parent prefix"),
    ("Secretaria de Marina - Armada de Mexico", "unit:mx-semar", "federal", "", "demo book; two names"),
    ("27 Batallón de Infantería (SEDENA)", "unit:mx-bi-27", "sedena", "", "parent suffix"),
    (
        "SEDENA - 22/a. Zona Militar (Santa María Rayón, Edo. Méx.)",
        "unit:mx-zm-22",
        "sedena",
        "",
        "demo book; parent prefix, address",
    ),
    ("Batallón de Infantería No. 29 (SEDENA)", "", "sedena", "unit:mx-bi-28", "number sign, parent suffix"),
    ("SEMAR - Primera Zona Naval", "unit:mx-zn-1", "semar", "", "demo book; parent prefix"),
    (
        "Secretaría de Marina - 10/o. Batallón de Infantería de Marina",
        "unit:mx-bim-10",
        "semar",
        "",
        "parent prefix",
    ),
    (
        "Policía Estatal, Secretaría de Seguridad Pública de Guerrero",
        "unit:mx-guerrero-pe",
        "state",
        "",
        "parent suffix, comma",
    ),
    (
        "Policía Estatal de Guerrero (SSP Gro.)",
        "unit:mx-guerrero-pe",
        "state",
        "",
        "demo book; parent suffix",
    ),
    (
        "Policía Estatal, Secretaría de Seguridad Pública de Michoacán",
        "",
        "state",
        "unit:mx-michoacan-ssp",
        "parent suffix; the parent is present, the unit is not",
    ),
    (
        "Grupo de Operaciones Especiales (GOPES), SSP Tamaulipas",
        "unit:mx-tamaulipas-gopes",
        "state",
        "",
        "demo book; acronym, parent suffix",
    ),
    (
        "Policía Ministerial, Fiscalía General del Estado de Guerrero",
        "",
        "state",
        "unit:mx-guerrero-fge",
        "parent suffix; the parent is present, the unit is not",
    ),
    # Acronyms in brackets.
    ("Guardia Nacional (GN)", "unit:mx-gn", "federal", "", "demo book; acronym suffix"),
    ("National Guard (GN)", "unit:mx-gn", "federal", "", "English, acronym suffix"),
    ("Gendarmería Nacional (GN)", "", "federal", "unit:mx-gn", "acronym suffix of another body"),
    (
        "Guardia Nacional (GN), Coordinación Estatal Michoacán",
        "",
        "federal",
        "unit:mx-gn",
        "a state coordination of the parent",
    ),
    (
        "Dirección de Comercialización de Armamento y Municiones (DCAM)",
        "unit:mx-dcam",
        "federal",
        "",
        "acronym suffix",
    ),
    ("Procuraduría General de la República (PGR)", "unit:mx-fgr", "federal", "", "demo book; former name"),
    ("Federal Attorney General's Office (PGR)", "unit:mx-fgr", "federal", "", "English, former acronym"),
    ("Policía Federal Ministerial (PFM)", "", "federal", "unit:mx-pf", "acronym suffix; sub-unit"),
    ("Secretaría de Seguridad y Protección Ciudadana (SSPC)", "unit:mx-sspc", "federal", "", "demo book"),
    ("Fiscalía General del Estado de Guerrero (FGE)", "unit:mx-guerrero-fge", "state", "", "acronym suffix"),
    # Numbers in other notations.
    (
        "Batallón de Infantería de Marina No. 10 (BIM-10), Primera Zona Naval",
        "unit:mx-bim-10",
        "semar",
        "",
        "demo book; number sign, acronym, parent suffix",
    ),
    ("Batallón de Infantería de Marina Núm. 10", "unit:mx-bim-10", "semar", "", "number sign"),
    ("BIM-10", "unit:mx-bim-10", "semar", "", "acronym, hyphen"),
    ("10/o. B.I.M.", "unit:mx-bim-10", "semar", "", "slash ordinal, dotted acronym"),
    ("10th Naval Infantry Battalion", "unit:mx-bim-10", "semar", "", "English"),
    ("BIM-9", "", "semar", "unit:mx-bim-10", "acronym, hyphen"),
    (
        "Batallón de Infantería de Marina No. 9 (BIM-9), Primera Zona Naval",
        "",
        "semar",
        "unit:mx-bim-10",
        "number sign, acronym, parent suffix",
    ),
    ("9th Naval Infantry Battalion", "", "semar", "unit:mx-bim-10", "English"),
    ("Batallón de Infantería Núm. 27", "unit:mx-bi-27", "sedena", "", "number sign"),
    ("27th Infantry Battalion (Mexican Army)", "unit:mx-bi-27", "sedena", "", "English, parent suffix"),
    ("27vo. Batallon de Infanteria (Iguala, Gro.)", "unit:mx-bi-27", "sedena", "", "demo book; address"),
    ("41/o. Batallón de Infantería (Iguala, Gro.)", "", "sedena", "unit:mx-bi-27", "address"),
    ("Zona Militar No. 35, Chilpancingo, Gro.", "unit:mx-zm-35", "sedena", "", "number sign, address"),
    # English renderings.
    ("Directorate of Arms and Munitions Sales", "unit:mx-dcam", "federal", "", "English"),
    ("Arms and Ammunition Marketing Directorate", "unit:mx-dcam", "federal", "", "English"),
    (
        "Mexican Ministry of National Defense - Directorate of Arms and Munitions Sales (DCAM)",
        "unit:mx-dcam",
        "federal",
        "",
        "demo book; English, parent prefix, acronym",
    ),
    # A purpose after the body.
    ("SEDENA/DCAM p/ SSP Guerrero", "unit:mx-dcam", "federal", "", "demo book; purpose"),
    (
        "SEDENA/DCAM - for resale to authorized law enforcement agencies",
        "unit:mx-dcam",
        "federal",
        "",
        "demo book; purpose",
    ),
    (
        "Secretaría de la Defensa Nacional (SEDENA) para su comercialización a corporaciones policiales "
        "estatales",
        "unit:mx-sedena",
        "federal",
        "",
        "demo book; purpose",
    ),
    # Places appended.
    (
        "Policía Municipal de Iguala, Guerrero",
        "unit:mx-iguala-de-la-independencia-pm",
        "municipal",
        "",
        "state appended",
    ),
    (
        "Policía Municipal Iguala de la Independencia Gro.",
        "unit:mx-iguala-de-la-independencia-pm",
        "municipal",
        "",
        "state abbreviation appended",
    ),
    (
        "Secretaría de Seguridad Pública Municipal de Iguala de la Independencia, Gro.",
        "unit:mx-iguala-de-la-independencia-pm",
        "municipal",
        "",
        "demo book",
    ),
    ("Policía Preventiva Municipal de Cocula, Guerrero", "unit:mx-cocula-pm", "municipal", "", "demo book"),
    (
        "Policía Municipal de Iguala, Michoacán",
        "",
        "municipal",
        "unit:mx-iguala-de-la-independencia-pm",
        "another state appended",
    ),
    (
        "Policía Municipal, Chilpancingo, Gro.",
        "",
        "municipal",
        "unit:mx-tixtla-de-guerrero-pm",
        "municipality as an address",
    ),
    ("Policía Estatal de Guerrero, Chilpancingo", "unit:mx-guerrero-pe", "state", "", "seat appended"),
    (
        "Secretaría de Seguridad Pública del Estado de Guerrero, Chilpancingo, Gro.",
        "unit:mx-guerrero-ssp",
        "state",
        "",
        "demo book; seat appended",
    ),
    (
        "Secretaría de Seguridad Pública de Tamaulipas, Cd. Victoria, Tamps.",
        "unit:mx-tamaulipas-ssp",
        "state",
        "",
        "seat appended",
    ),
    (
        "Institución Policial Estatal Fuerza Civil, Escobedo, N.L.",
        "unit:mx-nuevo-leon-fuerza-civil",
        "state",
        "",
        "demo book; seat appended",
    ),
    ("SSP Yucatán, Mérida", "", "state", "unit:mx-yucatan-pe", "demo book; seat appended; the SSP is absent"),
    # A division after its police; the state named like the country.
    (
        "Policía Federal, División de Gendarmería",
        "",
        "federal",
        "unit:mx-pf",
        "parent first; sub-unit absent",
    ),
    ("Federal Police - Gendarmerie Division", "", "federal", "unit:mx-pf", "English; sub-unit absent"),
    (
        "Policía Estatal del Estado de México, Toluca",
        "unit:mx-estado-de-mexico-pe",
        "state",
        "",
        "seat appended",
    ),
    ("SSP del Estado de México", "unit:mx-estado-de-mexico-ssp", "state", "", "acronym"),
    ("Policía Estatal de México (SSEM)", "unit:mx-estado-de-mexico-pe", "state", "", "parent suffix"),
    # A ministry named with the country's adjective is the national one.
    ("Mexican Ministry of Defense", "unit:mx-sedena", "federal", "", "English, country adjective"),
    ("Mexican Attorney General's Office", "unit:mx-fgr", "federal", "", "English, country adjective"),
    ("Mexican State Police", "", "state", "unit:mx-jalisco-pe", "English, country adjective; no state named"),
    # Several bodies at once.
    ("Police forces of the State of Guerrero", "", "state", "unit:mx-guerrero-pe", "demo book; generic"),
    ("Corporaciones policiales del Estado de Guerrero", "", "state", "unit:mx-guerrero-pe", "generic"),
]


def _keeps_legal_form(variant: str, name: str) -> bool:
    last = strip_accents(name).replace(".", "").replace(",", "").split()[-1].lower()
    words = strip_accents(variant).replace(".", "").replace(",", "").lower().split()
    return bool(words) and (
        words[-1] == last
        or words[-1]
        in {
            "gmbh",
            "inc",
            "incorporated",
            "ltd",
            "limited",
            "sa",
            "a",
            "cv",
            "spa",
            "llc",
            "corp",
            "corporation",
            "company",
            "co",
        }
    )


def twins(entities: list[Entity]) -> None:
    """Names, for each absent entity, the present entity it is a near twin of (for the review)."""
    present = [e for e in entities if e.present]
    for e in entities:
        if e.present:
            continue
        same_category = [p for p in present if p.category == e.category and p.kind == e.kind]
        if not same_category:
            same_category = [p for p in present if p.category == e.category]
        best = max(same_category, key=lambda p: _overlap(p.names[0], e.names[0]))
        e.twin = best.id


def _overlap(a: str, b: str) -> float:
    wa, wb = set(strip_accents(a).lower().split()), set(strip_accents(b).lower().split())
    return len(wa & wb) / max(1, len(wa | wb))


def main() -> None:
    builder = Builder()
    builder.federal()
    builder.states()
    builder.municipalities()
    builder.military()
    builder.companies()
    builder.people()
    entities = builder.entities
    twins(entities)
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "registry.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id", "category", "kind", "level", "country", "state", "municipality", "names", "source"]
        )
        for e in entities:
            if e.present:
                writer.writerow(
                    [
                        e.id,
                        e.category,
                        e.kind,
                        e.level or "",
                        e.country,
                        e.state or "",
                        e.municipality or "",
                        " | ".join(e.names),
                        e.source,
                    ]
                )
    with (OUT / "queries.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["query_id", "query", "expected_id", "category", "hard_negative", "twin_id", "variation"]
        )
        n = 0
        for e in entities:
            for text, how in e.variants:
                n += 1
                writer.writerow(
                    [
                        f"q{n:04d}",
                        text,
                        e.id if e.present else "",
                        e.category,
                        "" if e.present else "yes",
                        e.twin or "",
                        how,
                    ]
                )
        for text, expected, category, twin, how in DEMO_BOOK:
            n += 1
            writer.writerow([f"q{n:04d}", text, expected, category, "" if expected else "yes", twin, how])
    present = sum(e.present for e in entities)
    negatives = sum(len(e.variants) for e in entities if not e.present) + sum(
        1 for r in DEMO_BOOK if not r[1]
    )
    total = sum(len(e.variants) for e in entities) + len(DEMO_BOOK)
    print(
        f"registry: {present} entities; queries: {total} ({negatives} hard negatives, "
        f"{negatives / total:.0%})"
    )


if __name__ == "__main__":
    main()
