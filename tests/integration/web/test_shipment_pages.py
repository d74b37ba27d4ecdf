"""Shipment pages, the filing form and API, and the trace page, for each kind of user."""

from __future__ import annotations

from datetime import UTC, datetime

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.db.tables.licences import LicenceStatusRow
from tests.integration.web.conftest import ClientFor, csrf_token
from tests.integration.web.world import OTHER_EXPORTER, World


def suspend(db: Database, world: World) -> None:
    with db.transaction() as session:
        lic = session.merge(world.own_licence)
        lic.status = "suspended"
        lic.status_history.append(
            LicenceStatusRow(
                status="suspended", changed_at=datetime(2021, 3, 1, tzinfo=UTC), actor="officer", position=9
            )
        )


def test_an_exporter_files_and_is_refused_with_the_reason_on_a_suspended_licence(
    client_for: ClientFor, db: Database, world: World
) -> None:
    exporter = client_for(Role.EXPORTER)
    form = exporter.get("/shipments/new")
    assert form.status_code == 200
    assert "DDTC/050000001" in form.text
    assert "BIS/D123456" not in form.text  # another company's licence is not offered
    suspend(db, world)
    done = exporter.post(
        "/shipments/new",
        data={
            "csrftoken": csrf_token(exporter, "/shipments/new"),
            "licence": "DDTC/050000001",
            "shipped_on": "2021-04-06",
            "item": "1",
            "quantity": "5",
            "make": "Colt",
            "serials": "NEW-1\nNEW-2, Colt, LE6920, 5.56x45mm\n",
        },
    )
    assert done.status_code == 303, done.text
    page = exporter.get(done.headers["location"])
    assert "rejected" in page.text
    assert "Refused: licence DDTC/050000001 was suspended on 2021-04-06" in page.text
    data = exporter.get("/api" + done.headers["location"]).json()
    assert data["status"] == "rejected"
    assert [s["serial"] for s in data["refused_serials"]] == ["NEW-1", "NEW-2"]


def test_the_form_shows_problems_and_another_companys_licence_does_not_exist(client_for: ClientFor) -> None:
    exporter = client_for(Role.EXPORTER)
    token = csrf_token(exporter, "/shipments/new")
    bad = exporter.post(
        "/shipments/new", data={"csrftoken": token, "licence": "BIS/D123456", "quantity": "1"}
    )
    assert bad.status_code == 404
    assert "No licence &#39;BIS/D123456&#39; in the book." in bad.text
    no_token = exporter.post("/shipments/new", data={"licence": "DDTC/050000001", "quantity": "1"})
    assert no_token.status_code == 403


def test_the_api_files_notices_and_exporters_see_only_their_shipments(
    client_for: ClientFor, world: World
) -> None:
    exporter = client_for(Role.EXPORTER)
    body = {"licence": "050000001", "date": "2020-03-02", "lines": [{"item": 1, "quantity": 300}]}
    refused = exporter.post("/api/shipments", json=body, headers={"x-csrftoken": csrf_token(exporter)})
    assert refused.status_code == 200, refused.text
    assert refused.json()["status"] == "rejected"
    assert "would over-ship: 300 more after 2 of 300 licensed" in refused.json()["reason"]
    mine = exporter.get("/api/shipments").json()
    assert {s["licence"] for s in mine["shipments"]} == {"DDTC/050000001"}
    other = client_for(OTHER_EXPORTER)
    assert other.get("/api/shipments").json()["total"] == 0
    assert other.get(f"/api/shipments/{world.shipment_key}").status_code == 404
    assert client_for(Role.MONITOR).get("/api/shipments").json()["total"] == 2


def test_the_trace_page_and_its_twin(client_for: ClientFor, world: World) -> None:
    monitor = client_for(Role.MONITOR)
    data = monitor.get("/api/trace", params={"serial": "test 0002"}).json()
    [found] = data["traces"]
    assert found["licence"]["key"] == "DDTC/050000001"
    assert found["shipment"]["key"] == world.shipment_key
    assert [s["kind"] for s in found["chain"]][:2] == ["export", "consignee"]
    page = monitor.get("/trace", params={"serial": "TEST-0002"})
    assert "Custody chain" in page.text
    assert world.shipment_key in page.text
    missing = monitor.get("/trace", params={"serial": "NOWHERE"})
    assert "is on no shipment in the store" in missing.text
    assert client_for(Role.EXPORTER).get("/api/trace", params={"serial": "TEST-0002"}).status_code == 403
