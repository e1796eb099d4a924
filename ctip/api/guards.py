"""Refusals of text no store can hold: NUL characters and lone UTF-16 surrogates.

PostgreSQL text cannot hold NUL, and neither database driver can encode a lone surrogate,
so such text fails inside the database (a 500 on PostgreSQL) instead of being refused as
bad input. SQLite accepts NUL, which hides the fault from tests that only use SQLite.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from ctip.api.errors import json_error
from ctip.ingest.errors import RowError

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


def unstorable_rows(data: bytes) -> list[RowError]:
    """The JSON lines of an upload whose decoded text no store can keep, with their numbers.

    A stopgap at the API edge until `ctip.ingest.ftm` rejects such values itself; lines are
    numbered as the reader numbers them. Only lines holding a suspect escape are decoded.
    """
    if not _SUSPECT_ESCAPE.search(data):
        return []
    return [
        RowError(number, UNSTORABLE_REASON)
        for number, line in enumerate(data.splitlines(), start=1)
        if _SUSPECT_ESCAPE.search(line) and _holds_unstorable_text(line)
    ]


def _holds_unstorable_text(line: bytes) -> bool:
    try:
        return not all(_storable(text) for text in _texts(json.loads(line)))
    except (ValueError, RecursionError):  # not JSON, or nested past any FtM shape:
        return False  # the reader reports the line


def _texts(value: Any) -> Iterator[str]:
    """Every string in a decoded JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
