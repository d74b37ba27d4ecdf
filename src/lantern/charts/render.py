"""Turning a matplotlib figure into bytes, the same way for every chart."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

Format = Literal["svg", "pdf", "png"]

# Text stays text in SVG (searchable, readable by screen readers); ids are salted with a constant so the same
# chart gives the same bytes; `$` in a unit's name is a dollar sign, not the start of a formula.
_RC: Any = {
    "svg.fonttype": "none",
    "svg.hashsalt": "lantern",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "pdf.fonttype": 42,
}

_METADATA: dict[Format, dict[str, Any]] = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    "png": {"Software": None},
}


@contextmanager
def chart_style() -> Iterator[None]:
    import matplotlib as mpl

    with mpl.rc_context(_RC):
        yield


def figure_bytes(figure: Any, fmt: Format) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, metadata=_METADATA[fmt], dpi=150 if fmt == "png" else 72)
    return buffer.getvalue()
