"""Files sent whole as the request body (entities, list files, ads, entry lines, suppliers)."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from ctip.api.errors import ApiError
from ctip.api.schemas import error_responses


def upload_route(body: dict[str, Any]) -> dict[str, Any]:
    """The route keywords of an upload: `body` describes the required request body, and a
    body over the size cap is documented as 413 (what `read_upload` answers)."""
    return {
        "responses": error_responses(413),
        "openapi_extra": {"requestBody": {"required": True, **body}},
    }


async def read_upload(request: Request, max_bytes: int, expected: str) -> bytes:
    """The body, refused with 413 above `max_bytes` and with 422 when it holds only blanks.

    Every import route reads its file this way, so the limits and the refusals read alike;
    `expected` says what to send instead of an empty body ("the list file").
    """
    data = await request.body()
    if len(data) > max_bytes:
        raise ApiError(413, f"send at most {max_bytes} bytes per request")
    if not data.strip():
        raise ApiError(422, f"the body is empty: send {expected}")
    return data
