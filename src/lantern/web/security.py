"""ASGI middleware: CSRF protection, Secure cookies over https, and security headers on every response.

CSRF uses asgi-csrf (the signed double-submit cookie pattern, as Datasette uses it): every form carries the
token in a hidden `csrftoken` field, htmx requests send it as the `x-csrftoken` header, and any POST without
a matching token is refused with 403. Requests with a bearer API token are exempt, since a browser never
sends one on its own; the sign-in form is protected even before any cookie exists, against login CSRF.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from asgi_csrf import Errors, asgi_csrf
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrftoken"
CSRF_HEADER = "x-csrftoken"

# Scripts and styles come only from this origin: no inline script anywhere, so injected markup cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)

_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


async def _csrf_failed(scope: Scope, send: Send, message_id: Errors) -> None:
    path: str = scope.get("path", "")
    if path.startswith("/api"):
        body = orjson.dumps(
            {"detail": "The request has no valid CSRF token.", "code": "csrf_failed", "problems": []}
        )
        content_type = b"application/json"
    else:
        body = (
            b"<!doctype html><html lang='en'><title>Form expired</title><main><h1>Form expired</h1>"
            b"<p>This form could not be accepted: its security token is missing or stale. "
            b"Go back, reload the page and send it again.</p></main></html>"
        )
        content_type = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, *, secret: str, always_protect: frozenset[str]) -> None:
        self.app = asgi_csrf(
            app,
            cookie_name=CSRF_COOKIE,
            http_header=CSRF_HEADER,
            signing_secret=secret,
            always_protect=set(always_protect),
            cookie_samesite="Strict",
            send_csrf_failed=_csrf_failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


class SecurityHeaders:
    """Adds the headers above to every response; on https (or when told) marks cookies Secure, sends HSTS."""

    def __init__(self, app: ASGIApp, *, secure_cookies: Literal["auto", "always", "never"]) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        secure = self.secure_cookies == "always" or (
            self.secure_cookies == "auto" and scope.get("scheme") == "https"
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = [
                    (k, _secure_cookie(v) if secure and k.lower() == b"set-cookie" else v)
                    for k, v in message.get("headers", [])
                ]
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in _HEADERS if k not in present)
                if secure:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _secure_cookie(value: bytes) -> bytes:
    attributes = [part.strip().lower() for part in value.split(b";")]
    return value if b"secure" in attributes else value + b"; Secure"
