"""Workbench pages of the intake area.

- `/tip` and `/tip/more`: the public's anonymous tip form and the form to add to a tip with
  its acknowledgement code. No sign-in; a honeypot field, a minimum time to fill, size limits
  and the per-client rate limit keep scripts out; nothing about the reporter is kept.
- `/intake/screenings`: a front-line officer's own encounter screenings, the screening form
  (works on a phone, keeps a draft on the device until sent: `/static/intake-screening.js`)
  and a screening with its explanation.
- `/intake/tips` and `/intake/allegations`: the intel analysts' triage queue and the trade
  analysts' allegation queue, a tip with what it connects to (explained) and the decision form.

Every page calls the same `ctip.intake` services as the API and the CLI.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Annotated, Final
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request, Response

from ctip.authz import audit
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal
from ctip.intake import allegations, queues, screenings, tips, triage
from ctip.intake.abuse import HONEYPOT, filled_like_a_person, limiter_for
from ctip.intake.access import SEES_EVERY_SCREENING, IntakeAction
from ctip.intake.packs import ilo_indicators, screening_packs
from ctip.model.errors import CtipError, NotFound
from ctip.web.auth import WebSession, csrf_ok, page_for
from ctip.web.fiscal import BadFiscalYear, asked_fiscal_year, bad_fiscal_year_page
from ctip.web.forms import EMPTY_FORM, FormState, refused
from ctip.web.frame import error_page, form_expired, page_context
from ctip.web.rendering import redirect, render
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
Screener = Annotated[Principal, Depends(page_for(IntakeAction.SCREEN))]
Triager = Annotated[Principal, Depends(page_for(IntakeAction.TRIAGE))]
Reviewer = Annotated[Principal, Depends(page_for(IntakeAction.REVIEW_ALLEGATIONS))]
STARTED_KEY: Final = "intake_tip_started"
TOO_FAST: Final = (
    "Your tip could not be taken this time. Please check it and send it again: "
    "nothing you typed has been lost."
)
TOO_MANY: Final = "Too many tips from this connection in a minute. Please wait a minute."
TIP_FIELDS: Final = (
    "reporter_location",
    "activity",
    "narrative",
    "persons",
    "places",
    "phones",
    "emails",
    "vehicles",
    "contact",
    "company",
    "goods",
    "country",
    "ilo_indicators",
    "documents",
)
SCREENING_FIELDS: Final = (
    "draft_id",
    "place",
    "port",
    "encountered_on",
    "notes",
    "subject_name",
    "referral",
    "case_id",
)
DECISION_FIELDS: Final = ("decision", "reason", "case_id", "referred_to")
MAX_FORM_FIELD: Final = 20_000


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


async def _form(request: Request, *expected: str) -> dict[str, str]:
    """The posted form's text fields, each cut to a size no field needs more than; the
    `expected` fields are there even when left out, so an error about one shows beside it."""
    form = await request.form()
    posted = {k: v[:MAX_FORM_FIELD] for k, v in form.items() if isinstance(v, str)}
    return {**dict.fromkeys(expected, ""), **posted}


def _ilo_codes(raw: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code[:4] for code in raw if code))


def _tip_context(request: Request, form: FormState, status: int = 200) -> Response:
    request.session[STARTED_KEY] = time.time()
    context = page_context(
        request,
        None,
        form=form,
        activities=tips.ACTIVITIES,
        indicators=ilo_indicators(),
        honeypot=HONEYPOT,
    )
    return render(request, "intake/tip.html", context, status_code=status)


@router.get("/tip")
def tip_form(request: Request) -> Response:
    """The anonymous tip form (no sign-in)."""
    return _tip_context(request, EMPTY_FORM)


def _tip_input(values: Mapping[str, str], codes: tuple[str, ...]) -> tips.TipInput:
    return tips.TipInput(
        reporter_location=values.get("reporter_location", ""),
        activity=values.get("activity", ""),
        narrative=values.get("narrative", ""),
        persons=_lines(values.get("persons", "")),
        places=_lines(values.get("places", "")),
        phones=_lines(values.get("phones", "")),
        emails=_lines(values.get("emails", "")),
        vehicles=_lines(values.get("vehicles", "")),
        contact=values.get("contact", ""),
        company=values.get("company", ""),
        goods=values.get("goods", ""),
        country=values.get("country", ""),
        ilo_indicators=codes,
        documents=_lines(values.get("documents", "")),
    )


@router.post("/tip")
async def submit_tip(request: Request, session: WebSession) -> Response:
    """Take a tip from the form; show the acknowledgement code once."""
    values = await _form(request, *TIP_FIELDS)
    posted = (await request.form()).getlist("ilo_indicators")
    codes = tuple(code for code in posted if isinstance(code, str))
    if not csrf_ok(request, values.get("csrf_token", "")):
        return form_expired(request, None)
    address = request.client.host if request.client else ""
    if not limiter_for(request.app.state).allow(address):
        return _tip_context(request, FormState(values, {}, TOO_MANY), 429)
    started = request.session.get(STARTED_KEY)
    started_at = float(started) if isinstance(started, int | float) else None
    if not filled_like_a_person(values.get(HONEYPOT, ""), started_at):
        return _tip_context(request, FormState(values, {}, TOO_FAST), 400)
    try:
        receipt = tips.submit_tip(session, _tip_input(values, _ilo_codes(list(codes))), "web")
    except CtipError as error:
        return _tip_context(request, refused(values, error), 400)
    request.session.pop(STARTED_KEY, None)
    context = page_context(request, None, acknowledgement=receipt.acknowledgement)
    return render(request, "intake/tip_sent.html", context, status_code=201)


@router.get("/tip/more")
def more_form(request: Request) -> Response:
    """The form to add to a tip with its acknowledgement code."""
    context = page_context(request, None, form=EMPTY_FORM, done=False)
    return render(request, "intake/tip_more.html", context)


@router.post("/tip/more")
async def add_more(request: Request, session: WebSession) -> Response:
    """Add what the reporter learnt since; an unknown code says so, nothing else."""
    values = await _form(request, "acknowledgement", "narrative")
    if not csrf_ok(request, values.get("csrf_token", "")):
        return form_expired(request, None)
    address = request.client.host if request.client else ""
    status, form, done = 200, EMPTY_FORM, True
    if not limiter_for(request.app.state).allow(address):
        status, form, done = 429, FormState(values, {}, TOO_MANY), False
    else:
        try:
            details = _tip_input(values, ())
            tips.add_to_tip(
                session, values.get("acknowledgement", ""), values.get("narrative", ""), details
            )
        except CtipError as error:
            status, form, done = error.http_status, refused(values, error), False
    context = page_context(request, None, form=form, done=done)
    return render(request, "intake/tip_more.html", context, status_code=status)


SCREENINGS = Table(
    "screenings",
    (
        Column("on", "Encounter", sortable=True, value=lambda s: s.encountered_on),
        Column("id", "Screening", value=lambda s: s.id),
        Column("place", "Place", sortable=True, filter=FilterKind.TEXT, value=lambda s: s.place),
        Column("port", "Port", sortable=True, value=lambda s: s.port),
        Column("score", "Score", sortable=True, numeric=True, value=lambda s: s.score),
        Column(
            "outcome",
            "Outcome",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=screenings.OUTCOMES,
            value=lambda s: s.outcome,
        ),
        Column(
            "referral",
            "Referral",
            filter=FilterKind.CHOICE,
            choices=screenings.REFERRALS,
            value=lambda s: s.referral,
        ),
    ),
    search_label="Screening, place or port",
    default_sort="on",
    default_descending=True,
)


def _sees_all(principal: Principal) -> bool:
    return principal.role in SEES_EVERY_SCREENING


@router.get("/intake/screenings")
def screening_list(request: Request, principal: Screener, session: WebSession) -> Response:
    """The officer's own screenings, newest first."""
    officer = None if _sees_all(principal) else principal.username
    listing = queues.screening_listing(officer)
    return table_page(
        request,
        principal,
        session,
        SCREENINGS,
        listing,
        "intake/screenings.html",
        "/intake/screenings",
    )


def _screening_form(
    request: Request, principal: Principal, form: FormState, status: int = 200
) -> Response:
    context = page_context(
        request,
        principal,
        active="/intake/screenings",
        form=form,
        packs=screening_packs(),
        referrals=screenings.REFERRALS,
    )
    return render(request, "intake/screening_form.html", context, status_code=status)


@router.get("/intake/screenings/new")
def new_screening(request: Request, principal: Screener) -> Response:
    """The screening form: where, when, the indicator questions, notes, referral."""
    return _screening_form(request, principal, EMPTY_FORM)


def _screening_input(values: Mapping[str, str]) -> screenings.ScreeningInput:
    questions = [q.id for pack in screening_packs() for q in pack.questions]
    answers = {q: values[f"q:{q}"] for q in questions if values.get(f"q:{q}")}
    return screenings.ScreeningInput(
        draft_id=values.get("draft_id", ""),
        place=values.get("place", ""),
        port=values.get("port", ""),
        encountered_on=values.get("encountered_on", ""),
        answers=answers,
        notes=values.get("notes", ""),
        consent=values.get("consent", "") == "yes",
        subject_name=values.get("subject_name", ""),
        referral=values.get("referral", "none") or "none",
        case_id=values.get("case_id", ""),
    )


@router.post("/intake/screenings")
async def record_screening(request: Request, principal: Screener, session: WebSession) -> Response:
    """Record the screening and show it (a retried draft shows the one already made)."""
    values = await _form(request, *SCREENING_FIELDS)
    if not csrf_ok(request, values.get("csrf_token", "")):
        return form_expired(request, principal)
    try:
        screening = screenings.record_screening(
            session, principal.username, _screening_input(values)
        )
    except CtipError as error:
        form = refused(values, error)
        return _screening_form(request, principal, _question_errors(form), 400)
    sent = quote(values.get("draft_id", "")[:64], safe="")
    return redirect(f"/intake/screenings/{screening.id}?sent={sent}")


def _question_errors(form: FormState) -> FormState:
    """Errors about a question named by its id go next to its field (named q:<id>)."""
    errors = {(f"q:{k}" if f"q:{k}" in form.values else k): v for k, v in form.errors.items()}
    return FormState(form.values, errors, form.message)


@router.get("/intake/screenings/{screening_id}")
def screening_page(
    request: Request, principal: Screener, session: WebSession, screening_id: str
) -> Response:
    """One screening: where, when, the outcome and why, the referral."""
    try:
        screening = screenings.get_screening(
            session, screening_id, principal.username, _sees_all(principal)
        )
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    questions = {q.id: q for pack in screening_packs() for q in pack.questions}
    context = page_context(
        request,
        principal,
        active="/intake/screenings",
        s=screening,
        questions=questions,
        sent=request.query_params.get("sent", "")[:64],
    )
    return render(request, "intake/screening.html", context)


def _tip_table(name: str, with_allegation: bool) -> Table:
    columns = [
        Column("received", "Received", sortable=True, value=lambda t: t.received_at),
        Column("tip", "Tip", value=lambda t: t.id),
        Column(
            "status",
            "Status",
            sortable=True,
            filter=FilterKind.CHOICE,
            choices=tips.STATUSES,
            value=lambda t: t.status,
        ),
    ]
    if with_allegation:
        columns += [
            Column("company", "Company", sortable=True, value=lambda t: t.company),
            Column("goods", "Goods", filter=FilterKind.TEXT, value=lambda t: t.goods),
            Column("country", "Country", sortable=True, value=lambda t: t.country.upper()),
        ]
    else:
        columns.append(
            Column(
                "activity",
                "Activity",
                sortable=True,
                filter=FilterKind.CHOICE,
                choices=tuple(a for a in tips.ACTIVITIES if a != tips.FORCED_LABOUR),
                value=lambda t: t.activity,
            )
        )
    columns += [
        Column(
            "shared",
            "Same identifiers",
            sortable=True,
            numeric=True,
            value=lambda t: t.shared,
        ),
        Column(
            "channel",
            "Channel",
            filter=FilterKind.CHOICE,
            choices=tips.CHANNELS,
            value=lambda t: t.channel,
        ),
        Column("narrative", "Narrative", value=lambda t: t.summary),
    ]
    return Table(
        name,
        tuple(columns),
        search_label="Tip, words of the narrative" + (", company" if with_allegation else ""),
        default_sort="received",
        default_descending=True,
    )


TIPS_TABLE = _tip_table("tips", with_allegation=False)
ALLEGATIONS_TABLE = _tip_table("allegations", with_allegation=True)


def _queue_page(
    request: Request, principal: Principal, session: WebSession, queue: str, table: Table
) -> Response:
    """A queue as a table, narrowed to one fiscal year's public tips when `fy` is given."""
    try:
        year = asked_fiscal_year(request)
    except BadFiscalYear as bad:
        return bad_fiscal_year_page(request, principal, bad)
    listing = queues.tip_listing(queue, year)
    query = parse_query(request.query_params, table)
    if wants_export(request):
        return export_csv(session, principal, table, listing, query)
    view = table_view(request, table, listing.page(session, query), keep=("fy",))
    active = f"/intake/{queue}"
    context = page_context(request, principal, active=active, fiscal_year=year, **{queue: view})
    return render(request, f"intake/{queue}.html", context)


@router.get("/intake/tips")
def tip_queue(request: Request, principal: Triager, session: WebSession) -> Response:
    """Tips to triage, newest first; filter by status, activity, channel, fiscal year."""
    return _queue_page(request, principal, session, queues.TIPS, TIPS_TABLE)


@router.get("/intake/allegations")
def allegation_queue(request: Request, principal: Reviewer, session: WebSession) -> Response:
    """Forced-labour allegations to review, newest first."""
    return _queue_page(request, principal, session, queues.ALLEGATIONS, ALLEGATIONS_TABLE)


def _tip_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    tip_id: str,
    queue: str,
    form: FormState = EMPTY_FORM,
    status: int = 200,
) -> Response:
    try:
        tip = tips.get_tip(session, tip_id)
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    if tip.is_allegation != (queue == queues.ALLEGATIONS):
        return error_page(request, principal, 404, f"No tip {tip_id} in this queue.")
    audit.record(session, principal.username, "intake_tip.read", f"{tips.STREAM_KIND}:{tip_id}")
    hidden = hidden_sources(principal)
    review = allegations.review(session, tip, hidden) if tip.is_allegation else None
    links = None if tip.is_allegation else triage.tip_links(session, tip, hidden)
    active = "/intake/allegations" if tip.is_allegation else "/intake/tips"
    context = page_context(
        request,
        principal,
        active=active,
        tip=tip,
        review=review,
        links=links,
        history=tips.history(session, tip_id),
        form=form,
        action=f"{active}/{tip_id}/decision",
    )
    return render(request, "intake/tip_detail.html", context, status_code=status)


@router.get("/intake/tips/{tip_id}")
def tip_page(request: Request, principal: Triager, session: WebSession, tip_id: str) -> Response:
    """A tip, what it connects to (explained), its decisions and the decision form."""
    return _tip_page(request, principal, session, tip_id, queues.TIPS)


@router.get("/intake/allegations/{tip_id}")
def allegation_page(
    request: Request, principal: Reviewer, session: WebSession, tip_id: str
) -> Response:
    """An allegation with its company matched against the lists in effect, explained."""
    return _tip_page(request, principal, session, tip_id, queues.ALLEGATIONS)


async def _decide(
    request: Request, principal: Principal, session: WebSession, tip_id: str, queue: str
) -> Response:
    values = await _form(request, *DECISION_FIELDS)
    if not csrf_ok(request, values.get("csrf_token", "")):
        return form_expired(request, principal)
    try:
        tip = tips.get_tip(session, tip_id)
        if tip.is_allegation != (queue == queues.ALLEGATIONS):
            raise NotFound(f"no tip {tip_id!r} in this queue")
        choice = tips.Decision(
            values.get("decision", ""),
            values.get("reason", ""),
            values.get("case_id", ""),
            values.get("referred_to", ""),
        )
        tips.decide(session, tip_id, principal.username, choice)
    except NotFound as error:
        return error_page(request, principal, 404, error.message)
    except CtipError as error:
        return _tip_page(request, principal, session, tip_id, queue, refused(values, error), 400)
    base = "/intake/allegations" if queue == queues.ALLEGATIONS else "/intake/tips"
    return redirect(f"{base}/{tip_id}")


@router.post("/intake/tips/{tip_id}/decision")
async def decide_tip(
    request: Request, principal: Triager, session: WebSession, tip_id: str
) -> Response:
    """Accept the tip into a case, refer it or close it, with a reason."""
    return await _decide(request, principal, session, tip_id, queues.TIPS)


@router.post("/intake/allegations/{tip_id}/decision")
async def decide_allegation(
    request: Request, principal: Reviewer, session: WebSession, tip_id: str
) -> Response:
    """Accept the allegation into a case, refer it or close it, with a reason."""
    return await _decide(request, principal, session, tip_id, queues.ALLEGATIONS)
