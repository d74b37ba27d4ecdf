"""Every route × every role (and no account): allowed where the role matrix says so, refused elsewhere.

The cases come from the application's route table, so a new route is checked the day it is added; a route
without a declared permission fails `test_route_table` and a path parameter without a sample fails here.
"""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx2 import Response

from lantern.accounts.model import Permission, Role, role_allows
from tests.integration.web.conftest import ClientFor, csrf_token
from tests.integration.web.routes import RouteCase, fill, route_cases
from tests.integration.web.world import World


def _call(client: TestClient, case: RouteCase, world: World) -> Response:
    path = fill(case.path, world)
    if case.method == "GET":
        return client.get(path)
    return client.request(case.method, path, data={"csrftoken": csrf_token(client)})


def _verdict(case: RouteCase, role: Role | None, response: Response) -> str | None:
    """None when the response is what the matrix says; otherwise what went wrong."""
    status = response.status_code
    assert case.permission is not None
    # Asked to sign in: a redirect that names the page to come back to (signing out also ends on /login).
    to_login = status == 303 and response.headers.get("location", "").startswith("/login?next=")
    if status >= 500:
        return f"server error {status}"
    if role is None and case.permission is not Permission.PUBLIC:
        expected_refusal = status == 401 if case.is_api else to_login
        return None if expected_refusal else f"anonymous got {status}, expected to be asked to sign in"
    if case.permission is Permission.PUBLIC:
        # A public form may still answer 401 to a wrong password; only a refusal by role would be wrong.
        return f"public but refused with {status}" if status == 403 or to_login else None
    if role is None or role_allows(role, case.permission):
        return f"allowed but refused with {status}" if status in (401, 403) or to_login else None
    return None if status == 403 else f"needs {case.permission.value}, expected 403, got {status}"


@pytest.mark.parametrize("role", [*Role, None], ids=[*(r.value for r in Role), "anonymous"])
def test_every_route_for_every_role(
    role: Role | None, client_for: ClientFor, app: FastAPI, world: World
) -> None:
    cases = route_cases(app)
    assert len(cases) >= 15
    shared = client_for(role)
    problems = []
    for case in cases:
        # A write gets a client of its own: signing out must not end the session the other cases use.
        client = shared if case.method == "GET" else client_for(role)
        problem = _verdict(case, role, _call(client, case, world))
        if problem:
            problems.append(f"{case}: {problem}")
    assert problems == []


def test_the_matrix_keeps_its_promises() -> None:
    """Oversight changes nothing; exporters never reach units, allegations, screening, findings or the log."""
    for permission in Permission:
        if permission.writes:
            assert not role_allows(Role.OVERSIGHT, permission)
        assert role_allows(Role.ADMIN, permission)
    for permission in (
        Permission.REGISTRY_READ,
        Permission.SCREENING_USE,
        Permission.REVIEW_READ,
        Permission.MONITORING_READ,
        Permission.AUDIT_READ,
        Permission.REPORTS_READ,
    ):
        assert not role_allows(Role.EXPORTER, permission)
