"""CSV forms of the records, for people who keep their data in spreadsheets.

A record with nested lists (a licence's parties and items, a unit's aliases and parents...) takes several
rows: first its main row, then one row per nested element. The `part` column says what a row holds
("licence", "party", "item"...), the key columns (e.g. `agency`, `number`) repeat on every row, and each
part fills only its own columns (`party.role`, `party.name`...). Records without nested lists take one row
each and have no `part` column. docs/formats.md lists the columns of every record type.
"""

from __future__ import annotations

import csv
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from lantern.io.checks import validate_into
from lantern.io.problems import Loc, Problem, Row
from lantern.io.reading import EncodingError, Progress, open_binary, read_lines
from lantern.io.records import RECORD_TYPES, Record, RecordKind, dump

PART = "part"

#: The word on a record's main row.
MAIN_PART = {
    RecordKind.SOURCES: "source",
    RecordKind.UNITS: "unit",
    RecordKind.LISTS: "list",
    RecordKind.LIST_ENTRIES: "entry",
    RecordKind.LICENCES: "licence",
    RecordKind.ALLEGATIONS: "allegation",
    RecordKind.SHIPMENTS: "shipment",
    RecordKind.CUSTODY: "event",
}

#: The word on the rows of each nested list, by field name.
PART_NAMES = {
    "aliases": "alias",
    "parents": "parent",
    "sources": "source",
    "units": "unit",
    "persons": "person",
    "violations": "violation",
    "citations": "citation",
    "statuses": "status",
    "countries": "country",
    "programs": "program",
    "identifiers": "identifier",
    "exclusions": "exclusion",
    "status_history": "status",
    "parties": "party",
    "items": "item",
    "lines": "line",
    "serials": "serial",
}


@dataclass(frozen=True, slots=True)
class ListField:
    field: str
    part: str
    subfields: tuple[str, ...] | None  # None: plain values, one per row, in the column named like the part

    @property
    def columns(self) -> list[str]:
        if self.subfields is None:
            return [self.part]
        return [f"{self.part}.{name}" for name in self.subfields]


@dataclass(frozen=True, slots=True)
class Layout:
    kind: RecordKind
    record_type: type[Record]
    main: str
    scalars: tuple[str, ...]  # key fields first
    lists: tuple[ListField, ...]
    required: tuple[str, ...]
    by_part: dict[str, ListField] = field(default_factory=dict)
    by_field: dict[str, ListField] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        columns = [PART] if self.lists else []
        columns += self.scalars
        for list_field in self.lists:
            columns += list_field.columns
        return columns


def _list_item_type(annotation: Any) -> Any | None:
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    return None


@cache
def layout(kind: RecordKind) -> Layout:
    record_type = RECORD_TYPES[kind]
    scalars = list(record_type.key_fields)
    lists = []
    for name, info in record_type.model_fields.items():
        item = _list_item_type(info.annotation)
        if item is None:
            if name not in scalars:
                scalars.append(name)
            continue
        base = typing.get_origin(item) or item
        if typing.get_origin(item) is typing.Annotated:
            base = typing.get_args(item)[0]
        subfields = (
            tuple(base.model_fields) if isinstance(base, type) and issubclass(base, BaseModel) else None
        )
        lists.append(ListField(name, PART_NAMES[name], subfields))
    required = tuple(n for n in scalars if record_type.model_fields[n].is_required())
    return Layout(
        kind,
        record_type,
        MAIN_PART[kind],
        tuple(scalars),
        tuple(lists),
        required,
        {lf.part: lf for lf in lists},
        {lf.field: lf for lf in lists},
    )


def csv_header_kind(header: list[str]) -> RecordKind | None:
    """The record type whose CSV form has exactly these key and required columns, for detection."""
    names = set(header)
    best: tuple[int, RecordKind] | None = None
    for kind in RecordKind:
        shape = layout(kind)
        if not set(shape.required) <= names or (bool(shape.lists) != (PART in names)):
            continue
        score = len(names & set(shape.columns))
        if best is None or score > best[0]:
            best = (score, kind)
    return best[1] if best else None


@dataclass(slots=True)
class _Group:
    key: tuple[str, ...]
    line: int
    data: dict[str, Any]
    part_lines: dict[str, list[int]] = field(default_factory=dict)
    early: list[tuple[int, str, str]] = field(default_factory=list)  # problems found while grouping


@dataclass(frozen=True, slots=True)
class CsvLocator:
    """Where a place in a record sits in the CSV file: the row of that part and its column."""

    kind: RecordKind
    line: int
    part_lines: dict[str, list[int]]

    def __call__(self, loc: Loc) -> tuple[int, str]:
        if not loc:
            return self.line, "record"
        head = str(loc[0])
        list_field = layout(self.kind).by_field.get(head)
        if list_field is None:
            return self.line, head
        lines = self.part_lines.get(head, [])
        if len(loc) >= 2 and isinstance(loc[1], int) and loc[1] < len(lines):
            if list_field.subfields is None or len(loc) < 3:
                return lines[loc[1]], list_field.part
            return lines[loc[1]], f"{list_field.part}.{loc[2]}"
        return self.line, list_field.part


def _finish(shape: Layout, group: _Group, name: str) -> Row:
    row = Row(name, group.line, None, locator=CsvLocator(shape.kind, group.line, group.part_lines))
    row.problems += [Problem(name, line, column, message) for line, column, message in group.early]
    return validate_into(row, shape.record_type, group.data)


def read_csv(
    path: Path,
    kind: RecordKind,
    *,
    name: str,
    max_line_bytes: int,
    progress: Progress | None = None,
) -> Iterator[Row]:
    shape = layout(kind)
    csv.field_size_limit(max(max_line_bytes, 1 << 17))
    with open_binary(path) as stream:
        position = {"line": 0, "terminated": 1}
        bad_lines: list[Row] = []

        def physical() -> Iterator[str]:
            for line in read_lines(stream, max_line_bytes=max_line_bytes, progress=progress):
                position["line"] = line.number
                position["terminated"] = int(line.terminated)
                if line.text is None:
                    row = Row(name, line.number, None)
                    row.add(("encoding",), line.error or "unreadable line")
                    bad_lines.append(row)
                    continue
                yield line.text + "\n"

        reader = csv.reader(physical(), strict=True)
        try:
            yield from _read_rows(shape, reader, position, bad_lines, name)
        except EncodingError as exc:
            row = Row(name, 1, None)
            row.add(("encoding",), str(exc))
            yield row
        except csv.Error as exc:
            row = Row(name, position["line"], None)
            cut = "" if position["terminated"] else "; the file seems truncated"
            row.add(("csv",), f"cannot be read as CSV: {exc}{cut}")
            yield row


def _read_rows(
    shape: Layout,
    reader: Iterator[list[str]],
    position: dict[str, int],
    bad_lines: list[Row],
    name: str,
) -> Iterator[Row]:
    header: list[str] | None = None
    previous_end = 0
    group: _Group | None = None
    key_fields = shape.record_type.key_fields
    for cells in reader:
        start = previous_end + 1
        previous_end = position["line"]
        yield from bad_lines
        bad_lines.clear()
        if not cells or not any(c.strip() for c in cells):
            continue
        if header is None:
            header = [c.strip() for c in cells]
            problem = _check_header(shape, header, name, start)
            if problem is not None:
                yield problem
                return
            continue
        if len(cells) != len(header):
            row = Row(name, start, None)
            row.add(("csv",), f"has {len(cells)} cells but the header has {len(header)}")
            yield row
            continue
        values = {column: cell for column, cell in zip(header, cells, strict=True) if cell.strip()}
        part = values.pop(PART, shape.main).strip() if shape.lists else shape.main
        key = tuple(values.get(k, "") for k in key_fields)
        if part == shape.main:
            if group is not None:
                yield _finish(shape, group, name)
            group = _Group(key, start, {})
            for column, cell in values.items():
                if column in shape.scalars:
                    group.data[column] = cell
                else:
                    group.early.append((start, column, f"belongs to a {column.split('.')[0]} row"))
            if not shape.lists:
                yield _finish(shape, group, name)
                group = None
            continue
        list_field = shape.by_part.get(part)
        if list_field is None:
            row = Row(name, start, None)
            known = ", ".join([shape.main, *shape.by_part])
            row.add((PART,), f"unknown part {part!r}; expected one of {known}")
            yield row
            continue
        if group is None or group.key != key:
            row = Row(name, start, None)
            shown = "/".join(key)
            row.add((PART,), f"a {part} row must follow the {shape.main} row of {shown!r}")
            yield row
            continue
        element: Any
        if list_field.subfields is None:
            element = values.get(list_field.part)
        else:
            prefix = f"{list_field.part}."
            element = {c[len(prefix) :]: v for c, v in values.items() if c.startswith(prefix)}
        for column in values:
            if column in key_fields or column in list_field.columns:
                continue
            group.early.append((start, column, f"is not a column of {part} rows"))
        group.data.setdefault(list_field.field, []).append(element)
        group.part_lines.setdefault(list_field.field, []).append(start)
    yield from bad_lines
    if group is not None:
        yield _finish(shape, group, name)


def _check_header(shape: Layout, header: list[str], name: str, line: int) -> Row | None:
    row = Row(name, line, None)
    known = set(shape.columns)
    for column in header:
        if column not in known:
            row.add(("header",), f"unknown column {column!r}")
    for column in [*([PART] if shape.lists else []), *shape.required]:
        if column not in header:
            row.add(("header",), f"required column {column!r} is missing")
    repeated = {c for c in header if header.count(c) > 1}
    for column in sorted(repeated):
        row.add(("header",), f"column {column!r} appears more than once")
    return row if row.problems else None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(kind: RecordKind, data: dict[str, Any]) -> Iterator[list[str]]:
    """The CSV rows of one record given as contract JSON data."""
    shape = layout(kind)
    columns = shape.columns
    index = {c: i for i, c in enumerate(columns)}
    keys = {k: _cell(data.get(k)) for k in shape.record_type.key_fields}

    def blank(part: str | None) -> list[str]:
        row = [""] * len(columns)
        if part is not None:
            row[0] = part
        for column, value in keys.items():
            row[index[column]] = value
        return row

    main = blank(shape.main if shape.lists else None)
    for name in shape.scalars:
        main[index[name]] = _cell(data.get(name))
    yield main
    for list_field in shape.lists:
        for element in data.get(list_field.field) or []:
            row = blank(list_field.part)
            if list_field.subfields is None:
                row[index[list_field.part]] = _cell(element)
            else:
                for sub in list_field.subfields:
                    row[index[f"{list_field.part}.{sub}"]] = _cell(element.get(sub))
            yield row


def write_csv(stream: IO[str], kind: RecordKind, records: Iterable[Record]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(layout(kind).columns)
    count = 0
    for record in records:
        writer.writerows(flatten(kind, dump(record)))
        count += 1
    return count


def peek_header(path: Path) -> list[str] | None:
    with open_binary(path) as stream:
        raw = stream.readline(1 << 20).removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        return [c.strip() for c in next(csv.reader([text]))]
    except (csv.Error, StopIteration):
        return None
