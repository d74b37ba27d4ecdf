"""The review on the web: the licence page's review sections, the actions on them, the findings list, the
alert queue, screening and imports; what exporters are shown of a hold, and what they are never shown."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.db.tables.licences import LicenceRow
from lantern.db.tables.registry import AllegationRow
from lantern.db.tables.review import AlertRow, FindingRow, ResolutionDispositionRow
from lantern.review.runner import run_review
from lantern.settings import Settings
from tests.integration.web.conftest import ClientFor, csrf_token
from tests.integration.web.world import OTHER_EXPORTER, World

pytestmark = pytest.mark.db

LATER = "/licences/DDTC/050000002"


@pytest.fixture
def reviewed(db: Database, settings: Settings, world: World) -> World:
    run_review(db, settings, as_of=date(2026, 11, 1))
    return world


def _finding(db: Database, number: str, criterion: str = "implicated_end_user") -> int:
    with db.session() as session:
        return session.execute(
            select(FindingRow.id)
            .join(LicenceRow, LicenceRow.id == FindingRow.licence_id)
            .where(LicenceRow.number == number, FindingRow.criterion == criterion)
        ).scalar_one()


def _audit(db: Database, action: str) -> list[AuditRow]:
    with db.session() as session:
        return list(session.execute(select(AuditRow).where(AuditRow.action == action)).scalars())


def _post(client: TestClient, path: str, data: dict[str, object], page: str = "/dashboard") -> object:
    return client.post(path, data={"csrftoken": csrf_token(client, page), **data})


def test_the_licence_page_shows_resolutions_findings_and_their_evidence(
    client_for: ClientFor, reviewed: World
) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    data = client.get("/api" + LATER).json()
    review = data["review"]
    assert review["reviewed"] is True
    end_user = next(r for r in review["resolutions"] if r["role"] == "end_user")
    assert end_user["entity_id"] == "unit:mx-gopes"
    assert end_user["decision"] == "match"
    finding = next(f for f in review["findings"] if f["criterion"] == "implicated_end_user")
    kinds = [step["kind"] for step in finding["evidence"]]
    assert kinds[:2] == ["party", "resolution"]
    allegation = next(step for step in finding["evidence"] if step["kind"] == "allegation")
    assert allegation["citations"][0]["source"]["key"] == "src-camargo"
    assert allegation["citations"][0]["source"]["title"] == "Synthetic test source on Camargo"
    assert allegation["citations"][0]["source"]["url"] is None  # a javascript: URL is never given
    assert set(review["actions"]["decisions"]) == {"suspend", "revoke"}
    page = client.get(LATER).text
    assert "Evidence chain" in page
    assert "Synthetic test source on Camargo" in page
    assert f'id="finding-{finding["id"]}"' in page
    assert 'action="/licences/DDTC/050000002/decisions"' in page
    assert "javascript:" not in page


def test_a_citation_with_a_web_address_links_to_its_source(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    with db.transaction() as session:
        row = session.execute(select(AllegationRow).where(AllegationRow.key == "alg-camargo")).scalar_one()
        row.citations[0].source.url = "https://example.org/camargo"
    page = client_for(Role.OVERSIGHT).get(LATER).text
    assert '<a href="https://example.org/camargo" rel="noopener noreferrer external">' in page


def test_read_only_roles_see_the_review_but_no_forms(client_for: ClientFor, reviewed: World) -> None:
    data = client_for(Role.OVERSIGHT).get("/api" + LATER).json()
    assert data["review"]["findings"]
    assert data["review"]["actions"] == {
        "dispose_findings": False,
        "dispose_resolutions": False,
        "decisions": [],
    }
    page = client_for(Role.OVERSIGHT).get(LATER).text
    assert '<form method="post" action="/findings/' not in page
    assert '/decisions"' not in page


def test_an_officer_confirms_a_finding_and_suspends_the_licence(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    finding = _finding(db, "050000002")
    done = _post(
        client,
        f"/findings/{finding}/dispose",
        {"status": "confirmed", "reason": "GOPES named in the CNDH file", "next": LATER},
        LATER,
    )
    assert done.status_code == 303
    assert done.headers["location"] == LATER
    assert f"Finding {finding} on licence DDTC/050000002 is now confirmed." in client.get(LATER).text
    assert [a.after["reason"] for a in _audit(db, "finding.confirmed")] == ["GOPES named in the CNDH file"]
    done = _post(
        client,
        "/licences/DDTC/050000002/decisions",
        {"action": "suspend", "justification": "Criterion 1: GOPES implicated", "findings": str(finding)},
        LATER,
    )
    assert done.status_code == 303
    data = client.get("/api" + LATER).json()
    assert data["status"] == "suspended"
    assert data["status_history"][-1]["reason"] == "Criterion 1: GOPES implicated"
    assert data["review"]["decisions"][-1]["findings"] == [finding]
    assert set(data["review"]["actions"]["decisions"]) == {"revoke", "reinstate"}
    (record,) = _audit(db, "licence.suspend")
    assert record.actor == "licensing-officer"
    assert record.after["justification"] == "Criterion 1: GOPES implicated"


def test_an_action_without_a_justification_changes_nothing(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    refused = _post(client, "/licences/DDTC/050000002/decisions", {"action": "suspend", "justification": ""})
    assert refused.status_code == 422
    finding = _finding(db, "050000002")
    assert (
        _post(client, f"/findings/{finding}/dispose", {"status": "dismissed", "reason": ""}).status_code
        == 422
    )
    api = client.post(
        f"/api/findings/{finding}/dispositions",
        json={"status": "dismissed", "reason": ""},
        headers={"x-csrftoken": csrf_token(client, "/dashboard")},
    )
    assert api.status_code == 422
    assert client.get("/api" + LATER).json()["status"] == "approved"
    assert _audit(db, "licence.suspend") == _audit(db, "finding.dismissed") == []


def test_a_decision_the_status_does_not_allow_is_refused(client_for: ClientFor, reviewed: World) -> None:
    client = client_for(Role.ADMIN)
    refused = client.post(
        "/api/licences/DDTC/050000002/decisions",
        json={"action": "reinstate", "justification": "not suspended"},
        headers={"x-csrftoken": csrf_token(client, "/dashboard")},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"


def test_an_exporter_sees_the_hold_reason_category_and_nothing_more(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    officer = client_for(Role.LICENSING_OFFICER)
    finding = _finding(db, "050000002")
    officer.post(
        "/api/licences/DDTC/050000002/decisions",
        json={
            "action": "suspend",
            "justification": "GOPES implicated in Camargo killings",
            "findings": [finding],
        },
        headers={"x-csrftoken": csrf_token(officer, "/dashboard")},
    )
    exporter = client_for(Role.EXPORTER)
    data = exporter.get("/api" + LATER).json()
    assert data["status"] == "suspended"
    assert data["hold_reasons"] == ["Criterion 1: end user credibly implicated in abuses"]
    assert data["review"] is None
    text = json.dumps(data) + exporter.get(LATER).text
    for secret in ("Camargo", "src-camargo", "alg-camargo", "mx-gopes", "GOPES implicated", "Evidence chain"):
        assert secret not in text, secret
    assert "Criterion 1: end user credibly implicated in abuses" in exporter.get(LATER).text
    # The other company's exporter does not learn that the licence exists, let alone why it is held.
    other = client_for(OTHER_EXPORTER)
    assert other.get("/api" + LATER).status_code == other.get(LATER).status_code == 404
    # Exporters cannot act on licences, theirs or others'.
    for who in (Role.EXPORTER, OTHER_EXPORTER):
        client = client_for(who)
        token = csrf_token(client, "/dashboard")
        for path in ("/licences/DDTC/050000002/decisions", "/licences/BIS/D123456/decisions"):
            refused = client.post(
                path, data={"csrftoken": token, "action": "reinstate", "justification": "x"}
            )
            assert refused.status_code == 403
        assert client.get("/api/findings").status_code == 403
        assert client.get("/api/alerts").status_code == 403
    # Nor can an exporter narrow a search by findings.
    assert exporter.get("/api/licences", params={"finding": "any"}).json()["filters"] == {}


def test_an_analyst_rejects_a_resolution_and_the_book_is_revetted(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    client = client_for(Role.VETTING_ANALYST)
    data = client.get("/api" + LATER).json()
    party = next(r for r in data["review"]["resolutions"] if r["role"] == "end_user")
    answer = client.post(
        f"/api/parties/{party['party']}/resolution",
        json={"entity_id": "unit:mx-gopes", "verdict": "confirm", "reason": "GOPES is the state police unit"},
        headers={"x-csrftoken": csrf_token(client, "/dashboard")},
    )
    assert answer.status_code == 200, answer.text
    assert "GOPES Tamaulipas" in answer.json()["message"]
    with db.session() as session:
        (row,) = session.execute(select(ResolutionDispositionRow)).scalars()
        assert (row.verdict, row.actor, row.reason) == (
            "confirm",
            "vetting-analyst",
            "GOPES is the state police unit",
        )
    assert len(_audit(db, "resolution.confirm")) == 1
    # An officer may decide on licences but not say what a name refers to.
    officer = client_for(Role.LICENSING_OFFICER)
    refused = officer.post(
        f"/api/parties/{party['party']}/resolution",
        json={"entity_id": "unit:mx-gopes", "verdict": "reject", "reason": "x"},
        headers={"x-csrftoken": csrf_token(officer, "/dashboard")},
    )
    assert refused.status_code == 403


def test_the_alert_queue_and_acknowledging_an_alert(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    queue = client.get("/api/alerts").json()
    assert queue["may_acknowledge"] is True
    first = queue["alerts"][0]
    assert {a["licence"] for a in queue["alerts"]} >= {"DDTC/050000002", "BIS/D123456"}
    assert f"Acknowledge alert {first['id']}" in client.get("/alerts").text
    done = _post(client, f"/alerts/{first['id']}/acknowledge", {"next": "/alerts"}, "/alerts")
    assert done.status_code == 303
    assert first["id"] not in {a["id"] for a in client.get("/api/alerts").json()["alerts"]}
    everything = client.get("/api/alerts", params={"all": "true"}).json()["alerts"]
    assert next(a for a in everything if a["id"] == first["id"])["acknowledged_by"] == "licensing-officer"
    again = _post(client, f"/alerts/{first['id']}/acknowledge", {"next": "/alerts"}, "/alerts")
    assert again.status_code == 409
    with db.session() as session:
        assert session.get(AlertRow, first["id"]).acknowledged_by == "licensing-officer"
    assert "Acknowledge alert" not in client_for(Role.MONITOR).get("/alerts").text


def test_the_findings_list_filters_by_criterion_status_and_severity(
    client_for: ClientFor, reviewed: World
) -> None:
    client = client_for(Role.OVERSIGHT)
    everything = client.get("/api/findings").json()
    assert everything["total"] == len(everything["findings"]) >= 3
    implicated = client.get("/api/findings", params={"criterion": "implicated_end_user"}).json()
    assert implicated["total"] >= 1
    assert {f["criterion"] for f in implicated["findings"]} == {"implicated_end_user"}
    assert client.get("/api/findings", params={"status": "dismissed"}).json()["total"] == 0
    for severity in ("critical", "high", "medium", "low"):
        found = client.get("/api/findings", params={"severity": severity}).json()["findings"]
        assert {f["severity"] for f in found} <= {severity}
    assert client.get("/api/findings", params={"criterion": "nonsense"}).status_code == 422
    page = client.get("/findings", params={"criterion": "implicated_end_user"}).text
    assert "DDTC/050000002" in page
    assert "BIS/D123456" not in page


def test_the_licence_search_filters_by_finding(client_for: ClientFor, reviewed: World) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    numbers = {
        crit: {
            lic["number"] for lic in client.get("/api/licences", params={"finding": crit}).json()["licences"]
        }
        for crit in ("any", "implicated_end_user", "unidentified_end_user", "watch_list")
    }
    assert "050000002" in numbers["implicated_end_user"]
    assert "D123456" in numbers["unidentified_end_user"] - numbers["implicated_end_user"]
    assert numbers["watch_list"] == set()
    assert numbers["any"] >= numbers["implicated_end_user"] | numbers["unidentified_end_user"]
    assert 'id="finding"' in client.get("/licences").text


def test_the_dashboard_counts_open_findings_and_new_alerts(client_for: ClientFor, reviewed: World) -> None:
    slots = {s["key"]: s for s in client_for(Role.LICENSING_OFFICER).get("/api/dashboard").json()["slots"]}
    findings = {line["label"]: line["count"] for line in slots["findings"]["lines"]}
    assert findings["Criterion 1: end user credibly implicated in abuses"] >= 1
    alerts = slots["alerts"]["lines"][0]
    assert alerts["href"] == "/alerts"
    assert alerts["count"] >= 3
    assert slots["held_shipments"]["available"] is True
    assert slots["checks_due"]["available"] is True
    assert slots["violation_reports"]["available"] is True


def test_screening_explains_each_candidate(client_for: ClientFor, world: World) -> None:
    client = client_for(Role.VETTING_ANALYST)
    found = client.get("/api/screening", params={"q": "GOPES", "country": "mx"}).json()
    assert found["country"] == "MX"
    best = found["matches"][0]
    assert best["id"] == "unit:mx-gopes"
    assert best["decision"] == "match"
    assert best["features"]
    assert best["href"] == "/units/mx-gopes"
    assert client.get("/api/screening", params={"q": "GOPES", "kind": "company"}).json()["matches"] == []
    assert client.get("/api/screening").json()["matches"] == []
    page = client.get("/screening", params={"q": "GOPES"}).text
    assert "Grupo de Operaciones Especiales (GOPES)" in page
    assert "acronym" in page
    assert client_for(Role.EXPORTER).get("/api/screening", params={"q": "GOPES"}).status_code == 403


ALLEGATION = {
    "id": "alg-test-upload",
    "units": ["mx-ssp-tamaulipas"],
    "violations": ["torture"],
    "start": "2022-06-01",
    "description": "SYNTHETIC test allegation uploaded through the imports page.",
    "citations": [{"source": "src-camargo", "access_point": "p. 2"}],
    "confidence": "high",
    "statuses": [{"status": "credible", "date": "2022-07-01"}],
}


def _upload(
    client: TestClient, name: str, records: list[dict[str, object]], path: str = "/imports"
) -> object:
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    return client.post(
        path,
        data={"csrftoken": csrf_token(client, "/imports"), "kind": "allegations"},
        files={"files": (name, body, "application/x-ndjson")},
    )


def test_an_import_is_checked_before_anything_is_stored(
    client_for: ClientFor, reviewed: World, db: Database
) -> None:
    client = client_for(Role.VETTING_ANALYST)
    bad = dict(ALLEGATION, units=["no-such-unit"], violations=["littering"])
    refused = _upload(client, "allegations.jsonl", [ALLEGATION, bad])
    assert refused.status_code == 422
    assert "Import refused" in refused.text
    assert re.search(r"<td>allegations\.jsonl</td><td class=\"num\">2</td>", refused.text)
    assert "Store these records" not in refused.text
    checked = _upload(client, "allegations.jsonl", [ALLEGATION])
    assert checked.status_code == 200
    assert "nothing stored yet: 1 record(s) would be created" in checked.text
    with db.session() as session:
        assert (
            session.execute(select(AllegationRow).where(AllegationRow.key == ALLEGATION["id"])).first()
            is None
        )
    upload = re.search(r'action="/imports/([^"/]+)/confirm"', checked.text)
    assert upload
    # Only the account that checked the files may store them.
    other = client_for(Role.ADMIN)
    assert _post(other, f"/imports/{upload[1]}/confirm", {}, "/imports").status_code == 403
    stored = _post(client, f"/imports/{upload[1]}/confirm", {}, "/imports")
    assert stored.status_code == 200, stored.text
    assert "Stored: 1 record(s) created" in stored.text
    assert "Re-vetted" in stored.text
    with db.session() as session:
        assert session.execute(select(AllegationRow).where(AllegationRow.key == ALLEGATION["id"])).first()
    assert len(_audit(db, "import.run")) == 1
    # The upload is gone once stored: a second confirmation finds nothing.
    assert _post(client, f"/imports/{upload[1]}/confirm", {}, "/imports").status_code == 404


def test_the_import_api_reports_problems_by_file_row_and_field(
    client_for: ClientFor, world: World, settings: Settings
) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    token = csrf_token(client, "/imports")
    bad = dict(ALLEGATION, violations=["littering"])
    body = (json.dumps(bad) + "\n").encode()
    answer = client.post(
        "/api/imports",
        data={"kind": "allegations"},
        files={"files": ("../../evil name.jsonl", body, "application/x-ndjson")},
        headers={"x-csrftoken": token},
    )
    assert answer.status_code == 200
    report = answer.json()
    assert report["ok"] is False
    assert report["stored"] is False
    assert report["upload"] is None
    (problem,) = report["problems"]
    assert problem["file"] == "evil_name.jsonl"  # only the name, in safe characters
    assert problem["line"] == 1
    assert problem["field"].startswith("violations")
    assert not any(Path(settings.data_dir / "uploads").glob("*/*"))  # a refused upload is not kept


def test_an_upload_form_needs_its_csrf_token_first(client_for: ClientFor, world: World) -> None:
    client = client_for(Role.VETTING_ANALYST)
    token = csrf_token(client, "/imports")
    body = (json.dumps(ALLEGATION) + "\n").encode()
    upload = {"files": ("allegations.jsonl", body, "application/x-ndjson")}
    assert client.post("/imports", files=upload).status_code == 403  # no token at all
    assert client.post("/imports", data={"csrftoken": "forged.value"}, files=upload).status_code == 403
    file_first = {"files": ("allegations.jsonl", body, "application/x-ndjson"), "csrftoken": (None, token)}
    assert client.post("/imports", files=file_first).status_code == 403
    assert (
        client.post("/imports", data={"csrftoken": token, "kind": "allegations"}, files=upload).status_code
        == 200
    )
