"""Attacks a page must withstand: injected markup, SQL metacharacters, forged forms, prying exporters."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from lantern.accounts.model import Role
from lantern.db.engine import Database
from lantern.reports.catalogue import REPORTS
from lantern.settings import Settings
from lantern.web.app import create_app, route_table
from lantern.web.security import CONTENT_SECURITY_POLICY
from tests.integration.web.conftest import ClientFor, csrf_token, sign_in
from tests.integration.web.routes import fill
from tests.integration.web.world import OTHER_EXPORTER, PASSWORD, USERNAMES, World, seed_world

SCRIPT = "<script>alert('x')</script><b onmouseover=alert(1)>"


@pytest.fixture
def hostile_world(db: Database) -> World:
    """Every free-text field starts with markup that would run if it were not escaped."""
    with db.transaction() as session:
        return seed_world(session, name_prefix=SCRIPT)


@pytest.fixture
def hostile_app(db: Database, settings: Settings, hostile_world: World) -> FastAPI:
    return create_app(settings, database=db)


def _pages(app: FastAPI) -> list[str]:
    return [
        r.path
        for r in route_table(app)
        if isinstance(r, APIRoute)
        and "GET" in r.methods
        and not r.path.startswith("/api")
        and "{" not in r.path
    ] + [
        "/licences/{agency}/{number}",
        "/units/{key}",
        "/allegations/{key}",
        "/units/mx-ssp-tamaulipas",
        *(f"/reports/{name}" for name in REPORTS),
    ]


def test_markup_in_every_rendered_field_is_escaped(hostile_app: FastAPI, hostile_world: World) -> None:
    client = sign_in(TestClient(hostile_app, follow_redirects=False), USERNAMES[Role.ADMIN])
    seen = 0
    for path in _pages(hostile_app):
        page = client.get(fill(path, hostile_world))
        assert page.status_code in (200, 303), path
        assert "<script>alert" not in page.text, path
        assert "<b onmouseover" not in page.text, path
        seen += page.text.count("&lt;script&gt;alert(")
    assert seen >= 10  # the hostile names were really rendered, escaped


def test_a_javascript_url_in_a_source_never_becomes_a_link(client_for: ClientFor, world: World) -> None:
    page = client_for(Role.VETTING_ANALYST).get("/allegations/alg-camargo")
    assert "Synthetic test source on Camargo" in page.text
    assert "javascript:" not in page.text


def test_the_timeline_chart_escapes_names(hostile_app: FastAPI, hostile_world: World) -> None:
    client = sign_in(TestClient(hostile_app, follow_redirects=False), USERNAMES[Role.ADMIN])
    svg = client.get("/units/mx-gopes/timeline.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "<script" not in svg.text
    assert "&lt;script&gt;" in svg.text
    assert "default-src 'none'" in svg.headers["content-security-policy"]


SQL_METACHARACTERS = [
    "'",
    "''",
    '"',
    "%",
    "_",
    "\\",
    "' OR '1'='1",
    "1; DROP TABLE licence; --",
    "%' --",
    "*",
    "\x00",
]


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/api/licences", ["q", "state", "end_user", "category"]),
        ("/api/units", ["q", "state"]),
        ("/api/allegations", ["unit"]),
    ],
)
def test_sql_metacharacters_in_every_search_are_plain_text(
    client_for: ClientFor, world: World, path: str, fields: list[str]
) -> None:
    client = client_for(Role.ADMIN)
    everything = client.get(path).json()
    for field in fields:
        for text in SQL_METACHARACTERS:
            answer = client.get(path, params={field: text})
            assert answer.status_code in (200, 422), (field, text, answer.text)
            if answer.status_code == 200:
                found = answer.json()
                # A metacharacter matches nothing here: it is never read as SQL or as a wildcard.
                for key in ("licences", "units", "allegations"):
                    if key in found:
                        assert found[key] == [], (field, text)
    assert client.get(path).json() == everything  # and nothing was dropped


def test_every_form_refuses_a_post_without_its_csrf_token(
    client_for: ClientFor, app: FastAPI, world: World
) -> None:
    forms = [
        (r.path, m) for r in route_table(app) if isinstance(r, APIRoute) for m in r.methods - {"GET", "HEAD"}
    ]
    assert forms
    for path, method in forms:
        for role in (Role.ADMIN, None):
            client = client_for(role)
            csrf_token(client)  # the browser holds the cookie, but the form lacks the field
            missing = client.request(
                method, fill(path, world), data={"username": "admin", "password": PASSWORD}
            )
            assert missing.status_code == 403, (path, role)
            forged = client.request(method, fill(path, world), data={"csrftoken": "forged.value"})
            assert forged.status_code == 403, (path, role)


def test_sign_in_is_protected_even_before_any_cookie_exists(app: FastAPI) -> None:
    client = TestClient(app, follow_redirects=False)
    refused = client.post("/login", data={"username": USERNAMES[Role.ADMIN], "password": PASSWORD})
    assert refused.status_code == 403


def test_a_bearer_token_needs_no_csrf_token(app: FastAPI, db: Database, world: World) -> None:
    from lantern.accounts.service import create_token

    with db.transaction() as session:
        _, token = create_token(session, actor="test", username="monitor", name="t", expires_at=None)
    client = TestClient(app, follow_redirects=False, headers={"Authorization": f"Bearer {token}"})
    assert client.post("/logout").status_code == 303


@pytest.mark.parametrize("who", [Role.EXPORTER, OTHER_EXPORTER])
def test_an_exporter_cannot_reach_another_exporters_licence(
    client_for: ClientFor, world: World, who: str
) -> None:
    client = client_for(who)
    mine, theirs = (
        (world.own_licence, world.other_licence)
        if who is Role.EXPORTER
        else (world.other_licence, world.own_licence)
    )
    for prefix in ("", "/api"):
        assert client.get(f"{prefix}/licences/{mine.agency}/{mine.number}").status_code == 200
        refused = client.get(f"{prefix}/licences/{theirs.agency}/{theirs.number}")
        missing = client.get(f"{prefix}/licences/{theirs.agency}/999999999")
        assert refused.status_code == missing.status_code == 404
        # Word for word the answer for a licence that does not exist: nothing tells the two apart.
        assert refused.text.replace(theirs.number, "N") == missing.text.replace("999999999", "N")
    found = client.get("/api/licences", params={"q": theirs.number}).json()
    assert found["total"] == 0
    listed = client.get("/api/licences").json()
    assert {lic["number"] for lic in listed["licences"]} == {
        r.number for r in world.licences.values() if r.exporter_key == (mine.exporter_key)
    }


def test_an_exporter_sees_no_resolution_reason_or_internal_name(client_for: ClientFor, world: World) -> None:
    client = client_for(OTHER_EXPORTER)
    lic = world.other_licence
    data = client.get(f"/api/licences/{lic.agency}/{lic.number}").json()
    assert all(p["unit_key"] is None and p["list_entry_key"] is None for p in data["parties"])
    assert all(s["by"] is None and s["reason"] is None for s in data["status_history"])
    page = client.get(f"/licences/{lic.agency}/{lic.number}").text
    assert "approved with provisos" not in page
    assert "licensing officer" not in page
    own = (
        client_for(Role.EXPORTER).get(f"/licences/{world.own_licence.agency}/{world.own_licence.number}").text
    )
    assert "mx-gopes" not in own  # the unit its end user resolves to stays hidden


def test_responses_carry_security_headers(client_for: ClientFor) -> None:
    page = client_for(None).get("/login")
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "secure" not in page.headers["set-cookie"].lower()  # plain http: a Secure cookie would be dropped


def test_cookies_are_secure_httponly_and_samesite_over_https(app: FastAPI) -> None:
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    token = csrf_token(client)
    done = client.post(
        "/login", data={"csrftoken": token, "username": USERNAMES[Role.ADMIN], "password": PASSWORD}
    )
    cookies = done.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("lantern_session=")).lower()
    assert "; secure" in session
    assert "; httponly" in session
    assert "samesite=lax" in session
    assert all("; secure" in c.lower() for c in cookies)
    assert client.get("/dashboard").headers["strict-transport-security"].startswith("max-age=")


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_sign_in_never_sends_people_to_another_site(app: FastAPI, target: str) -> None:
    client = TestClient(app, follow_redirects=False)
    token = csrf_token(client)
    done = client.post(
        "/login",
        data={"csrftoken": token, "username": USERNAMES[Role.ADMIN], "password": PASSWORD, "next": target},
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/dashboard"
