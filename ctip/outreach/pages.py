"""Workbench pages of the outreach area: trainings and presentations (a paged table with a
form to record one), and partners. The same `ctip.outreach` services as the CLI and API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz.policy import Principal, can
from ctip.model.calendar import FiscalYear
from ctip.model.clock import SYSTEM_CLOCK
from ctip.outreach import imports, listings, records
from ctip.outreach.access import OutreachAction
from ctip.outreach.records import AUDIENCES, COMPONENTS, INITIATIVES, NewActivity, NewPartner
from ctip.store.paging import Listing
from ctip.web.auth import WebSession, page_for
from ctip.web.fiscal import BadFiscalYear, asked_fiscal_year, bad_fiscal_year_page
from ctip.web.forms import EMPTY_FORM, FormState, FormText, Token, take_form
from ctip.web.frame import page_context
from ctip.web.rendering import render
from ctip.web.table import (
    Column,
    FilterKind,
    Table,
    export_csv,
    parse_query,
    table_view,
    wants_export,
)
from ctip.web.upload import UploadOutcome, UploadRefused, read_upload, refusal, run_loader

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_for(OutreachAction.READ))]
Writer = Annotated[Principal, Depends(page_for(OutreachAction.WRITE))]
KINDS = ("training", "presentation")
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
"""An outreach file is a year of events: a few hundred kilobytes at most."""
LOADERS = {"activities": imports.load_activities, "partners": imports.load_partners}

ACTIVITIES = Table(
    "activities",
    (
        Column("held_on", "Date", sortable=True, value=lambda a: a.held_on),
        Column(
            "kind",
            "Kind",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=KINDS,
            value=lambda a: a.kind,
        ),
        Column("title", "Title", sortable=True, value=lambda a: a.title),
        Column(
            "component",
            "Component",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=COMPONENTS,
            value=lambda a: a.component,
        ),
        Column(
            "audience",
            "Audience",
            sortable=True,
            filter=FilterKind.TEXT,
            value=lambda a: a.audience,
        ),
        Column("place", "Place", sortable=True, value=lambda a: a.place),
        Column("attendees", "Attendees", sortable=True, numeric=True, value=lambda a: a.attendees),
    ),
    search_label="Title, audience or place",
    default_sort="held_on",
    default_descending=True,
)
PARTNERS = Table(
    "partners",
    (
        Column("joined_on", "Joined", sortable=True, value=lambda p: p.joined_on),
        Column("name", "Organisation", sortable=True, value=lambda p: p.name),
        Column(
            "initiative",
            "Initiative",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=INITIATIVES,
            value=lambda p: p.initiative,
        ),
        Column("sector", "Sector", sortable=True, filter=FilterKind.TEXT, value=lambda p: p.sector),
    ),
    search_label="Organisation or sector",
    default_sort="joined_on",
    default_descending=True,
)

MATERIALS = Table(
    "materials",
    (
        Column("distributed_on", "Date", sortable=True, value=lambda m: m.distributed_on),
        Column("title", "Material", sortable=True, value=lambda m: m.title),
        Column(
            "component",
            "Component",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=COMPONENTS,
            value=lambda m: m.component,
        ),
        Column("place", "Place", sortable=True, value=lambda m: m.place),
        Column("quantity", "Quantity", sortable=True, numeric=True, value=lambda m: m.quantity),
    ),
    search_label="Material or place",
    default_sort="distributed_on",
    default_descending=True,
)


def _listing_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    table: Table,
    listing: Listing[object],
    template: str,
    status: int,
    **extra: object,
) -> Response:
    query = parse_query(request.query_params, table)
    if wants_export(request):
        return export_csv(session, principal, table, listing, query)
    view = table_view(request, table, listing.page(session, query), keep=("fy", "upcoming"))
    context = page_context(request, principal, active="/outreach", **{table.name: view}, **extra)
    return render(request, template, context, status_code=status)


def _record(
    request: Request,
    principal: Principal,
    session: WebSession,
    token: str,
    values: dict[str, str],
    day: str,
    page: Callable[[Request, Principal, WebSession, FormState, int], Response],
    save: Callable[[], object],
    done: str,
) -> Response:
    """A form that records one thing: a stale form is refused; a bad `day` or a refused record
    shows the form again as it was typed (400); a record saved returns to `done`."""

    def show(form: FormState, _status: int) -> Response:
        return page(request, principal, session, form, 400)

    return take_form(request, principal, token, values, save, show, done, (day,))


def _activities_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    form: FormState = EMPTY_FORM,
    status: int = 200,
    outcome: UploadOutcome | None = None,
) -> Response:
    try:
        fy = asked_fiscal_year(request)
    except BadFiscalYear as bad:
        return bad_fiscal_year_page(request, principal, bad)
    upcoming = request.query_params.get("upcoming") == "1"
    from_day = SYSTEM_CLOCK.today() if upcoming else None
    listing: Listing[object] = listings.activities(fy, from_day)  # type: ignore[assignment]
    return _listing_page(
        request,
        principal,
        session,
        ACTIVITIES,
        listing,
        "outreach/index.html",
        status,
        fy=FiscalYear(fy) if fy else None,
        upcoming=upcoming,
        form=form,
        can_write=can(principal, OutreachAction.WRITE),
        components=[("", "Blue Campaign (default)"), *((c, c) for c in COMPONENTS)],
        kinds=[(k, k.capitalize()) for k in reversed(KINDS)],
        audiences=AUDIENCES,
        outcome=outcome,
    )


@router.get("/outreach")
def activities_page(request: Request, principal: Reader, session: WebSession) -> Response:
    """Trainings and presentations, newest first, paged and exportable; `fy` narrows to one
    fiscal year (the report's figures link here)."""
    return _activities_page(request, principal, session)


@router.post("/outreach/activities")
def record_activity(
    request: Request,
    principal: Writer,
    session: WebSession,
    kind: FormText = "",
    title: FormText = "",
    component: FormText = "",
    audience: FormText = "",
    held_on: FormText = "",
    place: FormText = "",
    attendees: FormText = "",
    token: Token = "",
) -> Response:
    """Record a training or presentation; a refusal shows the form again as it was typed."""
    values = {"kind": kind, "title": title[:400], "component": component, "audience": audience}
    values |= {"held_on": held_on, "place": place[:400], "attendees": attendees}

    def save() -> object:
        activity = NewActivity.checked(kind, title, held_on, attendees, component, audience, place)
        return records.add_activity(session, activity, principal.username)

    page = _activities_page
    return _record(request, principal, session, token, values, "held_on", page, save, "/outreach")


def _partners_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    form: FormState = EMPTY_FORM,
    status: int = 200,
) -> Response:
    try:
        fy = asked_fiscal_year(request)
    except BadFiscalYear as bad:
        return bad_fiscal_year_page(request, principal, bad)
    listing: Listing[object] = listings.partners(fy)  # type: ignore[assignment]
    return _listing_page(
        request,
        principal,
        session,
        PARTNERS,
        listing,
        "outreach/partners.html",
        status,
        fy=FiscalYear(fy) if fy else None,
        form=form,
        can_write=can(principal, OutreachAction.WRITE),
        initiatives=[(i, i) for i in INITIATIVES],
    )


@router.get("/outreach/partners")
def partners_page(request: Request, principal: Reader, session: WebSession) -> Response:
    """Partners of the Blue Lightning Initiative and others, by the day they joined."""
    return _partners_page(request, principal, session)


@router.post("/outreach/partners")
def record_partner(
    request: Request,
    principal: Writer,
    session: WebSession,
    name: FormText = "",
    initiative: FormText = "",
    sector: FormText = "",
    joined_on: FormText = "",
    token: Token = "",
) -> Response:
    """Record an organisation joining an initiative."""
    values = {"name": name[:400], "initiative": initiative, "sector": sector[:400]}
    values["joined_on"] = joined_on

    def save() -> object:
        partner = NewPartner.checked(name, joined_on, initiative, sector)
        return records.add_partner(session, partner, principal.username)

    page, done = _partners_page, "/outreach/partners"
    return _record(request, principal, session, token, values, "joined_on", page, save, done)


@router.post("/outreach/upload")
async def upload_records(request: Request, principal: Writer, session: WebSession) -> Response:
    """Load trainings and presentations, or partners, from a CSV chosen in the browser: the
    same loader as `ctip outreach load`, all or nothing, every bad row reported."""
    try:
        upload = await read_upload(request, MAX_UPLOAD_BYTES)
    except UploadRefused as error:
        return _activities_page(
            request,
            principal,
            session,
            EMPTY_FORM,
            error.http_status,
            refusal(error),
        )
    what = upload.fields.get("what", "activities")
    load = LOADERS.get(what, imports.load_activities)

    def summary() -> str:
        done = load(session, upload.data, upload.file_name, principal.username)
        if done.already_loaded:
            return f"{done.file_name} was already loaded: nothing changed."
        return f"Loaded {done.file_name}: {done.rows} {what}."

    outcome = run_loader(session, summary)
    status = 200 if outcome.ok else 422
    return _activities_page(request, principal, session, EMPTY_FORM, status, outcome)


def _materials_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    form: FormState = EMPTY_FORM,
    status: int = 200,
) -> Response:
    listing: Listing[object] = listings.materials()  # type: ignore[assignment]
    return _listing_page(
        request,
        principal,
        session,
        MATERIALS,
        listing,
        "outreach/materials.html",
        status,
        form=form,
        can_write=can(principal, OutreachAction.WRITE),
        components=[("", "Blue Campaign (default)"), *((c, c) for c in COMPONENTS)],
    )


@router.get("/outreach/materials")
def materials_page(request: Request, principal: Reader, session: WebSession) -> Response:
    """Indicator cards, posters and other materials handed out, newest first."""
    return _materials_page(request, principal, session)


@router.post("/outreach/materials")
def record_material(
    request: Request,
    principal: Writer,
    session: WebSession,
    title: FormText = "",
    component: FormText = "",
    distributed_on: FormText = "",
    place: FormText = "",
    quantity: FormText = "",
    token: Token = "",
) -> Response:
    """Record materials handed out."""
    values = {"title": title[:400], "component": component, "place": place[:400]}
    values |= {"distributed_on": distributed_on, "quantity": quantity}

    def save() -> object:
        return records.add_material(
            session,
            title,
            distributed_on,
            quantity,
            principal.username,
            component=component,
            place=place,
        )

    page, done = _materials_page, "/outreach/materials"
    return _record(request, principal, session, token, values, "distributed_on", page, save, done)
