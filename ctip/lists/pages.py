"""Workbench pages of the lists core: the loaded lists with their editions, one list's entries
in the workbench table, and the upload of a new edition (same loaders as the CLI and the API).

An analyst checks here what the screening is run against: which edition of the UFLPA Entity
List is loaded, when and by whom, and whether a name is on it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal, can
from ctip.lists import governance, store
from ctip.lists.access import ListAction
from ctip.lists.formats import WATCHLIST, format_names, preparer
from ctip.model.errors import CtipError, Forbidden, InvalidInput, NotFound
from ctip.web.auth import WebSession, csrf_ok, page_for
from ctip.web.forms import FormText, Token
from ctip.web.frame import error_page, form_expired, page_context
from ctip.web.rendering import redirect, render
from ctip.web.table import (
    Column,
    FilterKind,
    Table,
    export_csv,
    parse_query,
    table_view,
    wants_export,
)
from ctip.web.upload import (
    Upload,
    UploadOutcome,
    UploadRefused,
    read_upload,
    refusal,
    run_loader,
)

router = APIRouter(include_in_schema=False)
ListReader = Annotated[Principal, Depends(page_for(ListAction.READ))]
ListWriter = Annotated[Principal, Depends(page_for(ListAction.WRITE))]
ListApprover = Annotated[Principal, Depends(page_for(ListAction.APPROVE))]
MAX_REASON = 2000
DECISIONS = ("approve", "reject")
MAX_NAME = 100
SCHEMAS = ("Person", "Company", "Organization", "LegalEntity", "Vessel")
NO_LIST = "No list with this name (or no such edition) has been loaded."

ENTRIES = Table(
    "entries",
    (
        Column("entry", "Entry", sortable=True, value=lambda e: e.entry_id),
        Column("name", "Name", sortable=True, value=lambda e: e.name),
        Column("aliases", "Aliases", value=lambda e: "; ".join(e.aliases)),
        Column(
            "schema",
            "Type",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=SCHEMAS,
            value=lambda e: e.schema,
        ),
        Column(
            "countries",
            "Countries",
            filter=FilterKind.TEXT,
            value=lambda e: "; ".join(e.countries),
        ),
    ),
    search_label="Name, alias or entry id",
)


@router.get("/lists")
def lists_page(request: Request, principal: ListReader, session: WebSession) -> Response:
    """Every loaded list with its latest edition, and the upload form for those who load."""
    return _lists_page(request, principal, session)


def _lists_page(
    request: Request,
    principal: Principal,
    session: Session,
    outcome: UploadOutcome | None = None,
    status: int = 200,
    **form: Any,
) -> Response:
    context = page_context(
        request,
        principal,
        active="/lists",
        lists=store.list_summaries(session),
        can_load=can(principal, ListAction.WRITE),
        formats=format_names(),
        outcome=outcome,
        form={"list_name": "", "edition": "", "format": WATCHLIST, **form},
    )
    return render(request, "lists/index.html", context, status_code=status)


@router.post("/lists/load")
async def load_list(request: Request, principal: ListWriter, session: WebSession) -> Response:
    """Load a list file chosen in the browser as a new edition: validated, all or nothing,
    idempotent; a refused file shows its bad rows."""
    try:
        upload = await read_upload(request)
    except UploadRefused as error:
        return _lists_page(request, principal, session, refusal(error), error.http_status)
    form = {k: upload.fields.get(k, "").strip()[:MAX_NAME] for k in ("list_name", "edition")}
    form["format"] = upload.fields.get("format", WATCHLIST)
    try:
        governance.check_may_load(session, principal, form["list_name"])
    except Forbidden as error:
        return _lists_page(request, principal, session, refusal(error), 403, **form)
    outcome = run_loader(session, lambda: _load(session, upload, principal.username, **form))
    status = 200 if outcome.ok else 422
    return _lists_page(request, principal, session, outcome, status, **form)


def _load(
    session: Session, upload: Upload, actor: str, list_name: str, edition: str, format: str
) -> str:
    if format not in format_names():
        raise InvalidInput(f"Unknown format {format!r}; choose one of {', '.join(format_names())}.")
    prepared = preparer(format)(upload.data, upload.file_name, list_name)
    done = store.save_edition(session, list_name, prepared, actor, edition or None, format)
    if done.already_loaded:
        return f"{done.file_name} was already loaded as {done.list_name} {done.edition}."
    return (
        f"Loaded {done.file_name} as {done.list_name}, edition {done.edition}: "
        f"{done.entries} entries, {done.rules} goods rules."
    )


@router.get("/lists/{list_name}")
def list_page(
    request: Request,
    principal: ListReader,
    session: WebSession,
    list_name: str,
    edition: str = "",
) -> Response:
    """One list: its editions, and the entries of one edition (the latest by default) a page
    at a time, searchable and exported as CSV."""
    try:
        listing = store.entry_listing(session, list_name, edition.strip() or None)
    except NotFound:
        return error_page(request, principal, 404, NO_LIST)
    query = parse_query(request.query_params, ENTRIES)
    if wants_export(request):
        return export_csv(session, principal, ENTRIES, listing, query)
    return _list_page(request, principal, session, list_name, edition.strip())


def _list_page(
    request: Request,
    principal: Principal,
    session: Session,
    list_name: str,
    edition: str = "",
    status: int = 200,
    decision_error: str = "",
) -> Response:
    """One list's editions with their four-eyes state, the entries of one edition, and the
    approve and reject forms for a supervisor or admin (not for the editions they loaded)."""
    listing = store.entry_listing(session, list_name, edition or None)
    shown = edition or store.resolve_edition(session, list_name).edition
    page = listing.page(session, parse_query(request.query_params, ENTRIES))
    reviews = {r.edition: r for r in governance.reviews(session, list_name)}
    context = page_context(
        request,
        principal,
        active="/lists",
        list_name=list_name,
        list_href="/lists/" + quote(list_name, safe=""),
        editions=store.editions(session, list_name),
        reviews=reviews,
        official=governance.is_official(session, list_name),
        can_approve=can(principal, ListAction.APPROVE),
        username=principal.username,
        edition=shown,
        entries=table_view(request, ENTRIES, page, keep=("edition",)),
        decision_error=decision_error,
    )
    return render(request, "lists/list.html", context, status_code=status)


@router.post("/lists/{list_name}/editions/{edition}/decide")
def decide_edition(
    request: Request,
    principal: ListApprover,
    session: WebSession,
    list_name: str,
    edition: str,
    decision: FormText = "",
    why: FormText = "",
    token: Token = "",
) -> Response:
    """Approve or reject an edition of an official list (four eyes: not its loader)."""
    if not csrf_ok(request, token):
        return form_expired(request, principal)
    decide = governance.approve if decision == "approve" else governance.reject
    try:
        if decision not in DECISIONS:
            raise InvalidInput("Choose approve or reject.")
        with session.begin_nested():
            decide(session, list_name, edition, principal.username, why[:MAX_REASON])
    except NotFound:
        return error_page(request, principal, 404, NO_LIST)
    except CtipError as error:
        status, message = error.http_status, error.message
        return _list_page(request, principal, session, list_name, "", status, message)
    return redirect("/lists/" + quote(list_name, safe=""))
