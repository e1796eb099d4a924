"""Workbench pages of the lists core: the loaded lists with their editions, one list's entries
in the workbench table, the upload of a new edition (the API's load job, followed on the job
page; same loaders as the CLI), and
screening: names pasted or a query file uploaded against the lists chosen, each hit with its
explanation.

An analyst checks here what the screening is run against: which edition of the UFLPA Entity
List is loaded, when and by whom, and whether a name is on it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ctip.authz import audit
from ctip.authz.policy import Principal, can
from ctip.ingest.errors import FileRejected
from ctip.ingest.tables import Row
from ctip.ingest.values import RowValues, ValueWarning
from ctip.lists import governance, store
from ctip.lists.access import ListAction
from ctip.lists.api import check_file, check_may_send, spool_file, submit_load
from ctip.lists.formats import WATCHLIST, format_names, hit_record
from ctip.lists.readers import LIST_SCHEMATA, QUERY_COLUMNS, query_from_row, read_query_file
from ctip.matching.scoring import DEFAULT_THRESHOLD
from ctip.matching.screening import Hit, screen_names
from ctip.matching.types import MatchQuery
from ctip.model.errors import CtipError, InvalidInput, NotFound
from ctip.store.db import Database
from ctip.web.auth import CSRF_FIELD, WebSession, csrf_ok, page_for
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
)

router = APIRouter(include_in_schema=False)
ListReader = Annotated[Principal, Depends(page_for(ListAction.READ))]
ListWriter = Annotated[Principal, Depends(page_for(ListAction.WRITE))]
ListApprover = Annotated[Principal, Depends(page_for(ListAction.APPROVE))]
Screener = Annotated[Principal, Depends(page_for(ListAction.SCREEN))]
MAX_SCREEN_QUERIES = 1000
MAX_SCREEN_BYTES = 5 * 1024 * 1024
MAX_SHOWN_HITS = 500
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
    """Load a list file chosen in the browser as a new edition: the same job as
    `POST /api/v1/lists/load`, off the request path; the browser goes to the job's page,
    which shows progress, then the edition's figures or every bad row. What can be refused
    at once (who may load, the list name, the format, an empty or non-UTF-8 file, a taken
    edition label) is shown on this page with the typed values kept."""
    try:
        upload = await read_upload(request)
    except UploadRefused as error:
        return _lists_page(request, principal, session, refusal(error), error.http_status)
    form = {k: upload.fields.get(k, "").strip()[:MAX_NAME] for k in ("list_name", "edition")}
    form["list_name"] = form["list_name"].lower()  # case does not matter: "UFLPA" is uflpa
    form["format"] = upload.fields.get("format", WATCHLIST)
    edition = form["edition"] or None
    spooled = await run_in_threadpool(_spool, upload.data)
    try:
        await run_in_threadpool(
            _check_upload,
            session,
            principal,
            spooled,
            upload,
            form["list_name"],
            edition,
            form["format"],
        )
        database: Database = request.app.state.database
        job = await run_in_threadpool(
            submit_load,
            database,
            principal,
            form["list_name"],
            spooled,
            upload.file_name,
            edition,
            form["format"],
        )
    except CtipError as error:
        spooled.unlink(missing_ok=True)
        return _lists_page(request, principal, session, refusal(error), error.http_status, **form)
    except BaseException:
        spooled.unlink(missing_ok=True)
        raise
    return redirect(f"/jobs/{job.id}")


def _spool(data: bytes) -> Path:
    """The uploaded file written to a temporary file, which the load job reads and deletes:
    the job never holds the upload's bytes (the request does, up to the form's cap)."""
    spooled = spool_file()
    spooled.write_bytes(data)
    return spooled


def _check_upload(
    session: Session,
    principal: Principal,
    spooled: Path,
    upload: Upload,
    list_name: str,
    edition: str | None,
    format: str,
) -> None:
    """The API's checks before a load job (the form reader has refused an empty file): who
    may load, the list name and format, the edition label, the file's encoding."""
    check_may_send(session, principal, list_name, format)
    if edition is not None:
        store.check_edition_name(edition)
    check_file(session, list_name, edition, format, spooled, upload.file_name)


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


@router.get("/screen")
def screen_page(request: Request, principal: Screener, session: WebSession) -> Response:
    """The screening form: names to paste or a file to upload, the lists to screen against."""
    return _screen_page(request, principal, session)


def _screen_page(
    request: Request,
    principal: Principal,
    session: Session,
    status: int = 200,
    **shown: Any,
) -> Response:
    form = {"names": "", "schema": "LegalEntity", "threshold": f"{DEFAULT_THRESHOLD:.2f}"}
    form.update(shown.pop("form", {}))
    context = page_context(
        request,
        principal,
        active="/lists",
        lists=store.list_summaries(session),
        schemas=LIST_SCHEMATA,
        columns=QUERY_COLUMNS.describe(),
        max_queries=MAX_SCREEN_QUERIES,
        form=form,
        chosen=shown.pop("chosen", ()),
        **{"hits": None, "warnings": (), "error": "", "summary": "", **shown},
    )
    return render(request, "lists/screen.html", context, status_code=status)


@router.post("/screen")
async def screen_names_page(request: Request, principal: Screener, session: WebSession) -> Response:
    """Screen the pasted names or the uploaded query file against every list chosen; show
    each hit with its explanation and each value that could not be read."""
    form = await request.form(max_files=1, max_fields=200)
    try:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("file")
        data = await upload.read(MAX_SCREEN_BYTES + 1) if isinstance(upload, UploadFile) else b""
        file_name = upload.filename or "" if isinstance(upload, UploadFile) else ""
    finally:
        await form.close()
    if not csrf_ok(request, fields.get(CSRF_FIELD, "")):
        return form_expired(request, principal)
    shown = {
        "form": {k: fields.get(k, "")[:20_000] for k in ("names", "schema", "threshold")},
        "chosen": tuple(n for n in fields if n.startswith("list:")),
    }
    try:
        return _screened(request, principal, session, fields, data, file_name, shown)
    except FileRejected as error:
        lines = "; ".join(str(e) for e in error.errors[:10])
        message = f"{error.file_name}: nothing was screened ({lines})"
        return _screen_page(request, principal, session, 422, error=message, **shown)
    except CtipError as error:
        return _screen_page(
            request, principal, session, error.http_status, error=error.message, **shown
        )


def _screened(
    request: Request,
    principal: Principal,
    session: Session,
    fields: dict[str, str],
    data: bytes,
    file_name: str,
    shown: dict[str, Any],
) -> Response:
    lists = [n.removeprefix("list:") for n in shown["chosen"]]
    if not lists:
        raise InvalidInput("Choose at least one list to screen against.")
    if len(data) > MAX_SCREEN_BYTES:
        raise InvalidInput(f"The file is larger than {MAX_SCREEN_BYTES // 2**20} MB.")
    threshold = _threshold(fields.get("threshold", ""))
    if data.strip():
        read = read_query_file(data, file_name or "upload.csv")
        queries, warnings = read.queries, read.warnings
    else:
        queries, warnings = _pasted(fields.get("names", ""), fields.get("schema", ""))
    if len(queries) > MAX_SCREEN_QUERIES:
        raise InvalidInput(f"At most {MAX_SCREEN_QUERIES} names at a time; split the file.")
    hits: list[Hit] = []
    for list_name in lists:
        entries = governance.entries_in_effect(session, list_name, None)
        hits.extend(screen_names(queries, entries, threshold))
    hits.sort(key=lambda h: (not h.is_match, -h.score, h.query_id))
    audit.record(
        session,
        principal.username,
        "screen.run",
        "list:" + ",".join(lists)[:200],
        {"queries": len(queries), "hits": len(hits), "threshold": threshold, "via": "workbench"},
    )
    names = {q.query_id: q.name for q in queries}
    matches = sum(1 for h in hits if h.is_match)
    summary = (
        f"Screened {len(queries)} name(s) against {', '.join(lists)}: {matches} match(es), "
        f"{len(hits) - matches} near miss(es)."
    )
    rows = [(hit_record(h, names), h.result.explained()) for h in hits[:MAX_SHOWN_HITS]]
    more = max(len(hits) - MAX_SHOWN_HITS, 0)
    return _screen_page(
        request,
        principal,
        session,
        hits=rows,
        more=more,
        warnings=warnings,
        summary=summary,
        **shown,
    )


def _threshold(text: str) -> float:
    try:
        value = float(text or DEFAULT_THRESHOLD)
    except ValueError:
        raise InvalidInput(f"Threshold {text!r} is not a number between 0.01 and 1.") from None
    if not 0.01 <= value <= 1.0:
        raise InvalidInput(f"Threshold {text!r} is not a number between 0.01 and 1.")
    return value


def _pasted(text: str, schema: str) -> tuple[list[MatchQuery], list[ValueWarning]]:
    """One name per line, numbered as typed (line 1, 2, ...); blank lines skipped."""
    chosen = schema if schema in LIST_SCHEMATA else "LegalEntity"
    queries, warnings = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        name = " ".join(line.split())
        if not name:
            continue
        values = RowValues(number)
        cells = {"id": str(number), "name": name, "schema": chosen}
        try:
            queries.append(query_from_row(Row(number, cells), values))
        except ValueError as error:
            raise InvalidInput(f"Line {number}: {error}") from None
        warnings.extend(values.warnings)
    if not queries:
        raise InvalidInput("Paste at least one name, or choose a file.")
    return queries, warnings
