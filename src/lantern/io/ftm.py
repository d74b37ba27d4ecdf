"""FollowTheMoney JSON Lines (OpenSanctions and friends) to Lantern units and list entries, and back.

Each line is an entity `{"id", "schema", "properties": {name: [values]}}`. Security-force hierarchies come
two ways and both are read: the `parent` property of a PublicBody or Organization (deprecated in FtM 4 but
still common) and the link entities Membership (member -> organization) and Ownership (asset -> owner), which
carry start and end dates. A PublicBody or Organization that takes part in such a hierarchy becomes a unit;
so does one with the topic `gov.security` or `mil` (Lantern's own export sets `gov.security`). Every other
person, company, organisation or vessel becomes an entry of a watch list. Sanction entities add
their programs and dates to the entry they name; Identification and Passport entities add identifiers.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from lantern.core.text import fold
from lantern.io.checks import validate_into
from lantern.io.problems import Row
from lantern.io.reading import EncodingError, Progress, open_binary, read_lines
from lantern.io.records import (
    ListEntryRecord,
    Record,
    RecordKind,
    SourceRecord,
    UnitRecord,
    WatchListRecord,
)
from lantern.units.model import Level, UnitKind

UNIT_SCHEMATA = frozenset({"PublicBody", "Organization"})
#: FtM topics that make a body a unit even outside any hierarchy ("Security services", "Military").
UNIT_TOPICS = frozenset({"gov.security", "mil"})
ENTRY_TYPES = {
    "Person": "person",
    "Company": "company",
    "Organization": "organisation",
    "PublicBody": "organisation",
    "LegalEntity": "organisation",
    "Vessel": "vessel",
}
LINK_SCHEMATA = {"Membership": ("member", "organization"), "Ownership": ("asset", "owner")}
IDENTIFIER_PROPERTIES = (
    "idNumber",
    "registrationNumber",
    "taxNumber",
    "passportNumber",
    "innCode",
    "ogrnCode",
    "leiCode",
    "swiftBic",
    "imoNumber",
    "mmsi",
    "callSign",
)
_COUNTRY = re.compile(r"^[a-zA-Z]{2}$")

#: Words in a unit's name that say what kind of force it is, tried in order (folded, accents removed).
KIND_WORDS: tuple[tuple[tuple[str, ...], UnitKind], ...] = (
    (
        ("policia municipal", "municipal police", "seguridad publica municipal", "mpal"),
        UnitKind.MUNICIPAL_POLICE,
    ),
    (("guardia nacional", "national guard"), UnitKind.NATIONAL_GUARD),
    (("fuerza aerea", "air force"), UnitKind.AIR_FORCE),
    (("marina", "naval", "navy", "semar", "marine"), UnitKind.NAVY),
    (
        ("fiscalia", "procuraduria", "prosecutor", "attorney general", "ministerio publico"),
        UnitKind.PROSECUTOR,
    ),
    (("policia federal", "federal police"), UnitKind.FEDERAL_POLICE),
    (
        ("policia estatal", "state police", "seguridad publica del estado", "policia del estado"),
        UnitKind.STATE_POLICE,
    ),
    (
        ("ejercito", "army", "sedena", "defensa nacional", "batallon", "battalion", "regimiento", "militar"),
        UnitKind.ARMY,
    ),
)
_STATE_WORDS = ("estatal", "del estado", "state ", "estado de")


def guess_kind(name: str, topics: Iterable[str] = ()) -> tuple[UnitKind, Level]:
    """A unit's kind and level from its name (FtM has neither). The notes say the values were guessed."""
    text = f" {fold(name)} "
    kind = UnitKind.ARMY if "mil" in topics else UnitKind.OTHER
    for words, candidate in KIND_WORDS:
        if any(word in text for word in words):
            kind = candidate
            break
    if kind is UnitKind.MUNICIPAL_POLICE:
        level = Level.MUNICIPAL
    elif kind is UnitKind.STATE_POLICE or any(word in text for word in _STATE_WORDS):
        level = Level.STATE
    else:
        level = Level.FEDERAL
    return kind, level


def _day(value: str) -> str:
    return value[:10]


@dataclass(slots=True)
class _Edge:
    child: str
    parent: str
    start: str | None
    end: str | None
    line: int


@dataclass(slots=True)
class _Scan:
    schemata: dict[str, str] = field(default_factory=dict)
    edges: list[_Edge] = field(default_factory=list)
    sanctions: dict[str, list[dict[str, list[str]]]] = field(default_factory=lambda: defaultdict(list))
    identifiers: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    datasets: list[str] = field(default_factory=list)
    problems: list[Row] = field(default_factory=list)
    units: set[str] = field(default_factory=set)
    entries: int = 0
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _first(props: dict[str, list[str]], *names: str) -> str | None:
    for name in names:
        for value in props.get(name, []):
            if isinstance(value, str) and value.strip():
                return value
    return None


def _all(props: dict[str, list[str]], *names: str) -> list[str]:
    values: list[str] = []
    for name in names:
        for value in props.get(name, []):
            if isinstance(value, str) and value.strip() and value not in values:
                values.append(value)
    return values


class FtmFile:
    """A FollowTheMoney file, read in two passes: links and side entities first, then records."""

    def __init__(
        self,
        path: Path,
        *,
        name: str,
        max_line_bytes: int,
        list_key: str | None = None,
        list_name: str | None = None,
    ) -> None:
        self.path = path
        self.name = name
        self.max_line_bytes = max_line_bytes
        self._list_key = list_key
        self._list_name = list_name
        self._scan: _Scan | None = None

    def _entities(self, progress: Progress | None) -> Iterator[tuple[int, dict[str, Any] | None, Row | None]]:
        with open_binary(self.path) as stream:
            try:
                for line in read_lines(stream, max_line_bytes=self.max_line_bytes, progress=progress):
                    if line.text is None:
                        row = Row(self.name, line.number, None)
                        row.add(("encoding",), line.error or "unreadable line")
                        yield line.number, None, row
                        continue
                    if not line.text.strip():
                        continue
                    try:
                        entity = orjson.loads(line.text)
                    except orjson.JSONDecodeError as exc:
                        row = Row(self.name, line.number, None)
                        cut = "" if line.terminated else "; the file seems truncated"
                        row.add((), f"not valid JSON: {exc}{cut}")
                        yield line.number, None, row
                        continue
                    problem = _entity_problem(entity)
                    if problem:
                        row = Row(self.name, line.number, None)
                        row.add((problem[0],), problem[1])
                        yield line.number, None, row
                        continue
                    yield line.number, entity, None
            except EncodingError as exc:
                row = Row(self.name, 1, None)
                row.add(("encoding",), str(exc))
                yield 1, None, row

    def scan(self, progress: Progress | None = None) -> _Scan:
        if self._scan is not None:
            return self._scan
        scan = _Scan()
        for line, entity, problem in self._entities(progress):
            if entity is None:
                if problem is not None:
                    scan.problems.append(problem)
                continue
            schema, props, key = entity["schema"], entity["properties"], entity["id"]
            scan.schemata[key] = schema
            for dataset in entity.get("datasets") or []:
                if dataset not in scan.datasets:
                    scan.datasets.append(dataset)
            if schema in UNIT_SCHEMATA:
                if UNIT_TOPICS & set(_all(props, "topics")):
                    scan.units.add(key)
                for parent in _all(props, "parent"):
                    scan.edges.append(_Edge(key, parent, None, None, line))
            elif schema in LINK_SCHEMATA:
                child_prop, parent_prop = LINK_SCHEMATA[schema]
                for child in _all(props, child_prop):
                    for parent in _all(props, parent_prop):
                        start = _first(props, "startDate")
                        end = _first(props, "endDate")
                        scan.edges.append(
                            _Edge(child, parent, start and _day(start), end and _day(end), line)
                        )
            elif schema == "Sanction":
                for target in _all(props, "entity"):
                    scan.sanctions[target].append(props)
            elif schema in {"Identification", "Passport"}:
                number = _first(props, "number", "passportNumber")
                kind = _first(props, "type") or schema.lower()
                for holder in _all(props, "holder"):
                    if number:
                        scan.identifiers[holder].append((kind, number))
        # Hierarchy links count only between bodies (a person's membership is not a chain of command).
        edges = []
        for edge in scan.edges:
            child_schema = scan.schemata.get(edge.child)
            parent_schema = scan.schemata.get(edge.parent)
            if child_schema in UNIT_SCHEMATA and parent_schema in (*UNIT_SCHEMATA, None):
                edges.append(edge)
                scan.units.add(edge.child)
                if parent_schema is not None:
                    scan.units.add(edge.parent)
        scan.edges = edges
        for key, schema in scan.schemata.items():
            if key in scan.units:
                continue
            if schema in ENTRY_TYPES:
                scan.entries += 1
            elif schema not in (*LINK_SCHEMATA, "Sanction", "Identification", "Passport"):
                scan.skipped[schema] += 1
        self._scan = scan
        return scan

    @property
    def list_key(self) -> str:
        if self._list_key:
            return self._list_key
        scan = self.scan()
        if scan.datasets:
            return scan.datasets[0]
        stem = self.path.name.split(".")[0]
        return re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or "ftm"

    def kinds(self) -> tuple[RecordKind, ...]:
        scan = self.scan()
        kinds = [RecordKind.SOURCES]
        if scan.units:
            kinds.append(RecordKind.UNITS)
        if scan.entries:
            kinds += [RecordKind.LISTS, RecordKind.LIST_ENTRIES]
        return tuple(kinds)

    def skipped(self) -> dict[str, int]:
        return dict(self.scan().skipped)

    def rows(self, kind: RecordKind, progress: Progress | None = None) -> Iterator[Row]:
        scan = self.scan(progress if kind is RecordKind.SOURCES else None)
        if kind is RecordKind.SOURCES:
            yield from scan.problems
            yield self._row(1, SourceRecord, self._source())
            return
        if kind is RecordKind.LISTS:
            data = {"id": self.list_key, "name": self._list_name or self.list_key, "source": self.list_key}
            yield self._row(1, WatchListRecord, data)
            return
        parents: dict[str, list[_Edge]] = defaultdict(list)
        for edge in scan.edges:
            parents[edge.child].append(edge)
        for line, entity, _problem in self._entities(progress):
            if entity is None:
                continue
            key, schema = entity["id"], entity["schema"]
            if kind is RecordKind.UNITS and key in scan.units:
                yield self._row(line, UnitRecord, self._unit(entity, parents.get(key, [])))
            elif kind is RecordKind.LIST_ENTRIES and key not in scan.units and schema in ENTRY_TYPES:
                yield self._row(line, ListEntryRecord, self._entry(entity, scan))

    def _row(self, line: int, record_type: type[Record], data: dict[str, Any]) -> Row:
        return validate_into(Row(self.name, line, None), record_type, data)

    def _source(self) -> dict[str, Any]:
        datasets = ", ".join(self.scan().datasets)
        title = f"FollowTheMoney data {datasets}" if datasets else f"FollowTheMoney file {self.path.name}"
        return {"id": self.list_key, "title": title, "notes": f"Imported from {self.path.name}"}

    def _unit(self, entity: dict[str, Any], edges: list[_Edge]) -> dict[str, Any]:
        props = entity["properties"]
        names = _all(props, "name")
        name = names[0] if names else entity["id"]
        kind, level = guess_kind(name, _all(props, "topics"))
        aliases = [{"name": n, "kind": "alias"} for n in [*names[1:], *_all(props, "alias", "weakAlias")]]
        aliases += [{"name": n, "kind": "acronym"} for n in _all(props, "abbreviation")]
        aliases += [{"name": n, "kind": "former"} for n in _all(props, "previousName")]
        note = _first(props, "description", "summary", "notes")
        guessed = "Kind and level guessed from the name by the FollowTheMoney importer."
        return {
            "id": entity["id"],
            "name": name,
            "kind": kind.value,
            "level": level.value,
            "country": (_first(props, "country", "jurisdiction", "mainCountry") or "").upper() or None,
            "aliases": aliases,
            "parents": [
                {"unit": e.parent, "start": e.start, "end": e.end, "source": self.list_key} for e in edges
            ],
            "sources": [self.list_key],
            "notes": f"{note} {guessed}" if note else guessed,
        }

    def _entry(self, entity: dict[str, Any], scan: _Scan) -> dict[str, Any]:
        props = entity["properties"]
        names = _all(props, "name")
        countries = [
            c.upper()
            for c in _all(props, "country", "nationality", "citizenship", "jurisdiction", "flag")
            if _COUNTRY.match(c)
        ]
        programs: list[str] = []
        listed: list[str] = []
        delisted: list[str] = []
        for sanction in scan.sanctions.get(entity["id"], []):
            programs += [p for p in _all(sanction, "program", "programId") if p not in programs]
            listed += [_day(d) for d in _all(sanction, "startDate", "listingDate")]
            delisted += [_day(d) for d in _all(sanction, "endDate")]
        identifiers = [{"scheme": p, "value": v} for p in IDENTIFIER_PROPERTIES for v in _all(props, p)]
        identifiers += [{"scheme": s, "value": v} for s, v in scan.identifiers.get(entity["id"], [])]
        return {
            "list": self.list_key,
            "id": entity["id"],
            "name": names[0] if names else entity.get("caption") or entity["id"],
            "type": ENTRY_TYPES[entity["schema"]],
            "aliases": [*names[1:], *_all(props, "alias", "weakAlias", "previousName")],
            "countries": list(dict.fromkeys(countries)),
            "programs": programs,
            "listed": min(listed) if listed else None,
            "delisted": max(delisted) if delisted else None,
            "identifiers": identifiers,
            "remarks": _first(props, "notes", "summary", "description"),
        }


def _entity_problem(entity: Any) -> tuple[str, str] | None:
    if not isinstance(entity, dict):
        return "record", "must be a JSON object"
    if not isinstance(entity.get("id"), str) or not entity["id"]:
        return "id", "is required but missing"
    if not isinstance(entity.get("schema"), str):
        return "schema", "is required but missing"
    props = entity.get("properties")
    if not isinstance(props, dict) or not all(isinstance(v, list) for v in props.values()):
        return "properties", "must be an object whose values are lists"
    return None


def unit_entities(unit: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A unit (contract data) as FtM: a PublicBody, plus a Membership for each dated parent link."""
    props: dict[str, list[str]] = {
        "name": [unit["name"]],
        "country": [unit["country"].lower()],
        "alias": [a["name"] for a in unit["aliases"] if a["kind"] in {"alias", "translation"}],
        "abbreviation": [a["name"] for a in unit["aliases"] if a["kind"] == "acronym"],
        "previousName": [a["name"] for a in unit["aliases"] if a["kind"] == "former"],
        "topics": ["gov.security"],
    }
    if unit.get("notes"):
        props["notes"] = [unit["notes"]]
    yield {"id": unit["id"], "schema": "PublicBody", "properties": {k: v for k, v in props.items() if v}}
    for index, parent in enumerate(unit["parents"]):
        link: dict[str, list[str]] = {"member": [unit["id"]], "organization": [parent["unit"]]}
        if parent.get("start"):
            link["startDate"] = [parent["start"]]
        if parent.get("end"):
            link["endDate"] = [parent["end"]]
        yield {"id": f"{unit['id']}-parent-{index + 1}", "schema": "Membership", "properties": link}


_SCHEMA_OF_TYPE = {
    "person": "Person",
    "company": "Company",
    "organisation": "Organization",
    "vessel": "Vessel",
}


def entry_entities(entry: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A list entry (contract data) as FtM: the entity, and a Sanction carrying programs and dates."""
    props: dict[str, list[str]] = {
        "name": [entry["name"]],
        "alias": list(entry["aliases"]),
        "country": [c.lower() for c in entry["countries"]],
    }
    if entry.get("remarks"):
        props["notes"] = [entry["remarks"]]
    for ident in entry["identifiers"]:
        target = ident["scheme"] if ident["scheme"] in IDENTIFIER_PROPERTIES else "idNumber"
        props.setdefault(target, []).append(ident["value"])
    yield {
        "id": entry["id"],
        "schema": _SCHEMA_OF_TYPE[entry["type"]],
        "properties": {k: v for k, v in props.items() if v},
        "datasets": [entry["list"]],
    }
    if entry["programs"] or entry.get("listed") or entry.get("delisted"):
        sanction: dict[str, list[str]] = {"entity": [entry["id"]], "program": list(entry["programs"])}
        if entry.get("listed"):
            sanction["startDate"] = [entry["listed"]]
        if entry.get("delisted"):
            sanction["endDate"] = [entry["delisted"]]
        yield {
            "id": f"{entry['id']}-sanction",
            "schema": "Sanction",
            "properties": {k: v for k, v in sanction.items() if v},
        }
