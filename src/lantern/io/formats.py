"""The formats Lantern reads, how it tells them apart, and one reader interface over them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from lantern.io.csl import CSV_COLUMNS, CslFile
from lantern.io.ftm import FtmFile
from lantern.io.jsonl import peek_object, read_jsonl
from lantern.io.problems import Row
from lantern.io.reading import Progress, check_encoding
from lantern.io.records import RECORD_TYPES, RecordKind
from lantern.io.tabular import csv_header_kind, peek_header, read_csv


class Format(StrEnum):
    JSONL = "jsonl"  # Lantern JSON Lines, one record type per file
    CSV = "csv"  # Lantern CSV forms
    FTM = "ftm"  # FollowTheMoney entities, JSON Lines
    CSL_JSON = "csl-json"  # Consolidated Screening List, trade.gov JSON
    CSL_CSV = "csl-csv"  # Consolidated Screening List, trade.gov CSV


class DetectionError(ValueError):
    """The file's format or record type cannot be told; the message says which option to give."""


class Input(Protocol):
    path: Path
    name: str

    def kinds(self) -> tuple[RecordKind, ...]: ...

    def rows(self, kind: RecordKind, progress: Progress | None = None) -> Iterator[Row]: ...


@dataclass
class RecordFile:
    """A Lantern JSON Lines or CSV file holding one record type."""

    path: Path
    name: str
    format: Format
    kind: RecordKind
    max_line_bytes: int

    def kinds(self) -> tuple[RecordKind, ...]:
        return (self.kind,)

    def rows(self, kind: RecordKind, progress: Progress | None = None) -> Iterator[Row]:
        if kind is not self.kind:
            return iter(())
        if self.format is Format.CSV:
            return read_csv(
                self.path, kind, name=self.name, max_line_bytes=self.max_line_bytes, progress=progress
            )
        return read_jsonl(
            self.path,
            RECORD_TYPES[kind],
            name=self.name,
            max_line_bytes=self.max_line_bytes,
            progress=progress,
        )


#: Field names that only one record type has, for telling JSON Lines files apart.
_SIGNATURES: tuple[tuple[frozenset[str], RecordKind], ...] = (
    (frozenset({"agency", "number"}), RecordKind.LICENCES),
    (frozenset({"licence", "lines"}), RecordKind.SHIPMENTS),
    (frozenset({"serial", "event"}), RecordKind.CUSTODY),
    (frozenset({"violations"}), RecordKind.ALLEGATIONS),
    (frozenset({"citations"}), RecordKind.ALLEGATIONS),
    (frozenset({"list", "type"}), RecordKind.LIST_ENTRIES),
    (frozenset({"kind", "level"}), RecordKind.UNITS),
    (frozenset({"title"}), RecordKind.SOURCES),
    (frozenset({"id", "name"}), RecordKind.LISTS),
)


def kind_from_name(path: Path) -> RecordKind | None:
    """`units.jsonl`, `demo-units.csv`, `list_entries.jsonl`... name their record type."""
    stem = path.name.split(".")[0].lower().replace("-", "_")
    for kind in sorted(RecordKind, key=lambda k: -len(k.value)):
        if stem == kind.value or stem.endswith("_" + kind.value):
            return kind
    return None


def _kind_of_object(data: dict[str, object]) -> RecordKind | None:
    keys = set(data)
    for signature, kind in _SIGNATURES:
        if signature <= keys:
            return kind
    return None


def detect(path: Path, fmt: Format | None, kind: RecordKind | None) -> tuple[Format, RecordKind | None]:
    """The file's format and, for Lantern's own formats, its record type."""
    suffixes = [s.lower() for s in path.suffixes]
    if fmt is None:
        fmt = _detect_format(path, suffixes)
    if fmt in {Format.JSONL, Format.CSV} and kind is None:
        kind = kind_from_name(path)
        if kind is None and fmt is Format.JSONL:
            first = peek_object(path)
            kind = _kind_of_object(first) if first else None
        if kind is None and fmt is Format.CSV:
            header = peek_header(path)
            kind = csv_header_kind(header) if header else None
        if kind is None:
            raise DetectionError(
                "cannot tell which records the file holds; give --kind "
                f"({', '.join(k.value for k in RecordKind)})"
            )
    return fmt, kind


def _detect_format(path: Path, suffixes: list[str]) -> Format:
    if ".csv" in suffixes:
        header = set(peek_header(path) or [])
        if {"_id", "source", "entity_number"} <= header or header == set(CSV_COLUMNS):
            return Format.CSL_CSV
        return Format.CSV
    first = peek_object(path)
    if first is not None and {"id", "schema", "properties"} <= set(first):
        return Format.FTM
    if ".ftm" in suffixes:
        return Format.FTM
    if suffixes and suffixes[-1] in {".jsonl", ".ndjson"}:
        return Format.JSONL
    if suffixes and suffixes[-1] == ".json":
        with path.open("rb") as stream:
            head = stream.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"[") or (head.startswith(b"{") and b'"results"' in head):
            return Format.CSL_JSON
    if first is not None:
        return Format.JSONL
    formats = ", ".join(f.value for f in Format)
    raise DetectionError(
        f"cannot tell the file's format from its name or first line; give --format ({formats})"
    )


def open_input(
    path: Path,
    *,
    fmt: Format | None = None,
    kind: RecordKind | None = None,
    max_line_bytes: int,
    list_key: str | None = None,
    list_name: str | None = None,
) -> Input:
    """A reader for the file; DetectionError when its format or record type cannot be told, EncodingError
    when it is not UTF-8 text at all."""
    name = str(path)
    if not path.is_file():
        raise DetectionError("no such file")
    with path.open("rb") as stream:
        check_encoding(stream.read(4096))
    fmt, kind = detect(path, fmt, kind)
    if fmt is Format.FTM:
        return FtmFile(path, name=name, max_line_bytes=max_line_bytes, list_key=list_key, list_name=list_name)
    if fmt in {Format.CSL_JSON, Format.CSL_CSV}:
        return CslFile(path, name=name, is_json=fmt is Format.CSL_JSON, max_line_bytes=max_line_bytes)
    assert kind is not None
    return RecordFile(path, name, fmt, kind, max_line_bytes)
