"""One table of the report as CSV.

The lines before the header start with `#` and state the report, the time its data was drawn, the time it was
generated, its parameters and its sources (pandas reads them with `comment="#"`). The last column, `records`,
gives the address of every record behind the row's numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from lantern.reports.model import Ref, Report, link, plain, table_records


def render_csv(
    report: Report, *, generated_at: datetime, base_url: str = "", table: str | None = None
) -> bytes:
    chosen = report.table(table)
    out = io.StringIO()
    params = "; ".join(f"{k}={v}" for k, v in report.parameters.as_dict().items() if v is not None)
    out.write(f"# {report.title}: {chosen.title}\n")
    out.write(f"# data as of: {report.as_of.isoformat() if report.as_of else 'no data'}\n")
    out.write(f"# generated at: {generated_at.isoformat()}\n")
    out.write(f"# parameters: {params}\n")
    for source in report.sources:
        out.write(f"# source: {source.title}{f' ({source.url})' if source.url else ''}\n")
    out.write(f"# tables of this report: {', '.join(t.key for t in report.tables())}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in chosen.columns] + ["records"])
    addresses: dict[Ref, str] = {}  # a licence stands behind many rows: its address is made once
    for row in chosen.rows:
        values = ["" if (v := plain(c.value)) is None else v for c in row]
        records = []
        for ref in table_records(row):
            address = addresses.get(ref)
            if address is None:
                address = addresses[ref] = link(ref, base_url)
            records.append(address)
        writer.writerow([*values, " ".join(records)])
    return out.getvalue().encode("utf-8")
