"""What each page shows, for the people who use it."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.db.tables.audit import AuditRow
from lantern.settings import Settings
from tests.integration.web.conftest import ClientFor, csrf_token
from tests.integration.web.world import EXPORTER_COMPANY, World


def test_signing_in_lands_on_the_dashboard_and_is_audited(client_for: ClientFor) -> None:
    admin = client_for(Role.ADMIN)
    page = admin.get("/dashboard")
    assert page.status_code == 200
    assert "The licence book" in page.text
    assert "Violation reports due, with their clocks" in page.text
    data = admin.get("/api/dashboard").json()
    assert data["book"]["licences"] == 3
    assert {s["key"] for s in data["slots"]} == {
        "findings",
        "alerts",
        "held_shipments",
        "checks_due",
        "violation_reports",
    }
    available = {s["key"] for s in data["slots"] if s["available"]}
    assert available == {"findings", "alerts", "held_shipments", "checks_due", "violation_reports"}
    reports = next(s for s in data["slots"] if s["key"] == "violation_reports")
    assert {line["label"]: line["count"] for line in reports["lines"]}["Reports not yet sent"] == 1
    assert [e["action"] for e in data["recent_audit"]][:1] == ["login"]


def test_an_exporter_dashboard_shows_only_its_company(client_for: ClientFor, world: World) -> None:
    data = client_for(Role.EXPORTER).get("/api/dashboard").json()
    assert data["book"] is None
    assert data["recent_audit"] is None
    assert data["slots"] == []
    assert data["account"]["company"] == EXPORTER_COMPANY
    assert {lic["number"] for lic in data["own_licences"]["licences"]} == {"050000001", "050000002"}
    page = client_for(Role.EXPORTER).get("/dashboard").text
    assert "Your company's licences" in page
    assert 'href="/units"' not in page
    assert 'href="/audit"' not in page


def test_licence_search_filters(client_for: ClientFor, world: World) -> None:
    client = client_for(Role.LICENSING_OFFICER)

    def numbers(**params: str) -> set[str]:
        answer = client.get("/api/licences", params=params)
        assert answer.status_code == 200, answer.text
        return {lic["number"] for lic in answer.json()["licences"]}

    assert numbers() == {"050000001", "050000002", "D123456"}
    assert numbers(agency="BIS") == {"D123456"}
    assert numbers(agency="") == numbers()  # an empty form field is no filter
    assert numbers(status="approved", country="mx") == numbers()
    assert numbers(state="tamaulipas") == {"050000001", "050000002"}
    assert numbers(end_user="guerrero") == {"D123456"}
    assert numbers(category="0A501") == {"D123456"}
    assert numbers(q="0500000") == {"050000001", "050000002"}
    assert numbers(issued_from="2020-01-01", issued_to="2021-12-31") == {"D123456"}
    refused = client.get("/api/licences", params={"country": "Mexico"})
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "validation_problem"
    assert len(body["problems"]) == 1
    assert body["problems"][0].startswith("country:")
    assert client.get("/licences", params={"agency": "NASA"}).status_code == 422


def test_licence_search_stops_counting_at_its_limit_and_pages_on(
    client_for: ClientFor, settings: Settings
) -> None:
    settings.web.search_count_limit = 2
    settings.web.page_size = 2
    client = client_for(Role.LICENSING_OFFICER)
    first = client.get("/api/licences").json()
    assert (first["total"], first["total_exact"], first["has_next"], first["pages"]) == (2, False, True, 2)
    second = client.get("/api/licences", params={"page": 2}).json()
    assert (second["total_exact"], second["has_next"], second["pages"]) == (False, False, 2)
    numbers = [lic["number"] for lic in first["licences"] + second["licences"]]
    assert sorted(numbers) == ["050000001", "050000002", "D123456"]
    page = client.get("/licences").text
    assert "More than 2 licences" in page
    assert 'rel="next"' in page
    settings.web.search_count_limit = 3
    exact = client.get("/api/licences").json()
    assert (exact["total"], exact["total_exact"], exact["pages"]) == (3, True, 2)


def test_licence_search_answers_htmx_with_the_results_only(client_for: ClientFor) -> None:
    client = client_for(Role.LICENSING_OFFICER)
    full = client.get("/licences", params={"agency": "BIS"})
    partial = client.get("/licences", params={"agency": "BIS"}, headers={"HX-Request": "true"})
    assert "<html" in full.text
    assert "<html" not in partial.text
    assert "1 licence(s)" in partial.text
    assert "BIS/D123456" in partial.text


def test_the_licence_page_shows_parties_items_provisos_and_history(
    client_for: ClientFor, world: World
) -> None:
    page = client_for(Role.LICENSING_OFFICER).get("/licences/DDTC/050000001").text
    assert "Grupo de Operaciones Especiales, Tamaulipas" in page
    assert 'href="/units/mx-gopes"' in page  # resolved party links to its unit
    assert "Semi-automatic rifle" in page
    assert "300" in page
    assert "Status history" in page
    assert "licensing officer" in page
    assert "Findings" in page
    assert "Shipments and draw-down" in page
    assert 'href="/shipments/SHP-TEST-0001"' in page
    data = client_for(Role.LICENSING_OFFICER).get("/api/licences/DDTC/050000001").json()
    assert [s["key"] for s in data["shipments"]] == ["SHP-TEST-0001"]
    line = data["drawdown"][0]
    assert (line["item"], line["shipped"], line["remaining"]) == (1, 2, line["licensed"] - 2)


def test_the_unit_page_shows_its_tree_allegations_licences_and_timeline(client_for: ClientFor) -> None:
    client = client_for(Role.VETTING_ANALYST)
    page = client.get("/units/mx-gopes").text
    assert 'href="/units/mx-ssp-tamaulipas"' in page  # its parent in the tree
    assert "alg-camargo" in page
    assert "/units/mx-gopes/timeline.svg" in page
    data = client.get("/api/units/mx-gopes").json()
    assert [a["key"] for a in data["ancestors"]] == ["mx-ssp-tamaulipas"]
    assert data["parents"][0]["start"] == "2016"
    assert "First held credible on 2021-02-02; after that day: 1 licence(s)" in data["timeline_summary"]
    assert {lic["number"] for lic in data["licences"]} == {"050000001", "050000002"}
    parent = client.get("/api/units/mx-ssp-tamaulipas", params={"on": "2015-06-01"}).json()
    assert parent["children"] == []  # GOPES joined it in 2016
    assert [c["key"] for c in client.get("/api/units/mx-ssp-tamaulipas").json()["children"]] == ["mx-gopes"]
    svg = client.get("/units/mx-gopes/timeline.svg")
    assert svg.status_code == 200
    assert svg.text.lstrip().startswith("<?xml")
    assert client.get("/units/no-such-unit").status_code == 404


def test_allegations_show_their_sources(client_for: ClientFor) -> None:
    data = client_for(Role.OVERSIGHT).get("/api/allegations", params={"unit": "mx-gopes"}).json()
    assert [a["key"] for a in data["allegations"]] == ["alg-camargo"]
    assert data["allegations"][0]["citations"][0]["title"] == "Synthetic test source on Camargo"
    assert (
        client_for(Role.OVERSIGHT)
        .get("/api/allegations", params={"unit": "mx-ssp-tamaulipas"})
        .json()["allegations"]
        == []
    )


def test_the_audit_log_reports_a_broken_chain(client_for: ClientFor, db: Database) -> None:
    client = client_for(Role.OVERSIGHT)
    intact = client.get("/api/audit").json()
    assert intact["chain"]["ok"] is True
    assert intact["chain"]["records"] >= 1
    assert "Intact" in client.get("/audit").text
    with db.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == 1).values(actor="someone else"))
    broken = client.get("/api/audit").json()
    assert broken["chain"]["ok"] is False
    assert "BROKEN" in client.get("/audit").text


def test_signing_out_ends_the_session(client_for: ClientFor) -> None:
    client = client_for(Role.MONITOR)
    token = csrf_token(client, "/dashboard")
    assert client.post("/logout", data={"csrftoken": token}).status_code == 303
    assert client.get("/dashboard").status_code == 303
    assert client.get("/api/dashboard").status_code == 401


def test_a_disabled_account_loses_its_session_at_once(client_for: ClientFor, db: Database) -> None:
    from datetime import UTC, datetime

    from lantern.accounts.service import disable_user

    client = client_for(Role.MONITOR)
    assert client.get("/api/dashboard").status_code == 200
    with db.transaction() as session:
        disable_user(session, actor="admin", username="monitor", now=datetime.now(UTC))
    assert client.get("/api/dashboard").status_code == 401


def test_wrong_passwords_are_throttled(client_for: ClientFor) -> None:
    client = client_for(None)
    statuses = []
    for _ in range(6):
        token = csrf_token(client)
        answer = client.post("/login", data={"csrftoken": token, "username": "admin", "password": "guess"})
        statuses.append(answer.status_code)
    assert statuses == [401] * 5 + [429]
    assert "Try again in" in answer.text
    assert int(answer.headers["retry-after"]) > 0


def test_api_tokens_work_and_stop_when_revoked(app: FastAPI, db: Database) -> None:
    from datetime import UTC, datetime

    from lantern.accounts.service import create_token, revoke_token

    with db.transaction() as session:
        row, token = create_token(session, actor="admin", username="exporter", name="ERP", expires_at=None)
        token_id = row.id
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    me = client.get("/api/account").json()
    assert me["username"] == "exporter"
    assert me["via_token"] is True
    assert client.get("/api/units").status_code == 403
    with db.transaction() as session:
        revoke_token(session, actor="admin", token_id=token_id, now=datetime.now(UTC))
    refused = client.get("/api/account")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Bearer"
    assert TestClient(app, headers={"Authorization": "Basic x"}).get("/api/account").status_code == 401


def test_the_api_description_is_served_offline(client_for: ClientFor) -> None:
    client = client_for(None)
    docs = client.get("/docs").text
    assert "/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js" in docs
    assert client.get("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/openapi.json").json()
    licence = spec["paths"]["/api/licences/{agency}/{number}"]["get"]
    assert licence["x-permission"] == "licences.read"
    assert "404" in licence["responses"]
