"""The one upload every workbench page uses: a file chosen in the browser goes through the
same loader as the CLI and the API, and the page shows what happened or why the file was
refused, row by row.

The size cap is checked on the declared length before the body is read, and again while the
file is read, so an oversized upload never fills the server's memory. A refused file writes
nothing: the loader's savepoint is rolled back before the report is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from ctip.model.errors import CtipError, InvalidInput
from ctip.web.auth import CSRF_FIELD, csrf_ok

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
FORM_OVERHEAD_BYTES = 64 * 1024
REPORTED_ROWS = 20
FILE_FIELD = "file"
MAX_FILE_NAME = 200


class UploadRefused(InvalidInput):
    """The upload itself is unusable (too large, empty, no file, an expired form)."""


class UploadTooLarge(UploadRefused):
    """The file is larger than the cap: nothing of it is read."""

    http_status = 413


@dataclass(frozen=True)
class Upload:
    """A file read from the form, with the form's other fields."""

    file_name: str
    data: bytes
    fields: Mapping[str, str]


@dataclass(frozen=True)
class RejectedRow:
    """One row a loader refused: its number, the column when known, and why."""

    row: int
    reason: str
    column: str = ""


@dataclass(frozen=True)
class UploadOutcome:
    """What the page shows after an upload: a summary, or the refusal and its first rows."""

    ok: bool
    message: str
    rejected: tuple[RejectedRow, ...] = ()
    more: int = 0


def _too_large(limit: int) -> UploadTooLarge:
    return UploadTooLarge(f"The file is larger than {limit // (1024 * 1024)} MB; nothing was read.")


async def read_upload(request: Request, limit: int | None = None) -> Upload:
    """The posted file and fields, refused before reading when the declared size is too big,
    and refused when the token is not this session's."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit + FORM_OVERHEAD_BYTES:
        raise _too_large(limit)
    form = await request.form(max_files=1, max_fields=20)
    try:
        return await _upload_of(request, form, limit)
    finally:
        await form.close()


def _holds_nul(fields: Mapping[str, str], chosen: object) -> bool:
    """Whether a field or the file's name holds NUL, which PostgreSQL text cannot store (the
    API refuses it in its middleware; a multipart form is read here, so it is checked here)."""
    file_name = (chosen.filename or "") if isinstance(chosen, UploadFile) else ""
    return any("\x00" in text for text in (*fields, *fields.values(), file_name))


async def _upload_of(request: Request, form: FormData, limit: int) -> Upload:
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    chosen = form.get(FILE_FIELD)
    if _holds_nul(fields, chosen):
        raise UploadRefused("A field of this form holds a NUL character, which no field may hold.")
    if not csrf_ok(request, fields.get(CSRF_FIELD, "")):
        raise UploadRefused("This form has expired. Please choose the file again.")
    if not isinstance(chosen, UploadFile) or not chosen.filename:
        raise UploadRefused("Choose a file to upload.")
    data = await chosen.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data.strip():
        raise UploadRefused(f"{chosen.filename} is empty.")
    return Upload(chosen.filename[-MAX_FILE_NAME:], data, fields)


def _rejected_row(detail: Any) -> RejectedRow | None:
    """A row of a loader's report (a dict naming row and reason), or None for other details."""
    if not isinstance(detail, Mapping) or "reason" not in detail:
        return None
    row = detail.get("row", detail.get("line", 0))
    column = detail.get("column", detail.get("field", ""))
    return RejectedRow(int(row) if isinstance(row, int) else 0, str(detail["reason"]), str(column))


def refusal(error: CtipError, shown: int = REPORTED_ROWS) -> UploadOutcome:
    """The outcome of a refused file: the message and the first `shown` bad rows."""
    rows = [row for row in map(_rejected_row, error.details) if row is not None]
    total = max(int(getattr(error, "total_errors", 0) or 0), len(rows))
    return UploadOutcome(False, error.message, tuple(rows[:shown]), total - min(shown, len(rows)))


def run_loader(session: Session, load: Callable[[], str]) -> UploadOutcome:
    """Run a loader inside a savepoint of the page's transaction: a refusal undoes whatever
    the loader wrote, and the page can still read the store to show the report."""
    try:
        with session.begin_nested():
            return UploadOutcome(True, load())
    except CtipError as error:
        return refusal(error)


def job_outcome(
    result: Mapping[str, Any], failed: bool, message: str, rejects: list[Any], total: int
) -> UploadOutcome:
    """What a finished job shows, in the same form as an upload's outcome: the job's own
    summary sentence when done, the message and the first rejected rows when failed."""
    if not failed:
        summary = result.get("summary")
        return UploadOutcome(True, str(summary) if summary else "Done.")
    rows = [row for row in map(_rejected_row, rejects) if row is not None]
    shown = rows[:REPORTED_ROWS]
    return UploadOutcome(False, message, tuple(shown), max(total, len(rows)) - len(shown))
