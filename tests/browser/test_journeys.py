"""Journeys through the web application as people make them, with screenshots of each step."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from lantern.accounts.model import Role
from lantern.review.service import decide
from tests.browser.conftest import Journey, licence_restored
from tests.integration.web.world import USERNAMES


def test_an_officer_signs_in_and_searches_the_licences(journey: Journey) -> None:
    from playwright.sync_api import expect  # imported here: without Playwright the journeys skip, not error

    page = journey.page
    journey.go("/dashboard")
    page.wait_for_url(re.compile(r"/login\?next="))
    journey.shot("sign-in")
    journey.sign_in(USERNAMES[Role.LICENSING_OFFICER])
    assert page.get_by_role("heading", name="The licence book").is_visible()
    journey.shot("dashboard")
    page.get_by_role("link", name="Licences", exact=True).click()
    page.get_by_label("End user name").fill("Guerrero")
    # htmx replaces the results as the officer types, and updates the address.
    expect(page).to_have_url(re.compile(r"end_user=Guerrero"))
    results = page.locator("#results")
    results.get_by_text("1 licence(s)").wait_for()
    assert results.get_by_role("link", name="BIS/D123456").is_visible()
    journey.shot("search-results")


def test_an_analyst_opens_a_licence_then_the_unit_it_names(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.VETTING_ANALYST])
    journey.go("/licences/DDTC/050000001")
    assert page.get_by_role("heading", name="Licence DDTC/050000001").is_visible()
    assert page.get_by_role(
        "cell", name="Grupo de Operaciones Especiales, Tamaulipas", exact=True
    ).is_visible()
    journey.shot("licence")
    page.get_by_role("link", name="mx-gopes", exact=True).click()
    page.wait_for_url(
        "**/units/mx-gopes", timeout=60_000
    )  # drawing the chart takes a while on a busy machine
    chart = page.get_by_role("img", name=re.compile("First held credible on 2021-02-02"))
    chart.wait_for()
    page.wait_for_function("document.querySelector('figure.chart img').complete")
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0
    assert page.get_by_role("link", name="Secretaría de Seguridad Pública de Tamaulipas").first.is_visible()
    journey.shot("unit")
    page.get_by_role("link", name="alg-camargo").click()
    assert page.get_by_role("heading", name="Allegation alg-camargo").is_visible()
    journey.shot("allegation")


def test_oversight_reads_the_audit_log_with_its_chain_verified(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.OVERSIGHT])
    page.get_by_role("link", name="Audit log", exact=True).click()
    assert page.get_by_role("status").get_by_text("Intact").is_visible()
    assert page.get_by_role("cell", name="login", exact=True).first.is_visible()
    journey.shot("audit-log")


def test_an_exporter_sees_only_its_company(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.EXPORTER])
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="Licences", exact=True).is_visible()
    assert nav.get_by_role("link", name="Units").count() == 0
    journey.shot("dashboard")
    journey.allow_error("404 (Not Found)")  # the refusal itself
    journey.go("/licences/BIS/D123456")
    assert page.get_by_role("heading", name="Not found").is_visible()
    journey.shot("other-company-refused")


def test_the_keyboard_reaches_the_skip_link_first(journey: Journey) -> None:
    page = journey.page
    journey.sign_in(USERNAMES[Role.ADMIN])
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    journey.shot("skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_api_description_renders(journey: Journey) -> None:
    journey.go("/docs")
    journey.page.get_by_text("/api/licences/{agency}/{number}").first.wait_for()
    journey.shot("docs")


def test_a_monitor_follows_a_case_and_opens_another(journey: Journey) -> None:
    """Journey 5, "a monitor traces a serial and opens a case", as far as this tree goes: the serial trace
    page arrives with shipment monitoring, so the monitor starts from a case's evidence instead."""
    page = journey.page
    journey.sign_in(USERNAMES[Role.MONITOR])
    page.get_by_role("link", name="Violation cases", exact=True).click()
    page.wait_for_url("**/cases")
    journey.shot("cases")
    page.get_by_role("link", name="CASE-2026-0001").click()
    assert page.get_by_role("heading", name="Case CASE-2026-0001").is_visible()
    assert page.get_by_role("cell", name=re.compile("rifles reported with the GOPES")).is_visible()
    journey.shot("case")
    journey.go("/cases?licence=DDTC/050000002&holder=mx-gopes")
    assert page.get_by_label("Holder (unit key, optional)").input_value() == "mx-gopes"
    page.get_by_label("Kind").last.select_option("retransfer")
    page.get_by_label("Justification (required; kept with the case and in the audit log)").fill(
        "Serials of this licence seen with the GOPES (synthetic test)."
    )
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/cases/CASE-*")
    assert page.get_by_role(
        "heading", name="AECA section 3(e) report: transfer without United States consent"
    ).is_visible()
    journey.shot("case-opened")
    page.get_by_role("button", name="Mark aeca_3e sent").click()
    page.wait_for_url("**/cases/CASE-*")
    assert page.get_by_text("sent 20").first.is_visible()
    journey.shot("report-sent")


def test_an_exporter_files_a_shipment_and_is_refused_on_the_suspended_licence(journey: Journey) -> None:
    with licence_restored(journey.server, "DDTC/050000002"):
        page = journey.page
        with journey.server.database.transaction() as session:
            decide(
                session,
                "DDTC/050000002",
                action="suspend",
                actor="officer (browser test)",
                justification="End user implicated after approval (synthetic test record).",
            )
        journey.sign_in(USERNAMES[Role.EXPORTER])
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Shipments", exact=True).click()
        assert page.get_by_role("heading", name="Shipments").is_visible()
        journey.shot("shipments")
        page.get_by_role("button", name="File a shipment notice").click()
        page.wait_for_url("**/shipments/new")
        page.get_by_label("Licence").select_option("DDTC/050000002")
        page.get_by_label("Shipping day").fill(datetime.now(UTC).date().isoformat())
        page.get_by_label("Quantity").fill("10")
        page.get_by_label("Make of the serials").fill("Colt")
        page.get_by_label(re.compile("Serial numbers, one per line")).fill(
            "JRNY-0001\nJRNY-0002, Colt, LE6920, 5.56x45mm"
        )
        journey.shot("notice-filled")
        page.get_by_role("button", name="File the notice").click()
        page.wait_for_url(re.compile(r"/shipments/SHP-"))
        assert page.locator("#shipment-status").inner_text() == "rejected"
        reason = page.get_by_role("alert")
        assert "Refused: licence DDTC/050000002 was suspended on" in reason.inner_text()
        assert page.get_by_text("2 serial(s) declared; none registered").is_visible()
        journey.shot("notice-refused")
