"""A report as plain data: what it answers, from which data, with every number tied to its records. Pure.

A report is built once and rendered many ways (HTML, CSV, JSON, PDF) by `lantern.reports.render`. Nothing
here reads the store or the clock: the time the data was drawn (`as_of`) and the time of generation are given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import quote

from lantern.charts.bars import Bars
from lantern.charts.lines import Lines
from lantern.charts.timeline import Timeline

Value = str | int | float | Decimal | date | None
Chart = Bars | Lines | Timeline


class ColumnKind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    MONEY = "money"
    DATE = "date"
    SHARE = "share"  # a fraction in [0, 1], shown as a percentage


class Ref(NamedTuple):
    """A record behind a number: its kind and key, as the web application addresses it.

    A named tuple: a large report puts hundreds of thousands of them in sets and sorts them, and a tuple
    hashes and orders (by kind, then key) without running Python code."""

    # licence ("AGENCY/NUMBER"), unit, allegation, source; shipment and finding ("AGENCY/NUMBER#KEY")
    kind: str
    key: str

    @property
    def path(self) -> str:
        return ref_path(self)


#: Where each kind of record lives in the web application. Shipments, serials and findings are shown on their
#: licence's page, so their references carry the licence and an anchor.
def ref_path(ref: Ref) -> str:
    if ref.kind == "licence":
        agency, _, number = ref.key.partition("/")
        return f"/licences/{_quote(agency)}/{_quote(number)}"
    if ref.kind in {"shipment", "finding", "serial"}:
        licence, _, anchor = ref.key.partition("#")
        agency, _, number = licence.partition("/")
        return f"/licences/{_quote(agency)}/{_quote(number)}#{ref.kind}-{_quote(anchor)}"
    if ref.kind in {"unit", "allegation"}:
        return f"/{ref.kind}s/{_quote(ref.key)}"
    if ref.kind in {"case", "check"}:
        return f"/{ref.kind}s/{_quote(ref.key)}"
    if ref.kind in {"consultation", "communication", "source"}:
        return f"/reports/consultations#{ref.kind}-{_quote(ref.key)}"
    raise ValueError(f"no address for records of kind {ref.kind!r}")


def _quote(part: str) -> str:
    """A path segment percent-encoded; letters and digits alone (most licence numbers) need no work."""
    return part if part.isascii() and part.isalnum() else quote(part, safe="")


@dataclass(frozen=True, slots=True)
class Cell:
    value: Value
    refs: tuple[Ref, ...] = ()


def cell(value: Value, refs: Iterable[Ref] = ()) -> Cell:
    """A value and the records behind it, each once, in a stable order."""
    return Cell(value, tuple(sorted(set(refs))))


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str | None = None
    # Pages and print show at most this many rows (the CSV and JSON always carry all of them).
    display_limit: int | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table {self.key}: a row has {len(row)} cells for {width} columns")


@dataclass(frozen=True, slots=True)
class Fact:
    """A key figure of a section, stated on its own line."""

    label: str
    value: Cell
    kind: ColumnKind = ColumnKind.COUNT


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    title: str
    chart: Chart
    alt: str  # the chart in words, for readers who cannot see it


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    text: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    figures: tuple[Figure, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """What a report was drawn from: a table of the store, or a document cited by its records."""

    key: str
    title: str
    detail: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Parameters:
    """What a report was asked for. Every report takes the same parameters; each says which it uses."""

    country: str = "MX"
    start: date | None = None  # from
    end: date | None = None  # to, inclusive
    state: str | None = None
    unit: str | None = None  # roll up the hierarchy under this unit
    category: str | None = None  # "usml-i", "ccl", or a USML category / ECCN prefix
    on: date | None = None  # the day deadlines are judged on (statutory reports due, late)

    def in_period(self, day: date | None) -> bool:
        if day is None:
            return self.start is None and self.end is None
        if self.start and day < self.start:
            return False
        return not (self.end and day > self.end)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "country": self.country,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "state": self.state,
            "unit": self.unit,
            "category": self.category,
            "on": self.on.isoformat() if self.on else None,
        }


def category_matches(wanted: str | None, usml_category: str | None, eccn: str | None) -> bool:
    """Whether an item falls in the asked category: `usml-i` (USML Category I), `ccl` (ECCN 0A501–0A505),
    or a prefix of a USML category or ECCN ("I(a)", "0A501")."""
    if not wanted:
        return True
    token = wanted.strip().lower()
    if token in {"usml-i", "usml", "cat-i"}:
        return regime_of(usml_category, eccn) == Regime.USML_I
    if token == "ccl":
        return regime_of(usml_category, eccn) == Regime.CCL_600
    for code in (usml_category, eccn):
        if code and code.lower().replace(" ", "").startswith(token.replace(" ", "")):
            return True
    return False


class Regime(StrEnum):
    USML_I = "USML Category I"
    CCL_600 = "CCL 0A501–0A505"
    OTHER = "other"


_CCL_FIREARMS = re.compile(r"^0A50[1-5]", re.IGNORECASE)
_USML_I = re.compile(r"^I(\(|$|\s)", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a book holds few distinct categories; reports ask once per item
def regime_of(usml_category: str | None, eccn: str | None) -> Regime:
    """The control regime of an item: State's USML Category I, or Commerce's ECCN 0A501–0A505 (since 2020)."""
    if usml_category and _USML_I.match(usml_category.strip()):
        return Regime.USML_I
    if eccn and _CCL_FIREARMS.match(eccn.strip()):
        return Regime.CCL_600
    return Regime.OTHER


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title: str
    question: str  # the question of the letter it answers, in a sentence
    parameters: Parameters
    as_of: datetime | None  # the latest change recorded in the data it was drawn from
    sections: tuple[Section, ...]
    sources: tuple[Source, ...]
    notes: tuple[str, ...] = ()
    main_table: str | None = None  # the table the CSV gives when none is asked for

    def tables(self) -> list[Table]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str | None = None) -> Table:
        tables = self.tables()
        if not tables:
            raise KeyError(f"the report {self.name} has no table")
        wanted = key or self.main_table or tables[0].key
        for table in tables:
            if table.key == wanted:
                return table
        known = ", ".join(t.key for t in tables)
        raise KeyError(f"the report {self.name} has no table {wanted!r} (it has: {known})")

    def figures(self) -> list[Figure]:
        return [figure for section in self.sections for figure in section.figures]


# ---------------------------------------------------------------------------------------------------------
# Values as people read them, the same in every format


def show(value: Value, kind: ColumnKind = ColumnKind.TEXT) -> str:
    if value is None or value == "":
        return "—" if kind is not ColumnKind.TEXT else ""
    if kind is ColumnKind.MONEY:
        return f"US${Decimal(str(value)):,.2f}"
    if kind is ColumnKind.SHARE:
        return f"{float(str(value)) * 100:.1f}%"
    if kind is ColumnKind.COUNT and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def plain(value: Value) -> str | int | float | None:
    """A value for CSV and JSON: numbers stay numbers, money and dates are exact strings."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value


def link(ref: Ref, base_url: str = "") -> str:
    return base_url.rstrip("/") + ref.path


def report_document(report: Report, *, generated_at: datetime, base_url: str = "") -> dict[str, Any]:
    """The report as one JSON-ready document: what the JSON format writes and the web page's twin returns."""

    def cell_doc(c: Cell, kind: ColumnKind) -> dict[str, Any]:
        doc: dict[str, Any] = {"value": plain(c.value), "text": show(c.value, kind)}
        if c.refs:
            doc["records"] = [{"kind": r.kind, "key": r.key, "url": link(r, base_url)} for r in c.refs]
        return doc

    def table_doc(t: Table) -> dict[str, Any]:
        return {
            "key": t.key,
            "title": t.title,
            "note": t.note,
            "display_limit": t.display_limit,
            "columns": [{"key": c.key, "title": c.title, "kind": c.kind.value} for c in t.columns],
            "rows": [
                {col.key: cell_doc(value, col.kind) for col, value in zip(t.columns, row, strict=True)}
                for row in t.rows
            ],
        }

    return {
        "report": report.name,
        "title": report.title,
        "question": report.question,
        "parameters": report.parameters.as_dict(),
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "generated_at": generated_at.isoformat(),
        "notes": list(report.notes),
        "main_table": report.main_table,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "text": list(s.text),
                "facts": [
                    {"label": f.label, "kind": f.kind.value, **cell_doc(f.value, f.kind)} for f in s.facts
                ],
                "figures": [{"key": f.key, "title": f.title, "alt": f.alt} for f in s.figures],
                "tables": [table_doc(t) for t in s.tables],
            }
            for s in report.sections
        ],
        "sources": [
            {"key": s.key, "title": s.title, "detail": s.detail, "url": s.url} for s in report.sources
        ],
    }


def table_records(row: Sequence[Cell]) -> list[Ref]:
    """Every record behind a row, once, in order: the CSV's `records` column."""
    seen: dict[Ref, None] = {}
    for c in row:
        for ref in c.refs:
            seen.setdefault(ref, None)
    return list(seen)


def sum_counts(values: Iterable[int]) -> int:
    return sum(values, 0)


def compress_serials(serials: Iterable[str]) -> list[str]:
    """Serial numbers as runs: SYN-A00000001…SYN-A00000150 for consecutive numbers with the same prefix.

    Lossless: every serial is in exactly one run, and a run names its first and last serial in full. Runs are
    ordered by prefix, number width and number; serials without a trailing number come last, sorted.
    """
    # (prefix, width) → numbers, for serials ending in ASCII digits: each is rebuilt exactly from its number,
    # so a book's millions of serials cost an integer each. Other tails (other scripts' digits, a line break
    # before the digits) keep their text; the regular expression decides what their number is.
    plain: dict[tuple[str, int], list[int]] = {}
    odd: dict[tuple[str, int], list[tuple[int, str]]] = {}
    others: list[str] = []
    last_head, last_width, numbers = "", 0, []
    # Each serial once, in the order given: shipments list their serials in order, so a serial's neighbour
    # usually shares its prefix (a set's order would break that up).
    for serial in dict.fromkeys(serials):
        head = serial.rstrip(_ASCII_DIGITS)
        cut = len(head)
        width = len(serial) - cut
        if head == last_head and width == last_width and width:  # most serials share their neighbour's prefix
            numbers.append(int(serial[cut:]))
            continue
        if width and not (head and head[-1].isdecimal()) and "\n" not in head:
            numbers = plain.get((head, width)) or plain.setdefault((head, width), [])
            numbers.append(int(serial[cut:]))
            last_head, last_width = head, width
            continue
        match = _TAIL.match(serial)
        if match:
            odd.setdefault((match.group(1), len(match.group(2))), []).append((int(match.group(2)), serial))
        else:
            others.append(serial)
    runs: list[str] = []
    for key in sorted(plain.keys() | odd.keys()):
        head, width = key
        if key in odd:
            items = sorted([(n, f"{head}{n:0{width}d}") for n in plain.get(key, ())] + odd[key])
        else:
            items = [(n, f"{head}{n:0{width}d}") for n in _run_ends(sorted(plain[key]))]
            for first, last in zip(items[::2], items[1::2], strict=True):
                runs.append(first[1] if first[0] == last[0] else f"{first[1]}…{last[1]}")
            continue
        start = last = items[0]
        for item in items[1:]:
            if item[0] == last[0] + 1:
                last = item
                continue
            runs.append(start[1] if start is last else f"{start[1]}…{last[1]}")
            start = last = item
        runs.append(start[1] if start is last else f"{start[1]}…{last[1]}")
    return runs + sorted(others)


def _run_ends(numbers: list[int]) -> list[int]:
    """First and last of each run of consecutive numbers, in order: [1, 2, 3, 5] → [1, 3, 5, 5]."""
    ends: list[int] = []
    start = previous = numbers[0]
    for number in numbers:
        if number == previous + 1:
            previous = number
            continue
        if number != start:
            ends += (start, previous)
            start = number
        previous = number
    ends += (start, previous)
    return ends


_TAIL = re.compile(r"^(.*?)(\d+)$")
_ASCII_DIGITS = "0123456789"


def count_by(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for key, count in pairs:
        out[key] = out.get(key, 0) + count
    return out


def ordered(mapping: Mapping[str, int], *, limit: int | None = None) -> list[tuple[str, int]]:
    """Largest first, then by name: a stable order for charts and tables."""
    items = sorted(mapping.items(), key=lambda kv: (-kv[1], kv[0]))
    return items[:limit] if limit else items
