from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lantern.charts.bars import Bars, Series
from lantern.reports.model import (
    Cell,
    Column,
    ColumnKind,
    Fact,
    Figure,
    Parameters,
    Ref,
    Regime,
    Report,
    Section,
    Source,
    Table,
    category_matches,
    cell,
    compress_serials,
    regime_of,
    report_document,
    show,
)
from lantern.reports.render import FORMATS, render


def test_serial_runs_are_written_first_to_last() -> None:
    serials = ["SYN-A0003", "SYN-A0001", "SYN-A0002", "SYN-A0005", "SYN-B0006", "LE 12", "X"]
    assert compress_serials(serials) == ["LE 12", "SYN-A0001…SYN-A0003", "SYN-A0005", "SYN-B0006", "X"]


def _expand(run: str) -> list[str]:
    first, _, last = run.partition("…")
    if not last:
        return [first]
    stem = first.rstrip("0123456789")
    width = len(first) - len(stem)
    return [f"{stem}{n:0{width}d}" for n in range(int(first[len(stem) :]), int(last[len(stem) :]) + 1)]


@given(st.sets(st.tuples(st.sampled_from(["A", "B-", "LE"]), st.integers(0, 60))))
def test_serial_runs_are_lossless(parts: set[tuple[str, int]]) -> None:
    serials = {f"{prefix}{number:03d}" for prefix, number in parts}
    runs = compress_serials(serials)
    expanded = [s for run in runs for s in _expand(run)]
    assert sorted(expanded) == sorted(serials)
    assert len(expanded) == len(set(expanded))


def _runs_by_expression(serials: set[str]) -> list[str]:
    """The runs as the regular expression alone splits serials: what the fast path must agree with."""
    import re

    tail = re.compile(r"^(.*?)(\d+)$")
    parsed, others = [], []
    for serial in serials:
        match = tail.match(serial)
        if match:
            parsed.append((match.group(1), len(match.group(2)), int(match.group(2)), serial))
        else:
            others.append(serial)
    parsed.sort()
    runs: list[list[tuple[str, int, int, str]]] = []
    for item in parsed:
        last = runs[-1][-1] if runs else None
        if last is not None and item[:2] == last[:2] and item[2] == last[2] + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    return [r[0][3] if len(r) == 1 else f"{r[0][3]}…{r[-1][3]}" for r in runs] + sorted(others)


@given(
    st.sets(
        st.tuples(
            st.sampled_from(["", "A", "A1-", "LE ", "x\n", "٣", "A٣", "²", "B\n1"]),
            st.integers(0, 40),
            st.sampled_from(["", "\n", "٣", "X"]),
        ),
        max_size=40,
    )
)
def test_serial_runs_agree_with_the_regular_expression(parts: set[tuple[str, int, str]]) -> None:
    serials = {f"{prefix}{number:02d}{suffix}" for prefix, number, suffix in parts}
    assert compress_serials(serials) == _runs_by_expression(serials)


def test_record_addresses_are_percent_encoded_where_needed() -> None:
    assert Ref("licence", "DDTC/050000001").path == "/licences/DDTC/050000001"
    assert Ref("licence", "BIS/D 12/3").path == "/licences/BIS/D%2012%2F3"
    assert Ref("licence", "DDTC/Nº5").path == "/licences/DDTC/N%C2%BA5"
    assert Ref("shipment", "DDTC/0500#SHP-1").path == "/licences/DDTC/0500#shipment-SHP-1"
    assert Ref("unit", "mx-gopes").path == "/units/mx-gopes"
    assert Ref("source", "src 1").path == "/reports/consultations#source-src%201"


@pytest.mark.parametrize(
    ("usml", "eccn", "regime"),
    [
        ("I(a)", None, Regime.USML_I),
        ("I(h)", None, Regime.USML_I),
        ("II(a)", None, Regime.OTHER),
        ("IV", None, Regime.OTHER),
        (None, "0A501.a", Regime.CCL_600),
        (None, "0A505.a", Regime.CCL_600),
        (None, "0A506", Regime.OTHER),
        (None, None, Regime.OTHER),
    ],
)
def test_control_regimes(usml: str | None, eccn: str | None, regime: Regime) -> None:
    assert regime_of(usml, eccn) is regime


def test_categories_match_by_regime_or_prefix() -> None:
    assert category_matches(None, "I(a)", None)
    assert category_matches("usml-i", "I(a)", None)
    assert not category_matches("usml-i", None, "0A501.a")
    assert category_matches("ccl", None, "0A502")
    assert category_matches("0a501", None, "0A501.a")
    assert not category_matches("0A502", None, "0A501.a")
    assert category_matches("I(b)", "I(b)", None)


def test_numbers_are_shown_the_same_in_every_format() -> None:
    assert show(Decimal("1234.5"), ColumnKind.MONEY) == "US$1,234.50"
    assert show(12345, ColumnKind.COUNT) == "12,345"
    assert show(0.25, ColumnKind.SHARE) == "25.0%"
    assert show(None, ColumnKind.COUNT) == "—"
    assert show(date(2021, 3, 1), ColumnKind.DATE) == "2021-03-01"


def test_records_have_addresses_in_the_web_application() -> None:
    assert Ref("licence", "DDTC/SYN 1").path == "/licences/DDTC/SYN%201"
    assert Ref("unit", "mx-semar").path == "/units/mx-semar"
    assert Ref("shipment", "BIS/D1#SHP-1").path == "/licences/BIS/D1#shipment-SHP-1"
    with pytest.raises(ValueError, match="no address"):
        _ = Ref("nothing", "x").path


def test_a_row_must_fill_every_column() -> None:
    with pytest.raises(ValueError, match="2 cells for 1 columns"):
        Table("t", "T", (Column("a", "A"),), ((Cell(1), Cell(2)),))


def test_cells_list_each_record_once_in_order() -> None:
    c = cell(3, [Ref("unit", "b"), Ref("licence", "X/1"), Ref("unit", "b")])
    assert c.refs == (Ref("licence", "X/1"), Ref("unit", "b"))


def _report() -> Report:
    chart = Bars("Items", ("2020", "2021"), (Series("items", (3.0, 4.0)),))
    rows = ((cell("GOPES", [Ref("unit", "mx-gopes")]), cell(7, [Ref("licence", "DDTC/1")])),)
    return Report(
        name="sample",
        title="A sample report",
        question="What?",
        parameters=Parameters(start=date(2020, 1, 1)),
        as_of=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        sections=(
            Section(
                "s",
                "Summary",
                ("Synthetic test data.",),
                (Fact("Items", cell(7, [Ref("licence", "DDTC/1")])),),
                (Figure("f", "Items", chart, "7 items."),),
                (
                    Table(
                        "units",
                        "Units",
                        (Column("unit", "Unit"), Column("items", "Items", ColumnKind.COUNT)),
                        rows,
                    ),
                ),
            ),
        ),
        sources=(Source("licence", "Licence book"),),
    )


def test_the_document_states_time_parameters_sources_and_records() -> None:
    doc = report_document(
        _report(), generated_at=datetime(2026, 11, 2, tzinfo=UTC), base_url="https://l.test/"
    )
    assert doc["as_of"] == "2026-11-01T12:00:00+00:00"
    assert doc["generated_at"] == "2026-11-02T00:00:00+00:00"
    assert doc["parameters"]["from"] == "2020-01-01"
    assert doc["sources"] == [{"key": "licence", "title": "Licence book", "detail": None, "url": None}]
    row = doc["sections"][0]["tables"][0]["rows"][0]
    assert row["items"]["records"] == [
        {"kind": "licence", "key": "DDTC/1", "url": "https://l.test/licences/DDTC/1"}
    ]


def test_every_format_is_reproducible_and_states_the_time() -> None:
    one, two = datetime(2026, 11, 2, tzinfo=UTC), datetime(2026, 11, 3, 8, 30, tzinfo=UTC)
    for fmt in FORMATS:
        first = render(_report(), fmt, generated_at=one, base_url="https://l.test")
        assert first == render(_report(), fmt, generated_at=one, base_url="https://l.test"), fmt
        if fmt != "pdf":
            second = render(_report(), fmt, generated_at=two, base_url="https://l.test")
            assert first.replace(one.isoformat().encode(), b"T") == second.replace(
                two.isoformat().encode(), b"T"
            )
            assert b"2026-11-01T12:00:00+00:00" in first, fmt
    assert orjson.loads(render(_report(), "json", generated_at=one))["title"] == "A sample report"
    csv = render(_report(), "csv", generated_at=one, base_url="https://l.test").decode()
    assert "unit,items,records\nGOPES,7,https://l.test/units/mx-gopes https://l.test/licences/DDTC/1\n" in csv
    html = render(_report(), "html", generated_at=one).decode()
    assert '<a href="/units/mx-gopes">GOPES</a>' in html
    assert "<svg" in html


def test_a_table_that_is_not_there_is_named() -> None:
    with pytest.raises(KeyError, match="has no table 'x'"):
        _report().table("x")
