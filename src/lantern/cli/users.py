"""`lantern users` and `lantern tokens`: accounts for the web application and API tokens for machines."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from rich.table import Table

from lantern.accounts import service
from lantern.accounts.model import Role
from lantern.cli.common import console, err_console, print_json, state
from lantern.licences.service import LicenceFilter, search_licences

users_app = typer.Typer(help="Accounts that sign in to the web application.", no_args_is_help=True)
tokens_app = typer.Typer(
    help="API tokens for machine clients such as an exporter's ERP.", no_args_is_help=True
)


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


@users_app.command("add")
def add(
    ctx: typer.Context,
    username: Annotated[str, typer.Argument(help="Sign-in name: lower-case letters, digits and . _ @ -")],
    role: Annotated[
        Role, typer.Option(help="What the account may do (see docs/web.md for the role matrix).")
    ],
    company: str | None = typer.Option(
        None, help="Exporters only: the company as the licences name their applicant."
    ),
    display_name: str | None = typer.Option(None, "--name", help="The person's name, for display."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input instead of prompting."
    ),
) -> None:
    """Add an account. The password is prompted for (twice), or read from standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        row = service.add_user(
            session,
            actor=app_state.settings.actor,
            username=username,
            role=role,
            password=password,
            password_min_length=app_state.settings.web.password_min_length,
            display_name=display_name,
            company=company,
        )
        name, key = row.username, row.exporter_key
    console.print(f"Account {name} added with role {role.value}.")
    if key is not None:
        with app_state.database().session() as session:
            _, total = search_licences(session, LicenceFilter(exporter_key=key), limit=1)
        if total == 0:
            err_console.print(
                f"warning: no licence in the book has {company!r} as its applicant yet; "
                "this account sees no licence until one does."
            )


@users_app.command("list")
def list_(ctx: typer.Context, json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The accounts, with their roles and whether they are active."""
    with state(ctx).database().session() as session:
        data: list[dict[str, Any]] = [
            {
                "username": r.username,
                "name": r.display_name,
                "role": r.role,
                "company": r.company,
                "active": r.active,
                "created_at": _when(r.created_at),
                "last_login_at": _when(r.last_login_at),
            }
            for r in service.list_users(session)
        ]
    if json:
        print_json(data)
        return
    table = Table(
        "username", "name", "role", "company", "active", "last sign-in", title=f"{len(data)} account(s)"
    )
    for d in data:
        table.add_row(
            d["username"],
            d["name"] or "",
            d["role"],
            d["company"] or "",
            "yes" if d["active"] else "DISABLED",
            d["last_login_at"] or "never",
        )
    console.print(table)


@users_app.command("disable")
def disable(ctx: typer.Context, username: str = typer.Argument(..., help="The account to disable.")) -> None:
    """Disable an account: its sessions end and its API tokens stop working at once."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        row = service.disable_user(
            session, actor=app_state.settings.actor, username=username, now=datetime.now(UTC)
        )
        name = row.username
    console.print(f"Account {name} is disabled.")


@tokens_app.command("create")
def create_token(
    ctx: typer.Context,
    username: str = typer.Argument(..., help="The account the token acts as."),
    name: str = typer.Option("api", help="What the token is for, e.g. 'ERP shipment feed'."),
    days: int | None = typer.Option(
        None, help="Days until it expires (default: the web.token_days setting)."
    ),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create an API token. It is printed once: store it now, Lantern keeps only its digest."""
    app_state = state(ctx)
    lifetime = days if days is not None else app_state.settings.web.token_days
    expires = datetime.now(UTC) + timedelta(days=lifetime) if lifetime > 0 else None
    with app_state.database().transaction() as session:
        row, token = service.create_token(
            session, actor=app_state.settings.actor, username=username, name=name, expires_at=expires
        )
        token_id = row.id
    if json:
        print_json({"id": token_id, "token": token, "expires_at": _when(expires)})
        return
    console.print(f"Token {token_id} for {username}, expires {_when(expires) or 'never'}:")
    print(token)
    err_console.print("Send it as `Authorization: Bearer <token>`. It will not be shown again.")


@tokens_app.command("revoke")
def revoke_token(ctx: typer.Context, token_id: int = typer.Argument(..., help="The token's number.")) -> None:
    """Revoke an API token: it stops working at once."""
    app_state = state(ctx)
    with app_state.database().transaction() as session:
        service.revoke_token(
            session, actor=app_state.settings.actor, token_id=token_id, now=datetime.now(UTC)
        )
    console.print(f"Token {token_id} is revoked.")


@tokens_app.command("list")
def list_tokens(
    ctx: typer.Context,
    username: str | None = typer.Option(None, "--user", help="Only this account's tokens."),
    json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """API tokens (never the tokens themselves: their first characters, owner and dates)."""
    with state(ctx).database().session() as session:
        data: list[dict[str, Any]] = [
            {
                "id": t.id,
                "account": t.user.username,
                "name": t.name,
                "hint": t.hint,
                "created_at": _when(t.created_at),
                "expires_at": _when(t.expires_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in service.list_tokens(session, username=username)
        ]
    if json:
        print_json(data)
        return
    table = Table("id", "account", "name", "starts with", "expires", "revoked", title=f"{len(data)} token(s)")
    for d in data:
        table.add_row(
            str(d["id"]),
            d["account"],
            d["name"],
            d["hint"] + "…",
            d["expires_at"] or "never",
            d["revoked_at"] or "",
        )
    console.print(table)
