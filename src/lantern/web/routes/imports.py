"""Imports: upload files, see the validation report before anything is stored, then confirm to store them.

A check is the import itself run as a dry run (`import_files(..., dry_run=True)`): every row is read and
checked, and the transaction is rolled back. The checked files wait on disk under the data folder, named by
a random upload id, until the same account confirms them; confirming imports them for real and re-vets what
they changed (`lantern.review.triggers.import_and_revet`, as `lantern import` does).
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
from pathlib import Path
from typing import Annotated

from fastapi import File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from lantern.accounts.model import Account, Permission
from lantern.errors import Forbidden, LanternError, NotFound, ValidationProblem
from lantern.io.formats import Format
from lantern.io.records import RecordKind
from lantern.io.service import ImportReport
from lantern.review.service import Outcome
from lantern.review.triggers import import_and_revet
from lantern.settings import Settings
from lantern.web.deps import CurrentAccount, DatabaseDep, SettingsDep
from lantern.web.models_review import (
    ActionDoneRead,
    ImportCountRead,
    ImportProblemRead,
    ImportReportRead,
    ImportsPageRead,
)
from lantern.web.routes.common import BlankIsNone
from lantern.web.routes.review import done_read
from lantern.web.routing import LanternRouter
from lantern.web.templating import render

router = LanternRouter(tag="imports")

UPLOAD_ID = r"^[A-Za-z0-9_-]{16,64}$"
UploadId = Annotated[str, PathParam(pattern=UPLOAD_ID, description="The upload a check named.")]
_PROBLEM = re.compile(r"^(?P<file>.*?):(?P<line>\d+): (?P<field>[^:]+): (?P<message>.*)$", re.DOTALL)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
CHUNK = 1024 * 1024


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


def _safe_name(name: str | None, index: int) -> str:
    """The uploaded file's own name in safe characters: the report names files as people know them."""
    base = _SAFE_NAME.sub("_", Path(name or "").name).strip("._")
    return base[:120] or f"upload-{index + 1}"


async def save_uploads(files: list[UploadFile], folder: Path, limit: int) -> list[Path]:
    """Write each upload to disk a chunk at a time, so a large file never sits whole in memory."""
    folder.mkdir(parents=True, exist_ok=False)
    paths: list[Path] = []
    for index, upload in enumerate(files):
        path = folder / _safe_name(upload.filename, index)
        if path in paths:
            path = folder / f"{index + 1}-{path.name}"
        size = 0
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ValidationProblem(f"{path.name} is larger than {limit // (1024 * 1024)} MiB")
                out.write(chunk)
        paths.append(path)
    return paths


def problems_read(problems: list[str], folder: Path) -> list[ImportProblemRead]:
    out = []
    prefix = str(folder) + "/"
    for text in problems:
        text = text.replace(prefix, "")
        match = _PROBLEM.match(text)
        if match:
            out.append(
                ImportProblemRead(
                    file=match["file"],
                    line=int(match["line"]),
                    field=match["field"],
                    message=match["message"],
                )
            )
        else:
            out.append(ImportProblemRead(file="", line=None, field="", message=text))
    return out


def report_read(
    upload: str | None,
    files: list[str],
    report: ImportReport | None,
    error: ValidationProblem | None,
    folder: Path,
    revetted: Outcome | None = None,
) -> ImportReportRead:
    if error is not None or report is None:
        message = error.message if error else "nothing was imported"
        return ImportReportRead(
            upload=None,
            files=files,
            stored=False,
            ok=False,
            summary=f"Nothing was stored: {message}.",
            counts=[],
            skipped={},
            problems=problems_read(error.problems if error else [], folder),
        )
    counts = [ImportCountRead(kind=kind.value, **c.as_dict()) for kind, c in report.counts.items()]
    created = sum(c.created for c in counts)
    updated = sum(c.updated for c in counts)
    unchanged = sum(c.unchanged for c in counts)
    if report.dry_run:
        summary = (
            f"Checked, nothing stored yet: {created} record(s) would be created, {updated} updated, "
            f"{unchanged} are stored already as they are."
        )
    else:
        summary = f"Stored: {created} record(s) created, {updated} updated, {unchanged} unchanged."
    revet_read: ActionDoneRead | None = None
    if revetted is not None:
        revet_read = done_read(
            f"Re-vetted {revetted.licences} licence(s) this import affects: {revetted.new} new, "
            f"{revetted.changed} changed, {revetted.resolved} resolved finding(s); "
            f"{len(revetted.alerts)} alert(s) raised.",
            revetted,
        )
    return ImportReportRead(
        upload=upload if report.dry_run else None,
        files=files,
        stored=not report.dry_run,
        ok=True,
        summary=summary,
        counts=counts,
        skipped=dict(report.skipped),
        problems=[],
        revetted=revet_read,
    )


def _options(fmt: Format | None, kind: RecordKind | None, list_key: str | None) -> dict[str, str | None]:
    return {"format": fmt.value if fmt else None, "kind": kind.value if kind else None, "list": list_key}


def _format(options: dict[str, str | None]) -> Format | None:
    value = options.get("format")
    return Format(value) if value else None


def _kind(options: dict[str, str | None]) -> RecordKind | None:
    value = options.get("kind")
    return RecordKind(value) if value else None


def run_check(
    database: DatabaseDep,
    settings: Settings,
    account: Account,
    paths: list[Path],
    folder: Path,
    options: dict[str, str | None],
) -> ImportReportRead:
    upload = folder.name
    files = [p.name for p in paths]
    try:
        report, _ = import_and_revet(
            database,
            settings,
            paths,
            actor=account.audit_name,
            fmt=_format(options),
            kind=_kind(options),
            list_key=options.get("list"),
            dry_run=True,
        )
    except ValidationProblem as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return report_read(None, files, None, exc, folder)
    (folder / ".upload.json").write_text(
        json.dumps({"account": account.id, "options": options, "files": files})
    )
    return report_read(upload, files, report, None, folder)


def run_confirm(database: DatabaseDep, settings: Settings, account: Account, upload: str) -> ImportReportRead:
    folder = uploads_dir(settings) / upload
    meta_path = folder / ".upload.json"
    if not re.match(UPLOAD_ID, upload) or not meta_path.is_file():
        raise NotFound(f"No checked upload {upload!r}: check the files again.")
    meta = json.loads(meta_path.read_text())
    if meta.get("account") != account.id:
        raise Forbidden("Only the account that checked these files may store them.")
    options: dict[str, str | None] = meta.get("options") or {}
    paths = [folder / name for name in meta.get("files", [])]
    try:
        report, outcome = import_and_revet(
            database,
            settings,
            paths,
            actor=account.audit_name,
            fmt=_format(options),
            kind=_kind(options),
            list_key=options.get("list"),
        )
    except ValidationProblem as exc:
        # The store changed since the check (another import came first): say what is wrong now.
        return report_read(None, [p.name for p in paths], None, exc, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return report_read(None, [p.name for p in paths], report, None, folder, outcome)


@router.page("/imports", permission=Permission.IMPORTS_RUN, template="imports/upload.html")
def imports(settings: SettingsDep) -> ImportsPageRead:
    """What an import accepts: the formats and record types `lantern import` reads, and the size limit."""
    return ImportsPageRead(
        formats=[f.value for f in Format],
        kinds=[k.value for k in RecordKind],
        max_upload_bytes=settings.web.max_upload_mb * 1024 * 1024,
    )


FilesField = Annotated[list[UploadFile], File(description="One or more files, in any order.")]
FormatField = Annotated[Format | None, Form(description="Detected from name and content when left out.")]
KindField = Annotated[RecordKind | None, Form(description="Lantern JSON Lines or CSV: the record type.")]
ListField = Annotated[str | None, Form(max_length=200, description="FollowTheMoney: the watch list's id.")]


def _blank(value: str | None) -> str | None:
    return value.strip() or None if value else None


async def _check(
    database: DatabaseDep,
    settings: Settings,
    account: Account,
    files: list[UploadFile],
    fmt: Format | None,
    kind: RecordKind | None,
    list_key: str | None,
) -> ImportReportRead:
    if not files:
        raise LanternError("Choose at least one file.")
    folder = uploads_dir(settings) / secrets.token_urlsafe(24)
    try:
        paths = await save_uploads(files, folder, settings.web.max_upload_mb * 1024 * 1024)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    # The check reads and writes the database: in a worker thread, so other requests are served meanwhile.
    return await run_in_threadpool(
        run_check, database, settings, account, paths, folder, _options(fmt, kind, _blank(list_key))
    )


@router.api("/api/imports", permission=Permission.IMPORTS_RUN, methods=("POST",))
async def check_import_api(
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    files: FilesField,
    format: FormatField = None,
    kind: KindField = None,
    list: ListField = None,
) -> ImportReportRead:
    """Check uploaded files as an import would, storing nothing: every problem as file, line, field and
    message. When there is none, `upload` names the checked files: POST to its `confirm` to store them."""
    return await _check(database, settings, account, files, format, kind, list)


@router.api("/api/imports/{upload}/confirm", permission=Permission.IMPORTS_RUN, methods=("POST",))
def confirm_import_api(
    upload: UploadId, database: DatabaseDep, settings: SettingsDep, account: CurrentAccount
) -> ImportReportRead:
    """Store checked files (all or nothing) and re-vet the licences the change can affect."""
    return run_confirm(database, settings, account, upload)


@router.html(
    "/imports",
    permission=Permission.IMPORTS_RUN,
    no_twin="a form; its JSON side is POST /api/imports",
    methods=("POST",),
)
async def check_import_form(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    account: CurrentAccount,
    files: FilesField,
    format: Annotated[Format | None, Form(), BlankIsNone] = None,
    kind: Annotated[RecordKind | None, Form(), BlankIsNone] = None,
    list: Annotated[str | None, Form(max_length=200), BlankIsNone] = None,
) -> Response:
    report = await _check(database, settings, account, files, format, kind, list)
    return render(request, "imports/report.html", {"page": report}, status_code=200 if report.ok else 422)


@router.html(
    "/imports/{upload}/confirm",
    permission=Permission.IMPORTS_RUN,
    no_twin="a form; its JSON side is POST /api/imports/{upload}/confirm",
    methods=("POST",),
)
def confirm_import_form(
    request: Request, upload: UploadId, database: DatabaseDep, settings: SettingsDep, account: CurrentAccount
) -> Response:
    report = run_confirm(database, settings, account, upload)
    return render(request, "imports/report.html", {"page": report}, status_code=200 if report.ok else 422)
