from pathlib import Path

import orjson
import pytest

from lantern.io.csl import CSV_COLUMNS, CslFile, list_key
from lantern.io.records import RecordKind
from tests.unit.io.samples import records_by_kind

RESULT = {
    "id": "e5a9eff64cec4a74ed5e9e93c2d851dc2d9132d2",
    "source": "Entity List (EL) - Bureau of Industry and Security",
    "entity_number": None,
    "type": "Entity",
    "programs": ["EAR"],
    "name": "Armas Sintéticas de Prueba S.A.",
    "title": None,
    "addresses": [
        {"address": "Calle 1", "city": "Monterrey", "state": "NL", "postal_code": "64000", "country": "MX"}
    ],
    "federal_register_notice": "85 FR 1234",
    "start_date": "2020-05-22",
    "end_date": None,
    "remarks": "Synthetic test entry.",
    "source_list_url": "https://example.org/el",
    "alt_names": ["ASP", "Armas Sinteticas"],
    "citizenships": [],
    "nationalities": [],
    "ids": [{"type": "RFC", "number": "ASP010101AAA", "country": "MX"}],
}


@pytest.mark.parametrize(
    ("source", "key"),
    [
        ("Entity List (EL) - Bureau of Industry and Security", "csl-el"),
        ("Specially Designated Nationals (SDN) - Treasury Department", "csl-sdn"),
        ("ITAR Debarred (DTC) - State Department", "csl-dtc"),
        ("Nonproliferation Sanctions (ISN) - State Department", "csl-isn"),
        ("Some New List", "csl-some-new-list"),
    ],
)
def test_each_csl_source_is_its_own_watch_list(source: str, key: str) -> None:
    assert list_key(source) == key


def test_the_json_api_form(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    person = RESULT | {"id": "p1", "type": "Individual", "name": "Persona Prueba", "nationalities": ["GT"]}
    used = [{"source": RESULT["source"], "source_last_updated": "2026-01-10T04:00:00+00:00"}]
    path.write_bytes(orjson.dumps({"total": 2, "results": [RESULT, person], "sources_used": used}))
    records = records_by_kind(CslFile(path, name="consolidated.json", is_json=True, max_line_bytes=1 << 20))
    [source] = records[RecordKind.SOURCES]
    [watch_list] = records[RecordKind.LISTS]
    entry, other = records[RecordKind.LIST_ENTRIES]
    assert (source.id, source.publisher, source.date) == (
        "csl-el",
        "Bureau of Industry and Security",
        "2026-01-10",
    )
    assert (watch_list.id, watch_list.source, str(watch_list.date)) == ("csl-el", "csl-el", "2026-01-10")
    assert (entry.list, entry.id, entry.type, entry.countries) == (
        "csl-el",
        RESULT["id"],
        "organisation",
        ["MX"],
    )
    assert entry.aliases == ["ASP", "Armas Sinteticas"]
    assert [(i.scheme, i.value) for i in entry.identifiers] == [("RFC", "ASP010101AAA")]
    assert (entry.listed, entry.programs) == ("2020-05-22", ["EAR"])
    assert (other.type, other.countries) == ("person", ["MX", "GT"])


def test_the_csv_download_form(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    values = dict.fromkeys(CSV_COLUMNS, "")
    values |= {
        "_id": "e5a9",
        "source": "Denied Persons List (DPL) - Bureau of Industry and Security",
        "name": "PERSONA SINTETICA",
        "type": "Individual",
        "addresses": "123 S. TEST DRIVE, SCOTTSDALE, AZ, 85251",
        "start_date": "2017-10-18",
        "end_date": "2020-10-15",
        "alt_names": "P. SINTETICA; PERSONA S.",
        "ids": "Passport, X123, MX",
    }
    path.write_text(
        ",".join(CSV_COLUMNS) + "\n" + ",".join(f'"{values[c]}"' for c in CSV_COLUMNS) + "\n", "utf-8"
    )
    records = records_by_kind(CslFile(path, name="consolidated.csv", is_json=False, max_line_bytes=1 << 20))
    [entry] = records[RecordKind.LIST_ENTRIES]
    assert (entry.list, entry.id, entry.type) == ("csl-dpl", "e5a9", "person")
    assert entry.aliases == ["P. SINTETICA", "PERSONA S."]
    assert (entry.listed, entry.delisted) == ("2017-10-18", "2020-10-15")
    assert [(i.scheme, i.value) for i in entry.identifiers] == [("Passport", "X123")]


def test_a_result_without_a_name_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.json"
    path.write_bytes(orjson.dumps({"results": [RESULT | {"name": None}]}))
    source = CslFile(path, name="consolidated.json", is_json=True, max_line_bytes=1 << 20)
    problems = [str(p) for row in source.rows(RecordKind.LIST_ENTRIES) for p in row.problems]
    assert problems == ["consolidated.json:1: results[1].name: must be a valid string"]
