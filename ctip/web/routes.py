"""Workbench pages: sign-in, home, entity search and view, users, the audit log.

Each page calls the same store and authz functions as the API, so a page and the API
give the same answer; this module only decides which template to show and who may see it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ctip.api.errors import json_error
from ctip.api.routes.entities import IMPORT_JOB, import_work
from ctip.api.routes.jobs import job_for
from ctip.authz import audit
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Action, Principal, can
from ctip.authz.sessions import live_sessions
from ctip.authz.throttle import client_throttle
from ctip.authz.users import authenticate, end_own_session, record_sign_out, user_listing
from ctip.ingest.ftm_import import check_source_name
from ctip.model.area import HomeTile, NavEntry
from ctip.model.errors import InvalidInput, NotFound
from ctip.model.roles import Role
from ctip.store import entities as store
from ctip.store import jobs
from ctip.store.db import Database
from ctip.store.jobs import JobState
from ctip.web import views
from ctip.web.auth import (
    FORM_EXPIRED,
    PageForbidden,
    SignedIn,
    SignInRequired,
    WebSession,
    csrf_ok,
    current_principal,
    page_for,
    sign_in,
    sign_out,
)
from ctip.web.forms import FormState, FormText, Token
from ctip.web.frame import error_page, form_expired, page_context
from ctip.web.rendering import (
    STATIC_DIR,
    add_template_dirs,
    harden,
    is_fragment_request,
    redirect,
    render,
)
from ctip.web.table import (
    Column,
    FilterKind,
    Table,
    export_csv,
    parse_query,
    table_page,
    table_view,
    wants_export,
)
from ctip.web.upload import (
    UploadOutcome,
    UploadRefused,
    job_outcome,
    read_upload,
    refusal,
)

MAX_SEARCH_CHARS = 200
MAX_SOURCE_CHARS = 100
MAX_USERNAME_CHARS = 100
MAX_PASSWORD_CHARS = 1000
AUDIT_PAGE_SIZE = 100
BAD_CREDENTIALS = "Wrong username or password, or the account is disabled."
TOO_MANY_TRIES = "Too many failed sign-ins from here; wait a few minutes and try again."

API_PATH = "/api/"
router = APIRouter(include_in_schema=False)
EntityReader = Annotated[Principal, Depends(page_for(Action.ENTITY_READ))]
EntityWriter = Annotated[Principal, Depends(page_for(Action.ENTITY_WRITE))]
UserReader = Annotated[Principal, Depends(page_for(Action.USER_READ))]
AuditReader = Annotated[Principal, Depends(page_for(Action.AUDIT_READ))]
AuditVerifier = Annotated[Principal, Depends(page_for(Action.AUDIT_VERIFY))]


def login_page(
    request: Request, status: int = 200, error: str = "", username: str = ""
) -> Response:
    """The sign-in form; re-shown with an error and the typed username after a refusal."""
    form = FormState({"username": username}, {}, error)
    return render(request, "login.html", page_context(request, None, form=form), status)


@router.get("/login")
def login_form(request: Request, session: WebSession) -> Response:
    """Show the sign-in form, or go home when already signed in."""
    if current_principal(request, session) is not None:
        return redirect("/")
    return login_page(request)


@router.post("/login")
def login(
    request: Request,
    session: WebSession,
    username: FormText = "",
    password: FormText = "",
    submitted_token: Token = "",
) -> Response:
    """Check the password (every attempt is audited) and start a session.

    The refusal is returned, not raised, so the audit row of the failed attempt commits.
    """
    if not csrf_ok(request, submitted_token):
        return login_page(request, 403, FORM_EXPIRED, username[:MAX_USERNAME_CHARS])
    if len(username) > MAX_USERNAME_CHARS or len(password) > MAX_PASSWORD_CHARS:
        return login_page(request, 401, BAD_CREDENTIALS)
    clients = client_throttle(request.app.state)
    address = request.client.host if request.client else "unknown"
    if clients.retry_after(address):
        return login_page(request, 429, TOO_MANY_TRIES, username)
    principal = authenticate(session, username.strip(), password, channel="web")
    if principal is None:
        clients.note_failure(address)
        return login_page(request, 401, BAD_CREDENTIALS, username)
    sign_in(request, session, principal)
    return redirect("/")


@router.post("/logout")
def logout(
    request: Request,
    session: WebSession,
    submitted_token: Token = "",
) -> Response:
    """End the session (audited); the token stops another site from signing a user out."""
    if not csrf_ok(request, submitted_token):
        return form_expired(request, None)
    principal = current_principal(request, session)
    if principal is not None:
        record_sign_out(session, principal, channel="web")
    sign_out(request, session)
    return redirect("/login")


@router.get("/sessions")
def my_sessions(request: Request, principal: SignedIn, session: WebSession) -> Response:
    """The signed-in user's open workbench sessions and API tokens, each with an End button."""
    assert principal.user_id is not None  # a signed-in user always has one
    listed = live_sessions(session, principal.user_id)
    return render(request, "sessions.html", page_context(request, principal, sessions=listed))


@router.post("/sessions/{session_id}/end")
def end_session(
    request: Request,
    principal: SignedIn,
    session: WebSession,
    session_id: int,
    submitted_token: Token = "",
) -> Response:
    """End one of the user's own sessions (audited); ending this one signs them out."""
    if not csrf_ok(request, submitted_token):
        return form_expired(request, principal)
    end_own_session(session, principal, session_id)
    return redirect("/sessions")


@router.get("/")
def home(request: Request, principal: SignedIn, session: WebSession) -> Response:
    """The start page: the person's own work with counts and links, then their areas."""
    work = views.work_for(principal, request.app.state.home_tiles, session)
    return render(request, "home.html", page_context(request, principal, active="/", work=work))


@router.get("/entities")
def entity_search(
    request: Request,
    principal: EntityReader,
    session: WebSession,
    q: str = "",
    identifier: str = "",
) -> Response:
    """Search by name and by identifier; an htmx request gets only the results fragment."""
    q, identifier = q.strip()[:MAX_SEARCH_CHARS], identifier.strip()[:MAX_SEARCH_CHARS]
    hidden, limit = hidden_sources(principal), store.DEFAULT_LIMIT
    result_sets = []
    if q:
        found = store.search_by_name(session, q, limit, hidden=hidden)
        result_sets.append(views.ResultSet("Name", q, found, limit))
    if identifier:
        found = store.find_by_identifier(session, identifier, None, limit, hidden)
        result_sets.append(views.ResultSet("Identifier", identifier, found, limit))
    context: dict[str, Any] = {"q": q, "identifier": identifier, "result_sets": result_sets}
    if is_fragment_request(request):
        return render(request, "_results.html", context)
    return _entities_page(request, principal, **context)


def _entities_page(
    request: Request,
    principal: Principal,
    status: int = 200,
    outcome: UploadOutcome | None = None,
    **context: Any,
) -> Response:
    """The entity search page, with the import form for the roles that may write entities."""
    context.setdefault("q", "")
    context.setdefault("identifier", "")
    context.setdefault("result_sets", [])
    full = page_context(
        request,
        principal,
        active="/entities",
        can_import=can(principal, Action.ENTITY_WRITE),
        outcome=outcome,
        source=context.pop("source", ""),
        **context,
    )
    return render(request, "entities.html", full, status_code=status)


@router.post("/entities/import")
async def import_entities(request: Request, principal: EntityWriter) -> Response:
    """Import an FtM JSON lines file chosen in the browser as one source: the same loader as
    `ctip entities import`, run as a job off the request path; the browser goes to the job's
    page, which shows progress, then the outcome or every bad line."""
    try:
        upload = await read_upload(request)
    except UploadRefused as error:
        return _entities_page(request, principal, error.http_status, refusal(error))
    typed = upload.fields.get("source", "").strip()[:MAX_SOURCE_CHARS]
    try:
        source = check_source_name(typed)
    except InvalidInput as error:
        return _entities_page(request, principal, 422, refusal(error), source=typed)
    database: Database = request.app.state.database
    work = import_work(upload.data, upload.file_name, source, principal.username)
    label = f"{upload.file_name} as {source}"
    job = await run_in_threadpool(
        jobs.submit, database.session, IMPORT_JOB, principal.username, work, label
    )
    return redirect(f"/jobs/{job.id}")


JOB_REFRESH_SECONDS = 2


@router.get("/jobs/{job_id}")
def job_page(request: Request, principal: SignedIn, session: WebSession, job_id: int) -> Response:
    """One of the user's jobs (supervisors and admins: anyone's): its state and progress,
    refreshed every two seconds until it ends, then its outcome or its rejected rows."""
    try:
        job = job_for(session, principal, job_id)
    except NotFound:
        return error_page(request, principal, 404, "No job with this number is yours to see.")
    outcome = None
    if job.ended:
        failed = job.state is not JobState.DONE
        outcome = job_outcome(job.result, failed, job.message, job.rejects, job.total_rejects)
    context = page_context(request, principal, job=job, outcome=outcome)
    response = render(request, "job.html", context)
    if not job.ended:
        response.headers["Refresh"] = str(JOB_REFRESH_SECONDS)
    return response


@router.get("/entities/{entity_id:path}")
def entity_page(
    request: Request, principal: EntityReader, session: WebSession, entity_id: str
) -> Response:
    """One entity: every value with its source and dates, and the entities it links to.
    Only what the user's areas let them see (else 404, as if absent); every view audited."""
    hidden = hidden_sources(principal)
    record = store.get_entity(session, entity_id, hidden)
    if record is None:
        return error_page(request, principal, 404, "No entity with this id is in the store.")
    links = store.entity_links(session, entity_id, hidden)
    rows = len(record.provenance)
    audit.record_read(
        session, principal.username, "entity.read", f"entity:{entity_id}", rows, channel="web"
    )
    context = page_context(
        request,
        principal,
        active="/entities",
        entity=record.summary,
        schema_label=views.schema_label(record.summary.schema),
        properties=views.property_views(record, links),
        links=views.link_views(links, record.summary.schema),
    )
    return render(request, "entity.html", context)


AUDIT_EVENTS = Table(
    "audit",
    (
        Column("seq", "#", sortable=True, numeric=True, value=lambda e: e.seq),
        Column("at", "When", sortable=True, value=lambda e: e.at),
        Column("actor", "Who", sortable=True, filter=FilterKind.TEXT, value=lambda e: e.actor),
        Column("action", "Action", sortable=True, filter=FilterKind.TEXT, value=lambda e: e.action),
        Column("resource", "Resource", sortable=True, value=lambda e: e.resource),
        Column("detail", "Detail", value=lambda e: e.detail),
    ),
    search_label="Search who, action, resource, detail",
    default_sort="seq",
    default_descending=True,
    per_page=AUDIT_PAGE_SIZE,
)
USERS = Table(
    "users",
    (
        Column("username", "Username", sortable=True, value=lambda u: u.username),
        Column("name", "Name", sortable=True, value=lambda u: u.display_name),
        Column(
            "role",
            "Role",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=tuple(role.value for role in Role),
            value=lambda u: u.role.value,
        ),
        Column(
            "state",
            "State",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=("active", "disabled"),
            value=lambda u: "disabled" if u.disabled else "active",
        ),
        Column("created", "Created", sortable=True, value=lambda u: u.created_at),
    ),
    search_label="Username or name",
    default_sort="username",
)


@router.get("/audit")
def audit_log(request: Request, principal: AuditReader, session: WebSession) -> Response:
    """Audit events a page at a time, newest first, with the last verification of the chain
    as the log recorded it and the latest checkpoint outside the database. Nothing is walked
    here (a walk of 200k rows on every view took 12.7 s); a verifier asks for one with the
    button. An export is itself recorded in the log."""
    listing, query = audit.event_listing(), parse_query(request.query_params, AUDIT_EVENTS)
    if wants_export(request):
        return export_csv(session, principal, AUDIT_EVENTS, listing, query)
    events = table_view(request, AUDIT_EVENTS, listing.page(session, query))
    context = page_context(
        request,
        principal,
        active="/audit",
        events=events,
        verification=audit.last_verification(session),
        checkpoint=audit.latest_checkpoint(session),
        can_verify=can(principal, Action.AUDIT_VERIFY),
    )
    return render(request, "audit.html", context)


@router.post("/audit/verify")
def audit_verify(
    request: Request,
    principal: AuditVerifier,
    session: WebSession,
    submitted_token: Token = "",
    full: FormText = "",
) -> Response:
    """Verify the chain now, from the last verified checkpoint (or every row with `full`);
    recorded in the log as the user's. The token stops another site from starting one."""
    if not csrf_ok(request, submitted_token):
        return form_expired(request, principal)
    audit.run_verification(session, principal.username, full=bool(full))
    return redirect("/audit")


@router.get("/users")
def users_page(request: Request, principal: UserReader, session: WebSession) -> Response:
    """Everyone who can sign in, with role and state; exports are recorded in the audit log."""
    return table_page(request, principal, session, USERS, user_listing(), "users.html", "/users")


async def _sign_in_required(request: Request, _: Exception) -> Response:
    """Send the browser to the sign-in page; htmx is told to leave the page, not swap it."""
    if is_fragment_request(request):
        return harden(Response(status_code=401, headers={"HX-Redirect": "/login"}))
    return redirect("/login")


async def _page_forbidden(request: Request, error: Exception) -> Response:
    """A 403 page that says which role was refused, inside the usual frame."""
    assert isinstance(error, PageForbidden)
    message = f"Your role ({error.principal.role.label}) may not use this page."
    return error_page(request, error.principal, 403, message)


async def _missing_page(request: Request, error: Exception) -> Response:
    """An unknown address outside the API is a workbench page (the API keeps its JSON)."""
    assert isinstance(error, StarletteHTTPException)
    if request.url.path.startswith(API_PATH) or error.status_code not in (404, 405):
        return json_error(error.status_code, str(error.detail))
    return error_page(request, None, error.status_code, "There is no page at this address.")


def install_workbench(
    app: FastAPI,
    area_navigation: Iterable[NavEntry],
    area_pages: Iterable[APIRouter],
    template_dirs: Iterable[Path],
    home_tiles: Iterable[HomeTile] = (),
) -> None:
    """Mount the workbench: its own pages, the areas' pages, templates, navigation and the
    home page's counts of each person's work."""
    app.state.navigation = views.navigation(area_navigation)
    app.state.home_tiles = tuple(home_tiles)
    add_template_dirs(template_dirs)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(router)
    for pages in area_pages:
        app.include_router(pages)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(PageForbidden, _page_forbidden)
    app.add_exception_handler(StarletteHTTPException, _missing_page)
