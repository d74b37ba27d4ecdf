"""The demo data files keep the JSON Lines record contract, without the importer.

Each test reads the files shipped in the package (lantern/demo/data) and checks one promise of the contract or
of the demo's documentation: parsing, required fields, enum values, unique ids, references, dates, quantities,
and the labelling of everything synthetic.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any

import pytest

from lantern.allegations.model import AllegationStatus, ViolationType
from lantern.core.dates import DateRange, PartialDate, parse_partial
from lantern.core.provenance import Confidence
from lantern.licences.model import Agency, ExclusionKind, FireMode, LicenceKind, LicenceStatus, PartyRole
from lantern.units.model import AliasKind, Level, UnitKind
from lantern.watchlists.model import EntryType

Record = dict[str, Any]

JSONL_FILES = [
    "sources.jsonl",
    "units.jsonl",
    "allegations.jsonl",
    "lists.jsonl",
    "list_entries.jsonl",
    "licences.jsonl",
    "shipments.jsonl",
    "custody.jsonl",
]
INVENTORY_FILE = "recovered_iguala_inventory.csv"
INVENTORY_COLUMNS = [
    "serial",
    "make",
    "model",
    "calibre",
    "found_date",
    "holder",
    "place",
    "state",
    "municipality",
    "source",
    "note",
]
CUSTODY_EVENTS = {"transfer", "check_sighting", "loss", "theft", "recovery", "seizure", "inventory"}
SYNTHETIC_SOURCES = {"lantern-demo-synthetic", "lantern-demo-synthetic-iguala-inventory"}

REQUIRED = {
    "sources.jsonl": ["id", "title"],
    "units.jsonl": ["id", "name", "kind", "level", "country", "aliases", "parents"],
    "allegations.jsonl": [
        "id",
        "units",
        "violations",
        "start",
        "description",
        "citations",
        "confidence",
        "statuses",
    ],
    "lists.jsonl": ["id", "name", "source", "date", "synthetic"],
    "list_entries.jsonl": ["list", "id", "name", "type"],
    "licences.jsonl": [
        "agency",
        "number",
        "kind",
        "country",
        "status_history",
        "parties",
        "items",
        "synthetic",
    ],
    "shipments.jsonl": ["id", "licence", "date", "consignee", "lines", "serials"],
    "custody.jsonl": ["serial", "date", "event", "holder", "source"],
}


def _text(name: str) -> str:
    return (resources.files("lantern.demo") / "data" / name).read_text(encoding="utf-8")


@cache
def _records(name: str) -> tuple[Record, ...]:
    return tuple(json.loads(line) for line in _text(name).splitlines())


def sources() -> tuple[Record, ...]:
    return _records("sources.jsonl")


def units() -> tuple[Record, ...]:
    return _records("units.jsonl")


def allegations() -> tuple[Record, ...]:
    return _records("allegations.jsonl")


def licences() -> tuple[Record, ...]:
    return _records("licences.jsonl")


def shipments() -> tuple[Record, ...]:
    return _records("shipments.jsonl")


def custody() -> tuple[Record, ...]:
    return _records("custody.jsonl")


def inventory() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_text(INVENTORY_FILE))))


def licence_key(licence: Record) -> str:
    return f"{licence['agency']}/{licence['number']}"


def ids(records: tuple[Record, ...]) -> set[str]:
    return {r["id"] for r in records}


def values(enum: Any) -> set[str]:
    return {member.value for member in enum}


def day(text: str) -> date:
    return date.fromisoformat(text)


# --------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("name", JSONL_FILES)
def test_every_line_is_one_json_object_in_utf8(name: str) -> None:
    raw = (resources.files("lantern.demo") / "data" / name).read_bytes()
    text = raw.decode("utf-8")  # raises on anything that is not UTF-8
    assert text.endswith("\n")
    lines = text.splitlines()
    assert lines
    for number, line in enumerate(lines, start=1):
        record = json.loads(line)
        assert isinstance(record, dict), f"{name}:{number}: not an object"


@pytest.mark.parametrize("name", JSONL_FILES)
def test_required_fields_are_present_and_not_empty(name: str) -> None:
    for number, record in enumerate(_records(name), start=1):
        for field in REQUIRED[name]:
            assert field in record, f"{name}:{number}: {field}: missing"
            assert record[field] is not None, f"{name}:{number}: {field}: null"
            assert record[field] != "", f"{name}:{number}: {field}: empty"


def test_the_inventory_has_the_columns_of_a_batch_trace_and_228_weapons() -> None:
    reader = csv.DictReader(io.StringIO(_text(INVENTORY_FILE)))
    assert reader.fieldnames == INVENTORY_COLUMNS
    rows = list(reader)
    assert len(rows) == 228
    for row in rows:
        assert all(row[c] for c in ("serial", "make", "found_date", "holder", "state", "source"))
        assert row["note"].startswith("SYNTHETIC")


# ----------------------------------------------------------------------------------------------- enums


def test_unit_enums_are_those_of_the_model() -> None:
    for unit in units():
        assert unit["kind"] in values(UnitKind), unit["id"]
        assert unit["level"] in values(Level), unit["id"]
        assert unit["country"] == "MX"
        for alias in unit["aliases"]:
            assert alias["kind"] in values(AliasKind), (unit["id"], alias)


def test_allegation_enums_are_those_of_the_model() -> None:
    for allegation in allegations():
        assert allegation["violations"]
        assert set(allegation["violations"]) <= values(ViolationType), allegation["id"]
        assert allegation["confidence"] in values(Confidence), allegation["id"]
        for status in allegation["statuses"]:
            assert status["status"] in values(AllegationStatus), allegation["id"]


def test_licence_enums_are_those_of_the_model() -> None:
    for licence in licences():
        key = licence_key(licence)
        assert licence["agency"] in values(Agency), key
        assert licence["kind"] in values(LicenceKind), key
        assert {s["status"] for s in licence["status_history"]} <= values(LicenceStatus), key
        assert {p["role"] for p in licence["parties"]} <= values(PartyRole), key
        assert {i["fire_mode"] for i in licence["items"]} <= values(FireMode), key
        assert {e["kind"] for e in licence["exclusions"]} <= values(ExclusionKind), key


def test_list_entry_and_custody_enums_are_valid() -> None:
    assert {e["type"] for e in _records("list_entries.jsonl")} <= values(EntryType)
    assert {c["event"] for c in custody()} <= CUSTODY_EVENTS


def test_every_item_names_a_usml_category_or_an_eccn() -> None:
    for licence in licences():
        for item in licence["items"]:
            assert bool(item["usml_category"]) != bool(item["eccn"]), (licence_key(licence), item["line"])


# ------------------------------------------------------------------------------------------------- ids


def _duplicates(keys: list[str]) -> list[str]:
    return [k for k, n in Counter(keys).items() if n > 1]


def test_ids_are_unique_in_every_file() -> None:
    assert not _duplicates([s["id"] for s in sources()])
    assert not _duplicates([u["id"] for u in units()])
    assert not _duplicates([a["id"] for a in allegations()])
    assert not _duplicates([r["id"] for r in _records("lists.jsonl")])
    assert not _duplicates([f"{e['list']}/{e['id']}" for e in _records("list_entries.jsonl")])
    assert not _duplicates([licence_key(licence) for licence in licences()])
    assert not _duplicates([s["id"] for s in shipments()])
    assert not _duplicates([i["serial"] for i in inventory()])


def test_item_lines_are_unique_within_a_licence() -> None:
    for licence in licences():
        assert not _duplicates([str(i["line"]) for i in licence["items"]]), licence_key(licence)


def test_no_serial_is_shipped_twice() -> None:
    assert not _duplicates([s["serial"] for shipment in shipments() for s in shipment["serials"]])


# ------------------------------------------------------------------------------------------ references


def test_unit_parents_and_sources_exist() -> None:
    unit_ids, source_ids = ids(units()), ids(sources())
    for unit in units():
        assert set(unit["sources"]) <= source_ids, unit["id"]
        for parent in unit["parents"]:
            assert parent["unit"] in unit_ids, (unit["id"], parent)
            assert parent["unit"] != unit["id"]
            assert parent["source"] is None or parent["source"] in source_ids, (unit["id"], parent)


def test_allegations_reference_existing_units_and_sources() -> None:
    unit_ids, source_ids = ids(units()), ids(sources())
    for allegation in allegations():
        assert allegation["units"]
        assert set(allegation["units"]) <= unit_ids, allegation["id"]
        for person in allegation["persons"]:
            assert person.get("unit") is None or person["unit"] in unit_ids
        for citation in allegation["citations"]:
            assert citation["source"] in source_ids, (allegation["id"], citation)


def test_watch_list_references_exist() -> None:
    list_ids, source_ids = ids(_records("lists.jsonl")), ids(sources())
    assert {r["source"] for r in _records("lists.jsonl")} <= source_ids
    assert {e["list"] for e in _records("list_entries.jsonl")} <= list_ids


def test_party_resolutions_point_at_existing_units_and_list_entries() -> None:
    unit_ids = ids(units())
    entry_keys = {f"{e['list']}/{e['id']}" for e in _records("list_entries.jsonl")}
    for licence in licences():
        for party in licence["parties"]:
            assert party["unit"] is None or party["unit"] in unit_ids
            assert party["list_entry"] is None or party["list_entry"] in entry_keys


def test_shipments_reference_existing_licences_and_item_lines() -> None:
    lines = {licence_key(lic): {i["line"] for i in lic["items"]} for lic in licences()}
    for shipment in shipments():
        assert shipment["licence"] in lines, shipment["id"]
        for line in shipment["lines"]:
            assert line["item"] in lines[shipment["licence"]], shipment["id"]
        for serial in shipment["serials"]:
            assert serial["item"] in {line["item"] for line in shipment["lines"]}, (shipment["id"], serial)


def test_custody_and_inventory_reference_existing_units_sources_and_shipped_serials() -> None:
    unit_ids, source_ids = ids(units()), ids(sources())
    shipped = {s["serial"] for shipment in shipments() for s in shipment["serials"]}
    for event in custody():
        assert event["holder_unit"] is None or event["holder_unit"] in unit_ids, event
        assert event["source"] in source_ids, event
        assert event["serial"] in shipped, event["serial"]
    assert {row["source"] for row in inventory()} <= source_ids


def test_parent_links_have_no_cycle_whatever_the_dates() -> None:
    parents: dict[str, set[str]] = {u["id"]: {p["unit"] for p in u["parents"]} for u in units()}

    def reaches_itself(start: str) -> bool:
        seen: set[str] = set()
        todo = list(parents[start])
        while todo:
            current = todo.pop()
            if current == start:
                return True
            if current not in seen:
                seen.add(current)
                todo.extend(parents[current])
        return False

    assert [u for u in parents if reaches_itself(u)] == []


# ----------------------------------------------------------------------------------------------- dates


def _partial_dates() -> Iterator[tuple[str, str | None]]:
    for s in sources():
        yield s["id"], s["date"]
    for u in units():
        for p in u["parents"]:
            yield u["id"], p["start"]
            yield u["id"], p["end"]
    for a in allegations():
        yield a["id"], a["start"]
        yield a["id"], a["end"]
    for e in _records("list_entries.jsonl"):
        yield e["id"], e["listed"]
        yield e["id"], e["delisted"]
    for c in custody():
        yield c["serial"], c["date"]


def test_every_partial_date_is_a_real_date() -> None:
    for owner, text in _partial_dates():
        if text is not None:
            assert parse_partial(text) is not None, owner  # raises on "2019-02-29" and the like


def test_date_ranges_do_not_end_before_they_start() -> None:
    for unit in units():
        for p in unit["parents"]:
            DateRange(parse_partial(p["start"]), parse_partial(p["end"]))
    for a in allegations():
        DateRange(parse_partial(a["start"]), parse_partial(a["end"]))


def test_a_unit_has_one_parent_at_a_time() -> None:
    for unit in units():
        spans = sorted(
            (
                PartialDate.parse(p["start"]).earliest() if p["start"] else date.min,
                PartialDate.parse(p["end"]).latest() if p["end"] else date.max,
            )
            for p in unit["parents"]
        )
        for (_, end), (start, _) in pairwise(spans):
            assert end < start, unit["id"]


def test_licence_and_status_dates_are_valid_and_in_order() -> None:
    for licence in licences():
        key = licence_key(licence)
        history = [datetime.fromisoformat(s["at"].replace("Z", "+00:00")) for s in licence["status_history"]]
        assert history == sorted(history), key
        issue = day(licence["issue_date"]) if licence["issue_date"] else None
        expiry = day(licence["expiry_date"]) if licence["expiry_date"] else None
        if issue and expiry:
            assert issue < expiry, key
        approvals = [s for s in licence["status_history"] if s["status"] == "approved"]
        if issue:
            assert approvals, key
            assert approvals[0]["at"].startswith(licence["issue_date"]), key


def test_allegation_statuses_are_dated_in_order_and_credible_ones_carry_a_note() -> None:
    for allegation in allegations():
        dates = [day(s["date"]) for s in allegation["statuses"]]
        assert dates == sorted(dates), allegation["id"]
        for status in allegation["statuses"]:
            if status["status"] == "credible":
                assert "Demo analysts' assessment" in status["note"], allegation["id"]
        start = PartialDate.parse(allegation["start"]).earliest()
        assert all(d >= start for d in dates), allegation["id"]


def test_shipments_fall_inside_the_licence_validity() -> None:
    by_key = {licence_key(lic): lic for lic in licences()}
    for shipment in shipments():
        licence = by_key[shipment["licence"]]
        assert licence["issue_date"] is not None, shipment["id"]
        assert day(licence["issue_date"]) <= day(shipment["date"]), shipment["id"]
        if licence["expiry_date"]:
            assert day(shipment["date"]) <= day(licence["expiry_date"]), shipment["id"]


# ------------------------------------------------------------------------------------------ quantities


def test_items_and_licences_add_up() -> None:
    for licence in licences():
        total = Decimal(0)
        for item in licence["items"]:
            assert isinstance(item["quantity"], int)
            assert item["quantity"] > 0
            assert Decimal(item["unit_value"]) * item["quantity"] == Decimal(item["total_value"])
            total += Decimal(item["total_value"])
        assert Decimal(licence["value"]) == total, licence_key(licence)


def test_shipped_quantities_do_not_exceed_licensed_ones() -> None:
    unit_value = {
        (licence_key(lic), i["line"]): Decimal(i["unit_value"]) for lic in licences() for i in lic["items"]
    }
    shipped: dict[tuple[str, int], int] = defaultdict(int)
    for shipment in shipments():
        assert shipment["lines"], shipment["id"]
        for line in shipment["lines"]:
            assert line["quantity"] > 0
            price = unit_value[(shipment["licence"], line["item"])]
            assert Decimal(line["value"]) == price * line["quantity"], shipment["id"]
            shipped[(shipment["licence"], line["item"])] += line["quantity"]
        assert sum(Decimal(line["value"]) for line in shipment["lines"]) == Decimal(shipment["value"])
    licensed = {(licence_key(lic), i["line"]): i["quantity"] for lic in licences() for i in lic["items"]}
    for key, quantity in shipped.items():
        assert quantity <= licensed[key], key


def test_serial_counts_do_not_exceed_shipped_quantities() -> None:
    for shipment in shipments():
        per_item = Counter(s["item"] for s in shipment["serials"])
        for line in shipment["lines"]:
            assert per_item[line["item"]] <= line["quantity"], (shipment["id"], line["item"])


def test_an_exhausted_licence_shipped_everything() -> None:
    shipped: dict[tuple[str, int], int] = defaultdict(int)
    for shipment in shipments():
        for line in shipment["lines"]:
            shipped[(shipment["licence"], line["item"])] += line["quantity"]
    for licence in licences():
        if licence["status_history"][-1]["status"] == "exhausted":
            key = licence_key(licence)
            assert all(shipped[(key, i["line"])] == i["quantity"] for i in licence["items"]), key


# --------------------------------------------------------------------------------- the demo's promises


def test_there_are_at_least_60_units_and_40_licences() -> None:
    assert len(units()) >= 60
    assert len(licences()) >= 40


def test_every_allegation_cites_at_least_one_real_source() -> None:
    real = {s["id"] for s in sources() if s["id"] not in SYNTHETIC_SOURCES}
    assert all(s["document_ref"] != "SYNTHETIC" for s in sources() if s["id"] in real)
    for allegation in allegations():
        cited = {c["source"] for c in allegation["citations"]}
        assert cited & real, allegation["id"]
        assert all(c["access_point"] for c in allegation["citations"]), allegation["id"]


def test_real_sources_carry_a_url_or_a_document_reference() -> None:
    for source in sources():
        assert source["url"] or source["document_ref"], source["id"]
        if source["id"] in SYNTHETIC_SOURCES:
            assert source["notes"].startswith("SYNTHETIC")


def test_every_licence_is_labelled_synthetic_with_a_fake_number() -> None:
    for licence in licences():
        assert licence["synthetic"] is True, licence_key(licence)
        assert licence["number"].startswith("SYN-"), licence_key(licence)
        assert licence["notes"].startswith("SYNTHETIC: modelled on"), licence_key(licence)


def test_serials_and_watch_list_are_labelled_synthetic() -> None:
    for shipment in shipments():
        assert shipment["id"].startswith("SHP-SYN-")
        assert all(s["serial"].startswith("SYN-") for s in shipment["serials"])
    assert all(row["serial"].startswith("SYN-") for row in inventory())
    assert all(r["synthetic"] is True for r in _records("lists.jsonl"))
    assert all(e["remarks"].startswith("SYNTHETIC") for e in _records("list_entries.jsonl"))
    assert all(c["note"].startswith("SYNTHETIC") for c in custody())


def test_the_cases_of_the_letter_are_present() -> None:
    allegation_ids = ids(allegations())
    assert {
        "mx-alg-iguala-2014-municipal",
        "mx-alg-nuevo-laredo-2018-semar",
        "mx-alg-camargo-2021",
        "mx-alg-semar-custody-torture-study",
    } <= allegation_ids
    by_key = {licence_key(lic): lic for lic in licences()}
    assert by_key["DDTC/SYN-21-0010"]["cn_reference"] == "DDTC-20-072"
    assert Decimal(by_key["DDTC/SYN-21-0010"]["value"]) == Decimal("5500000")
    kinds = Counter(lic["kind"] for lic in licences())
    assert kinds["STA"] == 2
    assert any(e["value"] == "Guerrero" for lic in licences() for e in lic["exclusions"])
    tamaulipas_2019 = [s for s in shipments() if s["licence"] == "DDTC/SYN-19-0004"]
    assert any(day(s["date"]) < date(2021, 1, 22) for s in tamaulipas_2019)
    assert any(day(s["date"]) > date(2021, 1, 22) for s in tamaulipas_2019)


def test_the_inventory_mixes_licensed_and_unlicensed_serials() -> None:
    shipped = {s["serial"]: shipment["licence"] for shipment in shipments() for s in shipment["serials"]}
    licences_found = Counter(shipped[row["serial"]] for row in inventory() if row["serial"] in shipped)
    assert licences_found == {"DDTC/SYN-12-0001": 20, "DDTC/SYN-13-0037": 10, "DDTC/SYN-11-0051": 25}
    assert sum(1 for row in inventory() if row["serial"] not in shipped) == 228 - 55
