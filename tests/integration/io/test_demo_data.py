"""The demo data set, written by others to the JSON Lines contract, imports whole, twice, and round-trips."""

from pathlib import Path

import pytest

import lantern
from lantern.audit.service import verify_chain
from lantern.io.records import RecordKind
from lantern.io.service import export_files
from tests.conftest import DatabaseFactory
from tests.integration.io.helpers import run_import, snapshot

DEMO = Path(lantern.__file__).parent / "demo" / "data"
FILES = sorted(DEMO.glob("*.jsonl"))


@pytest.mark.skipif(not FILES, reason="no demo data in this tree")
def test_the_demo_data_imports_idempotently_and_round_trips(
    backend: str, database_factory: DatabaseFactory, tmp_path: Path
) -> None:
    first = database_factory.create(backend)
    report = run_import(first, FILES)
    assert report.counts[RecordKind.SHIPMENTS].rejected == 0
    assert all(c.created > 0 for c in report.counts.values())
    before = snapshot(first)
    assert run_import(first, FILES).changed == 0
    assert snapshot(first) == before
    export_files(first, tmp_path / "one")
    second = database_factory.create(backend)
    run_import(second, sorted((tmp_path / "one").glob("*.jsonl")))
    export_files(second, tmp_path / "two")
    for path in sorted((tmp_path / "one").glob("*.jsonl")):
        assert (tmp_path / "two" / path.name).read_bytes() == path.read_bytes(), path.name
    with second.session() as session:
        assert verify_chain(session).ok
