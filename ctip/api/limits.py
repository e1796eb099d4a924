"""Request body limits, applied before the body is read.

Without them an anonymous client could send 200 MB to the sign-in route and the server would
read and parse all of it before answering 401 (memory 0.7 GB -> 1.9 GB in a test), and a file
route would read a whole body before checking its cap. Here every request gets a cap from
its route before a byte of the body is read:

- sign-in and tokens (`/api/v1/auth/...`): 64 KiB;
- an upload route: its own cap, declared with `upload_cap` (the OpenAPI extension
  ``x-max-bytes`` documents it to clients);
- a workbench upload form (multipart): the workbench's upload cap plus the form's overhead;
- everything else (JSON bodies, forms): 1 MiB.

A declared Content-Length over the cap is answered 413 at once; a body without one is counted
as it arrives and refused as soon as it passes the cap, so the rest is never read. A workbench
page gets the refusal on its first read instead, so an upload form can show its own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ctip.api.errors import json_error
from ctip.web.upload import FORM_OVERHEAD_BYTES, MAX_UPLOAD_BYTES

KIB = 1024
MIB = 1024 * KIB
AUTH_MAX_BYTES = 64 * KIB
JSON_MAX_BYTES = 1 * MIB
WORKBENCH_UPLOAD_MAX_BYTES = MAX_UPLOAD_BYTES + FORM_OVERHEAD_BYTES
MAX_BYTES_KEY = "x-max-bytes"
API_PATH = "/api/"
AUTH_PATH = "/api/v1/auth/"


class BodyTooLarge(StarletteHTTPException):
    """A body over its route's cap: raised on the read that passes it, answered 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, too_large_message(limit))


def too_large_message(limit: int) -> str:
    """What a client is told: the cap, and that the body was not read."""
    return f"the request body is larger than {limit} bytes, the cap of this route; it was not read"


def upload_cap(max_bytes: int) -> dict[str, Any]:
    """The `openapi_extra` entry that declares a route's body cap (read by the middleware)."""
    return {MAX_BYTES_KEY: max_bytes}


def declared_length(scope: Scope) -> int | None:
    """The Content-Length a client declared, or None when absent or not a number."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


def _content_type(scope: Scope) -> bytes:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return bytes(value).lower()
    return b""


@dataclass(frozen=True)
class DeclaredCap:
    """An operation's declared body cap, with the pattern of its path."""

    method: str
    path: re.Pattern[str]
    max_bytes: int


def declared_caps(openapi: Mapping[str, Any]) -> tuple[DeclaredCap, ...]:
    """Every cap the API declares (`x-max-bytes` of an operation), read from its OpenAPI:
    the document clients read is the one the middleware enforces."""
    caps = []
    for path, operations in openapi.get("paths", {}).items():
        for method, operation in operations.items():
            cap = operation.get(MAX_BYTES_KEY) if isinstance(operation, Mapping) else None
            if isinstance(cap, int):
                caps.append(DeclaredCap(method.upper(), compile_path(path)[0], cap))
    return tuple(caps)


def route_cap(caps: Iterable[DeclaredCap], scope: Scope) -> int | None:
    """The cap the request's operation declares, or None."""
    method, path = scope.get("method", ""), scope.get("path", "")
    for cap in caps:
        if cap.method == method and cap.path.match(path):
            return cap.max_bytes
    return None


def body_limit(caps: Iterable[DeclaredCap], scope: Scope) -> int:
    """The most bytes of body this request may send, decided before any is read."""
    path: str = scope.get("path", "")
    if path.startswith(AUTH_PATH):
        return AUTH_MAX_BYTES
    declared = route_cap(caps, scope)
    if declared is not None:
        return declared
    if not path.startswith(API_PATH) and _content_type(scope).startswith(b"multipart/form-data"):
        return WORKBENCH_UPLOAD_MAX_BYTES
    return JSON_MAX_BYTES


class CountedBody:
    """The request's `receive`, refusing the read that would pass the cap."""

    def __init__(self, receive: Receive, limit: int, declared: int | None) -> None:
        self._receive = receive
        self.limit = limit
        self.declared = declared
        self.received = 0

    async def __call__(self) -> Message:
        if self.declared is not None and self.declared > self.limit:
            raise BodyTooLarge(self.limit)
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
        return message


class BodyLimitMiddleware:
    """Answer 413 with the JSON error body to a body over its route's cap, unread."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._caps: tuple[DeclaredCap, ...] | None = None

    def caps(self, scope: Scope) -> tuple[DeclaredCap, ...]:
        """The API's declared caps, read once from the app's OpenAPI on the first request
        (every router is included by then)."""
        if self._caps is None:
            openapi = getattr(scope.get("app"), "openapi", None)
            self._caps = declared_caps(openapi()) if callable(openapi) else ()
        return self._caps

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, declared = body_limit(self.caps(scope), scope), declared_length(scope)
        if declared is not None and declared > limit and scope["path"].startswith(API_PATH):
            await json_error(413, too_large_message(limit))(scope, receive, send)
            return
        await self._counted(scope, receive, send, CountedBody(receive, limit, declared))

    async def _counted(self, scope: Scope, receive: Receive, send: Send, body: CountedBody) -> None:
        """Run the app on the counted body; a refusal nobody answered is answered here."""
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, body, tracked)
        except BodyTooLarge:
            if started:
                raise
            await json_error(413, too_large_message(body.limit))(scope, receive, send)
