"""Workbench pages of the cases area: the cases list (paged, filtered, exported), a new case,
and a case (facts, team, subjects, arrests and charges, evidence, timeline, deconfliction
notices) with the forms that add to it.

Pages call the same services as the API and the CLI. A case the person is not on shows only
its number, office and lead; every view of a case page is audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz.policy import Principal, can
from ctip.cases import arrests, evidence, service, subjects, views
from ctip.cases.access import CaseAction
from ctip.cases.tables import CaseRow
from ctip.model.errors import CtipError
from ctip.web.auth import WebSession, page_for
from ctip.web.forms import EMPTY_FORM, FormState, FormText, Token, take_form
from ctip.web.frame import error_page, page_context
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

router = APIRouter(include_in_schema=False)
CaseReader = Annotated[Principal, Depends(page_for(CaseAction.READ))]
CaseWriter = Annotated[Principal, Depends(page_for(CaseAction.WRITE))]
TYPES = tuple(t.value for t in service.CaseType)
STATUSES = tuple(s.value for s in service.Status)
FORMS = ("subject", "evidence", "arrest", "outcome", "close", "member")

CASES = Table(
    "cases",
    (
        Column("number", "Case", sortable=True, filter=FilterKind.TEXT, value=lambda c: c.number),
        Column("title", "Title", sortable=True, value=lambda c: c.title),
        Column(
            "case_type",
            "Type",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=TYPES,
            value=lambda c: c.case_type,
        ),
        Column("office", "Office", sortable=True, filter=FilterKind.TEXT, value=lambda c: c.office),
        Column("lead", "Lead", sortable=True, value=lambda c: c.lead),
        Column("opened_on", "Opened", sortable=True, value=lambda c: c.opened_on),
        Column("fy", "FY", filter=FilterKind.TEXT, value=lambda c: c.fiscal_year),
        Column(
            "status",
            "Status",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=STATUSES,
            value=lambda c: c.status,
        ),
    ),
    search_label="Case number, title, office or lead",
    default_sort="opened_on",
    default_descending=True,
)


@router.get("/cases")
def case_list(request: Request, principal: CaseReader, session: WebSession) -> Response:
    """The cases the person may list (all for oversight, their own otherwise), newest first,
    with the deconfliction notices of the cases they lead on top."""
    query = parse_query(request.query_params, CASES)
    listing = views.case_listing(principal)
    if wants_export(request):
        return export_csv(session, principal, CASES, listing, query)
    view = table_view(request, CASES, listing.page(session, query))
    context = page_context(
        request,
        principal,
        active="/cases",
        cases=view,
        notices=subjects.notices_for_lead(session, principal.username),
        can_write=can(principal, CaseAction.WRITE),
    )
    return render(request, "cases/index.html", context)


def _new_page(
    request: Request, principal: Principal, form: FormState = EMPTY_FORM, status: int = 200
) -> Response:
    context = page_context(
        request,
        principal,
        active="/cases",
        form=form,
        type_options=[(t, t.replace("_", " ").capitalize()) for t in TYPES],
    )
    return render(request, "cases/new.html", context, status_code=status)


@router.get("/cases/new")
def new_case(request: Request, principal: CaseWriter) -> Response:
    """The form that opens a case."""
    return _new_page(request, principal)


@router.post("/cases/new")
def open_case(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    title: FormText = "",
    case_type: FormText = "",
    opened_on: FormText = "",
    office: FormText = "",
    lead: FormText = "",
    token: Token = "",
) -> Response:
    """Open the case, then show it; a refusal keeps what was typed."""
    values = {"title": title, "case_type": case_type, "opened_on": opened_on}
    values |= {"office": office, "lead": lead}

    def step() -> CaseRow:
        return service.open_case(
            session, principal, title[:300], case_type, opened_on or None, office[:100], lead[:100]
        )

    def show(form: FormState, _status: int) -> Response:
        return _new_page(request, principal, form, 400)

    def opened(row: CaseRow) -> str:
        return f"/cases/{row.number}"

    return take_form(request, principal, token, values, step, show, opened, ("opened_on",))


def _case_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    number: str,
    failed: tuple[str, FormState] | None = None,
) -> Response:
    try:
        view = views.read_case(session, principal, number)
    except CtipError as error:
        return error_page(request, principal, error.http_status, error.message)
    forms = dict.fromkeys(FORMS, EMPTY_FORM)
    if failed is not None:
        forms[failed[0]] = failed[1]
    context = page_context(
        request,
        principal,
        active="/cases",
        case=view,
        full=isinstance(view, views.CaseView),
        state=forms,
        can_write=can(principal, CaseAction.WRITE),
        subject_kinds=[(k.value, k.value.capitalize()) for k in subjects.SubjectKind],
        evidence_kinds=[(k.value, k.value.replace("_", " ")) for k in evidence.EvidenceKind],
        outcome_options=[(o.value, o.value.capitalize()) for o in arrests.Outcome],
    )
    return render(request, "cases/case.html", context, status_code=400 if failed else 200)


@router.get("/cases/{number}")
def case_page(
    request: Request, principal: CaseReader, session: WebSession, number: str
) -> Response:
    """A case in full for its team and oversight; its number, office and lead for others."""
    return _case_page(request, principal, session, number)


def _post(
    request: Request,
    principal: Principal,
    session: WebSession,
    number: str,
    form: str,
    values: dict[str, str],
    step: Callable[[], object],
    token: str,
    dates: tuple[str, ...] = (),
) -> Response:
    """Take a case form: done -> back to the case; refused -> the case page with the form as
    it was typed and the reason next to the field (a case not found or closed to the person:
    the error page). A refused step leaves nothing half written."""

    def nested() -> None:
        with session.begin_nested():
            step()

    def show(state: FormState, status: int) -> Response:
        if status in (403, 404):
            return error_page(request, principal, status, state.reason)
        return _case_page(request, principal, session, number, (form, state))

    done = f"/cases/{number}#{form}"
    return take_form(request, principal, token, values, nested, show, done, dates)


@router.post("/cases/{number}/subjects")
def add_subject(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    kind: FormText = "",
    value: FormText = "",
    role: FormText = "",
    token: Token = "",
) -> Response:
    """Add a subject (deconfliction is checked at once)."""
    values = {"kind": kind, "value": value, "role": role}
    return _post(
        request,
        principal,
        session,
        number,
        "subject",
        values,
        lambda: subjects.add_subject(session, principal, number, kind, value[:255], role[:100]),
        token,
    )


@router.post("/cases/{number}/evidence")
def link_evidence(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    kind: FormText = "",
    record_id: FormText = "",
    why: FormText = "",
    token: Token = "",
) -> Response:
    """Link another area's record to the case."""
    values = {"kind": kind, "record_id": record_id, "why": why}
    return _post(
        request,
        principal,
        session,
        number,
        "evidence",
        values,
        lambda: evidence.link(session, principal, number, kind, record_id[:255], why[:2000]),
        token,
    )


@router.post("/cases/{number}/arrests")
def record_arrest(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    person: FormText = "",
    arrested_on: FormText = "",
    agency: FormText = "",
    statutes: FormText = "",
    token: Token = "",
) -> Response:
    """Record an arrest of a subject; statutes separated by commas or semicolons."""
    values = {"person": person, "arrested_on": arrested_on, "agency": agency, "statutes": statutes}
    cited = tuple(s for s in statutes.replace(";", ",").split(",") if s.strip())[:20]
    return _post(
        request,
        principal,
        session,
        number,
        "arrest",
        values,
        lambda: arrests.record_arrest(
            session, principal, number, person, arrested_on or None, agency[:100], cited
        ),
        token,
        ("arrested_on",),
    )


@router.post("/cases/{number}/outcomes")
def record_outcome(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    charge: FormText = "",
    outcome: FormText = "",
    on: FormText = "",
    token: Token = "",
) -> Response:
    """Record what became of one of the case's charges."""
    values = {"charge": charge, "outcome": outcome, "on": on}

    def step() -> object:
        if not charge.startswith(f"{number}-"):
            raise service.InvalidCase(
                "choose a charge of this case",
                [{"field": "charge", "reason": "not a charge of this case"}],
            )
        return arrests.record_outcome(session, principal, charge, outcome, on or None)

    return _post(request, principal, session, number, "outcome", values, step, token, ("on",))


@router.post("/cases/{number}/close")
def close_case(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    disposition: FormText = "",
    on: FormText = "",
    token: Token = "",
) -> Response:
    """Close the case with its disposition."""
    values = {"disposition": disposition, "on": on}
    return _post(
        request,
        principal,
        session,
        number,
        "close",
        values,
        lambda: service.close(session, principal, number, disposition[:300], "", on or None),
        token,
        ("on",),
    )


@router.post("/cases/{number}/members")
def add_member(
    request: Request,
    principal: CaseWriter,
    session: WebSession,
    number: str,
    username: FormText = "",
    token: Token = "",
) -> Response:
    """Put a user on the case's team."""
    return _post(
        request,
        principal,
        session,
        number,
        "member",
        {"username": username},
        lambda: service.add_member(session, principal, number, username[:100]),
        token,
    )
