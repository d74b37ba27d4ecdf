"""A small synthetic world in the JSON Lines contract, for import, export and store tests.

Every unit, allegation and licence here is invented for tests (keys start with `test-`); none describes a
real body or event.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from lantern.io.formats import Input
from lantern.io.records import RecordKind

Record = dict[str, Any]


def sources() -> list[Record]:
    return [
        {
            "id": "test-src-report",
            "title": "Informe sintético de prueba",
            "publisher": "Test publisher",
            "date": "2020-07",
            "url": "https://example.org/report",
            "document_ref": "Informe 1/2020",
            "notes": "Synthetic test source.",
        },
        {"id": "test-src-list", "title": "Synthetic watch list source"},
    ]


def units() -> list[Record]:
    return [
        {
            "id": "test-sec",
            "name": "Secretaría de Prueba",
            "kind": "navy",
            "level": "federal",
            "country": "MX",
            "aliases": [
                {"name": "SEPRU", "kind": "acronym"},
                {"name": "Test Secretariat", "kind": "translation"},
            ],
            "sources": ["test-src-report"],
            "notes": "Synthetic.",
        },
        {
            "id": "test-region",
            "name": "Región Naval de Prueba",
            "kind": "navy",
            "level": "federal",
            "country": "MX",
            "parents": [{"unit": "test-sec", "start": "2010", "end": None, "source": "test-src-report"}],
        },
        {
            "id": "test-battalion",
            "name": "Batallón de Infantería de Marina de Prueba",
            "kind": "navy",
            "level": "federal",
            "country": "MX",
            "state": "Tamaulipas",
            "parents": [
                {"unit": "test-sec", "start": "2005", "end": "2012-06", "source": None},
                {"unit": "test-region", "start": "2012-07", "end": None, "source": "test-src-report"},
            ],
        },
        {
            "id": "test-municipal",
            "name": "Policía Municipal de Ciudad Prueba",
            "kind": "municipal_police",
            "level": "municipal",
            "country": "MX",
            "state": "Guerrero",
            "municipality": "Ciudad Prueba",
        },
    ]


def lists() -> list[Record]:
    return [
        {
            "id": "test-list",
            "name": "Synthetic watch list",
            "source": "test-src-list",
            "date": "2026-01-15",
            "synthetic": True,
        }
    ]


def list_entries() -> list[Record]:
    return [
        {
            "list": "test-list",
            "id": "WL-0001",
            "name": "Armas y Municiones del Norte S.A. de C.V.",
            "type": "company",
            "aliases": ["AMN", "Armas del Norte"],
            "countries": ["MX"],
            "programs": ["TEST"],
            "listed": "2019-02",
            "delisted": None,
            "identifiers": [{"scheme": "rfc", "value": "AMN010101AAA"}],
            "remarks": "Synthetic.",
        },
        {"list": "test-list", "id": "WL-0002", "name": "Juan Pérez Prueba", "type": "person"},
    ]


def licences() -> list[Record]:
    return [
        {
            "agency": "DDTC",
            "number": "050000001",
            "kind": "DSP-5",
            "country": "MX",
            "end_use": "Synthetic test licence: rifles for a navy unit",
            "issue_date": "2015-03-02",
            "expiry_date": "2019-03-01",
            "value": "400000.00",
            "cn_reference": "TEST-20-001",
            "provisos": "Not for units in Guerrero.",
            "exclusions": [{"kind": "state", "value": "Guerrero", "text": "Not for units in Guerrero"}],
            "status_history": [
                {"status": "applied", "at": "2015-01-10T15:00:00Z", "by": "exporter", "reason": None},
                {"status": "approved", "at": "2015-03-02T15:00:00Z", "by": "officer", "reason": "in order"},
            ],
            "parties": [
                {"role": "applicant", "name": "Test Arms Inc.", "country": "US", "address": "1 Main St"},
                {"role": "ultimate_consignee", "name": "SEDENA / DCAM", "country": "MX"},
                {"role": "end_user", "name": "Secretaría de Prueba", "country": "MX", "unit": "test-sec"},
                {"role": "seller", "name": "Armas del Norte", "list_entry": "test-list/WL-0001"},
            ],
            "items": [
                {
                    "line": 1,
                    "usml_category": "I(a)",
                    "fire_mode": "automatic",
                    "description": "Rifles",
                    "manufacturer": "Testco",
                    "model": "T-1",
                    "calibre": "5.56x45mm",
                    "quantity": 300,
                    "unit_value": "1200.00",
                    "total_value": "360000.00",
                },
                {"line": 2, "eccn": "0A505.a", "description": "Ammunition", "quantity": 10000},
            ],
            "synthetic": True,
            "notes": "Synthetic.",
        },
        {
            "agency": "BIS",
            "number": "D000002",
            "kind": "STA",
            "consignee_statement": "Prior consignee statement TEST-CS-1 (synthetic)",
            "country": "MX",
            "issue_date": "2021-01-05",
            "status_history": [
                {"status": "approved", "at": "2021-01-05T10:00:00Z", "by": "officer"},
                {"status": "revoked", "at": "2022-05-01T10:00:00Z", "by": "officer", "reason": "test"},
            ],
            "parties": [{"role": "applicant", "name": "Pistolas Prueba LLC"}],
            "items": [
                {
                    "line": 1,
                    "eccn": "0A501.a",
                    "fire_mode": "semi_automatic",
                    "description": "Pistols",
                    "quantity": 50,
                }
            ],
            "synthetic": True,
        },
    ]


def allegations() -> list[Record]:
    return [
        {
            "id": "test-allegation-1",
            "units": ["test-battalion", "test-sec"],
            "persons": [{"name": "Comandante Ficticio", "role": "commander", "unit": "test-battalion"}],
            "violations": ["enforced_disappearance", "torture"],
            "start": "2018-03",
            "end": "2018-05",
            "place": "Ciudad Prueba, Tamaulipas",
            "state": "Tamaulipas",
            "municipality": "Ciudad Prueba",
            "description": "Synthetic test allegation; describes no real event.",
            "citations": [{"source": "test-src-report", "access_point": "p. 12, para. 40", "quote": "…"}],
            "confidence": "high",
            "statuses": [
                {"status": "under_review", "date": "2019-01-10", "note": None},
                {"status": "credible", "date": "2020-07-20", "note": "report published"},
            ],
        }
    ]


def shipments() -> list[Record]:
    return [
        {
            "id": "TEST-SHP-1",
            "licence": "DDTC/050000001",
            "date": "2015-06-10",
            "aes_itn": "X20150610012345",
            "consignee": "SEDENA / DCAM",
            "value": "120000.00",
            "filed_by": "Test Arms Inc.",
            "lines": [{"item": 1, "quantity": 100, "value": "120000.00"}],
            "serials": [
                {"serial": "TST000001", "item": 1, "make": "Testco", "model": "T-1", "calibre": "5.56x45mm"},
                {"serial": "TST000002", "item": 1, "make": "Testco", "model": "T-1", "calibre": "5.56x45mm"},
            ],
        },
        {
            "id": "TEST-SHP-2",
            "licence": "BIS/D000002",
            "date": "2022-06-01",
            "lines": [{"item": 1, "quantity": 10}],
            "serials": [{"serial": "PST-1", "item": 1, "make": "Pistolas Prueba"}],
        },
    ]


def custody() -> list[Record]:
    return [
        {
            "serial": "TST000001",
            "make": "Testco",
            "date": "2018-04",
            "event": "seizure",
            "place": "Ciudad Prueba, Guerrero",
            "state": "Guerrero",
            "municipality": "Ciudad Prueba",
            "holder": "Policía Municipal de Ciudad Prueba",
            "holder_unit": "test-municipal",
            "source": "test-src-report",
            "note": "Synthetic.",
        },
        {"id": "test-event-2", "serial": "tst-000002", "date": "2019", "event": "inventory"},
    ]


WORLD = {
    "sources": sources,
    "units": units,
    "lists": lists,
    "list_entries": list_entries,
    "licences": licences,
    "allegations": allegations,
    "shipments": shipments,
    "custody": custody,
}


def records_by_kind(source: Input) -> dict[RecordKind, list[Any]]:
    """Every record a reader yields, by type; the reader must find no problem."""
    result = {}
    for kind in source.kinds():
        rows = list(source.rows(kind))
        assert [p for row in rows for p in row.problems] == []
        result[kind] = [row.record for row in rows]
    return result


def write_jsonl(path: Path, records: Iterable[Record]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def write_world(directory: Path, only: Iterable[str] | None = None) -> list[Path]:
    """The sample world as one JSON Lines file per record type."""
    directory.mkdir(parents=True, exist_ok=True)
    return [write_jsonl(directory / f"{name}.jsonl", WORLD[name]()) for name in only or WORLD]
