"""Signing in and out, and the signed-in account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from lantern.accounts.model import Permission
from lantern.accounts.service import SignInRefused, Throttled, ThrottleLimits, record_sign_out, sign_in
from lantern.web.deps import SESSION_KEY, CurrentAccount, DatabaseDep, SettingsDep, client_address
from lantern.web.models import AccountRead
from lantern.web.routes.common import account_read
from lantern.web.routing import LanternRouter
from lantern.web.templating import render

router = LanternRouter(tag="accounts")


def safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (`//evil`, `/\\evil`, `https://…`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/dashboard"
    return target


@router.html("/login", permission=Permission.PUBLIC, no_twin="a form; machine clients use API tokens")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None, "username": ""})


@router.html(
    "/login",
    permission=Permission.PUBLIC,
    no_twin="a form; machine clients use API tokens",
    methods=("POST",),
)
def login(
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/dashboard",
) -> Response:
    now = datetime.now(UTC)
    web = settings.web
    limits = ThrottleLimits(
        web.login_max_failures, web.login_client_max_failures, timedelta(seconds=web.login_window_seconds)
    )
    with database.transaction() as session:
        result = sign_in(
            session,
            username=username,
            password=password,
            client=client_address(request),
            now=now,
            limits=limits,
        )
    try:
        account = result.raise_if_refused(now)
    except (SignInRefused, Throttled) as exc:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Throttled) else None
        context = {"next": safe_next(next), "error": exc.message, "username": username}
        return render(request, "login.html", context, status_code=exc.status_code, headers=headers)
    request.session.clear()
    request.session[SESSION_KEY] = {"id": account.id, "epoch": result.session_epoch}
    return RedirectResponse(safe_next(next), status_code=303)


@router.html("/logout", permission=Permission.SIGNED_IN, no_twin="a form that posts", methods=("POST",))
def logout(request: Request, database: DatabaseDep, account: CurrentAccount) -> Response:
    if not account.via_token:
        with database.transaction() as session:
            record_sign_out(session, account=account, client=client_address(request))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.page("/account", permission=Permission.SIGNED_IN, template="account.html")
def account_page(account: CurrentAccount) -> AccountRead:
    """The signed-in account: its role, company and what it may do."""
    return account_read(account)
