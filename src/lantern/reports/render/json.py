"""The report as JSON: sorted keys, two-space indent, so the same report gives the same bytes."""

from __future__ import annotations

from datetime import datetime

import orjson

from lantern.reports.model import Report, report_document


def render_json(report: Report, *, generated_at: datetime, base_url: str = "") -> bytes:
    document = report_document(report, generated_at=generated_at, base_url=base_url)
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2) + b"\n"
