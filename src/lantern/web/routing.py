"""How routes are declared: every route names its permission, and every HTML page gets a JSON twin.

A page is one view function that calls the services and returns a pydantic model. `LanternRouter.page`
serves it twice from that one call: as JSON at `/api<path>` (documented in OpenAPI) and as HTML at `<path>`,
rendering a template with the same model as `page`. So the HTML can never show what the JSON would not,
and an exporter's redactions hold for both. Routes that are not pages (forms that post, images, pages with
no data of their own) use `form`, `asset` or `api`, each of which also demands a permission.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum
from typing import Annotated, Any, TypeVar, get_type_hints

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from lantern.accounts.model import Account, Permission
from lantern.web.deps import require
from lantern.web.errors import API_ERRORS
from lantern.web.templating import render

#: Key in each route's `openapi_extra` naming the permission it needs (also shown in the API description).
PERMISSION = "x-permission"
#: Key in an HTML route's `openapi_extra`: the path of its JSON twin, or why it has none.
TWIN = "x-twin"
NO_TWIN = "x-no-twin"

View = TypeVar("View", bound=Callable[..., Any])

_REQUEST = "lantern_request_"
_ACCOUNT = "lantern_account_"


def _with_request_and_account(view: Callable[..., Any], check: Callable[..., Any]) -> list[inspect.Parameter]:
    """The view's parameters, types resolved, plus the request and the checked account, keyword-only."""
    hints = get_type_hints(view, include_extras=True)
    params = [
        param.replace(kind=inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(name, param.annotation))
        for name, param in inspect.signature(view).parameters.items()
    ]
    params.append(inspect.Parameter(_REQUEST, inspect.Parameter.KEYWORD_ONLY, annotation=Request))
    params.append(
        inspect.Parameter(
            _ACCOUNT, inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[Account | None, Depends(check)]
        )
    )
    return params


def html_endpoint(
    view: Callable[..., Any], check: Callable[..., Any], template: str, partial: str | None
) -> Callable[..., Response]:
    """Wrap a view so that its model is rendered into `template` (or `partial` for htmx requests)."""

    def endpoint(**kwargs: Any) -> Response:
        request: Request = kwargs.pop(_REQUEST)
        kwargs.pop(_ACCOUNT)
        data = view(**kwargs)
        name = partial if partial and request.headers.get("hx-request") == "true" else template
        return render(request, name, {"page": data})

    endpoint.__signature__ = inspect.Signature(_with_request_and_account(view, check))  # type: ignore[attr-defined]
    endpoint.__name__ = f"{view.__name__}_html"
    endpoint.__doc__ = view.__doc__
    return endpoint


class LanternRouter(APIRouter):
    def __init__(self, *, tag: str) -> None:
        tags: list[str | Enum] = [tag]
        super().__init__(tags=tags)

    def page(
        self, path: str, *, permission: Permission, template: str, partial: str | None = None
    ) -> Callable[[View], View]:
        """An HTML page at `path` and its JSON twin at `/api<path>`, both from `view`."""

        def decorate(view: View) -> View:
            check = require(permission)
            twin = "/api" + path
            self.add_api_route(
                twin,
                view,
                methods=["GET"],
                dependencies=[Depends(check)],
                responses=API_ERRORS,
                openapi_extra={PERMISSION: permission.value},
                name=f"api.{view.__name__}",
            )
            self.add_api_route(
                path,
                html_endpoint(view, check, template, partial),
                methods=["GET"],
                response_class=HTMLResponse,
                include_in_schema=False,
                openapi_extra={PERMISSION: permission.value, TWIN: twin},
                name=f"page.{view.__name__}",
            )
            return view

        return decorate

    def api(
        self,
        path: str,
        *,
        permission: Permission,
        methods: tuple[str, ...] = ("GET",),
        errors: dict[int | str, dict[str, Any]] | None = None,
    ) -> Callable[[View], View]:
        """A JSON-only route under /api (machine clients, or the JSON side of a form). `errors` documents
        error statuses the route may give beyond the common ones, such as 409 for an action the record's
        state does not allow."""
        if not path.startswith("/api"):
            raise ValueError(f"JSON routes live under /api: {path}")

        def decorate(view: View) -> View:
            self.add_api_route(
                path,
                view,
                methods=list(methods),
                dependencies=[Depends(require(permission))],
                responses={**API_ERRORS, **(errors or {})},
                openapi_extra={PERMISSION: permission.value},
                name=f"api.{view.__name__}",
            )
            return view

        return decorate

    def html(
        self, path: str, *, permission: Permission, no_twin: str, methods: tuple[str, ...] = ("GET",)
    ) -> Callable[[View], View]:
        """An HTML route with no JSON twin: forms that post, or pages with no data. Say why in `no_twin`."""

        def decorate(view: View) -> View:
            self.add_api_route(
                path,
                view,
                methods=list(methods),
                response_class=HTMLResponse,
                include_in_schema=False,
                dependencies=[Depends(require(permission))],
                openapi_extra={PERMISSION: permission.value, NO_TWIN: no_twin},
                name=f"html.{view.__name__}",
            )
            return view

        return decorate

    def asset(self, path: str, *, permission: Permission, media_type: str) -> Callable[[View], View]:
        """A resource that is neither a page nor JSON, e.g. a chart drawn as SVG."""

        def decorate(view: View) -> View:
            self.add_api_route(
                path,
                view,
                methods=["GET"],
                response_class=Response,
                include_in_schema=False,
                dependencies=[Depends(require(permission))],
                openapi_extra={PERMISSION: permission.value, "x-media-type": media_type},
                name=f"asset.{view.__name__}",
            )
            return view

        return decorate
