"""Files sent whole as the request body (entities, list files, ads, entry lines, suppliers)."""

from __future__ import annotations

import io
from typing import IO, Any

from fastapi import Request

from ctip.api.errors import ApiError
from ctip.api.limits import upload_cap
from ctip.api.schemas import error_responses


def upload_route(body: dict[str, Any], max_bytes: int) -> dict[str, Any]:
    """The route keywords of an upload: `body` describes the required request body, and a
    body over `max_bytes` is documented as 413 and refused by the body-limit middleware
    before it is read (`ctip.api.limits`)."""
    return {
        "responses": error_responses(413),
        "openapi_extra": {"requestBody": {"required": True, **body}, **upload_cap(max_bytes)},
    }


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, f"send at most {max_bytes} bytes per request; the body was not read")


async def read_upload(request: Request, max_bytes: int, expected: str) -> bytes:
    """The body, refused with 413 above `max_bytes` and with 422 when it holds only blanks.

    The declared length is checked before reading and the body is counted as it arrives, so
    a file over the cap is never read whole. Every import route reads its file this way, so
    the limits and the refusals read alike; `expected` says what to send instead of an
    empty body ("the list file").
    """
    body = io.BytesIO()
    await spool_upload(request, max_bytes, expected, body)
    return body.getvalue()


async def spool_upload(request: Request, max_bytes: int, expected: str, target: IO[bytes]) -> None:
    """`read_upload` for a file too large to hold: the body is written to `target` (a file on
    disk) as it arrives, with the same refusals (413 over `max_bytes`, 422 for blanks only)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    size, blank = 0, True
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        blank = blank and not chunk.strip()
        target.write(chunk)
    if blank:
        raise ApiError(422, f"the body is empty: send {expected}")
