"""Violation cases on both stores: detection from custody records, idempotence, status, reports, audit, and
the effect on the review (a substantiated case calls for a presidential determination). All records here are
synthetic test data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lantern.audit.service import verify_chain
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.cases import ViolationCaseRow
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.review import FindingRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow, ShipmentRow
from lantern.errors import Conflict
from lantern.monitoring import cases
from lantern.monitoring.cases_model import CaseKind, CaseStatus, ReportKind
from lantern.monitoring.rules import serial_key
from lantern.review import service as review_service
from lantern.review.runner import run_review
from lantern.settings import Settings
from tests.factories import add_allegation, add_licence, add_unit

TODAY = date(2026, 11, 28)


def add_shipment(session: Session, licence: LicenceRow, key: str, serials: list[str]) -> list[SerialRow]:
    shipment = ShipmentRow(key=key, licence_id=licence.id, shipment_date=date(2016, 3, 2), status="accepted")
    session.add(shipment)
    session.flush()
    rows = []
    for position, serial in enumerate(serials):
        k = serial_key("Test Arms", serial)
        row = SerialRow(
            serial=serial,
            serial_key=k.serial,
            make="Test Arms",
            make_key=k.make,
            licence_id=licence.id,
            shipment_id=shipment.id,
            item_id=licence.items[0].id,
            position=position,
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def add_event(
    session: Session, serial: SerialRow, key: str, day: str, event: str, holder: UnitRow | None
) -> CustodyEventRow:
    row = CustodyEventRow(
        key=key,
        serial_id=serial.id,
        serial_written=serial.serial,
        partial_date=day,
        event_date=date.fromisoformat(day),
        event=event,
        holder=holder.name if holder else None,
        holder_unit_id=holder.id if holder else None,
    )
    session.add(row)
    session.flush()
    return row


def book(db: Database) -> None:
    with db.transaction() as session:
        ssp = add_unit(session, "test-ssp", "Secretaría de Seguridad Pública del Estado de Prueba")
        pe = add_unit(session, "test-pe", "Policía Estatal de Prueba", parent=ssp)
        muni = add_unit(
            session, "test-muni", "Policía Municipal de Ejemplo", kind="municipal_police", level="municipal"
        )
        bad = add_unit(
            session, "test-bad", "Policía Municipal de Otro Lugar", kind="municipal_police", level="municipal"
        )
        add_allegation(session, "test-alg", [bad], credible_on=date(2015, 7, 23))
        licence = add_licence(
            session, "T-SSP", issue_date=date(2015, 4, 20), end_user=ssp.name, end_user_unit=ssp
        )
        serials = add_shipment(session, licence, "SHP-T-1", [f"SYN-T{n:03d}" for n in range(1, 7)])
        add_event(session, serials[0], "ev-pe", "2016-05-01", "transfer", pe)  # a sub-unit: authorised
        add_event(session, serials[1], "ev-muni-1", "2016-05-01", "transfer", muni)  # re-transfer
        add_event(session, serials[2], "ev-muni-2", "2016-05-01", "transfer", muni)  # same case
        add_event(session, serials[3], "ev-theft", "2017-01-01", "theft", muni)  # not a transfer
        add_event(session, serials[4], "ev-bad", "2014-09-27", "inventory", bad)  # re-transfer + implicated


def settings_for(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


def detect(db: Database, settings: Settings, **kwargs: object) -> cases.DetectionReport:
    with db.transaction() as session:
        return cases.detect(
            session,
            monitoring=settings.monitoring,
            review=settings.review,
            actor="monitor",
            today=TODAY,
            **kwargs,  # type: ignore[arg-type]  # event_keys only
        )


@pytest.mark.db
def test_custody_records_open_one_case_per_licence_and_holder_once(db: Database, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    book(db)
    run_review(db, settings, as_of=TODAY)
    first = detect(db, settings)
    assert len(first.opened) == 2
    assert first.fed == []
    with db.session() as session:
        views = {
            v["holder"]["key"]: v for v in (cases.case_view(session, c) for c in cases.list_cases(session))
        }
    assert set(views) == {"test-muni", "test-bad"}
    assert views["test-muni"]["kind"] == CaseKind.RETRANSFER.value
    assert views["test-muni"]["serial_count"] == 2
    assert views["test-muni"]["end_user"]["key"] == "test-ssp"
    assert (
        views["test-bad"]["kind"] == CaseKind.RETRANSFER.value
    )  # re-transfer, with the implication as evidence
    assert views["test-bad"]["evidence_count"] == 2
    due = {r["kind"]: r["due_on"] for r in views["test-muni"]["reports"]}
    assert due == {"aeca_3c2": "2026-12-28", "aeca_3e": "2026-12-01"}
    again = detect(db, settings)
    assert (again.opened, again.fed, again.evidence_added) == ([], [], 0)
    with db.session() as session:
        assert session.execute(select(func.count(ViolationCaseRow.id))).scalar_one() == 2
        assert verify_chain(session).ok


@pytest.mark.db
def test_a_new_event_feeds_the_open_case_and_a_closed_case_is_not_reopened(
    db: Database, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path)
    book(db)
    run_review(db, settings, as_of=TODAY)
    detect(db, settings)
    with db.transaction() as session:
        serial = session.execute(select(SerialRow).where(SerialRow.serial == "SYN-T006")).scalar_one()
        muni = session.execute(select(UnitRow).where(UnitRow.key == "test-muni")).scalar_one()
        add_event(session, serial, "ev-muni-3", "2018-02-01", "check_sighting", muni)
    fed = detect(db, settings, event_keys=["ev-muni-3"])
    assert fed.opened == []
    assert len(fed.fed) == 1
    key = fed.fed[0]
    with db.transaction() as session:
        cases.change_status(
            session, key, status=CaseStatus.CLOSED, reason="test closure", actor="monitor", on=TODAY
        )
    assert detect(db, settings).opened == []


@pytest.mark.db
def test_status_changes_and_reports_are_recorded_and_audited(db: Database, tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    book(db)
    run_review(db, settings, as_of=TODAY)
    key = detect(db, settings).opened[0]
    with db.transaction() as session:
        case = cases.change_status(
            session, key, status=CaseStatus.SUBSTANTIATED, reason="embassy confirmed", actor="ana", on=TODAY
        )
        assert (case.status, case.status_by, case.substantiated_on) == ("substantiated", "ana", TODAY)
        with pytest.raises(Conflict):
            cases.change_status(
                session, key, status=CaseStatus.SUBSTANTIATED, reason="x", actor="ana", on=TODAY
            )
    with db.transaction() as session:
        report = cases.mark_report_sent(session, key, kind=ReportKind.AECA_3E, actor="officer", on=TODAY)
        assert (report.sent_on, report.sent_by) == (TODAY, "officer")
        assert "SYN-T00" in report.draft
        assert "Secretaría de Seguridad Pública del Estado de Prueba" in report.draft
    with db.transaction() as session, pytest.raises(Conflict, match="was sent"):
        cases.mark_report_sent(session, key, kind=ReportKind.AECA_3E, actor="officer", on=TODAY)
    with db.session() as session:
        actions = set(
            session.execute(select(AuditRow.action).where(AuditRow.entity_key.like(f"{key}%"))).scalars()
        )
        assert {"case.open", "case.evidence", "case.substantiated", "case.report_sent"} <= actions


@pytest.mark.db
def test_a_substantiated_case_calls_for_a_presidential_determination(db: Database, tmp_path: Path) -> None:
    """End to end: custody record → case → substantiated → the review flags licences for that end user."""
    settings = settings_for(tmp_path)
    book(db)
    run_review(db, settings, as_of=TODAY)
    key = detect(db, settings).opened[0]  # every case here concerns the same licensed end user
    with db.session() as session:
        assert review_service.standing_violations(session) == []
    with db.transaction() as session:
        cases.change_status(
            session,
            key,
            status=CaseStatus.SUBSTANTIATED,
            reason="confirmed",
            actor="ana",
            on=date(2026, 11, 1),
        )
        ssp = session.execute(select(UnitRow).where(UnitRow.key == "test-ssp")).scalar_one()
        add_licence(
            session,
            "T-NEW",
            issue_date=date(2026, 11, 20),
            status="applied",
            end_user=ssp.name,
            end_user_unit=ssp,
        )
        other = add_unit(session, "test-other-state", "Policía Estatal de Otra Parte")
        add_licence(
            session, "T-OTHER", issue_date=date(2026, 11, 20), end_user=other.name, end_user_unit=other
        )
    with db.session() as session:
        standing = review_service.standing_violations(session)
        assert [(s.case_key, s.unit_key) for s in standing] == [(key, "test-ssp")]
    run_review(db, settings, as_of=TODAY)
    with db.session() as session:
        flagged = set(
            session.execute(
                select(LicenceRow.number)
                .join(FindingRow, FindingRow.licence_id == LicenceRow.id)
                .where(FindingRow.code == "presidential_determination_needed", FindingRow.status == "open")
            ).scalars()
        )
    assert "T-NEW" in flagged
    assert "T-OTHER" not in flagged
    with db.transaction() as session:
        cases.change_status(session, key, status=CaseStatus.CLOSED, reason="remedied", actor="ana", on=TODAY)
    with db.session() as session:
        assert review_service.standing_violations(session) == []
