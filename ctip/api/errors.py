"""Where errors become HTTP answers: the one place the API maps the error hierarchy.

Every refusal is a 4xx with the JSON body
``{"error": {"code": "...", "message": "...", "details": [...]}}``: a `CtipError` raised by any
service carries its own status and code (`ctip.model.errors`). Anything else that escapes, a
bare `ValueError` included, is a bug, not the user's fault: it is logged with an error id and
answered 500 with that id, so a person can quote it and an operator can find the log line.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ctip.model.errors import CtipError
from ctip.store.db import StoreBusy, is_busy

log = logging.getLogger(__name__)

STATUS_CODES = {
    400: "bad_request",
    401: "not_signed_in",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "too_many_requests",
    500: "internal",
    503: "store_busy",
}


class ApiError(CtipError):
    """A refusal decided by a route itself (401, 413, an empty body): status given as a number.

    Services raise the named classes of `ctip.model.errors`; this is for checks that only make
    sense over HTTP, and it is answered by the same handler.
    """

    def __init__(self, status: int, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message, details)
        self.http_status = status
        self.code = STATUS_CODES.get(status, "error")


def error_body(status: int, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """The JSON body of every error response, its code read from the status."""
    return _body(STATUS_CODES.get(status, "error"), message, details)


def _body(code: str, message: str, details: list[Any] | None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or []}}


def json_error(status: int, message: str, details: list[Any] | None = None) -> JSONResponse:
    """An error response: the JSON body, and the Bearer challenge that a 401 must carry."""
    return _response(status, error_body(status, message, details))


def _response(status: int, body: dict[str, Any]) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


async def _ctip_error(_request: Request, error: Exception) -> JSONResponse:
    """The one mapping of the hierarchy: the error's own status, code, message and details;
    an error that says when to come back (the store busy) says it in `Retry-After`."""
    assert isinstance(error, CtipError)
    response = _response(error.http_status, _body(error.code, error.message, error.details))
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return json_error(error.status_code, str(error.detail))


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = [
        {"location": list(e.get("loc", [])), "message": e.get("msg", "")} for e in error.errors()
    ]
    return json_error(422, "the request is not valid", details)


async def _unexpected(request: Request, error: Exception) -> JSONResponse:
    """A bug: logged with an id that the 500 answer carries, so the two can be matched.

    SQLite's "database is locked" met outside a `Database.session` block is no bug but the
    store busy: it gets the same 503 and `Retry-After` as `StoreBusy`."""
    if is_busy(error):
        return await _ctip_error(request, StoreBusy())
    error_id = uuid.uuid4().hex[:12]
    log.error(
        "unexpected error %s on %s %s",
        error_id,
        request.method,
        request.url.path,
        exc_info=error,
    )
    message = f"unexpected server error; quote error id {error_id}"
    return json_error(500, message, [{"error_id": error_id}])


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers so every error leaves as JSON."""
    app.add_exception_handler(CtipError, _ctip_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
