"""The Consolidated Screening List (trade.gov), JSON or CSV, to sources, watch lists and list entries.

The CSL merges several US lists (Entity List, Denied Persons, SDN, Unverified List, ITAR debarred...).
Each source becomes one watch list and one source record, keyed from the abbreviation in its name
("Entity List (EL) - Bureau of Industry and Security" -> `csl-el`), so screening can say which list a hit
is on.
The JSON form is the API's `{"results": [...], "sources_used": [...]}` (or a bare array of results); the CSV
form is the download with the columns `_id, source, entity_number, type, programs, name, ...`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from lantern.core.text import fold
from lantern.io.checks import validate_into
from lantern.io.problems import Loc, Row, format_loc
from lantern.io.reading import EncodingError, Progress, check_encoding, open_binary, read_lines
from lantern.io.records import ListEntryRecord, Record, RecordKind, SourceRecord, WatchListRecord

CSV_COLUMNS = (
    "_id",
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
_ABBREVIATION = re.compile(r"\(([A-Za-z][A-Za-z0-9 .\-]*)\)")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")
TYPES = {"individual": "person", "entity": "organisation", "vessel": "vessel"}


def list_key(source: str) -> str:
    """`csl-` and the source's abbreviation, or its name made into a slug."""
    match = _ABBREVIATION.search(source)
    text = match.group(1) if match else source
    return "csl-" + (re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-") or "unknown")


def _listify(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _day(value: Any) -> str | None:
    return str(value)[:10] if value else None


def entry_data(result: dict[str, Any]) -> dict[str, Any]:
    """One CSL result as list-entry data; the record model then checks it like any other."""
    source = str(result.get("source") or "")
    kind = str(result.get("type") or "").strip().lower()
    countries: list[str] = []
    for address in _listify(result.get("addresses")):
        country = address.get("country") if isinstance(address, dict) else str(address).split(",")[-1]
        if country and _COUNTRY.match(country.strip()):
            countries.append(country.strip().upper())
    for value in [
        *_listify(result.get("nationalities")),
        *_listify(result.get("citizenships")),
        *_listify(result.get("vessel_flag")),
    ]:
        if isinstance(value, str) and _COUNTRY.match(value.strip()):
            countries.append(value.strip().upper())
    identifiers = []
    for ident in _listify(result.get("ids")):
        if isinstance(ident, dict):
            scheme, value = ident.get("type"), ident.get("number")
        else:
            parts = [p.strip() for p in str(ident).split(",")]
            scheme, value = (parts[0], parts[1]) if len(parts) > 1 else ("id", parts[0])
        if scheme and value:
            identifiers.append({"scheme": str(scheme), "value": str(value)})
    if result.get("entity_number"):
        identifiers.append({"scheme": "entity_number", "value": str(result["entity_number"])})
    remarks = [str(r) for r in [result.get("remarks"), result.get("title")] if r]
    if kind == "aircraft":
        remarks.insert(0, "Aircraft.")
    entry_id = result.get("id") or result.get("_id") or result.get("entity_number")
    return {
        "list": list_key(source),
        "id": str(entry_id) if entry_id else None,
        "name": result.get("name"),
        "type": TYPES.get(kind, "organisation"),
        "aliases": [a for a in _listify(result.get("alt_names")) if a != result.get("name")],
        "countries": list(dict.fromkeys(countries)),
        "programs": _listify(result.get("programs")),
        "listed": _day(result.get("start_date")),
        "delisted": _day(result.get("end_date")),
        "identifiers": identifiers,
        "remarks": " ".join(remarks) or None,
    }


def _publisher(source: str) -> str | None:
    return source.split(" - ", 1)[1].strip() if " - " in source else None


class CslFile:
    """A Consolidated Screening List download in JSON or CSV."""

    def __init__(self, path: Path, *, name: str, is_json: bool, max_line_bytes: int) -> None:
        self.path = path
        self.name = name
        self.is_json = is_json
        self.max_line_bytes = max_line_bytes
        self._results: list[tuple[int, str, dict[str, Any]]] | None = None
        self._updated: dict[str, str] = {}
        self._problems: list[Row] = []

    def kinds(self) -> tuple[RecordKind, ...]:
        return (RecordKind.SOURCES, RecordKind.LISTS, RecordKind.LIST_ENTRIES)

    def _load(self, progress: Progress | None) -> list[tuple[int, str, dict[str, Any]]]:
        if self._results is None:
            self._results = list(self._read_json(progress) if self.is_json else self._read_csv(progress))
        return self._results

    def _problem(self, line: int, field: str, message: str) -> None:
        row = Row(self.name, line, None)
        row.add((field,), message)
        self._problems.append(row)

    def _read_json(self, progress: Progress | None) -> Iterator[tuple[int, str, dict[str, Any]]]:
        data = self.path.read_bytes()
        if progress is not None:
            progress(len(data))
        try:
            check_encoding(data[:4096])
            document = orjson.loads(data)
        except (EncodingError, orjson.JSONDecodeError) as exc:
            self._problem(1, "json", f"not a Consolidated Screening List JSON file: {exc}")
            return
        if isinstance(document, dict):
            for used in document.get("sources_used") or []:
                if isinstance(used, dict) and used.get("source") and used.get("source_last_updated"):
                    self._updated[str(used["source"])] = str(used["source_last_updated"])[:10]
            results = document.get("results")
        else:
            results = document
        if not isinstance(results, list):
            self._problem(1, "results", "expected a list of results")
            return
        for index, result in enumerate(results):
            where = f"results[{index + 1}]"
            if not isinstance(result, dict):
                self._problem(1, where, "must be an object")
                continue
            yield 1, where, result

    def _read_csv(self, progress: Progress | None) -> Iterator[tuple[int, str, dict[str, Any]]]:
        with open_binary(self.path) as stream:
            state = {"line": 0}

            def physical() -> Iterator[str]:
                for line in read_lines(stream, max_line_bytes=self.max_line_bytes, progress=progress):
                    state["line"] = line.number
                    if line.text is None:
                        self._problem(line.number, "encoding", line.error or "unreadable line")
                        continue
                    yield line.text + "\n"

            try:
                reader = csv.DictReader(physical())
                previous = 1
                for record in reader:
                    start, previous = previous + 1, state["line"]
                    if None in record:
                        self._problem(start, "csv", "has more cells than the header")
                        continue
                    yield start, "", {k: v for k, v in record.items() if v not in (None, "")}
            except EncodingError as exc:
                self._problem(1, "encoding", str(exc))
            except csv.Error as exc:
                self._problem(state["line"], "csv", f"cannot be read as CSV: {exc}")

    def _sources(self, progress: Progress | None) -> dict[str, dict[str, Any]]:
        sources: dict[str, dict[str, Any]] = {}
        for _line, _where, result in self._load(progress):
            source = str(result.get("source") or "").strip()
            if source and list_key(source) not in sources:
                sources[list_key(source)] = {
                    "name": source,
                    "url": result.get("source_list_url") or result.get("source_information_url"),
                }
        return sources

    def rows(self, kind: RecordKind, progress: Progress | None = None) -> Iterator[Row]:
        if kind is RecordKind.SOURCES:
            sources = self._sources(progress)
            yield from self._problems
            for key, info in sources.items():
                yield self._row(
                    1,
                    "",
                    SourceRecord,
                    {
                        "id": key,
                        "title": info["name"],
                        "publisher": _publisher(info["name"]),
                        "url": info["url"],
                        "date": self._updated.get(info["name"]),
                        "notes": "Consolidated Screening List, trade.gov",
                    },
                )
        elif kind is RecordKind.LISTS:
            for key, info in self._sources(None).items():
                yield self._row(
                    1,
                    "",
                    WatchListRecord,
                    {"id": key, "name": info["name"], "source": key, "date": self._updated.get(info["name"])},
                )
        elif kind is RecordKind.LIST_ENTRIES:
            for line, where, result in self._load(None):
                yield self._row(line, where, ListEntryRecord, entry_data(result))

    def _row(self, line: int, where: str, record_type: type[Record], data: dict[str, Any]) -> Row:
        def locate(loc: Loc) -> tuple[int, str]:
            inner = format_loc(loc)
            return line, f"{where}.{inner}" if where else inner

        return validate_into(Row(self.name, line, None, locator=locate), record_type, data)
