"""Dependencies routes declare as `Annotated` aliases: settings, the database session, the account.

An account comes from a bearer API token (machine clients) or from the signed session cookie (people).
`require(permission)` is how a route declares what it needs; `lantern.web.routing` attaches it to every
route, so no route can be added without one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lantern.accounts.model import Account, Permission
from lantern.accounts.service import account_for_session, account_for_token
from lantern.db.engine import Database
from lantern.errors import Forbidden
from lantern.settings import Settings
from lantern.web.errors import Unauthenticated

SESSION_KEY = "account"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


def get_session(database: DatabaseDep) -> Iterator[Session]:
    with database.session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def optional_account(request: Request, session: SessionDep) -> Account | None:
    """The account this request acts for, or None when it carries no credentials at all."""
    account = _authenticate(request, session)
    request.state.account = account  # for the page layout and error pages
    # End the read transaction the look-up began: a form's write runs in a transaction of its own, and a
    # read left open would pin its snapshot for the whole request. (Commit, not rollback: on a test's bound
    # connection a read session joins in "rollback_only" mode, where a rollback would undo the test's data.)
    session.commit()
    return account


def _authenticate(request: Request, session: Session) -> Account | None:
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send an API token as `Authorization: Bearer <token>`.")
        account = account_for_token(session, token.strip(), now=datetime.now(UTC))
        if account is None:
            raise Unauthenticated("The API token is unknown, revoked or expired, or its account is disabled.")
        return account
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    try:
        account = account_for_session(session, int(data["id"]), int(data["epoch"]))
    except (KeyError, TypeError, ValueError):
        account = None
    if account is None:
        request.session.clear()
    return account


OptionalAccount = Annotated[Account | None, Depends(optional_account)]


def current_account(account: OptionalAccount) -> Account:
    if account is None:
        raise Unauthenticated("Sign in first.")
    return account


CurrentAccount = Annotated[Account, Depends(current_account)]


def require(permission: Permission) -> Callable[..., Account | None]:
    """A dependency that lets the request through only if the account's role holds `permission`."""

    def check(account: OptionalAccount) -> Account | None:
        if permission is Permission.PUBLIC:
            return account
        if account is None:
            raise Unauthenticated("Sign in first.")
        if not account.can(permission):
            raise Forbidden(
                f"The role {account.role.value} may not do this: it needs the permission {permission.value}."
            )
        return account

    check.permission = permission  # type: ignore[attr-defined]  # read by the route table tests
    return check


def declared_permission(dependency: Any) -> Permission | None:
    permission = getattr(dependency, "permission", None)
    return permission if isinstance(permission, Permission) else None
