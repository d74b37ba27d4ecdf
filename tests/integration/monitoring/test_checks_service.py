"""The end-use check queue, plans and recorded checks on both stores. All records are synthetic test data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lantern.db.engine import Database
from lantern.db.tables.cases import EndUseCheckRow
from lantern.errors import ValidationProblem
from lantern.monitoring import checks
from lantern.monitoring.checks_model import (
    CheckOutcome,
    CheckStage,
    InventoryLine,
    ReasonCategory,
    SerialState,
)
from lantern.review.runner import run_review
from lantern.settings import Settings
from tests.factories import add_licence, add_unit
from tests.integration.monitoring.test_cases_service import add_shipment

TODAY = date(2026, 11, 28)


def book(db: Database) -> None:
    with db.transaction() as session:
        ssp = add_unit(session, "test-ssp", "Secretaría de Seguridad Pública del Estado de Prueba")
        rifles = add_licence(
            session,
            "T-AUTO",
            end_user=ssp.name,
            end_user_unit=ssp,
            items=[{"usml_category": "I(b)", "fire_mode": "automatic", "quantity": 900}],
        )
        add_shipment(session, rifles, "SHP-T-AUTO", ["SYN-A1", "SYN-A2"])
        add_licence(
            session,
            "D-SEMI",
            agency="BIS",
            kind="BIS-748P",
            status="applied",
            end_user=ssp.name,
            end_user_unit=ssp,
            items=[{"usml_category": None, "eccn": "0A501.a", "quantity": 100}],
            value=None,
        )
        add_licence(session, "T-RADAR", items=[{"usml_category": "XI(a)", "description": "Radar"}])


@pytest.mark.db
def test_the_queue_covers_state_and_commerce_firearm_licences_only(db: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    book(db)
    with db.session() as session:
        queue = checks.check_queue(session, settings, as_of=TODAY)
    by_key = {e.candidate.licence_key: e for e in queue}
    assert set(by_key) == {"DDTC/T-AUTO", "BIS/D-SEMI"}
    assert by_key["DDTC/T-AUTO"].stage is CheckStage.POST_SHIPMENT
    assert by_key["BIS/D-SEMI"].stage is CheckStage.PRE_LICENCE
    assert "automatic_weapons" in {f.code for f in by_key["DDTC/T-AUTO"].factors}
    assert queue[0].candidate.licence_key == "DDTC/T-AUTO"


@pytest.mark.db
def test_a_saved_plan_is_left_out_of_the_next_one(db: Database, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    book(db)
    with db.transaction() as session:
        plan, saved = checks.plan_checks(
            session, settings, capacity=1, as_of=TODAY, quarter="2026Q4", save=True, actor="monitor"
        )
    assert [e.candidate.licence_key for e in plan.chosen] == ["DDTC/T-AUTO"]
    assert saved == ["EUC-2026-0001"]
    with db.session() as session:
        planned = session.execute(select(EndUseCheckRow)).scalar_one()
        assert (planned.status, planned.planned_on, planned.stage) == (
            "planned",
            date(2026, 10, 1),
            "post_shipment",
        )
        nxt, _ = checks.plan_checks(session, settings, capacity=5, as_of=TODAY)
    assert [e.candidate.licence_key for e in nxt.chosen] == ["BIS/D-SEMI"]


@pytest.mark.db
def test_recording_completes_a_planned_check_once_and_raises_the_licences_risk(
    db: Database, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    book(db)
    run_review(db, settings, as_of=TODAY)
    with db.transaction() as session:
        _, (key,) = checks.plan_checks(session, settings, capacity=1, as_of=TODAY, save=True, actor="monitor")
        before = {
            e.candidate.licence_key: e.score for e in checks.check_queue(session, settings, as_of=TODAY)
        }
    inventory = [
        InventoryLine("SYN-A1", SerialState.FOUND),
        InventoryLine("syn a2", SerialState.MISSING, "Test Arms"),
        InventoryLine("SYN-ZZ9", SerialState.FOUND),
    ]
    with db.transaction() as session:
        with pytest.raises(ValidationProblem, match="reason"):
            checks.record_check(
                session,
                settings,
                licence="DDTC/T-AUTO",
                stage=CheckStage.POST_SHIPMENT,
                outcome=CheckOutcome.UNFAVOURABLE,
                performed_on=TODAY,
                actor="monitor",
                today=TODAY,
            )
        done = checks.record_check(
            session,
            settings,
            licence="DDTC/T-AUTO",
            stage=CheckStage.POST_SHIPMENT,
            outcome=CheckOutcome.UNFAVOURABLE,
            performed_on=TODAY,
            reasons=[ReasonCategory.DIVERSION],
            inventory=inventory,
            key=key,
            actor="monitor",
            today=TODAY,
        )
    assert (done.found, done.missing, done.unlisted) == (1, 1, 1)
    assert done.case_opened
    with db.transaction() as session:
        again = checks.record_check(
            session,
            settings,
            licence="DDTC/T-AUTO",
            stage=CheckStage.POST_SHIPMENT,
            outcome=CheckOutcome.UNFAVOURABLE,
            performed_on=TODAY,
            reasons=[ReasonCategory.DIVERSION],
            inventory=inventory,
            key=key,
            actor="monitor",
            today=TODAY,
        )
        assert not again.created
        assert again.case_key is None
        after = {e.candidate.licence_key: e for e in checks.check_queue(session, settings, as_of=TODAY)}
        (row,) = session.execute(select(EndUseCheckRow)).scalars()
        assert (row.status, row.outcome, row.reasons) == ("done", "unfavourable", ["diversion"])
    factors = {f.code for f in after["BIS/D-SEMI"].factors}
    assert "prior_unfavourable" in factors  # the same end user had an unfavourable check
    assert after["BIS/D-SEMI"].score > before["BIS/D-SEMI"]
