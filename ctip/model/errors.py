"""The one error hierarchy every layer raises and the adapters translate in one place:
the API to an HTTP status with a JSON body (`ctip.api.errors`), the CLI to a message and an
exit code (`ctip.commands.common`).

A service raises what went wrong in the user's terms (not found, conflict, invalid input,
forbidden). Anything else that escapes, a bare `ValueError` included, is a bug: the API logs
it and answers 500 with an id, never as the user's fault.

Each class also derives from the standard exception it refines (`ValueError`, `LookupError`,
`PermissionError`): a row reader that turns a `ValueError` into a rejected row, or a page that
shows the reason of a `LookupError`, keeps catching it. The handlers look `CtipError` up first,
so the standard base never decides the answer.
"""

from __future__ import annotations

from typing import Any


class CtipError(Exception):
    """Something the person asking can act on; `details` says where (rows, fields).

    Each class states its answer in one line: the HTTP status, the CLI exit code and the
    code of the JSON error body.
    """

    http_status, exit_code, code = 400, 1, "bad_request"

    def __init__(self, message: str, details: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class NotFound(CtipError, LookupError):
    """No record with that id or name."""

    http_status, exit_code, code = 404, 3, "not_found"


class Conflict(CtipError, ValueError):
    """The request clashes with the state of the records (a step out of order, a duplicate)."""

    http_status, exit_code, code = 409, 4, "conflict"


class InvalidInput(CtipError, ValueError):
    """The input cannot be used as given (a malformed value, an unknown option)."""

    http_status, exit_code, code = 422, 2, "invalid_request"


class Forbidden(CtipError, PermissionError):
    """The policy refuses this person this action."""

    http_status, exit_code, code = 403, 5, "forbidden"
