"""Jinja2 templates, their filters, and the navigation each role sees.

Autoescaping is on for every template, whatever its name: names, descriptions and citations come from
imported data and may hold HTML. Links built from data go through `safe_url`, which drops any scheme but
http and https (a `javascript:` URL in a source record must not become a link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from lantern.accounts.model import Account, Permission
from lantern.reports.render.html import TEMPLATES as REPORT_TEMPLATES
from lantern.review.model import Criterion

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    path: str
    permission: Permission


#: The main navigation, in order. A new area adds one line; each role sees only what it may open.
NAV: list[NavItem] = [
    NavItem("Dashboard", "/dashboard", Permission.SIGNED_IN),
    NavItem("Licences", "/licences", Permission.LICENCES_READ),
    NavItem("Findings", "/findings", Permission.REVIEW_READ),
    NavItem("Alerts", "/alerts", Permission.REVIEW_READ),
    NavItem("Shipments", "/shipments", Permission.LICENCES_READ),
    NavItem("Trace", "/trace", Permission.MONITORING_READ),
    NavItem("End-use checks", "/checks", Permission.MONITORING_READ),
    NavItem("Violation cases", "/cases", Permission.MONITORING_READ),
    NavItem("Units", "/units", Permission.REGISTRY_READ),
    NavItem("Allegations", "/allegations", Permission.REGISTRY_READ),
    NavItem("Screening", "/screening", Permission.SCREENING_USE),
    NavItem("Imports", "/imports", Permission.IMPORTS_RUN),
    NavItem("Reports", "/reports", Permission.REPORTS_READ),
    NavItem("Audit log", "/audit", Permission.AUDIT_READ),
]


def money(value: object) -> str:
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"US${amount:,.2f}"


def segment(value: object) -> str:
    """A value made safe to stand as one segment of a URL path."""
    return quote(str(value), safe="")


def safe_url(value: str | None) -> str | None:
    if not value:
        return None
    return value if urlsplit(value.strip()).scheme.lower() in {"http", "https"} else None


def words(value: object) -> str:
    """An enum value as words: 'end_user' → 'end user'."""
    return str(value).replace("_", " ") if value is not None else ""


def day(value: date | datetime | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


def _environment() -> jinja2.Environment:
    # A report's body is the same template in the page and in the HTML file `lantern report` writes.
    loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(TEMPLATES), jinja2.FileSystemLoader(REPORT_TEMPLATES)]
    )
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(money=money, segment=segment, safe_url=safe_url, words=words, day=day)
    env.globals.update(Permission=Permission, criteria={c.value: c.heading for c in Criterion})
    return env


templates = Jinja2Templates(env=_environment())


def nav_for(account: Account | None) -> list[NavItem]:
    return [item for item in NAV if account is not None and account.can(item.permission)]


def _twin_url(request: Request) -> str | None:
    route = request.scope.get("route")
    extra = getattr(route, "openapi_extra", None) or {}
    if "x-twin" not in extra:
        return None
    query = f"?{request.url.query}" if request.url.query else ""
    return "/api" + request.url.path + query


def render(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    account: Account | None = getattr(request.state, "account", None)
    full = {
        "account": account,
        "nav": nav_for(account),
        "csrf_token": request.scope.get("csrftoken", lambda: ""),
        "json_url": _twin_url(request),
        "current_path": request.url.path,
        # A one-time message left by the action that redirected here ("Finding 3 is now confirmed.").
        "flash": request.session.pop("flash", None) if "session" in request.scope else None,
        **context,
    }
    return templates.TemplateResponse(request, name, full, status_code=status_code, headers=headers)
