"""Name material for synthetic data: Mexican states, force names, companies and people, and the ways names
get written on real licences (no accents, abbreviations, ordinals, English).

Everything made from this material is labelled synthetic. Unit names follow the real patterns of Mexican
forces so that matching is tested on realistic text, but no claim about any real body is generated.
"""

from __future__ import annotations

import random
import unicodedata

#: The 32 federal entities: GeoNames admin-1 code, official name (without "Estado de"), abbreviation.
STATES: tuple[tuple[str, str, str], ...] = (
    ("01", "Aguascalientes", "Ags."),
    ("02", "Baja California", "B.C."),
    ("03", "Baja California Sur", "B.C.S."),
    ("04", "Campeche", "Camp."),
    ("05", "Chiapas", "Chis."),
    ("06", "Chihuahua", "Chih."),
    ("07", "Coahuila", "Coah."),
    ("08", "Colima", "Col."),
    ("09", "Ciudad de México", "CDMX"),
    ("10", "Durango", "Dgo."),
    ("11", "Guanajuato", "Gto."),
    ("12", "Guerrero", "Gro."),
    ("13", "Hidalgo", "Hgo."),
    ("14", "Jalisco", "Jal."),
    ("15", "México", "Edomex"),
    ("16", "Michoacán", "Mich."),
    ("17", "Morelos", "Mor."),
    ("18", "Nayarit", "Nay."),
    ("19", "Nuevo León", "N.L."),
    ("20", "Oaxaca", "Oax."),
    ("21", "Puebla", "Pue."),
    ("22", "Querétaro", "Qro."),
    ("23", "Quintana Roo", "Q. Roo"),
    ("24", "San Luis Potosí", "S.L.P."),
    ("25", "Sinaloa", "Sin."),
    ("26", "Sonora", "Son."),
    ("27", "Tabasco", "Tab."),
    ("28", "Tamaulipas", "Tamps."),
    ("29", "Tlaxcala", "Tlax."),
    ("30", "Veracruz", "Ver."),
    ("31", "Yucatán", "Yuc."),
    ("32", "Zacatecas", "Zac."),
)

ORDINALS_ES = (
    "",
    "Primer",
    "Segundo",
    "Tercer",
    "Cuarto",
    "Quinto",
    "Sexto",
    "Séptimo",
    "Octavo",
    "Noveno",
)
TENS_ES = ("", "Décimo", "Vigésimo", "Trigésimo", "Cuadragésimo", "Quincuagésimo", "Sexagésimo")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

GIVEN_ES = (
    "José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Francisco", "Alejandro", "Manuel", "Ricardo",
    "Roberto", "Fernando", "Javier", "Eduardo", "Sergio", "Raúl", "Arturo", "Héctor", "Jesús", "Óscar",
    "María", "Guadalupe", "Juana", "Margarita", "Verónica", "Leticia", "Rosa", "Patricia", "Elena", "Sofía",
    "Ana", "Claudia", "Adriana", "Gabriela", "Alejandra", "Mónica", "Laura", "Teresa", "Andrea", "Lucía",
)  # fmt: skip
SURNAMES_ES = (
    "Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez", "Ramírez",
    "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres", "Díaz", "Gutiérrez",
    "Ruiz", "Mendoza", "Aguilar", "Ortiz", "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez",
    "Rivera", "Juárez", "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán", "Velázquez",
    "Muñoz", "Rojas", "Contreras", "Salazar", "Luna", "Ortega", "Santiago", "Guerrero", "Estrada", "Bautista",
)  # fmt: skip
GIVEN_EN = (
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas", "Charles",
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
)  # fmt: skip
SURNAMES_EN = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
    "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Walker",
)  # fmt: skip

COMPANY_WORDS_EN = (
    "American", "Liberty", "Frontier", "Eagle", "Patriot", "Summit", "Precision", "Tactical", "Defense",
    "Arms", "Ordnance", "Armament", "Ballistics", "Sporting", "Outdoor", "Pioneer", "Heritage", "Ridge",
    "Lone Star", "Sierra", "Atlas", "Keystone", "Granite", "Falcon", "Mustang", "Iron", "Cobalt", "Vanguard",
)  # fmt: skip
COMPANY_SUFFIX_EN = ("Inc.", "LLC", "Corp.", "Co.", "Ltd.", "Industries", "Group", "International")
COMPANY_WORDS_ES = (
    "Comercializadora", "Distribuidora", "Importadora", "Grupo", "Servicios", "Suministros", "Equipos",
    "Seguridad", "Logística", "Transportes", "Industrial", "Tácticos", "del Norte", "del Golfo",
    "del Pacífico", "Integral", "Especializados", "Mexicana", "Nacional", "Regional", "Continental",
    "Azteca", "Maya",
)  # fmt: skip
COMPANY_SUFFIX_ES = ("S.A. de C.V.", "S. de R.L. de C.V.", "S.A.", "S.C.", "S.A.P.I. de C.V.")
FORWARDERS = (
    "Laredo Forwarding", "Border Freight", "Rio Grande Logistics", "Gulf Coast Customs Brokers",
    "Tri-State Cargo",
)  # fmt: skip

#: Words abbreviated on forms, as they appear on real paperwork.
ABBREVIATIONS = (
    ("Secretaría", "Sría."),
    ("Seguridad Pública", "Seg. Púb."),
    ("Estado", "Edo."),
    ("Municipal", "Mpal."),
    ("Batallón", "Btn."),
    ("Infantería", "Inf."),
    ("Policía", "Pol."),
    ("Dirección", "Dir."),
    ("General", "Gral."),
    ("Zona Militar", "Z.M."),
    ("Región Militar", "R.M."),
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ordinal_es(number: int) -> str:
    """27 -> "Vigésimo Séptimo" (the written form used in unit names up to 69)."""
    tens, units = divmod(number, 10)
    if number < 10:
        return ORDINALS_ES[number]
    if tens < len(TENS_ES):
        return f"{TENS_ES[tens]} {ORDINALS_ES[units]}".strip()
    return f"{number}/o."


def ordinal_variants(number: int) -> tuple[str, ...]:
    """The ways one ordinal is written: "27/o.", "27o.", "27vo", "Vigésimo Séptimo", "27th"."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return (f"{number}/o.", f"{number}o.", f"{number}vo", ordinal_es(number), f"{number}{suffix}")


def person_name(rng: random.Random, spanish: bool = True) -> str:
    if spanish:
        return f"{rng.choice(GIVEN_ES)} {rng.choice(SURNAMES_ES)} {rng.choice(SURNAMES_ES)}"
    return f"{rng.choice(GIVEN_EN)} {rng.choice(SURNAMES_EN)}"


def company_name(rng: random.Random, spanish: bool) -> str:
    if spanish:
        words = rng.sample(COMPANY_WORDS_ES, 2)
        return f"{words[0]} {words[1]} {rng.choice(SURNAMES_ES)} {rng.choice(COMPANY_SUFFIX_ES)}"
    words = rng.sample(COMPANY_WORDS_EN, 2)
    return f"{words[0]} {words[1]} {rng.choice(COMPANY_SUFFIX_EN)}"


def written_variant(rng: random.Random, name: str) -> str:
    """A name as a clerk might have typed it: abbreviated, without accents, in capitals, or as given."""
    roll = rng.random()
    if roll < 0.35:
        return name
    text = name
    if roll < 0.6:
        for long, short in ABBREVIATIONS:
            if long in text and rng.random() < 0.7:
                text = text.replace(long, short)
    if rng.random() < 0.5:
        text = strip_accents(text)
    if rng.random() < 0.4:
        text = text.upper()
    return text
