"""The end-use check and violation case pages, for the monitors who use them. Synthetic test records."""

from __future__ import annotations

from sqlalchemy import select

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from tests.integration.web.conftest import ClientFor, csrf_token
from tests.integration.web.world import World


def test_a_monitor_opens_a_case_with_a_justification_and_marks_its_report_sent(
    client_for: ClientFor, world: World, db: Database
) -> None:
    monitor = client_for(Role.MONITOR)
    token = csrf_token(monitor, "/cases")
    refused = monitor.post(
        "/cases", data={"csrftoken": token, "licence": "DDTC/050000002", "justification": "   "}
    )
    assert refused.status_code == 422
    done = monitor.post(
        "/cases",
        data={
            "csrftoken": token,
            "licence": "DDTC/050000002",
            "holder": "mx-gopes",
            "kind": "retransfer",
            "justification": "Press report of the rifles with the GOPES (synthetic test).",
        },
    )
    assert done.status_code == 303
    key = done.headers["location"].rsplit("/", 1)[1]
    case = monitor.get(f"/api/cases/{key}").json()
    assert (case["kind"], case["status"], case["holder"]["key"]) == ("retransfer", "open", "mx-gopes")
    assert sorted(r["kind"] for r in case["reports"]) == ["aeca_3c2", "aeca_3e"]
    assert "Press report" in case["evidence"][0]["description"]
    page = monitor.get(f"/cases/{key}").text
    assert "Mark aeca_3e sent" in page
    assert "DDTC/050000002" in page
    sent = monitor.post(
        f"/cases/{key}/reports/aeca_3e/sent", data={"csrftoken": csrf_token(monitor, f"/cases/{key}")}
    )
    assert sent.status_code == 303
    after = monitor.get(f"/api/cases/{key}").json()
    report = next(r for r in after["reports"] if r["kind"] == "aeca_3e")
    assert report["sent_by"] == "monitor"
    again = monitor.post(f"/api/cases/{key}/reports/aeca_3e/sent")
    assert again.status_code in (403, 409)  # the API needs the token or a bearer; either way not sent twice
    status = monitor.post(
        f"/cases/{key}/status",
        data={
            "csrftoken": csrf_token(monitor, f"/cases/{key}"),
            "status": "substantiated",
            "reason": "confirmed",
        },
    )
    assert status.status_code == 303
    assert monitor.get(f"/api/cases/{key}").json()["status"] == "substantiated"
    with db.session() as session:
        actions = set(
            session.execute(select(AuditRow.action).where(AuditRow.entity_key.like(f"{key}%"))).scalars()
        )
    assert {"case.open", "case.report_sent", "case.substantiated"} <= actions


def test_recording_a_check_with_a_missing_serial_feeds_the_licences_case(
    client_for: ClientFor, world: World
) -> None:
    monitor = client_for(Role.MONITOR)
    queue = monitor.get("/api/checks", params={"capacity": 5}).json()
    assert {e["licence"] for e in queue["chosen"]} >= {"DDTC/050000001", "BIS/D123456"}
    assert all(f["weight"] >= f["points"] > 0 for e in queue["chosen"] for f in e["factors"])
    done = monitor.post(
        "/checks",
        data={
            "csrftoken": csrf_token(monitor, "/checks"),
            "licence": "DDTC/050000001",
            "performed": "2026-11-20",
            "stage": "post_shipment",
            "outcome": "unfavourable",
            "reasons": ["diversion", "insecure_storage"],
            "serials": "SYN-NOT-SHIPPED-1,missing\nSYN-SEEN-1",
        },
    )
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/cases/{world.cases['gopes'].key}"  # the licence's open case
    case = monitor.get(done.headers["location"].replace("/cases/", "/api/cases/")).json()
    assert any("diversion" in e["description"] for e in case["evidence"])
    checks = monitor.get("/api/checks").json()["checks"]
    recorded = next(c for c in checks if c["outcome"] == "unfavourable")
    assert recorded["serials"] == {"found": 0, "missing": 1, "unlisted": 1}
    assert recorded["reasons"] == ["diversion", "insecure_storage"]


def test_readers_see_no_forms_and_exporters_see_no_cases(client_for: ClientFor) -> None:
    analyst = client_for(Role.VETTING_ANALYST)
    assert "Open the case" not in analyst.get("/cases").text
    assert "Record the check" not in analyst.get("/checks").text
    assert analyst.post("/api/checks", json={}).status_code == 403
    assert client_for(Role.EXPORTER).get("/api/cases").status_code == 403
