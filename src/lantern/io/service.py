"""Import and export: files in, records stored; records out, files written.

An import is one transaction. Every file is read in chunks; each chunk is checked (fields, references,
duplicates) and, while no problem has been found anywhere, written. The first problem stops the writing
but not the reading, so the report lists every problem (up to a limit), and at the end the transaction is
rolled back: a file with any invalid row stores nothing. A process killed half-way leaves the database as
it was, because nothing is committed before the end. Records whose content hash matches the stored one are
skipped, so importing the same file twice changes nothing, not even the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import orjson
from sqlalchemy.orm import Session

from lantern.audit.batch import AuditBatch
from lantern.db.engine import Database
from lantern.errors import ValidationProblem
from lantern.io import ftm
from lantern.io.bulk import insert_rows, is_postgresql
from lantern.io.formats import DetectionError, Format, Input, RecordFile, open_input
from lantern.io.jsonl import write_jsonl
from lantern.io.load import iter_records
from lantern.io.pipeline import read_chunks
from lantern.io.problems import Problem, Row, first_problems
from lantern.io.reading import EncodingError, Progress
from lantern.io.records import IMPORT_ORDER, RECORD_TYPES, RecordKind, dump
from lantern.io.store import STORES, Context, Counts, KindStore, Resolver
from lantern.io.tabular import write_csv
from lantern.settings import ImportSettings


class ProgressHook(Protocol):
    """Where an import reports how far it has read (the CLI draws a progress bar)."""

    def start(self, label: str, total_bytes: int) -> Progress: ...

    def stop(self) -> None: ...


@dataclass
class ImportReport:
    files: list[str]
    counts: dict[RecordKind, Counts] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # FtM entities of schemata Lantern does not keep
    dry_run: bool = False
    #: Keys of created or changed records by kind, and the units their allegations name (for re-vetting).
    changed_keys: dict[RecordKind, set[str]] = field(default_factory=dict)
    allegation_units: set[str] = field(default_factory=set)

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "dry_run": self.dry_run,
            "counts": {kind.value: counts.as_dict() for kind, counts in self.counts.items()},
            "skipped": self.skipped,
        }


class _DryRun(Exception):
    """Raised to roll back a checked import."""


class _Run:
    """One import: the problems found so far, and the chunk-by-chunk check-then-write."""

    def __init__(self, ctx: Context, settings: ImportSettings) -> None:
        self.ctx = ctx
        self.settings = settings
        self.problems: list[Problem] = []

    @property
    def full(self) -> bool:
        return len(self.problems) >= self.settings.max_problems

    def fail(self, problems: Iterable[Problem]) -> None:
        self.problems += problems
        if self.problems:
            self.ctx.writing = False

    def take(self, store: KindStore, chunk: list[Row]) -> None:
        seen = self.ctx.seen[store.kind]
        key_field = RECORD_TYPES[store.kind].key_fields[-1]
        valid: list[Row] = []
        for row in chunk:
            if row.key is not None and not row.problems:
                where = seen.get(row.key)
                if where is not None:
                    row.add((key_field,), f"duplicate: {row.key!r} is already at {where}")
                else:
                    seen[row.key] = f"{row.file}:{row.line}"
                    valid.append(row)
            self.fail(row.problems)
        store.check(valid)
        self.fail(p for row in valid for p in row.problems)
        if self.ctx.writing:
            store.save(valid)
            self.ctx.audit.flush()


def import_files(
    db: Database,
    paths: Sequence[Path],
    *,
    actor: str,
    settings: ImportSettings,
    fmt: Format | None = None,
    kind: RecordKind | None = None,
    list_key: str | None = None,
    list_name: str | None = None,
    progress: ProgressHook | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> ImportReport:
    """Import files into the database, all or nothing. Raises ValidationProblem listing every problem."""
    inputs: list[Input] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            inputs.append(
                open_input(
                    path,
                    fmt=fmt,
                    kind=kind,
                    max_line_bytes=settings.max_line_bytes,
                    list_key=list_key,
                    list_name=list_name,
                )
            )
        except DetectionError as exc:
            problems.append(Problem(str(path), 1, "format", str(exc)))
        except EncodingError as exc:
            problems.append(Problem(str(path), 1, "encoding", str(exc)))
    if problems:
        raise ValidationProblem("nothing was imported", [str(p) for p in problems])
    report = ImportReport([i.name for i in inputs], dry_run=dry_run)
    try:
        with db.transaction() as session, _sqlite_cache(session, settings.sqlite_cache_mb):
            _import(session, inputs, report, actor, settings, progress, now)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    else:
        if report.changed >= settings.analyze_min_records:
            refresh_statistics(db)
    return report


def refresh_statistics(db: Database) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load.

    A database whose autovacuum is off, or has not yet run, plans a search of a million party names with the
    statistics of an empty table; every query after a large import pays for it. SQLite plans without them.
    """
    with db.transaction() as session:
        if is_postgresql(session):
            session.connection().exec_driver_sql("ANALYZE")


@contextmanager
def _sqlite_cache(session: Session, megabytes: int) -> Iterator[None]:
    """A bigger page cache while importing: inserting a million party names touches index pages all over."""
    if is_postgresql(session):
        yield
        return
    connection = session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(megabytes) * 1024}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def _import(
    session: Session,
    inputs: list[Input],
    report: ImportReport,
    actor: str,
    settings: ImportSettings,
    progress: ProgressHook | None,
    now: datetime | None,
) -> None:
    now = (now or datetime.now(UTC)).astimezone(UTC)
    audit = AuditBatch(session, actor=actor, writer=insert_rows, at=now)
    ctx = Context(session, audit, now, Resolver(session))
    run = _Run(ctx, settings)
    for kind in IMPORT_ORDER:
        readers = [i for i in inputs if kind in i.kinds()]
        if not readers:
            continue
        store = STORES[kind](ctx)
        for reader in readers:
            size = reader.path.stat().st_size
            hook = None
            if progress is not None and size >= settings.progress_min_bytes:
                hook = progress.start(f"{reader.path.name}: {kind.value}", size)
            parallel = isinstance(reader, RecordFile) and size >= settings.parallel_min_bytes
            chunks = read_chunks(
                reader, kind, chunk_size=settings.chunk_size, parallel=parallel, progress=hook
            )
            try:
                with closing(chunks):
                    for chunk in chunks:
                        run.take(store, chunk)
                        if run.full:
                            break
            finally:
                if hook is not None and progress is not None:
                    progress.stop()
            if isinstance(reader, ftm.FtmFile):
                report.skipped.update(reader.skipped())
            if run.full:
                break
        run.fail(store.finish())
        report.counts[kind] = store.counts
        if run.full:
            break
    if run.problems:
        order = {name: index for index, name in enumerate(report.files)}
        ordered = sorted(run.problems, key=lambda p: (order.get(p.file, len(order)), p.line))
        shown = first_problems(ordered, settings.max_problems)
        stopped = " (reading stopped at the limit)" if run.full else ""
        raise ValidationProblem(f"nothing was imported: {len(run.problems)} problem(s) found{stopped}", shown)
    report.changed_keys = {kind: set(keys) for kind, keys in ctx.changed.items()}
    report.allegation_units = set(ctx.allegation_units)
    if report.changed:
        audit.add(
            action="import.run",
            entity_type="import",
            entity_key=", ".join(report.files)[:1000],
            after={"files": report.files, "counts": report.as_dict()["counts"]},
        )
    audit.flush()


EXPORT_FORMATS = (Format.JSONL, Format.CSV, Format.FTM)
FTM_KINDS = (RecordKind.UNITS, RecordKind.LIST_ENTRIES)


def export_name(kind: RecordKind, fmt: Format) -> str:
    if fmt is Format.CSV:
        return f"{kind.value}.csv"
    if fmt is Format.FTM:
        return f"{kind.value}.ftm.json"
    return f"{kind.value}.jsonl"


def export_files(
    db: Database, directory: Path, *, fmt: Format = Format.JSONL, kinds: Sequence[RecordKind] | None = None
) -> dict[RecordKind, int]:
    """Write stored records, one file per record type, in a format `import` reads back."""
    if fmt not in EXPORT_FORMATS:
        raise ValidationProblem(f"cannot export as {fmt.value}; choose one of jsonl, csv, ftm")
    chosen = list(kinds or (FTM_KINDS if fmt is Format.FTM else IMPORT_ORDER))
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[RecordKind, int] = {}
    with db.session() as session:
        for kind in chosen:
            if fmt is Format.FTM and kind not in FTM_KINDS:
                raise ValidationProblem(
                    f"FollowTheMoney export holds units and list entries, not {kind.value}"
                )
            path = directory / export_name(kind, fmt)
            written[kind] = write_records(session, kind, fmt, path)
    return written


def write_records(session: Session, kind: RecordKind, fmt: Format, path: Path) -> int:
    records = iter_records(session, kind)
    if fmt is Format.CSV:
        with path.open("w", encoding="utf-8", newline="") as text:
            return write_csv(text, kind, records)
    with path.open("wb") as stream:
        if fmt is Format.FTM:
            return _write_ftm(stream, kind, records)
        return write_jsonl(stream, records)


def _write_ftm(stream: Any, kind: RecordKind, records: Iterable[Any]) -> int:
    entities = ftm.unit_entities if kind is RecordKind.UNITS else ftm.entry_entities
    count = 0
    for record in records:
        for entity in entities(dump(record)):
            stream.write(orjson.dumps(entity) + b"\n")
        count += 1
    return count
