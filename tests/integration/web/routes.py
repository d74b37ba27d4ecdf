"""The route table as tests see it: every route, its declared permission, and sample values for its path."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from lantern.accounts.model import Permission
from lantern.web.app import route_table
from lantern.web.deps import declared_permission
from lantern.web.routing import PERMISSION
from tests.integration.web.world import World

_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


@dataclass(frozen=True)
class RouteCase:
    route: APIRoute
    method: str
    permission: Permission | None

    @property
    def path(self) -> str:
        return self.route.path

    @property
    def is_api(self) -> bool:
        return self.route.path.startswith("/api")

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


def route_cases(app: FastAPI) -> list[RouteCase]:
    cases = []
    for route in route_table(app):
        if not isinstance(route, APIRoute):
            continue
        value = (route.openapi_extra or {}).get(PERMISSION)
        permission = Permission(value) if value in set(Permission) else None
        for method in sorted(route.methods - {"HEAD"}):
            cases.append(RouteCase(route, method, permission))
    return cases


def enforced_permissions(route: APIRoute) -> set[Permission]:
    """The permissions checked by the dependencies the route really runs."""
    found: set[Permission] = set()
    stack = list(route.dependant.dependencies)
    while stack:
        dependant = stack.pop()
        permission = declared_permission(dependant.call)
        if permission is not None:
            found.add(permission)
        stack.extend(dependant.dependencies)
    return found


def samples(world: World) -> dict[str, str]:
    """A value for each path parameter, as `<first segment>:<name>` or just `<name>`."""
    own = world.own_licence
    return {
        "agency": own.agency,
        "number": own.number,
        "units:key": world.units["gopes"].key,
        "allegations:key": world.allegations["camargo"].key,
        "reports:name": "holdings",
        "cases:key": world.cases["gopes"].key,
        "cases:kind": "aeca_3c2",
        "checks:key": world.checks["test"].key,
        "shipments:key": world.shipment_key,
        # Findings and alerts exist once the book is reviewed; before, an allowed role gets 404, not 403.
        "finding_id": "1",
        "alert_id": "1",
        "party_id": str(own.parties[0].id),
        "upload": "0123456789abcdefghij",
    }


def fill(path: str, world: World) -> str:
    values = samples(world)
    first = path.strip("/").split("/")[0]
    if first == "api":
        first = path.strip("/").split("/")[1]

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        found: Any = values.get(f"{first}:{name}", values.get(name))
        if found is None:
            pytest.fail(f"{path} has a path parameter {{{name}}} with no sample value: add one in routes.py")
        return str(found)

    return _PARAM.sub(value, path)
