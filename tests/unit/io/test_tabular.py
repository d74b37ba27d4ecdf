import io
from pathlib import Path

import pytest

from lantern.io.problems import Row
from lantern.io.records import RECORD_TYPES, RecordKind, dump
from lantern.io.tabular import csv_header_kind, layout, read_csv, write_csv
from tests.unit.io import samples


def _read(path: Path, kind: RecordKind) -> list[Row]:
    return list(read_csv(path, kind, name=path.name, max_line_bytes=1 << 20))


@pytest.mark.parametrize("kind", list(RecordKind))
def test_every_record_type_round_trips_through_its_csv_form(kind: RecordKind, tmp_path: Path) -> None:
    records = [RECORD_TYPES[kind].model_validate(r) for r in samples.WORLD[kind.value]()]
    text = io.StringIO()
    write_csv(text, kind, records)
    path = tmp_path / f"{kind.value}.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    rows = _read(path, kind)
    assert [p for row in rows for p in row.problems] == []
    assert [dump(row.record) for row in rows if row.record] == [dump(r) for r in records]
    assert csv_header_kind(text.getvalue().splitlines()[0].split(",")) is kind


def test_a_licence_takes_one_row_per_part(tmp_path: Path) -> None:
    text = io.StringIO()
    write_csv(
        text, RecordKind.LICENCES, [RECORD_TYPES[RecordKind.LICENCES].model_validate(samples.licences()[0])]
    )
    parts = [line.split(",", 1)[0] for line in text.getvalue().splitlines()[1:]]
    assert parts == [
        "licence",
        "exclusion",
        "status",
        "status",
        "party",
        "party",
        "party",
        "party",
        "item",
        "item",
    ]


def test_header_problems_stop_the_file(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    path.write_text("part,id,nmae,kind,kind,level,country\n", encoding="utf-8")
    [row] = _read(path, RecordKind.UNITS)
    assert [str(p) for p in row.problems] == [
        "units.csv:1: header: unknown column 'nmae'",
        "units.csv:1: header: required column 'name' is missing",
        "units.csv:1: header: column 'kind' appears more than once",
    ]


def test_part_rows_must_follow_their_record_and_fill_only_their_columns(tmp_path: Path) -> None:
    path = tmp_path / "units.csv"
    columns = ",".join(layout(RecordKind.UNITS).columns)
    path.write_text(
        f"{columns}\n"
        "alias,test-a,,,,,,,,SEPRU,acronym,,,,,\n"
        "unit,test-a,Unidad A,army,federal,MX,,,,,,,,,,\n"
        "alias,test-a,Extra,,,,,,,SEPRU,acronym,,,,,\n"
        "rank,test-a,,,,,,,,,,,,,,\n",
        encoding="utf-8",
    )
    problems = [str(p) for row in _read(path, RecordKind.UNITS) for p in row.problems]
    assert problems == [
        "units.csv:2: part: a alias row must follow the unit row of 'test-a'",
        "units.csv:5: part: unknown part 'rank'; expected one of unit, alias, parent, source",
        "units.csv:4: name: is not a column of alias rows",
    ]


def test_problems_in_parts_point_at_their_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "licences.csv"
    path.write_text(
        "part,agency,number,kind,country,party.role,party.name\n"
        "licence,BIS,D1,BIS-748P,MX,,\n"
        "party,BIS,D1,,,applicant,Testco\n"
        "party,BIS,D1,,,buyer,Otro\n",
        encoding="utf-8",
    )
    [row] = _read(path, RecordKind.LICENCES)
    [problem] = row.problems
    assert (problem.line, problem.field) == (4, "party.role")
    assert row.locate(("parties", 0, "name")) == (3, "party.name")
    assert row.locate(("number",)) == (2, "number")


def test_a_record_with_cells_in_the_wrong_count_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sources.csv"
    path.write_text("id,title\ns1,Uno,extra\n", encoding="utf-8")
    [row] = _read(path, RecordKind.SOURCES)
    assert [str(p) for p in row.problems] == ["sources.csv:2: csv: has 3 cells but the header has 2"]
