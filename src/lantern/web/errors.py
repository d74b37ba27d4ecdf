"""Errors as HTTP responses: a JSON body for the API, a page for people.

Every `LanternError` carries its status; this module only chooses the form. A request that is not signed
in gets 401 from the API and is sent to the sign-in page from HTML pages.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from lantern.errors import LanternError, ValidationProblem


class Unauthenticated(LanternError):
    status_code = 401


class ErrorOut(BaseModel):
    """The body of every error the API returns."""

    detail: str = Field(description="What went wrong, in words fit for a person.")
    code: str = Field(description="A stable name for the kind of error, e.g. not_found or forbidden.")
    problems: list[str] = Field(default_factory=list, description="Each problem with the input, if any.")


#: Error responses every API route may give, for the OpenAPI description.
API_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text}
    for status, text in (
        (400, "The request cannot be answered as asked."),
        (401, "No valid session or API token."),
        (403, "The account's role does not allow this."),
        (404, "No such record, or not one this account may see."),
        (409, "The record's state does not allow this (e.g. a report already sent, a closed case)."),
        (429, "Too many failed sign-ins; wait and try again."),
    )
}


def error_code(exc: LanternError) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower()


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path == "/openapi.json"


def login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def install_error_handlers(app: FastAPI) -> None:
    from lantern.web.templating import render

    async def lantern_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, LanternError)
        problems = exc.problems if isinstance(exc, ValidationProblem) else []
        headers = {}
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if isinstance(exc, Unauthenticated):
            if not wants_json(request):
                return login_redirect(request)
            headers["WWW-Authenticate"] = "Bearer"
        if wants_json(request):
            body = ErrorOut(detail=exc.message, code=error_code(exc), problems=problems)
            return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=headers)
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "message": exc.message, "problems": problems},
            status_code=exc.status_code,
            headers=headers,
        )

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if wants_json(request):
            body = ErrorOut(detail=str(exc.detail), code=f"http_{exc.status_code}")
            return JSONResponse(body.model_dump(), status_code=exc.status_code, headers=exc.headers)
        return render(
            request,
            "error.html",
            {"status": exc.status_code, "message": str(exc.detail), "problems": []},
            status_code=exc.status_code,
            headers=dict(exc.headers) if exc.headers else None,
        )

    async def invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            f"{'.'.join(str(p) for p in err['loc'][1:]) or err['loc'][0]}: {err['msg']}"
            for err in exc.errors()
        ]
        if wants_json(request):
            return await request_validation_exception_handler(request, exc)
        return render(
            request,
            "error.html",
            {"status": 422, "message": "Some of the input could not be used.", "problems": problems},
            status_code=422,
        )

    app.add_exception_handler(LanternError, lantern_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
