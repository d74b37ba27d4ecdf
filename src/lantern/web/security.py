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
from python_multipart.multipart import MultipartParser, parse_options_header
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
        self.inner = app
        self.app = asgi_csrf(
            self._restore_content_type,
            cookie_name=CSRF_COOKIE,
            http_header=CSRF_HEADER,
            signing_secret=secret,
            always_protect=set(always_protect),
            cookie_samesite="Strict",
            send_csrf_failed=_csrf_failed,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST" and _is_multipart(scope):
            # asgi-csrf 0.11 cannot parse multipart forms with python-multipart 0.0.26 and later
            # (simonw/asgi-csrf#38). Read the token field here, first in the form as asgi-csrf requires, hand
            # it on as the header asgi-csrf checks, and replay the body that was read.
            token, replay = await _first_multipart_field(scope, receive, CSRF_FIELD)
            if token is None:
                await _csrf_failed(scope, send, Errors.FILE_BEFORE_TOKEN)
                return
            # asgi-csrf accepts the request if the header matches; if not, it must refuse it without parsing
            # the body, which it does for a content type it does not know. The route sees the real one.
            headers = [
                (k, _CHECKED if k.lower() == b"content-type" else v)
                for k, v in scope["headers"]
                if k.lower() != CSRF_HEADER.encode()
            ]
            scope = {
                **scope,
                "headers": [*headers, (CSRF_HEADER.encode(), token.encode("latin-1"))],
                _ORIGINAL_HEADERS: scope["headers"],
            }
            receive = replay
        await self.app(scope, receive, send)

    async def _restore_content_type(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _ORIGINAL_HEADERS in scope:
            scope = {**scope, "headers": scope[_ORIGINAL_HEADERS]}
        await self.inner(scope, receive, send)


_CHECKED = b"application/x-lantern-multipart-checked"
_ORIGINAL_HEADERS = "lantern.original_headers"


def _is_multipart(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    if headers.get(CSRF_HEADER.encode()) or headers.get(b"authorization", b"").startswith(b"Bearer "):
        return False  # asgi-csrf decides these without reading the body
    return headers.get(b"content-type", b"").split(b";", 1)[0].strip() == b"multipart/form-data"


async def _first_multipart_field(
    scope: Scope, receive: Receive, name: str, limit: int = 64 * 1024
) -> tuple[str | None, Receive]:
    """The value of the form's first part if it is the plain field `name`, and a `receive` that replays
    the body read so far. Reads no further than that first part (at most `limit` bytes)."""
    headers = dict(scope.get("headers") or [])
    _, options = parse_options_header(headers.get(b"content-type", b""))
    boundary = options.get(b"boundary")
    messages: list[Message] = []

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    if not boundary:
        return None, replay
    state: dict[str, Any] = {"header": b"", "headers": {}, "value": b"", "done": False, "part": 0}

    def on_part_begin() -> None:
        state["part"] += 1
        if state["part"] > 1:
            state["done"] = True

    def on_header_field(data: bytes, start: int, end: int) -> None:
        if state["part"] == 1:
            state["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        if state["part"] == 1:
            key = state["header"].lower()
            state["headers"][key] = state["headers"].get(key, b"") + data[start:end]

    def on_header_end() -> None:
        state["header"] = b""

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["part"] == 1:
            state["value"] += data[start:end]

    def on_part_end() -> None:
        state["done"] = True

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    read = 0
    more = True
    while more and not state["done"] and read <= limit:
        message = await receive()
        messages.append(message)
        chunk = message.get("body", b"")
        read += len(chunk)
        more = message.get("more_body", False)
        try:
            parser.write(chunk)
        except Exception:  # a malformed body has no token; the refusal below says so
            return None, replay
    if not state["done"]:
        return None, replay
    _, disposition = parse_options_header(state["headers"].get(b"content-disposition", b""))
    if disposition.get(b"name") != name.encode() or b"filename" in disposition:
        return None, replay
    return state["value"].decode("utf-8", errors="replace"), replay


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
