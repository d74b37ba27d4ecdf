"""Problems found in input files, reported as `file:line: field: message`. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from pydantic import ValidationError

from lantern.io.records import COUNTRY, NONBLANK, Record, fingerprint

#: A place inside a record, as pydantic gives it: ("parties", 1, "name") is the second party's name.
Loc = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


def format_loc(loc: Loc) -> str:
    """("parties", 1, "name") -> "parties[2].name": positions count from 1, as people count."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "record"


Locator = Callable[[Loc], tuple[int, str]]


@dataclass(slots=True)
class Row:
    """One record read from a file (or the problems that stopped it from being read)."""

    file: str
    line: int
    record: Record | None
    problems: list[Problem] = field(default_factory=list)
    locator: Locator | None = None
    # Filled by `prepare`: the natural key, the record as contract JSON (text, then data) and its hash.
    key: str | None = None
    raw: str | None = None
    data: dict[str, Any] | None = None
    content: str | None = None

    def locate(self, loc: Loc) -> tuple[int, str]:
        if self.locator is not None:
            return self.locator(loc)
        return self.line, format_loc(loc)

    def add(self, loc: Loc, message: str) -> Problem:
        line, name = self.locate(loc)
        problem = Problem(self.file, line, name, message)
        self.problems.append(problem)
        return problem


def prepare(row: Row) -> Row:
    """Give a valid row its key, its contract JSON and its content hash; the store writes from these."""
    record = row.record
    if record is not None and not row.problems:
        row.key = record.key
        row.raw, row.content = fingerprint(record)
    return row


def materialise(row: Row) -> Row:
    """Parse a prepared row's JSON into data (done in the process that writes)."""
    if row.raw is not None:
        row.data = orjson.loads(row.raw)
        row.raw = None
    return row


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def explain(error: dict[str, Any], record_name: str) -> str:
    """A pydantic error in words an analyst can act on."""
    kind = error["type"]
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return f"is not a field of {record_name} records (misspelt?)"
    if kind == "string_pattern_mismatch":
        pattern = (error.get("ctx") or {}).get("pattern")
        if pattern == NONBLANK:
            return "must not be blank"
        if pattern == COUNTRY:
            shown = _shown(error.get("input"))
            return f"must be a two-letter ISO country code in capitals, like MX (got {shown})"
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    message = message.replace("Input should be", "must be")
    value = error.get("input")
    if isinstance(value, str | int | float | bool) and kind not in {"json_invalid"}:
        message += f" (got {_shown(value)})"
    return message


def problems_from(exc: ValidationError, row: Row, record_name: str) -> None:
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        if error["type"] == "json_invalid":
            row.add((), f"not valid JSON: {error['msg'].removeprefix('Invalid JSON: ')}")
            continue
        row.add(loc, explain(dict(error), record_name))


def first_problems(problems: Sequence[Problem], limit: int) -> list[str]:
    shown = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        shown.append(f"... and {len(problems) - limit} more problems")
    return shown
