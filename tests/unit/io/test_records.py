from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lantern.io.problems import Row, format_loc, problems_from
from lantern.io.records import (
    RECORD_TYPES,
    CustodyRecord,
    LicenceRecord,
    RecordKind,
    ShipmentRecord,
    SourceRecord,
    derive_custody_key,
    dump,
    fingerprint,
)
from lantern.io.schemas import render, schema_documents
from lantern.io.tabular import layout
from tests.unit.io import samples

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _problems(record_type: Any, data: dict[str, Any]) -> list[str]:
    row = Row("f.jsonl", 7, None)
    with pytest.raises(ValidationError) as caught:
        record_type.model_validate(data)
    problems_from(caught.value, row, "test")
    return [str(p) for p in row.problems]


def _licence(**changes: Any) -> dict[str, Any]:
    return samples.licences()[1] | changes


@pytest.mark.parametrize(
    ("given_value", "stored"),
    [
        ("1200", "1200.00"),
        (1200, "1200.00"),
        (1200.5, "1200.50"),
        ("0.10", "0.10"),
        ("999999999999.99", "999999999999.99"),
        ("1000000000000", None),
    ],
)
def test_money_is_kept_to_the_cent(given_value: object, stored: str | None) -> None:
    if stored is None:
        assert _problems(LicenceRecord, _licence(value=given_value))
        return
    assert dump(LicenceRecord.model_validate(_licence(value=given_value)))["value"] == stored


@pytest.mark.parametrize(
    ("given_value", "message"),
    [
        ("-1", "value: must be greater than or equal to 0 (got '-1')"),
        ("1.005", "value: Decimal input should have no more than 2 decimal places (got '1.005')"),
        ("abc", "value: must be a valid decimal (got 'abc')"),
        ("NaN", "value: must be a finite number (got 'NaN')"),
    ],
)
def test_bad_money_is_refused(given_value: object, message: str) -> None:
    assert _problems(LicenceRecord, _licence(value=given_value)) == [f"f.jsonl:7: {message}"]


def test_countries_are_two_capital_letters() -> None:
    assert _problems(LicenceRecord, _licence(country="Mexico")) == [
        "f.jsonl:7: country: must be a two-letter ISO country code in capitals, like MX (got 'Mexico')"
    ]


def test_blank_names_and_unknown_fields_are_named() -> None:
    licence = _licence()
    licence["parties"] = [{"role": "end_user", "name": "   ", "nmae": "x"}]
    assert _problems(LicenceRecord, licence) == [
        "f.jsonl:7: parties[1].name: must not be blank",
        "f.jsonl:7: parties[1].nmae: is not a field of test records (misspelt?)",
    ]


def test_enum_problems_list_the_allowed_values() -> None:
    [problem] = _problems(LicenceRecord, _licence(kind="DSP5"))
    assert problem.startswith("f.jsonl:7: kind: must be 'DSP-5', 'DSP-73', 'DSP-61', 'BIS-748P', 'STA' or")


@pytest.mark.parametrize(
    ("text", "expected"), [("2014", "2014"), ("2014-09", "2014-09"), ("2014-09-26", "2014-09-26")]
)
def test_partial_dates_keep_their_precision(text: str, expected: str) -> None:
    source = SourceRecord.model_validate({"id": "s", "title": "t", "date": text})
    assert source.date == expected


def test_positions_count_from_one() -> None:
    assert format_loc(("parties", 1, "name")) == "parties[2].name"
    assert format_loc(()) == "record"


def test_times_without_a_zone_are_utc() -> None:
    licence = _licence()
    licence["status_history"] = [{"status": "approved", "at": "2021-01-05T10:00:00", "by": "o"}]
    assert dump(LicenceRecord.model_validate(licence))["status_history"][0]["at"] == "2021-01-05T10:00:00Z"
    licence["status_history"] = [{"status": "approved", "at": "2021-01-05T10:00:00-06:00", "by": "o"}]
    assert dump(LicenceRecord.model_validate(licence))["status_history"][0]["at"] == "2021-01-05T16:00:00Z"


def test_the_fingerprint_sees_values_not_spelling() -> None:
    one = LicenceRecord.model_validate(_licence(value="1200"))
    two = LicenceRecord.model_validate(_licence(value=1200.0))
    three = LicenceRecord.model_validate(_licence(value="1201"))
    assert fingerprint(one)[1] == fingerprint(two)[1] != fingerprint(three)[1]


def test_a_shipment_fingerprint_ignores_the_status_the_importer_decides() -> None:
    shipment = samples.shipments()[0]
    plain = ShipmentRecord.model_validate(shipment)
    exported = ShipmentRecord.model_validate(shipment | {"status": "rejected", "status_reason": "x"})
    assert fingerprint(plain)[1] == fingerprint(exported)[1]


def test_custody_events_without_an_id_get_a_stable_folded_one() -> None:
    event = samples.custody()[0]
    one = CustodyRecord.model_validate(event)
    two = CustodyRecord.model_validate(
        event | {"serial": "tst000001", "holder": "POLICÍA MUNICIPAL DE CIUDAD PRUEBA"}
    )
    assert one.key == two.key
    assert one.key.startswith("ce-")
    assert derive_custody_key(dump(one)) == one.key
    assert CustodyRecord.model_validate(samples.custody()[1]).key == "test-event-2"


@pytest.mark.parametrize("kind", list(RecordKind))
def test_the_samples_are_valid_and_dump_back_to_themselves(kind: RecordKind) -> None:
    for data in samples.WORLD[kind.value]():
        record = RECORD_TYPES[kind].model_validate(data)
        again = RECORD_TYPES[kind].model_validate(dump(record))
        assert again == record
        assert fingerprint(again) == fingerprint(record)


money = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False)


@given(
    quantity=st.integers(min_value=0, max_value=10**6),
    price=money,
    name=st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and "\x00" not in s),
)
def test_licences_survive_dump_and_validate(quantity: int, price: Decimal, name: str) -> None:
    licence = _licence()
    licence["items"] = [{"line": 1, "description": name, "quantity": quantity, "unit_value": str(price)}]
    licence["parties"] = [{"role": "end_user", "name": name}]
    record = LicenceRecord.model_validate(licence)
    assert LicenceRecord.model_validate(dump(record)) == record


def test_the_committed_json_schemas_match_the_models() -> None:
    documents = schema_documents()
    committed = {p.name for p in (DOCS / "schemas").glob("*.schema.json")}
    assert committed == set(documents), "run `python -m lantern.io.schemas docs/schemas`"
    for name, document in documents.items():
        assert (DOCS / "schemas" / name).read_bytes() == render(document), (
            f"{name} is stale: run `python -m lantern.io.schemas docs/schemas`"
        )


def test_every_field_is_documented() -> None:
    text = (DOCS / "formats.md").read_text(encoding="utf-8")
    for kind, record_type in RECORD_TYPES.items():
        section = text.split(f"## {kind.value}", 1)
        assert len(section) == 2, f"docs/formats.md has no section '## {kind.value}'"
        body = section[1].split("\n## ", 1)[0]
        for name in record_type.model_fields:
            assert f"`{name}`" in body, f"{kind.value}.{name} is not documented"
        for list_field in layout(kind).lists:
            for sub in list_field.subfields or ():
                assert f"`{list_field.field}[].{sub}`" in body, f"{kind.value}.{list_field.field}.{sub}"
