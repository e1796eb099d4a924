"""Typed errors: every refusal is a 4xx with a JSON body, never a bare 500.

Body shape: ``{"error": {"code": "...", "message": "...", "details": [...]}}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ctip.authz.users import UserNotFound
from ctip.ingest.errors import FileRejected

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
}


class ApiError(Exception):
    """An error the API reports as it is: status, code, message and optional details."""

    def __init__(self, status: int, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


def error_body(status: int, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    """The JSON body of every error response."""
    code = STATUS_CODES.get(status, "error")
    return {"error": {"code": code, "message": message, "details": details or []}}


def json_error(status: int, message: str, details: list[Any] | None = None) -> JSONResponse:
    """An error response: the JSON body, and the Bearer challenge that a 401 must carry."""
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(error_body(status, message, details), status_code=status, headers=headers)


async def _api_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ApiError)
    return json_error(error.status, error.message, error.details)


async def _http_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    return json_error(error.status_code, str(error.detail))


async def _validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    details = [
        {"location": list(e.get("loc", [])), "message": e.get("msg", "")} for e in error.errors()
    ]
    return json_error(422, "the request is not valid", details)


async def _file_rejected(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, FileRejected)
    details = [{"row": e.row, "reason": e.reason} for e in error.errors]
    return json_error(422, str(error), details)


async def _not_found(_request: Request, error: Exception) -> JSONResponse:
    return json_error(404, str(error))


async def _value_error(_request: Request, error: Exception) -> JSONResponse:
    return json_error(400, str(error))


async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=error)
    return JSONResponse(
        {"error": {"code": "internal", "message": "unexpected server error", "details": []}},
        status_code=500,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers so every error leaves as JSON."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(FileRejected, _file_rejected)
    app.add_exception_handler(UserNotFound, _not_found)
    app.add_exception_handler(ValueError, _value_error)
    app.add_exception_handler(Exception, _unexpected)
