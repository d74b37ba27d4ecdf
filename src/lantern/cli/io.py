"""`lantern import` and `lantern export`: records in and out, in every format Lantern reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from lantern.cli.common import console, err_console, print_json, state
from lantern.io.formats import Format
from lantern.io.reading import Progress as ProgressCallback
from lantern.io.records import RecordKind
from lantern.io.service import EXPORT_FORMATS, export_files, export_name, import_files


class _Bar:
    """A rich progress bar over the bytes of the file being read."""

    def __init__(self) -> None:
        self._progress: Progress | None = None

    def start(self, label: str, total_bytes: int) -> ProgressCallback:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err_console,
            transient=True,
        )
        self._progress.start()
        task = self._progress.add_task(label, total=total_bytes)
        progress = self._progress
        return lambda advance: progress.advance(task, advance)

    def stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


def import_command(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files to import, in any order.", show_default=False)],
    fmt: Annotated[
        Format | None,
        typer.Option("--format", help="The files' format; detected from name and content when left out."),
    ] = None,
    kind: Annotated[
        RecordKind | None,
        typer.Option(
            "--kind", help="Record type of a Lantern JSON Lines or CSV file; detected when left out."
        ),
    ] = None,
    list_key: Annotated[
        str | None,
        typer.Option(
            "--list", help="FollowTheMoney: id of the watch list its entries go to (default: dataset)."
        ),
    ] = None,
    list_name: Annotated[
        str | None, typer.Option("--list-name", help="FollowTheMoney: that watch list's name.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check everything, store nothing.")] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Import records: all or nothing, and a second import of the same file changes nothing.

    Formats: Lantern JSON Lines and CSV (sources, units, lists, list entries, licences, allegations,
    shipments, custody), FollowTheMoney JSON Lines, and the Consolidated Screening List (JSON or CSV).
    Every problem is listed as file:line: field: message, and then nothing is stored.
    """
    app = state(ctx)
    report = import_files(
        app.database(),
        paths,
        actor=app.settings.actor,
        settings=app.settings.imports,
        fmt=fmt,
        kind=kind,
        list_key=list_key,
        list_name=list_name,
        progress=None if json else _Bar(),
        dry_run=dry_run,
    )
    revetted = None
    if report.changed and not dry_run:
        from lantern.review.triggers import change_from_import, revet

        revetted = revet(
            app.database(),
            app.settings,
            change_from_import(report),
            cause=f"import of {', '.join(p.name for p in paths)}"[:500],
            actor=app.settings.actor,
        )
    if json:
        data = report.as_dict()
        if revetted is not None:
            data["revetted"] = {
                "licences": revetted.licences,
                "new": revetted.new,
                "changed": revetted.changed,
                "resolved": revetted.resolved,
                "alerts": revetted.alerts,
                "cases_opened": revetted.cases_opened,
                "cases_fed": revetted.cases_fed,
            }
        print_json(data)
        return
    table = Table("records", "created", "updated", "unchanged", "rejected shipments")
    for record_kind, counts in report.counts.items():
        rejected = str(counts.rejected) if record_kind is RecordKind.SHIPMENTS else ""
        table.add_row(
            record_kind.value, str(counts.created), str(counts.updated), str(counts.unchanged), rejected
        )
    console.print(table)
    for schema, count in sorted(report.skipped.items()):
        console.print(f"Skipped {count} FollowTheMoney {schema} entities (not units or list entries).")
    if dry_run:
        console.print("Dry run: everything checked, nothing stored.")
    elif report.changed == 0:
        console.print("Nothing changed: every record was already stored as it is.")
    if revetted is not None and revetted.licences:
        console.print(
            f"Re-vetted {revetted.licences} licence(s) this import affects: {revetted.new} new, "
            f"{revetted.changed} changed, {revetted.resolved} resolved finding(s); "
            f"{len(revetted.alerts)} alert(s) raised (`lantern alerts`)."
        )
    if revetted is not None and (revetted.cases_opened or revetted.cases_fed):
        console.print(
            f"Violation cases: {len(revetted.cases_opened)} opened, {len(revetted.cases_fed)} given new "
            "evidence from custody records (`lantern cases list`)."
        )


def export_command(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Folder to write one file per record type into.")],
    fmt: Annotated[
        Format, typer.Option("--format", help="jsonl, csv or ftm (units and list entries).")
    ] = Format.JSONL,
    kinds: Annotated[
        list[RecordKind] | None,
        typer.Option("--kind", help="Record types to export (repeat the option); all when left out."),
    ] = None,
    json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    """Export stored records in a format `lantern import` reads back unchanged."""
    if fmt not in EXPORT_FORMATS:
        raise typer.BadParameter("export writes jsonl, csv or ftm", param_hint="--format")
    written = export_files(state(ctx).database(), directory, fmt=fmt, kinds=kinds or None)
    files = {str(directory / export_name(kind, fmt)): count for kind, count in written.items()}
    if json:
        print_json(files)
        return
    for path, count in files.items():
        console.print(f"{count:>9} records  {path}")
