"""`lantern serve`: run the web application and its HTTP API."""

from __future__ import annotations

import os
import secrets

import typer

from lantern.accounts.service import list_users
from lantern.cli.common import console, err_console, state


def serve(
    ctx: typer.Context,
    host: str | None = typer.Option(None, help="Address to listen on (default: the web.host setting)."),
    port: int | None = typer.Option(None, help="Port to listen on (default: the web.port setting)."),
    workers: int = typer.Option(
        1, "--workers", min=1, help="Server processes. More than one shares the load across cores."
    ),
) -> None:
    """Serve the web application and its HTTP API until stopped with Ctrl+C."""
    # Imported here: every other command starts without loading the web application.
    import uvicorn

    from lantern.web.app import create_app

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
    if workers > 1:
        database.dispose()
        # Each worker process builds its own application from the environment; hand it the settings this
        # command resolved (options included) and one signing key, or a session cookie signed by one worker
        # would be refused by the next.
        os.environ["LANTERN_DATABASE_URL"] = settings.resolved_database_url
        os.environ["LANTERN_DATA_DIR"] = str(settings.data_dir)
        if settings.web.secret_key is None:
            os.environ["LANTERN_WEB__SECRET_KEY"] = secrets.token_urlsafe(48)
            err_console.print(
                f"web.secret_key is not set: the {workers} workers share a key made now, and sessions end "
                "when the server restarts."
            )
        uvicorn.run(
            "lantern.web.app:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            proxy_headers=True,
            log_level="warning",
        )
        return
    if settings.web.secret_key is None:
        err_console.print("web.secret_key is not set: sessions end when the server restarts.")
    app = create_app(settings, database=database)
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="warning")
