"""Large files are read by a second process; what gets stored, and what gets reported, is the same."""

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from lantern.db.engine import Database
from lantern.io.formats import Format
from lantern.io.records import RECORD_TYPES, RecordKind
from lantern.io.service import export_files
from lantern.io.tabular import write_csv
from lantern.settings import ImportSettings
from tests.conftest import DatabaseFactory
from tests.integration.io.helpers import import_fails, run_import
from tests.unit.io import samples

IN_A_READER = ImportSettings(chunk_size=2, parallel_min_bytes=0, max_problems=50)


def _csv(path: Path, kind: RecordKind) -> Path:
    text = io.StringIO()
    write_csv(text, kind, [RECORD_TYPES[kind].model_validate(r) for r in samples.WORLD[kind.value]()])
    path.write_text(text.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", [Format.JSONL, Format.CSV])
def test_a_reader_process_stores_what_the_writer_alone_stores(
    backend: str, database_factory: DatabaseFactory, tmp_path: Path, fmt: Format
) -> None:
    if fmt is Format.JSONL:
        paths = samples.write_world(tmp_path / "in")
    else:
        paths = [_csv(tmp_path / f"{kind.value}.csv", kind) for kind in RecordKind]
    alone, paired = database_factory.create(backend), database_factory.create(backend)
    run_import(alone, paths)
    report = run_import(paired, paths, settings=IN_A_READER)
    assert report.counts[RecordKind.LICENCES].created == 2
    export_files(alone, tmp_path / "alone")
    export_files(paired, tmp_path / "paired")
    for kind in RecordKind:
        name = f"{kind.value}.jsonl"
        assert (tmp_path / "paired" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name


def test_problems_found_in_the_reader_and_the_writer_point_at_the_right_rows(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "licences.csv"
    path.write_text(
        "part,agency,number,kind,country,party.role,party.name,party.unit\n"
        "licence,BIS,D1,BIS-748P,MX,,,\n"
        "party,BIS,D1,,,applicant,Testco,\n"
        "party,BIS,D1,,,end_user,Policía,test-nowhere\n"
        "licence,BIS,D2,BIS-748P,Mexico,,,\n",
        encoding="utf-8",
    )
    assert import_fails(db, [path], settings=IN_A_READER) == [
        f"{path}:4: party.unit: unknown unit 'test-nowhere'",
        f"{path}:5: country: must be a two-letter ISO country code in capitals, like MX (got 'Mexico')",
    ]


class _Hook:
    """Stands in for the CLI's progress bar."""

    def __init__(self) -> None:
        self.started: list[tuple[str, int]] = []
        self.read = 0
        self.stopped = 0

    def start(self, label: str, total_bytes: int) -> Callable[[int], None]:
        self.started.append((label, total_bytes))
        return self.advance

    def advance(self, count: int) -> None:
        self.read += count

    def stop(self) -> None:
        self.stopped += 1


@pytest.mark.parametrize("parallel_min_bytes", [0, 10**9])
def test_progress_is_reported_for_every_byte_read(
    db: Database, tmp_path: Path, parallel_min_bytes: int
) -> None:
    path = samples.write_jsonl(tmp_path / "licences.jsonl", samples.licences() * 1)
    run_import(
        db, samples.write_world(tmp_path / "world", only=["sources", "units", "lists", "list_entries"])
    )
    hook = _Hook()
    settings = ImportSettings(progress_min_bytes=0, parallel_min_bytes=parallel_min_bytes)
    run_import(db, [path], settings=settings, progress=hook)
    assert hook.started == [("licences.jsonl: licences", path.stat().st_size)]
    assert hook.read == path.stat().st_size
    assert hook.stopped == 1
