"""Tracing serials: the chain, the allegations it touches, re-transfer findings, batch inventories."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from lantern.db.engine import Database
from lantern.db.tables.registry import UnitRow
from lantern.db.tables.shipments import CustodyEventRow, SerialRow
from lantern.errors import ValidationProblem
from lantern.monitoring import service, trace
from lantern.settings import ReviewSettings
from tests.factories import add_allegation, add_licence, add_unit
from tests.integration.monitoring.helpers import notice, resolve_end_user

pytestmark = pytest.mark.db


def event(session: Session, serial: str, day: str, kind: str, holder: UnitRow | None, text: str) -> None:
    row = session.query(SerialRow).filter(SerialRow.serial == serial).one()
    session.add(
        CustodyEventRow(
            key=f"ce-{serial}-{day}-{kind}",
            serial_id=row.id,
            serial_written=serial,
            make_written="Colt",
            partial_date=day,
            event_date=date.fromisoformat(day) if len(day) == 10 else date(int(day[:4]), 1, 1),
            event=kind,
            holder=text,
            holder_unit_id=holder.id if holder else None,
        )
    )
    session.flush()


@pytest.fixture
def world(db: Database) -> Database:
    """A state police (with a special unit under it from 2016) licensed for 20 rifles; some later seen with
    its special unit (allowed), some with a municipal police (not allowed), one with nobody we know."""
    with db.transaction() as session:
        ssp = add_unit(
            session, "mx-tam-ssp", "Secretaría de Seguridad Pública de Tamaulipas", state="Tamaulipas"
        )
        gopes = add_unit(
            session,
            "mx-tam-gopes",
            "Grupo de Operaciones Especiales",
            state="Tamaulipas",
            parent=ssp,
            parent_start="2016",
        )
        municipal = add_unit(
            session,
            "mx-tam-nld-pm",
            "Policía Municipal de Nuevo Laredo",
            kind="municipal_police",
            level="municipal",
            state="Tamaulipas",
        )
        add_allegation(session, "camargo", [gopes], start="2021-01-22", credible_on=date(2021, 2, 2))
        lic = add_licence(
            session, "T-1", end_user="SSP Tamaulipas", end_user_unit=ssp, items=[{"quantity": 20}]
        )
        resolve_end_user(session, lic, ssp)
    with db.transaction() as session:
        service.file_notice(
            session,
            notice(
                "T-1",
                key="S-1",
                quantity=4,
                serials=("GP-1", "GP-2", "GP-3", "GP-4"),
                shipped_on=date(2015, 6, 1),
            ),
            actor="t",
            review_settings=ReviewSettings(),
            now=datetime(2015, 6, 1, tzinfo=UTC),
        )
    with db.transaction() as session:
        event(session, "GP-1", "2015-08-01", "transfer", gopes, "GOPES")  # before GOPES sat under the SSP
        event(session, "GP-2", "2021-01-22", "seizure", gopes, "GOPES")  # under the SSP by then
        event(session, "GP-3", "2019", "inventory", municipal, "Policía Municipal de Nuevo Laredo")
        event(session, "GP-4", "2019", "check_sighting", None, "a private guard company")
    return db


def test_one_serial_shows_its_chain_and_the_allegations_of_its_holders(world: Database) -> None:
    with world.session() as session:
        [found] = trace.trace_serial(session, "gp 2", make="COLT")
    assert found.found
    assert found.licence is not None
    assert found.licence.key == "DDTC/T-1"
    assert [s.kind for s in found.chain] == ["export", "consignee", "declared_end_user", "seizure"]
    assert found.chain[-1].authorised == "a sub-unit of the licensed end user mx-tam-ssp"
    assert found.retransfers == []
    [allegation] = found.units["mx-tam-gopes"].allegations
    assert (allegation.key, allegation.credible_since) == ("camargo", date(2021, 2, 2))
    data = trace.trace_json(found)
    assert data["shipment"]["key"] == "S-1"
    assert data["units"][0]["allegations"][0]["credible_since"] == "2021-02-02"


def test_holders_outside_the_end_users_hierarchy_on_the_day_are_potential_retransfers(
    world: Database,
) -> None:
    with world.session() as session:
        findings = trace.retransfer_findings(session)
        unknown = trace.trace_serial(session, "NOPE-1")
    assert sorted((f.holding.serial, f.holding.holder_unit) for f in findings) == [
        ("GP-1", "mx-tam-gopes"),  # GOPES was not yet under the SSP in 2015
        ("GP-3", "mx-tam-nld-pm"),
    ]
    assert "neither the licensed end user (mx-tam-ssp)" in findings[0].reason
    assert [t.found for t in unknown] == [False]


def test_a_batch_inventory_is_summed_up_by_licence_end_user_and_holder(
    world: Database, tmp_path: Path
) -> None:
    path = tmp_path / "recovered.csv"
    path.write_text(
        "serial,make,found_date,holder,state\n"
        "GP-3,Colt,2020-01-05,Policía Municipal de Nuevo Laredo,Tamaulipas\n"
        "GP-2,Colt,2021-02-01,Grupo de Operaciones Especiales,Tamaulipas\n"
        "ZZ-9,Glock,2020-01-05,Policía Municipal de Nuevo Laredo,Tamaulipas\n",
        encoding="utf-8",
    )
    rows = trace.read_inventory(path)
    with world.session() as session:
        summary, out = trace.trace_inventory(session, rows)
    assert (summary.rows, summary.us_licensed, summary.not_licensed, summary.retransfers) == (3, 2, 1, 1)
    assert summary.by_licence == {"DDTC/T-1": 2}
    assert summary.by_holder == {"mx-tam-nld-pm": 1, "mx-tam-gopes": 1}
    assert [trace.batch_row_json(r)["potential_retransfer"] for r in out] == [True, False, False]


def test_bad_inventory_files_name_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("make,holder\nColt,x\n", encoding="utf-8")
    with pytest.raises(ValidationProblem, match="has no 'serial' column"):
        trace.read_inventory(path)
    path.write_text("serial,found_date\n,2014\nA-1,27/09/2014\nB-2,2014-09\n", encoding="utf-8")
    with pytest.raises(ValidationProblem) as raised:
        trace.read_inventory(path)
    assert raised.value.problems == [
        f"{path}:2: serial: blank",
        f"{path}:3: found_date: '27/09/2014' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
    ]
