"""API routes of watchlists and forced-labour lists: list them, read entries, load, compare.

Lists are named in the query (`?list=uflpa`), so every route reads like a filter: a list
never loaded has no editions and no entries. Loading is a batch POST of the whole file.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.schemas import RequestBody, error_responses
from ctip.api.uploads import read_upload, upload_route
from ctip.authz.policy import Principal
from ctip.lists import governance, store
from ctip.lists.access import ListAction
from ctip.lists.formats import WATCHLIST, format_names, preparer
from ctip.matching.types import ListEntry
from ctip.store.ledger import LedgerEvent

router = APIRouter(prefix="/lists", tags=["lists"])
Reader = Annotated[Principal, Depends(require(ListAction.READ))]
Writer = Annotated[Principal, Depends(require(ListAction.WRITE))]
Approver = Annotated[Principal, Depends(require(ListAction.APPROVE))]
Marker = Annotated[Principal, Depends(require(ListAction.MARK_OFFICIAL))]
ListName = Annotated[
    str, Query(alias="list", min_length=1, max_length=95, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
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


@router.post("/load", **upload_route(LIST_FILE_BODY, MAX_LIST_BYTES))
async def load(
    principal: Writer,
    session: DbSession,
    request: Request,
    list_name: ListName,
    edition: Edition = None,
    format: Format = WATCHLIST,
    file_name: Annotated[str, Query(min_length=1, max_length=500)] = "upload.csv",
) -> store.LoadOutcome:
    """Load a whole list file as a new edition: validated, all or nothing, idempotent.

    An official list (cbp-wro, uflpa, dol-tvpra, or one an admin marked) takes new editions
    only from a trade analyst or an admin (403 for anyone else), and the edition counts for
    screening only after a supervisor or admin other than the loader approves it."""
    governance.check_may_load(session, principal, list_name)
    data = await read_upload(request, MAX_LIST_BYTES, "the list file")
    if format not in format_names():
        raise ApiError(422, f"unknown format {format!r}; use one of {', '.join(format_names())}")
    prepared = preparer(format)(data, file_name, list_name)
    return store.save_edition(session, list_name, prepared, principal.username, edition, format)


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
