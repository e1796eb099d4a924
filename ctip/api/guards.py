"""Refusals of text no store can hold: NUL characters and lone UTF-16 surrogates.

PostgreSQL text cannot hold NUL, and neither database driver can encode a lone surrogate,
so such text fails inside the database (a 500 on PostgreSQL) instead of being refused as
bad input. SQLite accepts NUL, which hides the fault from tests that only use SQLite.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from ctip.api.errors import json_error

NUL_MESSAGE = "the path or query holds a NUL character (%00), which no field may contain"
UNSTORABLE_REASON = (
    "holds a NUL character or a lone surrogate (\\u0000, \\ud800...), which no store keeps"
)
# JSON escapes that decode to NUL or to a surrogate (lone ones are checked after decoding).
_SUSPECT_ESCAPE = re.compile(rb"\\u0000|\\u[dD][89a-fA-F]")


def holds_nul(scope: Scope) -> bool:
    """Whether the decoded path or query string of a request holds a NUL character."""
    path: str = scope.get("path", "")
    query: bytes = scope.get("query_string", b"")
    return "\x00" in path or b"\x00" in unquote_to_bytes(query)


class RejectNulMiddleware:
    """Answer 400 with the JSON error body to any request whose path or query holds NUL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and holds_nul(scope):
            await json_error(400, NUL_MESSAGE)(scope, receive, send)
            return
        await self.app(scope, receive, send)
