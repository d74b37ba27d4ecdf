"""The web application: `create_app(settings)` builds it; `lantern serve` runs it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute

from lantern import __version__
from lantern.db.engine import Database
from lantern.settings import Settings
from lantern.web.errors import install_error_handlers
from lantern.web.routes import ROUTERS
from lantern.web.security import CsrfMiddleware, SecurityHeaders
from lantern.web.templating import STATIC

SESSION_COOKIE = "lantern_session"

#: Routes that are not Lantern routes and need no account: the API description and the static files.
PUBLIC_MOUNTS = frozenset({"/openapi.json", "/static"})

DESCRIPTION = """\
Lantern's HTTP API. Every HTML page of the web application has a JSON twin here at the same path under
`/api`, served from the same service call.

Machine clients send an API token (`lantern tokens create USER`) as `Authorization: Bearer <token>`.
Each operation names the permission it needs (`x-permission`); `docs/web.md` gives the role matrix.
"""


def route_table(app: FastAPI) -> list[BaseRoute]:
    """Every route of the application as declared, with included routers flattened."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before route contexts: included routes are copied into app.routes
        return list(app.routes)
    return [context.original_route for context in iter_route_contexts(app.routes)]


def create_app(settings: Settings, *, database: Database | None = None) -> FastAPI:
    """Build the application. Pass `database` to share one (tests do); otherwise one is made from settings."""
    owns_database = database is None
    db = database or Database.from_url(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            db.dispose()

    app = FastAPI(
        title="Lantern",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # served by Lantern itself, from vendored files (see routes/home.py)
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = db
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    web = settings.web
    secret = web.secret_key.get_secret_value() if web.secret_key else secrets.token_urlsafe(48)
    # Added innermost first: requests pass SecurityHeaders, then CSRF, then sessions, then the routes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=web.session_max_age,
        same_site="lax",
        https_only=web.cookie_secure == "always",
    )
    app.add_middleware(CsrfMiddleware, secret=secret, always_protect=frozenset({"/login"}))
    app.add_middleware(SecurityHeaders, secure_cookies=web.cookie_secure)
    return app


def create_app_from_environment() -> FastAPI:
    """The application with settings read from the environment: what each `lantern serve --workers N`
    process builds for itself."""
    return create_app(Settings())
