"""JSON Lines: one record per line, the contract's own form."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import orjson
from pydantic import ValidationError

from lantern.io.checks import check_record
from lantern.io.problems import Row, problems_from
from lantern.io.reading import EncodingError, Progress, open_binary, read_lines
from lantern.io.records import Record, dump


def read_jsonl(
    path: Path,
    record_type: type[Record],
    *,
    name: str,
    max_line_bytes: int,
    progress: Progress | None = None,
) -> Iterator[Row]:
    """Every non-blank line as a Row: a validated record, or the problems that stopped it."""
    record_name = record_type.record_kind.value
    with open_binary(path) as stream:
        try:
            for line in read_lines(stream, max_line_bytes=max_line_bytes, progress=progress):
                if line.text is None:
                    row = Row(name, line.number, None)
                    row.add(("encoding",), line.error or "unreadable line")
                    yield row
                    continue
                if not line.text.strip():
                    continue
                row = Row(name, line.number, None)
                try:
                    row.record = record_type.model_validate_json(line.text)
                except ValidationError as exc:
                    problems_from(exc, row, record_name)
                    if not line.terminated and any(p.field == "record" for p in row.problems):
                        row.add((), "the last line is cut short: the file seems truncated")
                else:
                    for loc, message in check_record(row.record):
                        row.add(loc, message)
                yield row
        except EncodingError as exc:
            row = Row(name, 1, None)
            row.add(("encoding",), str(exc))
            yield row


def write_jsonl(stream: IO[bytes], records: Iterable[Record]) -> int:
    count = 0
    for record in records:
        stream.write(orjson.dumps(dump(record)) + b"\n")
        count += 1
    return count


def peek_object(path: Path) -> dict[str, object] | None:
    """The first non-blank line parsed as a JSON object, for format detection; None if it is not one."""
    with open_binary(path) as stream:
        for _ in range(50):
            raw = stream.readline(1 << 24)
            if not raw:
                return None
            raw = raw.removeprefix(b"\xef\xbb\xbf")
            if raw.strip():
                try:
                    value = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    return None
                return value if isinstance(value, dict) else None
    return None
