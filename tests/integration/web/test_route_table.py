"""Rules every route must follow, checked over the whole route table so a new route cannot slip through."""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from lantern.accounts.model import Role
from lantern.web.app import PUBLIC_MOUNTS, route_table
from lantern.web.routing import NO_TWIN, TWIN
from tests.integration.web.conftest import ClientFor
from tests.integration.web.routes import enforced_permissions, fill, route_cases
from tests.integration.web.world import World


def test_every_route_declares_a_permission_and_enforces_it(app: FastAPI) -> None:
    problems = []
    for case in route_cases(app):
        if case.permission is None:
            problems.append(f"{case}: declares no permission (use LanternRouter.page/api/html/asset)")
        elif enforced_permissions(case.route) != {case.permission}:
            problems.append(
                f"{case}: declares {case.permission} but checks {enforced_permissions(case.route)}"
            )
    assert problems == []


def test_only_the_api_description_and_static_files_are_outside_the_route_table(app: FastAPI) -> None:
    others = {
        getattr(route, "path", repr(route)) for route in route_table(app) if not isinstance(route, APIRoute)
    }
    assert others == PUBLIC_MOUNTS


def _html_routes(app: FastAPI) -> list[APIRoute]:
    return [
        r
        for r in route_table(app)
        if isinstance(r, APIRoute) and r.response_class is HTMLResponse and "GET" in r.methods
    ]


def test_every_html_page_has_a_json_twin_or_says_why_not(app: FastAPI) -> None:
    api = {
        (r.path, m)
        for r in route_table(app)
        if isinstance(r, APIRoute)
        for m in r.methods
        if r.include_in_schema
    }
    problems = []
    for route in _html_routes(app):
        extra = route.openapi_extra or {}
        if TWIN in extra:
            if extra[TWIN] != "/api" + route.path or (extra[TWIN], "GET") not in api:
                problems.append(f"{route.path}: its twin {extra[TWIN]} is not a documented GET route")
        elif not extra.get(NO_TWIN):
            problems.append(f"{route.path}: an HTML page with no JSON twin and no reason given")
    assert problems == []


def test_pages_and_twins_show_the_same_records(client_for: ClientFor, app: FastAPI, world: World) -> None:
    """The HTML page renders what its JSON twin returns: every name, key and description appears in both."""
    client = client_for(Role.ADMIN)
    checked = 0
    for route in _html_routes(app):
        twin = (route.openapi_extra or {}).get(TWIN)
        if not twin:
            continue
        page = client.get(fill(route.path, world))
        data = client.get(fill(twin, world))
        assert page.status_code == data.status_code == 200, route.path
        for text in _texts(data.json()):
            assert _escaped(text) in page.text, f"{route.path}: {text!r} is in the JSON but not on the page"
        checked += 1
    assert checked >= 7


def _texts(value: object, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _texts(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _texts(v, key)]
    if isinstance(value, str) and key in {"name", "description", "title", "number", "username"}:
        return [value]
    return []


def _escaped(text: str) -> str:
    import html

    return html.escape(text, quote=True).replace("&#x27;", "&#39;")
