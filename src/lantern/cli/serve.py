"""`lantern serve`: run the web application and its HTTP API."""

from __future__ import annotations

import typer
import uvicorn

from lantern.accounts.service import list_users
from lantern.cli.common import console, err_console, state
from lantern.web.app import create_app


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Address to listen on (default: the web.host setting)."),
    port: int | None = typer.Option(None, help="Port to listen on (default: the web.port setting)."),
) -> None:
    """Serve the web application and its HTTP API until stopped with Ctrl+C."""
    app_state = state(ctx)
    settings = app_state.settings
    database = app_state.database()  # stops with the upgrade hint when the schema is behind
    with database.session() as session:
        accounts = len(list_users(session))
    host = host or settings.web.host
    port = port or settings.web.port
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/"
    console.print(f"Lantern is serving at {address} (HTTP API described at {address}docs). Stop with Ctrl+C.")
    if accounts == 0:
        err_console.print("No accounts yet: add one with `lantern users add NAME --role admin`.")
    if settings.web.secret_key is None:
        err_console.print("web.secret_key is not set: sessions end when the server restarts.")
    app = create_app(settings, database=database)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="warning")
