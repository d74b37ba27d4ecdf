"""The review's journeys (issue 6): an officer vets a new application end to end, an analyst adds an
allegation and sees the alert on a licence, an officer suspends a licence. Screenshots of each step go to
artifacts/screenshots/. Every record is synthetic."""

from __future__ import annotations

import json
import re

from lantern.accounts.model import Role
from tests.browser.conftest import Journey, licence_restored
from tests.integration.web.world import USERNAMES

APPLICATION = {
    "agency": "DDTC",
    "number": "050000010",
    "kind": "DSP-5",
    "country": "MX",
    "end_use": "Patrol rifles for the state police special operations group",
    "issue_date": None,
    "expiry_date": None,
    "value": "450000.00",
    "cn_reference": None,
    "provisos": None,
    "exclusions": [],
    "status_history": [
        {"status": "applied", "at": "2026-11-20T10:00:00Z", "by": "Example Arms Inc.", "reason": "Filed"}
    ],
    "parties": [
        {"role": "applicant", "name": "Example Arms Inc.", "country": "US", "address": None},
        {
            "role": "end_user",
            "name": "Grupo de Operaciones Especiales (GOPES)",
            "country": "MX",
            "address": None,
        },
    ],
    "items": [
        {
            "line": 1,
            "usml_category": "I(a)",
            "eccn": None,
            "fire_mode": "semi_automatic",
            "description": "Rifle, semi-automatic, 5.56mm",
            "manufacturer": "Colt",
            "model": "AR-15",
            "calibre": "5.56x45mm",
            "quantity": 300,
            "unit_value": "1500.00",
            "total_value": "450000.00",
        }
    ],
    "synthetic": True,
    "notes": "SYNTHETIC application for the browser tests.",
}

ALLEGATION = {
    "id": "syn-alg-ejemplo",
    "units": ["syn-pm-ejemplo"],
    "violations": ["enforced_disappearance"],
    "start": "2024-02-10",
    "description": "SYNTHETIC test allegation against a synthetic unit, for the browser tests.",
    "citations": [{"source": "src-camargo", "access_point": "p. 3"}],
    "confidence": "high",
    "statuses": [{"status": "credible", "date": "2024-03-01"}],
}


def _jsonl(record: dict[str, object]) -> bytes:
    return (json.dumps(record, ensure_ascii=False) + "\n").encode()


def _import(journey: Journey, name: str, kind: str, body: bytes, step: str) -> None:
    page = journey.page
    page.get_by_role("link", name="Imports", exact=True).click()
    page.get_by_label("Files", exact=False).and_(page.locator("input[type=file]")).set_input_files(
        [{"name": name, "mimeType": "application/x-ndjson", "buffer": body}]
    )
    page.get_by_label("Record type", exact=False).and_(page.locator("select")).select_option(kind)
    journey.shot(f"{step}-upload")
    page.get_by_role("button", name="Check the files").click()
    assert page.get_by_role("heading", name="Import checked").is_visible()
    assert page.get_by_text("nothing stored yet: 1 record(s) would be created").is_visible()
    journey.shot(f"{step}-checked")
    page.get_by_role("button", name="Store these records").click()
    assert page.get_by_role("heading", name="Import stored").is_visible()
    journey.shot(f"{step}-stored")


def test_a_licensing_officer_vets_a_new_application_end_to_end(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.LICENSING_OFFICER])
    _import(journey, "application.jsonl", "licences", _jsonl(APPLICATION), "application")
    # Storing it re-vetted the application: its end user resolves to GOPES, implicated since 2021.
    assert page.get_by_text(
        re.compile(r"Re-vetted 1 licence\(s\) this import affects: [1-9]\d* new")
    ).is_visible()
    journey.go("/licences/DDTC/050000010")
    assert page.get_by_role("heading", name="Licence DDTC/050000010").is_visible()
    resolutions = page.locator("section", has=page.get_by_role("heading", name="Resolutions"))
    assert resolutions.get_by_role(
        "link", name=re.compile("Grupo de Operaciones Especiales")
    ).first.is_visible()
    finding = page.locator("article.finding", has_text="Criterion 1").first
    assert finding.get_by_text("Evidence chain").is_visible()
    assert finding.get_by_text("Synthetic test source on Camargo").first.is_visible()
    journey.shot("licence-with-finding")
    finding.get_by_label("Confirm").check()
    finding.get_by_label("Justification").fill("GOPES is the end user; the Camargo allegation is credible.")
    journey.shot("confirm-finding")
    finding.get_by_role("button", name="Record disposition").click()
    assert page.get_by_role("status").get_by_text(re.compile(r"is now confirmed")).is_visible()
    decide = page.get_by_role("form", name="Decide on licence DDTC/050000010")
    decide.get_by_label("Deny").check()
    decide.get_by_label("Justification").fill("Criterion 1: the end user is credibly implicated in abuses.")
    journey.shot("deny-application")
    decide.get_by_role("button", name="Record decision").click()
    assert page.get_by_text("status denied").is_visible()
    decisions = page.locator("section", has=page.get_by_role("heading", name="Decisions"))
    assert decisions.get_by_role(
        "cell", name="Criterion 1: the end user is credibly implicated in abuses."
    ).is_visible()
    journey.shot("application-denied")


def test_an_analyst_adds_an_allegation_and_sees_the_alert_on_a_licence(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.VETTING_ANALYST])
    journey.go("/licences/DDTC/050000009")
    assert page.get_by_text("The review finds nothing on this licence.").is_visible()
    journey.shot("licence-before")
    _import(journey, "allegation.jsonl", "allegations", _jsonl(ALLEGATION), "allegation")
    assert page.get_by_text(re.compile(r"[1-9]\d* alert\(s\) raised")).is_visible()
    page.get_by_role("link", name="See the alerts").click()
    row = page.locator("tr", has_text="DDTC/050000009").first
    assert row.get_by_text(re.compile("Policía Municipal de Ejemplo")).first.is_visible()
    assert row.get_by_text("import of allegation.jsonl").is_visible()
    journey.shot("alert-queue")
    row.get_by_role("link", name="DDTC/050000009").click()
    finding = page.locator("article.finding", has_text="Criterion 1").first
    assert finding.get_by_text(re.compile("syn-alg-ejemplo")).first.is_visible()
    alerts = page.locator("section", has=page.get_by_role("heading", name="Alerts on this licence"))
    assert alerts.get_by_text("import of allegation.jsonl").is_visible()
    journey.shot("licence-with-alert")


def test_an_officer_suspends_a_licence(journey: Journey) -> None:
    from playwright.sync_api import expect  # imported here: without Playwright the journeys skip, not error

    with licence_restored(journey.server, "DDTC/050000002"):
        page = journey.page
        journey.sign_in(USERNAMES[Role.LICENSING_OFFICER])
        page.get_by_role("link", name="Licences", exact=True).click()
        # The unfiltered results already hold this licence: wait until htmx has swapped in the
        # filtered ones, or the click can land on a row that is being replaced and go nowhere.
        with page.expect_response(lambda response: "finding=implicated_end_user" in response.url):
            page.get_by_label("Has a finding").select_option("implicated_end_user")
        expect(page).to_have_url(re.compile(r"finding=implicated_end_user"))
        results = page.locator("#results")
        results.get_by_role("link", name="DDTC/050000002").click()
        page.wait_for_url("**/licences/DDTC/050000002", timeout=60_000)  # slow on a busy machine
        journey.shot("licence")
        decide = page.get_by_role("form", name="Decide on licence DDTC/050000002")
        # Keyboard only: the decision, the finding it rests on and the justification.
        decide.get_by_label("Suspend").focus()
        page.keyboard.press("Space")
        assert decide.get_by_label("Suspend").is_checked()
        decide.get_by_label(re.compile("Criterion 1")).check()
        decide.get_by_label("Justification").fill(
            "Criterion 1: GOPES credibly implicated in the Camargo killings."
        )
        journey.shot("suspend-form")
        decide.get_by_role("button", name="Record decision").press("Enter")
        done = page.get_by_role("status").get_by_text(re.compile(r"suspend licence DDTC/050000002"))
        assert done.is_visible()
        assert page.get_by_text("status suspended").is_visible()
        history = page.locator("section", has=page.get_by_role("heading", name="Status history"))
        assert history.get_by_role(
            "cell", name="Criterion 1: GOPES credibly implicated in the Camargo killings."
        ).is_visible()
        journey.shot("suspended")
        # The exporter sees the status and the category of the hold, and nothing of the evidence.
        page.get_by_role("button", name="Sign out").click()
        journey.sign_in(USERNAMES[Role.EXPORTER])
        journey.go("/licences/DDTC/050000002")
        assert page.get_by_role("heading", name="Why this licence is suspended").is_visible()
        assert page.get_by_text("Criterion 1: end user credibly implicated in abuses").is_visible()
        assert "Camargo" not in page.content()
        journey.shot("exporter-view")
