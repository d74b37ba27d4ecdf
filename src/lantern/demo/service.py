"""The demo: load the demo data set, give each role an account, and review the book."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from sqlalchemy import select

from lantern.accounts.model import Role
from lantern.accounts.service import add_user
from lantern.consultations.service import import_records
from lantern.db.engine import Database
from lantern.db.tables.accounts import UserRow
from lantern.io.service import ImportReport, ProgressHook, import_files
from lantern.monitoring.cases import detect
from lantern.monitoring.checks import read_check_file, record_checks
from lantern.settings import Settings

#: The record files of the demo data set, in src/lantern/demo/data (see its README for what is real).
DEMO_FILES = (
    "sources.jsonl",
    "units.jsonl",
    "allegations.jsonl",
    "lists.jsonl",
    "list_entries.jsonl",
    "licences.jsonl",
    "shipments.jsonl",
    "custody.jsonl",
)

#: Synthetic end-use checks, recorded after the review (`lantern checks record --file`; not a `lantern
#: import` kind, so kept apart from the record files).
DEMO_CHECKS = "monitoring/end_use_checks.jsonl"

#: The demo accounts, one per role. Their passwords are printed and published: demo data only.
DEMO_EXPORTER_COMPANY = "Colt's Manufacturing Company LLC"
DEMO_ACCOUNTS = (
    ("admin", Role.ADMIN, None),
    ("analyst", Role.VETTING_ANALYST, None),
    ("officer", Role.LICENSING_OFFICER, None),
    ("monitor", Role.MONITOR, None),
    ("exporter", Role.EXPORTER, DEMO_EXPORTER_COMPANY),
    ("oversight", Role.OVERSIGHT, None),
)


def demo_password(username: str) -> str:
    return f"lantern-demo-{username}"


def data_dir() -> Path:
    return Path(str(resources.files("lantern.demo").joinpath("data")))


def demo_paths() -> list[Path]:
    folder = data_dir()
    return [folder / name for name in DEMO_FILES]


#: Synthetic consultations and communications, stored through their own service (they are not part of the
#: import formats of lantern.io).
DEMO_CONSULTATIONS = "records/consultations.jsonl"


def load_demo_data(
    database: Database, settings: Settings, *, progress: ProgressHook | None = None
) -> ImportReport:
    """Import the demo data set. Idempotent: a second load changes nothing."""
    report = import_files(
        database, demo_paths(), actor=settings.actor, settings=settings.imports, progress=progress
    )
    with database.transaction() as session:
        import_records(session, data_dir() / DEMO_CONSULTATIONS, actor=settings.actor)
    return report


@dataclass
class DemoMonitoring:
    cases_opened: list[str] = field(default_factory=list)
    cases_fed: list[str] = field(default_factory=list)
    checks_recorded: list[str] = field(default_factory=list)


def load_demo_monitoring(database: Database, settings: Settings, *, today: date) -> DemoMonitoring:
    """After the review: open the violation cases the demo custody records raise, then record the demo's
    end-use checks (which feed those cases). Idempotent: a second run changes nothing."""
    out = DemoMonitoring()
    records = read_check_file(data_dir() / DEMO_CHECKS)
    with database.transaction() as session:
        found = detect(
            session, monitoring=settings.monitoring, review=settings.review, actor=settings.actor, today=today
        )
        out.cases_opened, out.cases_fed = found.opened, found.fed
        for recorded in record_checks(session, settings, records, actor=settings.actor, today=today):
            if recorded.created:
                out.checks_recorded.append(recorded.check.key)
    return out


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    password: str
    company: str | None
    created: bool


def ensure_demo_accounts(database: Database, settings: Settings) -> list[DemoAccount]:
    """One account per role, created when missing. Existing accounts are left as they are."""
    out = []
    with database.transaction() as session:
        existing = set(session.execute(select(UserRow.username)).scalars())
        for username, role, company in DEMO_ACCOUNTS:
            created = username not in existing
            if created:
                add_user(
                    session,
                    actor=settings.actor,
                    username=username,
                    role=role,
                    password=demo_password(username),
                    password_min_length=settings.web.password_min_length,
                    display_name=f"Demo {role.value.replace('_', ' ')}",
                    company=company,
                )
            out.append(DemoAccount(username, role, demo_password(username), company, created))
    return out
