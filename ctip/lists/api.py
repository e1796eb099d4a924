"""API routes of watchlists and forced-labour lists: list them, read entries, load, compare.

Lists are named in the query (`?list=uflpa`), so every route reads like a filter: a list
never loaded has no editions and no entries. Loading is a batch POST of the whole file,
answered 202 with a job: reading, storing and indexing a large list takes minutes, and
runs off the request path (`ctip lists load` stays synchronous). The file is spooled to a
temporary file as it arrives and the job reads it from there, pass by pass; the job deletes
it when it ends, done or failed.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from ctip.api.deps import DbSession, get_database, require
from ctip.api.schemas import RequestBody, error_responses, job_accepted
from ctip.api.uploads import spool_upload, upload_route
from ctip.authz.policy import Principal
from ctip.ingest.values import ValueWarning
from ctip.lists import governance, store
from ctip.lists.access import ListAction
from ctip.lists.formats import WATCHLIST, file_reader, format_names
from ctip.lists.readers import check_text, file_sha256, opener
from ctip.matching.types import ListEntry
from ctip.model.errors import Conflict, InvalidInput
from ctip.store import jobs
from ctip.store.db import Database
from ctip.store.ledger import LedgerEvent

router = APIRouter(prefix="/lists", tags=["lists"])
Reader = Annotated[Principal, Depends(require(ListAction.READ))]
Writer = Annotated[Principal, Depends(require(ListAction.WRITE))]
Approver = Annotated[Principal, Depends(require(ListAction.APPROVE))]
Marker = Annotated[Principal, Depends(require(ListAction.MARK_OFFICIAL))]
ListName = Annotated[  # case does not matter: "UFLPA" is the list uflpa
    str,
    Query(alias="list", min_length=1, max_length=95, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
    AfterValidator(str.lower),
]
Edition = Annotated[
    str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
]
NamedEdition = Annotated[
    str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
]
Format = Annotated[
    str,
    Query(
        min_length=1,
        max_length=40,
        description="how to read the file: watchlist, or an area's format (wro, uflpa, tvpra)",
    ),
]
MAX_LIST_BYTES = 100 * 1024 * 1024
MAX_PAGE = 1000
LIST_FILE_BODY = {
    "description": "the list file: CSV, FtM JSON lines (watchlist) or XLSX (wro)",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


class EntryOut(BaseModel):
    """A listed party as screening sees it."""

    entry_id: str
    schema_: str = Field(alias="schema", serialization_alias="schema")
    name: str
    aliases: list[str]
    countries: list[str]
    birth_dates: list[str]
    addresses: list[str]
    identifiers: list[str]
    includes_subsidiaries: bool
    notes: str
    extra: dict[str, str]

    @classmethod
    def of(cls, entry: ListEntry) -> EntryOut:
        """From the store's entry."""
        return cls.model_validate(
            {
                "entry_id": entry.entry_id,
                "schema": entry.schema,
                "name": entry.name,
                "aliases": list(entry.aliases),
                "countries": list(entry.countries),
                "birth_dates": list(entry.birth_dates),
                "addresses": list(entry.addresses),
                "identifiers": list(entry.identifiers),
                "includes_subsidiaries": entry.includes_subsidiaries,
                "notes": entry.notes,
                "extra": {k: str(v) for k, v in entry.extra.items()},
            }
        )


class Reason(RequestBody):
    """Why a person decides: required, kept in the ledger with the decision."""

    why: str = Field(min_length=1, max_length=governance.MAX_REASON)


class DecisionOut(BaseModel):
    """An approval, a rejection or an official mark as the ledger holds it."""

    list_name: str
    decision: str
    actor: str
    at: str
    why: str
    edition: str | None = None

    @classmethod
    def of(cls, list_name: str, edition: str | None, event: LedgerEvent) -> DecisionOut:
        """From the ledger's event."""
        return cls(
            list_name=list_name,
            edition=edition,
            decision=event.kind,
            actor=event.actor,
            at=event.at,
            why=event.reason,
        )


class EntryPage(BaseModel):
    """A page of a list edition's entries."""

    list_name: str
    edition: str | None
    total: int
    entries: list[EntryOut]


class ChangeOut(BaseModel):
    """An entry changed between editions: field -> [old, new]."""

    entry_id: str
    name: str
    fields: dict[str, list[Any]]


class DiffOut(BaseModel):
    """Entries added, removed and changed between two editions."""

    list_name: str
    old: str | None
    new: str | None
    added: list[EntryOut]
    removed: list[EntryOut]
    changed: list[ChangeOut]


@router.get("")
def lists(_: Reader, session: DbSession) -> list[store.ListSummary]:
    """Every loaded list with its latest edition."""
    return list(store.list_summaries(session))


@router.get("/entries", responses=error_responses(404))
def entries(
    _: Reader,
    session: DbSession,
    list_name: ListName,
    edition: Edition = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
) -> EntryPage:
    """The entries of a list's edition (the latest by default); none for a list never loaded."""
    if not store.editions(session, list_name) and edition is None:
        return EntryPage(list_name=list_name, edition=None, total=0, entries=[])
    found = store.list_entries(session, list_name, edition)
    label = found[0].edition if found else store.resolve_edition(session, list_name).edition
    page = [EntryOut.of(e) for e in found[offset : offset + limit]]
    return EntryPage(list_name=list_name, edition=edition or label, total=len(found), entries=page)


@router.get("/diff", responses=error_responses(404))
def diff(
    _: Reader,
    session: DbSession,
    list_name: ListName,
    old: Edition = None,
    new: Edition = None,
) -> DiffOut:
    """Entries added, removed, changed from `old` to `new` (default: the last two editions)."""
    result = store.diff_editions(session, list_name, old, new)
    return DiffOut(
        list_name=result.list_name,
        old=result.old,
        new=result.new,
        added=[EntryOut.of(e) for e in result.added],
        removed=[EntryOut.of(e) for e in result.removed],
        changed=[
            ChangeOut(
                entry_id=c.entry_id,
                name=c.name,
                fields={k: [v[0], v[1]] for k, v in c.fields.items()},
            )
            for c in result.changed
        ],
    )


LOAD_JOB = "lists.load"
MAX_WARNINGS_KEPT = 100
"""Unread values listed in a load job's result (its `warnings` count gives them all)."""
TEXT_FORMATS = (WATCHLIST,)
"""Formats whose files are UTF-8 text, checked before a job is queued (area formats may be
XLSX: their reader checks them in the job)."""


def check_may_send(session: Session, principal: Principal, list_name: str, format: str) -> None:
    """What refuses a load before its file is read: the person may not load this (official)
    list (403), or the format is unknown (422)."""
    store.check_list_name(list_name)
    governance.check_may_load(session, principal, list_name)
    if format not in format_names():
        raise InvalidInput(f"unknown format {format!r}; use one of {', '.join(format_names())}")


def spool_file() -> Path:
    """A new, empty temporary file for a list file on its way to a load job."""
    handle, name = tempfile.mkstemp(prefix="ctip-list-", suffix=".upload")
    os.close(handle)
    return Path(name)


def check_file(
    session: Session,
    list_name: str,
    edition: str | None,
    format: str,
    path: Path,
    file_name: str,
) -> None:
    """The cheap checks of a sent file (spooled at `path`), answered at once instead of by a
    failed job: a text format that is not UTF-8 (422 naming line 1), an edition label already
    taken by other content (409). The job still reads and checks every row."""
    if format in TEXT_FORMATS:
        check_text(opener(path), file_name)
    if edition is None:
        return
    taken = {e.edition: e.content_sha256 for e in store.editions(session, list_name)}
    if edition in taken and taken[edition] != file_sha256(opener(path)):
        raise Conflict(f"list {list_name!r} already has an edition {edition!r} with other content")


def submit_load(
    database: Database,
    principal: Principal,
    list_name: str,
    path: Path,
    file_name: str,
    edition: str | None,
    format: str,
) -> jobs.JobView:
    """Queue the load of the file spooled at `path` as a job (`load_work`), as the API and
    the workbench page both do once the file has passed the cheap checks."""
    work = load_work(principal, list_name, path, file_name, edition, format)
    label = f"{file_name} into {list_name}"
    return jobs.submit(database.session, LOAD_JOB, principal.username, work, label)


def load_work(
    principal: Principal,
    list_name: str,
    path: Path,
    file_name: str,
    edition: str | None,
    format: str,
) -> jobs.Work:
    """The load as a job's work: the same reader and store load as `ctip lists load`, over
    the file spooled at `path`, which the work deletes when it ends (done or failed).

    The permission is checked again inside the job's transaction (an admin may have marked
    the list official meanwhile). Progress counts rows as they are handled: the entries read
    (all at once, when the file has been read and checked), the entry rows written, the
    entries indexed for screening, then the listed parties' statements written in the
    entity store."""

    def work(session: Session, progress: jobs.Progress) -> dict[str, Any]:
        try:
            governance.check_may_load(session, principal, list_name)
            prepared = file_reader(format)(path, file_name, list_name)
            progress(prepared.entry_count)
            done = store.save_edition(
                session,
                list_name,
                prepared,
                principal.username,
                edition,
                format,
                progress=_indexed(progress),
                written=progress,
            )
            return load_result(session, done, prepared.warnings)
        finally:
            path.unlink(missing_ok=True)

    return work


def _indexed(progress: jobs.Progress) -> Callable[[int, int], None]:
    """The index build's (entries indexed, entries in all) as the job's added progress."""
    heard = [0]

    def report(done: int, total: int) -> None:
        progress(max(done - heard[0], 0))
        heard[0] = max(done, heard[0])

    return report


def load_result(
    session: Session, done: store.LoadOutcome, warnings: Sequence[ValueWarning]
) -> dict[str, Any]:
    """A finished load as its job's result: the edition and its figures, how many values were
    kept as written but not read (the first MAX_WARNINGS_KEPT of them), the edition's
    four-eyes state and a sentence for the job page."""
    review = next(
        (r for r in governance.reviews(session, done.list_name) if r.edition == done.edition),
        None,
    )
    status = review.status.value if review is not None else ""
    return {
        **dataclasses.asdict(done),
        "warnings": len(warnings),
        "warning_rows": [_warning(w) for w in warnings[:MAX_WARNINGS_KEPT]],
        "review": status,
        "in_effect": bool(review and review.in_effect),
        "summary": load_summary(done, len(warnings), status),
    }


def _warning(warning: ValueWarning) -> dict[str, Any]:
    return {
        "row": warning.row,
        "column": warning.column,
        "value": warning.value[:200],
        "reason": warning.reason,
    }


def load_summary(done: store.LoadOutcome, warnings: int, review: str) -> str:
    """The load in a sentence or two, as the job page shows it."""
    if done.already_loaded:
        return (
            f"{done.file_name} is already edition {done.edition} of {done.list_name}: "
            "nothing changed."
        )
    text = (
        f"Loaded {done.file_name} as {done.list_name}, edition {done.edition}: "
        f"{done.entries} entries, {done.rules} goods rules"
    )
    if warnings:
        text += f"; {warnings} value(s) kept as written but not read"
    text += "."
    if review == governance.Review.PENDING.value:
        text += (
            " This official list's edition counts for screening only after a supervisor "
            "or admin other than its loader approves it."
        )
    return text


@router.post(
    "/load",
    status_code=202,
    response_model=jobs.JobView,
    **{**upload_route(LIST_FILE_BODY, MAX_LIST_BYTES), "responses": error_responses(409, 413)},
)
async def load(
    principal: Writer,
    session: DbSession,
    database: Annotated[Database, Depends(get_database)],
    request: Request,
    list_name: ListName,
    edition: Edition = None,
    format: Format = WATCHLIST,
    file_name: Annotated[str, Query(min_length=1, max_length=500)] = "upload.csv",
) -> JSONResponse:
    """Load a whole list file as a new edition: validated, all or nothing, idempotent.

    Answers 202 at once with a job (`GET /api/v1/jobs/{id}`): the file is read, stored and
    indexed for screening by a worker, off the request path. When done, the job's `result`
    names the edition, its entries and rules, the values kept as written but not read
    (`warnings`) and the edition's four-eyes state; a refused file fails the job with each
    bad row in `rejects`, and nothing is loaded. Refused at once, without a job: a person who
    may not load the list (403), an unknown format, an empty or non-UTF-8 text file (422),
    an edition label already taken by other content (409).

    An official list (cbp-wro, uflpa, dol-tvpra, or one an admin marked) takes new editions
    only from a trade analyst or an admin, and the edition counts for screening only after
    a supervisor or admin other than the loader approves it."""
    check_may_send(session, principal, list_name, format)
    spooled = spool_file()
    try:
        with spooled.open("wb") as target:
            await spool_upload(request, MAX_LIST_BYTES, "the list file", target)
        await run_in_threadpool(check_file, session, list_name, edition, format, spooled, file_name)
        job = await run_in_threadpool(
            submit_load, database, principal, list_name, spooled, file_name, edition, format
        )
    except BaseException:
        spooled.unlink(missing_ok=True)
        raise
    return job_accepted(job)


@router.get("/editions", responses=error_responses(404))
def edition_reviews(
    _: Reader, session: DbSession, list_name: ListName
) -> list[governance.EditionReview]:
    """Every edition of a list with its four-eyes state and the one screening reads."""
    return governance.reviews(session, list_name)


@router.post("/approve", responses=error_responses(403, 404, 409, 422))
def approve(
    principal: Approver,
    session: DbSession,
    list_name: ListName,
    edition: NamedEdition,
    reason: Reason,
) -> DecisionOut:
    """Let an edition of an official list take effect for screening (not by its loader)."""
    event = governance.approve(session, list_name, edition, principal.username, reason.why)
    return DecisionOut.of(list_name, edition, event)


@router.post("/reject", responses=error_responses(403, 404, 409, 422))
def reject(
    principal: Approver,
    session: DbSession,
    list_name: ListName,
    edition: NamedEdition,
    reason: Reason,
) -> DecisionOut:
    """Keep an edition of an official list out of screening (not by its loader)."""
    event = governance.reject(session, list_name, edition, principal.username, reason.why)
    return DecisionOut.of(list_name, edition, event)


@router.post("/official", responses=error_responses(409, 422))
def mark_official(
    principal: Marker, session: DbSession, list_name: ListName, reason: Reason
) -> DecisionOut:
    """Make a list official: from now on its editions need a trade analyst or admin to load
    and four eyes to take effect."""
    event = governance.mark_official(session, list_name, principal.username, reason.why)
    return DecisionOut.of(list_name, None, event)
