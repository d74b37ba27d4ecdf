"""Cases opened and checks recorded at the same moment: real concurrent transactions on SQLite (the write
lock taken at BEGIN IMMEDIATE) and PostgreSQL (the counter row locked), each given its own number."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from sqlalchemy import delete, select

from lantern.audit.service import verify_chain
from lantern.db import migrate
from lantern.db.engine import Database
from lantern.db.tables.cases import EndUseCheckRow, KeyCounterRow, ViolationCaseRow
from lantern.monitoring import cases, checks
from lantern.monitoring.cases_model import CaseKind
from lantern.monitoring.checks_model import CheckOutcome, CheckStage, ReasonCategory
from lantern.settings import MonitoringSettings, Settings
from tests.factories import add_licence

pytestmark = pytest.mark.db

TODAY = date(2026, 11, 2)


def race(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job from its own thread and connection, all released at the same instant; an exception is
    returned, not raised, so that the test can show every failure."""
    start = threading.Barrier(len(jobs))

    def one(job: Callable[[], object]) -> object:
        start.wait()
        try:
            return job()
        except Exception as exc:  # shown by the assertion
            return exc

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(one, jobs))


def open_by_hand(db: Database, n: int) -> Callable[[], str]:
    def job() -> str:
        with db.transaction() as session:
            row = cases.open_case(
                session,
                kind=CaseKind.OTHER,
                opened_on=TODAY,
                actor=f"monitor-{n}",
                settings=MonitoringSettings(),
                justification=f"press report {n}",
            )
            return row.key

    return job


def record(db: Database, settings: Settings, licence: str, outcome: CheckOutcome) -> Callable[[], str]:
    def job() -> str:
        with db.transaction() as session:
            done = checks.record_check(
                session,
                settings,
                licence=licence,
                stage=CheckStage.POST_SHIPMENT,
                outcome=outcome,
                reasons=[ReasonCategory.DIVERSION] if outcome is CheckOutcome.UNFAVOURABLE else [],
                performed_on=TODAY,
                actor="monitor",
                today=TODAY,
            )
            return done.check.key

    return job


def keys(db: Database) -> tuple[list[str], list[str]]:
    with db.session() as session:
        return (
            sorted(session.execute(select(ViolationCaseRow.key)).scalars()),
            sorted(session.execute(select(EndUseCheckRow.key)).scalars()),
        )


def test_cases_opened_at_once_each_get_their_own_number(fresh_db: Database) -> None:
    results = race([open_by_hand(fresh_db, n) for n in range(8)])
    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(results) == [f"CASE-2026-{n:04d}" for n in range(1, 9)]  # type: ignore[type-var]
    assert keys(fresh_db)[0] == [f"CASE-2026-{n:04d}" for n in range(1, 9)]
    with fresh_db.session() as session:
        assert verify_chain(session).ok


def test_checks_and_the_cases_they_open_race_cases_opened_by_hand(
    fresh_db: Database, tmp_path: object
) -> None:
    settings = Settings(data_dir=tmp_path / "data")  # type: ignore[operator]
    with fresh_db.transaction() as session:
        for n in range(4):
            add_licence(session, f"RACE-{n}")
    # Unfavourable checks append to the audit chain and then open a case; cases opened by hand take their
    # number first. Both kinds at once, with favourable checks besides.
    jobs: list[Callable[[], object]] = [
        record(fresh_db, settings, f"DDTC/RACE-{n}", CheckOutcome.UNFAVOURABLE) for n in range(4)
    ]
    jobs += [record(fresh_db, settings, "DDTC/RACE-0", CheckOutcome.FAVOURABLE) for _ in range(2)]
    jobs += [open_by_hand(fresh_db, n) for n in range(4)]
    results = race(jobs)
    assert [r for r in results if isinstance(r, Exception)] == []
    case_keys, check_keys = keys(fresh_db)
    assert case_keys == [f"CASE-2026-{n:04d}" for n in range(1, 9)]
    assert check_keys == [f"EUC-2026-{n:04d}" for n in range(1, 7)]
    with fresh_db.session() as session:
        assert verify_chain(session).ok


def test_numbers_continue_from_the_book_and_pass_over_keys_chosen_by_hand(
    db: Database, tmp_path: object
) -> None:
    settings = Settings(data_dir=tmp_path / "data")  # type: ignore[operator]
    with db.transaction() as session:
        add_licence(session, "HAND")
        first = checks.next_check_key(session, 2026)
        chosen = record(db, settings, "DDTC/HAND", CheckOutcome.FAVOURABLE)
    assert first == "EUC-2026-0001"
    with db.transaction() as session:
        done = checks.record_check(
            session,
            settings,
            licence="DDTC/HAND",
            stage=CheckStage.POST_SHIPMENT,
            outcome=CheckOutcome.FAVOURABLE,
            performed_on=TODAY,
            key="EUC-2026-0007",
            actor="monitor",
            today=TODAY,
        )
        assert done.check.key == "EUC-2026-0007"
    assert chosen() == "EUC-2026-0008"
    # A book whose counters are gone (or older than them) continues from its highest key.
    with db.transaction() as session:
        session.execute(delete(KeyCounterRow))
    assert chosen() == "EUC-2026-0009"
    with db.transaction() as session:
        session.add(
            EndUseCheckRow(
                key="EUC-2026-0010",
                licence_id=done.check.licence_id,
                stage="post_shipment",
                status="planned",
                recorded_by="t",
            )
        )
        session.flush()
        assert checks.next_check_key(session, 2026) == "EUC-2026-0011"  # 0010 is passed over
        assert checks.next_check_key(session, 2027) == "EUC-2027-0001"


def test_the_migration_fills_the_counters_from_the_book(fresh_db: Database, tmp_path: object) -> None:
    settings = Settings(data_dir=tmp_path / "data")  # type: ignore[operator]
    with fresh_db.transaction() as session:
        add_licence(session, "OLD")
    assert open_by_hand(fresh_db, 1)() == "CASE-2026-0001"
    with fresh_db.transaction() as session:
        checks.record_check(
            session,
            settings,
            licence="DDTC/OLD",
            stage=CheckStage.POST_SHIPMENT,
            outcome=CheckOutcome.FAVOURABLE,
            performed_on=TODAY,
            key="EUC-2026-0042",
            actor="monitor",
            today=TODAY,
        )
    fresh_db.engine.dispose()
    migrate.downgrade(fresh_db.engine, "0010_consultations")
    migrate.upgrade(fresh_db.engine)
    with fresh_db.session() as session:
        counters = dict(session.execute(select(KeyCounterRow.prefix, KeyCounterRow.last)).all())
    assert counters == {"CASE-2026-": 1, "EUC-2026-": 42}
    assert open_by_hand(fresh_db, 2)() == "CASE-2026-0002"
    assert record(fresh_db, settings, "DDTC/OLD", CheckOutcome.FAVOURABLE)() == "EUC-2026-0043"
