"""Export writes what import reads: a round trip preserves every field, in every export format."""

from pathlib import Path
from typing import Any

import orjson
import pytest

from lantern.db.engine import Database
from lantern.io.formats import Format
from lantern.io.records import RECORD_TYPES, RecordKind, dump
from lantern.io.service import export_files, export_name
from tests.conftest import DatabaseFactory
from tests.integration.io.helpers import run_import, snapshot
from tests.unit.io import samples


def _normalised(kind: RecordKind, record: dict[str, Any]) -> dict[str, Any]:
    return dump(RECORD_TYPES[kind].model_validate(record))


def _read(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_export_gives_back_every_field_imported(db: Database, tmp_path: Path) -> None:
    run_import(db, samples.write_world(tmp_path / "in"))
    export_files(db, tmp_path / "out")
    for kind in RecordKind:
        exported = _read(tmp_path / "out" / f"{kind.value}.jsonl")
        expected = [_normalised(kind, r) for r in samples.WORLD[kind.value]()]
        if kind is RecordKind.SHIPMENTS:
            assert [(r["status"], r["status_reason"]) for r in exported] == [
                ("accepted", None),
                ("rejected", "licence BIS/D000002 had been revoked on 2022-06-01"),
            ]
            for record in [*exported, *expected]:
                record.pop("status")
                record.pop("status_reason")
        assert exported == expected, kind


@pytest.mark.parametrize("fmt", [Format.JSONL, Format.CSV])
def test_a_round_trip_through_a_fresh_database_is_exact(
    backend: str, database_factory: DatabaseFactory, tmp_path: Path, fmt: Format
) -> None:
    first = database_factory.create(backend)
    run_import(first, samples.write_world(tmp_path / "in"))
    export_files(first, tmp_path / "one", fmt=fmt)
    second = database_factory.create(backend)
    files = [tmp_path / "one" / export_name(kind, fmt) for kind in RecordKind]
    run_import(second, files)
    export_files(second, tmp_path / "two", fmt=fmt)
    for kind in RecordKind:
        name = export_name(kind, fmt)
        assert (tmp_path / "two" / name).read_bytes() == (tmp_path / "one" / name).read_bytes(), name
    # Importing the export back into the database it came from changes nothing.
    before = snapshot(first)
    assert run_import(first, files).changed == 0
    assert snapshot(first) == before


def test_followthemoney_export_reads_back_as_the_same_units_and_entries(
    backend: str, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    first = database_factory.create(backend)
    run_import(
        first, samples.write_world(tmp_path / "in", only=["sources", "units", "lists", "list_entries"])
    )
    export_files(first, tmp_path / "ftm", fmt=Format.FTM)
    second = database_factory.create(backend)
    run_import(second, [tmp_path / "ftm" / "units.ftm.json"], list_key="test-list")
    run_import(second, [tmp_path / "ftm" / "list_entries.ftm.json"], list_key="test-list")
    export_files(
        second, tmp_path / "back", fmt=Format.JSONL, kinds=[RecordKind.UNITS, RecordKind.LIST_ENTRIES]
    )
    units = {u["id"]: u for u in _read(tmp_path / "back" / "units.jsonl")}
    for original in samples.units():
        unit = units[original["id"]]
        assert unit["name"] == original["name"]
        # FtM keeps names, not Lantern's alias kinds or unit kinds (those are guessed again on import).
        assert sorted(a["name"] for a in unit["aliases"]) == sorted(
            a["name"] for a in original.get("aliases", [])
        )
        assert [(p["unit"], p["start"], p["end"]) for p in unit["parents"]] == [
            (p["unit"], p["start"], p["end"]) for p in original.get("parents", [])
        ]
    entries = {e["id"]: e for e in _read(tmp_path / "back" / "list_entries.jsonl")}
    original = samples.list_entries()[0]
    entry = entries[original["id"]]
    for name in ("name", "type", "aliases", "countries", "programs", "listed", "remarks"):
        assert entry[name] == original[name], name
    assert entry["identifiers"] == [{"scheme": "idNumber", "value": "AMN010101AAA"}]
