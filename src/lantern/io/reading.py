"""Reading text files line by line, refusing what is not UTF-8 with a message that says so.

Spreadsheets and older systems often save Latin-1 or UTF-16. Guessing would silently turn "Policía" into
"PolicÃ­a" in the registry, so each line is decoded strictly and every failure is a problem on that line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

#: Called with the number of bytes read since the last call.
Progress = Callable[[int], None]

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_REPORT_EVERY = 1 << 20


class EncodingError(ValueError):
    """The whole file is in an encoding Lantern does not read."""


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str | None  # None when the line could not be decoded
    error: str | None = None
    terminated: bool = True  # False for a last line without a newline (a truncated file shows this)


def check_encoding(head: bytes) -> None:
    if head.startswith(_UTF16_BOMS):
        raise EncodingError("the file is UTF-16; save it as UTF-8 and import it again")
    if b"\x00" in head[:4096]:
        raise EncodingError("the file holds NUL bytes: it is binary or UTF-16, not UTF-8 text")


def _describe(raw: bytes, exc: UnicodeDecodeError) -> str:
    bad = raw[exc.start : exc.start + 1].hex().upper()
    column = len(raw[: exc.start].decode("utf-8", "replace")) + 1
    hint = " (the file looks like Latin-1 or Windows-1252)" if 0xA0 <= raw[exc.start] <= 0xFF else ""
    return f"not UTF-8: byte 0x{bad} at column {column}{hint}; save the file as UTF-8"


def read_lines(stream: BinaryIO, *, max_line_bytes: int, progress: Progress | None = None) -> Iterator[Line]:
    """Decoded lines (without their line ending), numbered from 1."""
    head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    check_encoding(head)
    number = 0
    pending = 0
    while True:
        raw = stream.readline(max_line_bytes + 1)
        if not raw:
            break
        number += 1
        pending += len(raw)
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            # Skip to the end of this overlong line without holding it in memory.
            while True:
                rest = stream.readline(1 << 20)
                pending += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield Line(number, None, f"line is longer than {max_line_bytes} bytes: not a record")
            continue
        if number == 1 and raw.startswith(_UTF8_BOM):
            raw = raw[len(_UTF8_BOM) :]
        terminated = raw.endswith(b"\n")
        body = raw.rstrip(b"\r\n") if terminated else raw
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Line(number, None, _describe(body, exc), terminated)
        else:
            yield Line(number, text, None, terminated)
        if progress is not None and pending >= _REPORT_EVERY:
            progress(pending)
            pending = 0
    if progress is not None and pending:
        progress(pending)


def open_binary(path: Path) -> BinaryIO:
    return path.open("rb", buffering=1 << 20)
