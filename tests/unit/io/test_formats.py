from pathlib import Path

import pytest

from lantern.io.csl import CSV_COLUMNS
from lantern.io.formats import DetectionError, Format, detect
from lantern.io.records import RecordKind

LINES = {
    "agency": '{"agency": "DDTC", "number": "1", "kind": "DSP-5", "country": "MX"}',
    "unit": '{"id": "u", "name": "U", "kind": "army", "level": "federal", "country": "MX"}',
    "entry": '{"list": "l", "id": "e", "name": "N", "type": "person"}',
    "ftm": '{"id": "x", "schema": "Person", "properties": {}}',
    "custody": '{"serial": "A1", "date": "2014", "event": "seizure"}',
    "shipment": '{"id": "s", "licence": "DDTC/1", "date": "2015-01-01", "lines": []}',
    "source": '{"id": "s", "title": "T"}',
    "allegation": '{"id": "a", "units": [], "violations": ["torture"]}',
    "list": '{"id": "l", "name": "L", "synthetic": true}',
}


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("units.jsonl", LINES["source"], (Format.JSONL, RecordKind.UNITS)),  # the name wins
        ("demo-list_entries.jsonl", LINES["unit"], (Format.JSONL, RecordKind.LIST_ENTRIES)),
        ("book.jsonl", LINES["agency"], (Format.JSONL, RecordKind.LICENCES)),
        ("registry.ndjson", LINES["unit"], (Format.JSONL, RecordKind.UNITS)),
        ("x.jsonl", LINES["entry"], (Format.JSONL, RecordKind.LIST_ENTRIES)),
        ("x.jsonl", LINES["custody"], (Format.JSONL, RecordKind.CUSTODY)),
        ("x.jsonl", LINES["shipment"], (Format.JSONL, RecordKind.SHIPMENTS)),
        ("x.jsonl", LINES["source"], (Format.JSONL, RecordKind.SOURCES)),
        ("x.jsonl", LINES["allegation"], (Format.JSONL, RecordKind.ALLEGATIONS)),
        ("x.jsonl", LINES["list"], (Format.JSONL, RecordKind.LISTS)),
        ("entities.ftm.json", LINES["ftm"], (Format.FTM, None)),
        ("opensanctions.json", LINES["ftm"], (Format.FTM, None)),
        ("consolidated.json", '{"total": 1, "results": []}', (Format.CSL_JSON, None)),
        ("consolidated.json", "[]", (Format.CSL_JSON, None)),
        ("consolidated.csv", ",".join(CSV_COLUMNS), (Format.CSL_CSV, None)),
        (
            "book.csv",
            "part,agency,number,kind,country,party.role,party.name",
            (Format.CSV, RecordKind.LICENCES),
        ),
        ("refs.csv", "id,title,url", (Format.CSV, RecordKind.SOURCES)),
        ("registry.csv", "part,id,name,kind,level,country", (Format.CSV, RecordKind.UNITS)),
    ],
)
def test_formats_and_record_types_are_told_apart(
    tmp_path: Path, name: str, content: str, expected: tuple[Format, RecordKind | None]
) -> None:
    path = tmp_path / name
    path.write_text(content + "\n", encoding="utf-8")
    assert detect(path, None, None) == expected


def test_a_file_that_says_nothing_needs_options(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text("hello\n", encoding="utf-8")
    with pytest.raises(DetectionError, match="give --format"):
        detect(path, None, None)
    with pytest.raises(DetectionError, match="give --kind"):
        detect(path, Format.JSONL, None)
    assert detect(path, Format.JSONL, RecordKind.UNITS) == (Format.JSONL, RecordKind.UNITS)
