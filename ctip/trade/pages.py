"""Workbench pages of the trade area: screening results, a line, the detention queue, a
detention (ledger, documents, clocks, forms) and an entity's supplier tiers.

Every page calls the same `ctip.trade` services as the API and the CLI; forms post back
with the session's CSRF token, and a refused step re-shows the page with the reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz.policy import Principal, can
from ctip.model import calendar
from ctip.model.errors import CtipError
from ctip.store.paging import RecordListing
from ctip.trade import detentions, entries, service, tiers
from ctip.trade.access import TradeAction
from ctip.trade.tables import DetentionRow
from ctip.web.auth import WebSession, page_for
from ctip.web.fiscal import BadFiscalYear, asked_fiscal_year, bad_fiscal_year_page
from ctip.web.forms import EMPTY_FORM, FormState, FormText, Token, take_form
from ctip.web.frame import error_page, page_context
from ctip.web.rendering import render
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

router = APIRouter(include_in_schema=False)
TradeReader = Annotated[Principal, Depends(page_for(TradeAction.READ))]
TradeWriter = Annotated[Principal, Depends(page_for(TradeAction.WRITE))]
TradeDecider = Annotated[Principal, Depends(page_for(TradeAction.DECIDE))]
DECISIONS = ("detain", "review", "release")
MAX_FIELD = 2000
REFUSALS = (CtipError, ValueError, LookupError)
"""What a trade step may refuse with (the detention ledger raises the standard errors too)."""


LINES = Table(
    "lines",
    (
        Column("line", "Line", sortable=True, value=lambda s: s.line.key),
        Column(
            "decision",
            "Decision",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=DECISIONS,
            value=lambda s: s.decision,
        ),
        Column("score", "Score", sortable=True, numeric=True, value=lambda s: round(s.score, 4)),
        Column("manufacturer", "Manufacturer", sortable=True, value=lambda s: s.line.manufacturer),
        Column(
            "origin",
            "Origin",
            sortable=True,
            filter=FilterKind.TEXT,
            value=lambda s: s.line.country_of_origin,
        ),
        Column(
            "hts", "HTS", sortable=True, filter=FilterKind.TEXT, value=lambda s: s.line.hts_code
        ),
        Column(
            "value", "Value (USD)", sortable=True, numeric=True, value=lambda s: s.line.value_usd
        ),
        Column("why", "Why", value=lambda s: ", ".join(f["name"] for f in s.features)),
        Column("not_read", "Not read", value=lambda s: _kept_as_written(s.line)),
    ),
    search_label="Entry, importer, manufacturer or HTS",
    default_sort="score",
    default_descending=True,
)


def _kept_as_written(line: entries.EntryLine) -> str:
    """The line's values not read, as the file wrote them ("arrival_date: 1969-7-32")."""
    return "; ".join(f"{column}: {text}" for column, text in line.not_read)


@router.get("/trade")
def screening_results(request: Request, principal: TradeReader, session: WebSession) -> Response:
    """Screened entry lines, riskiest first, each with the features that explain it; paged,
    sorted and filtered in the database, and exported whole as CSV."""
    listing = service.screened_listing()
    return table_page(request, principal, session, LINES, listing, "trade/index.html", "/trade")


def _line_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    entry_number: str,
    line_number: int,
    error: str = "",
    status: int = 200,
) -> Response:
    screened = service.screened_line(session, entry_number, line_number)
    if screened is None:
        return error_page(request, principal, 404, "No screened entry line with this number.")
    det_id = detentions.detention_id(entry_number, line_number)
    existing = session.get(DetentionRow, det_id)
    context = page_context(
        request,
        principal,
        active="/trade",
        s=screened,
        detention=det_id if existing is not None else None,
        can_detain=can(principal, TradeAction.WRITE) and screened.decision != "release",
        error=error,
        not_read=entries.values_not_read(screened.line),
    )
    return render(request, "trade/line.html", context, status_code=status)


@router.get("/trade/lines/{entry_number}/{line_number}")
def line_page(
    request: Request,
    principal: TradeReader,
    session: WebSession,
    entry_number: str,
    line_number: int,
) -> Response:
    """One line: its fields, its decision and every feature with its evidence."""
    return _line_page(request, principal, session, entry_number, line_number)


@router.post("/trade/lines/{entry_number}/{line_number}/detain")
def detain_line(
    request: Request,
    principal: TradeWriter,
    session: WebSession,
    entry_number: str,
    line_number: int,
    reason: FormText = "",
    token: Token = "",
) -> Response:
    """Open a detention for the flagged line, then show it."""

    def step() -> detentions.DetentionState:
        return detentions.open_detention(
            session, entry_number, line_number, principal.username, reason[:MAX_FIELD]
        )

    def show(form: FormState, _status: int) -> Response:
        return _line_page(request, principal, session, entry_number, line_number, form.reason, 400)

    def opened(state: detentions.DetentionState) -> str:
        return f"/trade/detentions/{state.id}"

    values = {"reason": reason}
    return take_form(request, principal, token, values, step, show, opened, (), REFUSALS)


DETENTION_STATUSES = ("detained", "deemed_excluded", "released", "excluded", "seized")
DETENTIONS = Table(
    "queue",
    (
        Column("detention", "Detention", sortable=True, value=lambda s: s.id),
        Column("line", "Line", value=lambda s: f"{s.entry_number}/{s.line_number}"),
        Column(
            "status",
            "Status",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=DETENTION_STATUSES,
            value=lambda s: s.status,
        ),
        Column("deadline", "Next deadline", value=lambda s: _next_label(s)),
        Column("due", "Due", sortable=True, value=lambda s: _next_due(s)),
        Column("opened", "Opened", sortable=True, value=lambda s: s.opened_on),
        Column("value", "Value (USD)", sortable=True, numeric=True, value=lambda s: s.value_usd),
    ),
    search_label="Detention, entry or line",
    default_sort="due",
)


def _next_label(state: detentions.DetentionState) -> str:
    due = state.next_due
    return due.deadline.label if due is not None else ""


def _next_due(state: detentions.DetentionState) -> str | None:
    due = state.next_due
    return str(due.due) if due is not None else None


def _queue_listing(
    states: list[detentions.DetentionState], closed: bool, fiscal_year: int | None
) -> RecordListing[detentions.DetentionState]:
    """The detentions the queue shows: open work (or every one), of one fiscal year if asked."""
    chosen = [
        s
        for s in states
        if (closed or s.is_open or s.next_due is not None)
        and (fiscal_year is None or calendar.fiscal_year(s.opened_on) == fiscal_year)
    ]
    return RecordListing(
        records=lambda _session: chosen,
        fields={
            "detention": lambda s: s.id,
            "status": lambda s: s.status,
            "due": _next_due,
            "opened": lambda s: s.opened_on,
            "value": lambda s: s.value_usd,
            "line": lambda s: f"{s.entry_number}/{s.line_number}",
        },
        matches={"status": "equals"},
        searched=("detention", "line"),
    )


@router.get("/trade/detentions")
def detention_queue(
    request: Request,
    principal: TradeReader,
    session: WebSession,
    closed: str = "",
) -> Response:
    """Open detentions, the legal deadline due first at the top; closed ones and one fiscal
    year on request (the records behind a year's figures). Paged, filtered and exported whole;
    every detention's state is computed once per view; a `fy` that is not a year answers 400."""
    try:
        fiscal_year = asked_fiscal_year(request)
    except BadFiscalYear as bad:
        return bad_fiscal_year_page(request, principal, bad)
    states = detentions.list_detentions(session)
    listing = _queue_listing(states, bool(closed) or fiscal_year is not None, fiscal_year)
    query = parse_query(request.query_params, DETENTIONS)
    if wants_export(request):
        return export_csv(session, principal, DETENTIONS, listing, query)
    view = table_view(request, DETENTIONS, listing.page(session, query), keep=("closed", "fy"))
    context = page_context(
        request,
        principal,
        active="/trade",
        queue=view,
        closed=bool(closed),
        fiscal_year=fiscal_year,
        figures=detentions.figures(states),
    )
    return render(request, "trade/queue.html", context)


def _detention_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    det_id: str,
    status: int = 200,
    step: FormState = EMPTY_FORM,
    decision: FormState = EMPTY_FORM,
) -> Response:
    try:
        state = detentions.detention_state(session, det_id)
    except detentions.DetentionNotFound:
        return error_page(request, principal, 404, "No detention with this id.")
    line = entries.get_line(session, state.entry_number, state.line_number)
    context = page_context(
        request,
        principal,
        active="/trade",
        state=state,
        not_read=entries.values_not_read(line) if line is not None else [],
        step=step,
        decision=decision,
        can_write=can(principal, TradeAction.WRITE),
        can_decide=can(principal, TradeAction.DECIDE),
        step_options=[
            (k, k.replace("_", " ")) for k in sorted(s.value for s in detentions.RECORDABLE)
        ],
        outcome_options=[(o.value, o.value.capitalize()) for o in detentions.Outcome],
    )
    return render(request, "trade/detention.html", context, status_code=status)


@router.get("/trade/detentions/{det_id}")
def detention_page(
    request: Request, principal: TradeReader, session: WebSession, det_id: str
) -> Response:
    """A detention: ledger, documents, the legal clocks, and the forms for the next step."""
    return _detention_page(request, principal, session, det_id)


@router.post("/trade/detentions/{det_id}/steps")
def record_step(
    request: Request,
    principal: TradeWriter,
    session: WebSession,
    det_id: str,
    kind: FormText = "",
    reason: FormText = "",
    occurred_on: FormText = "",
    title: FormText = "",
    dated: FormText = "",
    token: Token = "",
) -> Response:
    """Append a step to the ledger; a refusal shows the form again as it was typed."""
    values = {"kind": kind, "reason": reason[:MAX_FIELD], "occurred_on": occurred_on}
    values |= {"title": title[:500], "dated": dated}
    detail = {"title": values["title"], "dated": dated[:10]}

    def step() -> object:
        return detentions.record_step(
            session, det_id, kind, principal.username, values["reason"], occurred_on or None, detail
        )

    def show(form: FormState, _status: int) -> Response:
        return _detention_page(request, principal, session, det_id, 400, step=form)

    dates = ("occurred_on", "dated")
    done = f"/trade/detentions/{det_id}"
    return take_form(request, principal, token, values, step, show, done, dates, REFUSALS)


@router.post("/trade/detentions/{det_id}/decide")
def decide(
    request: Request,
    principal: TradeDecider,
    session: WebSession,
    det_id: str,
    outcome: FormText = "",
    reason: FormText = "",
    decided_on: FormText = "",
    correction: FormText = "",
    token: Token = "",
) -> Response:
    """Record the decision: release, exclusion or seizure; a refusal keeps what was typed."""
    values = {"outcome": outcome, "reason": reason[:MAX_FIELD], "decided_on": decided_on}
    values["correction"] = correction

    def step() -> object:
        return detentions.decide(
            session,
            det_id,
            outcome,
            principal.username,
            values["reason"],
            decided_on or None,
            correction == "yes",
        )

    def show(form: FormState, _status: int) -> Response:
        return _detention_page(request, principal, session, det_id, 400, decision=form)

    done = f"/trade/detentions/{det_id}"
    return take_form(request, principal, token, values, step, show, done, ("decided_on",), REFUSALS)


@router.get("/trade/tiers")
def supplier_tiers(
    request: Request, principal: TradeReader, session: WebSession, entity: str = ""
) -> Response:
    """The supplier tiers upstream of a party and the nearest listed or XUAR supplier."""
    entity = entity.strip()[:300]
    result = None
    if entity:
        screener = service.build_screener(session)
        result = tiers.trace(tiers.supply_graph(tiers.stored_links(session)), entity, screener)
    context = page_context(request, principal, active="/trade", entity=entity, result=result)
    return render(request, "trade/tiers.html", context)
