"""Refusals of text no store can hold: NUL characters and lone UTF-16 surrogates.

PostgreSQL text cannot hold NUL, and neither database driver can encode a lone surrogate,
so such text fails inside the database (a 500 on PostgreSQL) instead of being refused as
bad input. SQLite accepts NUL, which hides the fault from tests that only use SQLite.

One middleware refuses it on every input before any route sees it, so no route can forget:
the path and query, the headers, a JSON body (NUL or a lone surrogate in any key or value)
and a URL-encoded form. The answer is 422 with the JSON error body. Files are not searched
(an XLSX file is binary and holds NUL bytes); their readers refuse unstorable text row by
row, and the workbench's upload form checks its own fields (`ctip.web.upload`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ctip.api.errors import json_error

NUL_MESSAGE = "the path or query holds a NUL character (%00), which no field may contain"
HEADER_MESSAGE = "a header holds a NUL character, which no field may contain"
UNSTORABLE_REASON = (
    "holds a NUL character or a lone surrogate (\\u0000, \\ud800...), which no store keeps"
)
BODY_MESSAGE = f"the request body {UNSTORABLE_REASON}"
# JSON escapes that decode to NUL or to a surrogate (lone ones are checked after decoding).
_SUSPECT_ESCAPE = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")
_JSON_TYPES = (b"application/json", b"application/problem+json")
_FORM_TYPE = b"application/x-www-form-urlencoded"


def holds_nul(scope: Scope) -> bool:
    """Whether the decoded path or query string of a request holds a NUL character."""
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)


def header_holds_nul(scope: Scope) -> bool:
    """Whether any header name or value holds a NUL byte."""
    return any(b"\x00" in name or b"\x00" in value for name, value in scope.get("headers", ()))


def unstorable(text: str) -> bool:
    """Whether a string holds NUL or a lone surrogate (which no driver can encode)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def holds_unstorable(value: Any) -> bool:
    """Whether any string of a decoded JSON value, key or value, is `unstorable`."""
    if isinstance(value, str):
        return unstorable(value)
    if isinstance(value, dict):
        return any(holds_unstorable(k) or holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_unstorable(item) for item in value)
    return False


def json_body_unstorable(body: bytes) -> bool:
    """Whether a JSON body decodes to unstorable text. Only a body holding a suspect escape
    is decoded; a body that is not JSON is left to the route's own 422."""
    if not _SUSPECT_ESCAPE.search(body):
        return False
    try:
        return holds_unstorable(json.loads(body))
    except (ValueError, RecursionError):
        return False


def form_body_unstorable(body: bytes) -> bool:
    """Whether a URL-encoded form holds NUL in any field name or value."""
    return b"\x00" in unquote_to_bytes(body.replace(b"+", b" "))


BodyCheck = Callable[[bytes], bool]


def _body_check(scope: Scope) -> BodyCheck | None:
    """The check that the request's body must pass, by its content type, or None."""
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            kind = bytes(value).split(b";")[0].strip().lower()
            if kind in _JSON_TYPES or kind.endswith(b"+json"):
                return json_body_unstorable
            if kind == _FORM_TYPE:
                return form_body_unstorable
    return None


async def read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body and the messages that carried it (to be given to the app again)."""
    messages, chunks = [], []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that gives the read messages again, then the server's own."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class RejectNulMiddleware:
    """Answer 422 with the JSON error body to any request whose path, query, headers, JSON
    body or form holds NUL (or, in JSON, a lone surrogate).

    It sits inside the body-limit middleware, so the body it reads is already capped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if holds_nul(scope) or header_holds_nul(scope):
            message = NUL_MESSAGE if holds_nul(scope) else HEADER_MESSAGE
            await json_error(422, message)(scope, receive, send)
            return
        check = _body_check(scope)
        if check is None:
            await self.app(scope, receive, send)
            return
        body, messages = await read_body(receive)
        if check(body):
            await json_error(422, BODY_MESSAGE)(scope, receive, send)
            return
        await self.app(scope, replay(messages, receive), send)
