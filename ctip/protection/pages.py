"""Workbench pages of the protection area: victims (the specialist's own first), a victim
(identity only for the assigned specialist or a recorded break-glass), the break-glass form,
the relief deadlines queue, and a relief with its ledger and step form.

Every page calls the same services as the API and the CLI; forms post back with the
session's CSRF token, and a refused step shows the page again with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response

from ctip.authz.policy import Action, Principal, can
from ctip.authz.protected import CompartmentClosed
from ctip.model.errors import Forbidden, NotFound
from ctip.protection import htcds, queue, relief, service, victims
from ctip.protection.access import ProtectionAction
from ctip.protection.tables import VictimRow
from ctip.web.auth import CSRF_FIELD, WebSession, page_for
from ctip.web.forms import FormState, FormText, Token, take_form
from ctip.web.frame import error_page, page_context
from ctip.web.rendering import render
from ctip.web.table import Column, FilterKind, Table, table_page

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_for(ProtectionAction.READ))]
ReliefReader = Annotated[Principal, Depends(page_for(ProtectionAction.RELIEF_READ))]
ReliefWriter = Annotated[Principal, Depends(page_for(ProtectionAction.RELIEF_WRITE))]
GlassBreaker = Annotated[Principal, Depends(page_for(Action.VICTIM_BREAK_GLASS))]
MAX_FIELD = 2000
WINDOWS = ("30", "60", "90")
"""The deadline windows the queue offers (due within so many days, overdue included)."""


def _exploitation(row: VictimRow) -> str:
    return ", ".join(json.loads(row.exploitation))


VICTIMS = Table(
    "victims",
    (
        Column("victim", "Victim", sortable=True, value=lambda r: r.pseudonym),
        Column("identified", "Identified", sortable=True, value=lambda r: r.identified_on),
        Column("fy", "FY", sortable=True, filter=FilterKind.TEXT, value=lambda r: r.fiscal_year),
        Column(
            "status",
            "Trafficking status",
            filter=FilterKind.CHOICE,
            choices=(
                "PossibleVictimOfTrafficking",
                "ActualVictimOfTrafficking",
                "NotAVictimOfTrafficking",
            ),
            value=lambda r: r.trafficking_status,
        ),
        Column("exploitation", "Type of exploitation", filter=FilterKind.TEXT, value=_exploitation),
    ),
    search_label="Pseudonym",
    default_sort="victim",
    default_descending=True,
)


def _mine(principal: Principal) -> bool:
    return principal.role.value == "victim_specialist"


@router.get("/protection")
def my_victims(request: Request, principal: Reader, session: WebSession) -> Response:
    """A specialist's own victims (everyone else: all victims), by pseudonym."""
    listing = service.victim_listing(
        principal.username if _mine(principal) else None,
        linked_only=service.sees_only_case_victims(principal),
    )
    return table_page(
        request, principal, session, VICTIMS, listing, "protection/index.html", "/protection"
    )


@router.get("/protection/victims")
def all_victims(request: Request, principal: Reader, session: WebSession) -> Response:
    """Every victim, by pseudonym (a fiscal year's with ?fy=2021), paged and exported."""
    return table_page(
        request,
        principal,
        session,
        VICTIMS,
        service.victim_listing(linked_only=service.sees_only_case_victims(principal)),
        "protection/index.html",
        "/protection",
    )


VictimWriter = Annotated[Principal, Depends(page_for(ProtectionAction.VICTIM_WRITE))]


def _new_victim_form(
    request: Request,
    principal: Principal,
    values: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> Response:
    context = page_context(
        request,
        principal,
        active="/protection",
        values=values or {},
        error=error,
        statuses=htcds.VALUES[htcds.TRAFFICKING_STATUS],
        exploitation=htcds.VALUES[htcds.TYPE_OF_EXPLOITATION],
        control=htcds.VALUES[htcds.METHODS_OF_CONTROL],
        relationships=htcds.VALUES[htcds.RELATIONSHIP_TO_TRAFFICKER],
    )
    return render(request, "protection/new.html", context, status_code=status)


@router.get("/protection/victims/new")
def new_victim_form(request: Request, principal: VictimWriter) -> Response:
    """The form to record a victim (identity sealed on arrival, HTCDS context)."""
    return _new_victim_form(request, principal)


def _split(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@router.post("/protection/victims/new")
async def add_victim(request: Request, principal: VictimWriter, session: WebSession) -> Response:
    """Record a victim; a refusal shows the form again with the reason (never a 500)."""
    form = await request.form()
    values = {k: str(v)[:MAX_FIELD] for k, v in form.items() if isinstance(v, str)}
    age = values.get("age", "").strip()

    def step() -> str:  # every check runs before the first write
        context = victims.Context(
            trafficking_status=values.get("status", "") or htcds.ACTUAL_VICTIM,
            exploitation=tuple(str(x) for x in form.getlist("exploitation")),
            control=tuple(str(x) for x in form.getlist("control")),
            relationship=values.get("relationship", ""),
            age_when_trafficked=int(age) if age.isdigit() else None,
        )
        assign = _split(values.get("assign", "")) or (principal.username,)
        return victims.add_victim(
            session,
            principal.username,
            _identity(values),
            context,
            list(assign),
            list(_split(values.get("cases", ""))),
            values.get("identified_on") or None,
        )

    def show(refusal: FormState, _status: int) -> Response:
        return _new_victim_form(request, principal, values, refusal.reason, 400)

    def recorded(pseudonym: str) -> str:
        return f"/protection/victims/{pseudonym}"

    token = values.get(CSRF_FIELD, "")
    return take_form(request, principal, token, values, step, show, recorded)


def _identity(values: dict[str, str]) -> victims.Identity:
    """The sealed identity fields of the new-victim form."""
    return victims.Identity(
        names=(values.get("name", ""),),
        birth_date=values.get("birth_date", ""),
        nationality=values.get("nationality", ""),
        contact=values.get("contact", ""),
        address=values.get("address", ""),
        languages=_split(values.get("languages", "")),
        documents=_split(values.get("documents", "")),
    )


def _victim_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    victim: str,
    error: str = "",
    status: int = 200,
) -> Response:
    try:
        found = service.victim_page(session, principal, victim)
    except NotFound:
        return error_page(request, principal, 404, "No victim with this pseudonym.")
    assigned = principal.username in found.view.specialists
    context = page_context(
        request,
        principal,
        active="/protection",
        page=found,
        v=found.view,
        assigned=assigned,
        show_openings=assigned or can(principal, ProtectionAction.ASSIGN),
        can_break_glass=can(principal, Action.VICTIM_BREAK_GLASS) and found.identity is None,
        can_assign=can(principal, ProtectionAction.ASSIGN),
        can_refer=can(principal, ProtectionAction.VICTIM_WRITE),
        can_move_referrals=assigned and can(principal, victims.REFERRAL_UPDATE),
        services=victims.SERVICES,
        statuses=victims.REFERRAL_STATUSES,
        error=error,
    )
    return render(request, "protection/victim.html", context, status_code=status)


@router.get("/protection/victims/{victim}")
def victim_page(request: Request, principal: Reader, session: WebSession, victim: str) -> Response:
    """A victim: context, cases, specialists, referrals, relief; the identity only for the
    assigned specialist or after a recorded break-glass (each read audited)."""
    return _victim_page(request, principal, session, victim)


@router.post("/protection/victims/{victim}/break-glass")
def break_glass(
    request: Request,
    principal: GlassBreaker,
    session: WebSession,
    victim: str,
    reason: FormText = "",
    token: Token = "",
) -> Response:
    """Open the compartment with a written reason (audited, shown to the specialists); the
    page answers normally on a refusal, so the refusal's audit row commits."""
    return _victim_form(
        request,
        principal,
        session,
        victim,
        token,
        lambda: victims.open_by_break_glass(session, principal, victim, reason[:MAX_FIELD]),
    )


def _victim_form(
    request: Request,
    principal: Principal,
    session: WebSession,
    victim: str,
    token: str,
    step: Callable[[], object],
) -> Response:
    """Take a form of the victim page: done -> back to the victim; refused -> the victim page
    with the reason on top and the refusal's own status."""

    def show(form: FormState, status: int) -> Response:
        return _victim_page(request, principal, session, victim, form.reason, status)

    done = f"/protection/victims/{victim}"
    return take_form(request, principal, token, {}, step, show, done)


Assigner = Annotated[Principal, Depends(page_for(ProtectionAction.ASSIGN))]


@router.post("/protection/victims/{victim}/assign")
def assign_specialist(
    request: Request,
    principal: Assigner,
    session: WebSession,
    victim: str,
    username: FormText = "",
    remove: FormText = "",
    token: Token = "",
) -> Response:
    """A supervisor assigns a victim specialist (or takes one off)."""

    def step() -> None:
        who = username[:100].strip()
        victims.assign(session, principal.username, victim, who, remove == "yes")

    return _victim_form(request, principal, session, victim, token, step)


@router.post("/protection/victims/{victim}/referrals")
def refer(
    request: Request,
    principal: VictimWriter,
    session: WebSession,
    victim: str,
    service_name: Annotated[str, Form(alias="service")] = "",
    provider: FormText = "",
    status: FormText = "referred",
    token: Token = "",
) -> Response:
    """Record a service referral (shelter, medical, legal, interpreter...)."""

    def step() -> object:
        return victims.refer(
            session, principal.username, victim, service_name, status, provider[:200]
        )

    return _victim_form(request, principal, session, victim, token, step)


ReferralMover = Annotated[Principal, Depends(page_for(victims.REFERRAL_UPDATE))]


@router.post("/protection/victims/{victim}/referrals/{referral_id}")
def update_referral(
    request: Request,
    principal: ReferralMover,
    session: WebSession,
    victim: str,
    referral_id: int,
    status: FormText = "",
    token: Token = "",
) -> Response:
    """Move a referral on (accepted, receiving, completed, declined): the assigned
    specialists only; a refusal is audited and shown on the victim page."""

    def step() -> object:
        return victims.update_referral(session, principal, victim, referral_id, status[:20])

    return _victim_form(request, principal, session, victim, token, step)


@router.get("/protection/deadlines")
def deadlines_page(
    request: Request,
    principal: ReliefReader,
    session: WebSession,
    everyone: str = "",
    days: str = "",
) -> Response:
    """The relief deadlines queue: overdue first, then next due (within 30, 60 or 90 days on
    request); a specialist's own victims, a supervisor everyone's (with who holds each); and
    the Continued Presence requests waiting for a decision."""
    own = _mine(principal) or not everyone
    holder = principal.username if own else None
    window = int(days) if days in WINDOWS else None
    found = queue.within(queue.deadlines(session, holder), window)
    context = page_context(
        request,
        principal,
        active="/protection",
        deadlines=found,
        pending=queue.pending_continued_presence(session, holder),
        everyone=not own,
        days=days if window else "",
        windows=WINDOWS,
        can_see_all=can(principal, ProtectionAction.ASSIGN),
    )
    return render(request, "protection/deadlines.html", context)


def _relief_page(
    request: Request,
    principal: Principal,
    session: WebSession,
    relief_id: str,
    error: str = "",
    status: int = 200,
) -> Response:
    try:
        state = service.relief_for(session, principal, relief_id)
    except NotFound:
        return error_page(request, principal, 404, "No relief with this id.")
    except CompartmentClosed as refusal:
        return error_page(request, principal, 403, refusal.message)
    steps = sorted(s.value for s in relief.STEPS[state.kind])
    context = page_context(
        request,
        principal,
        active="/protection",
        state=state,
        steps=steps,
        error=error,
        can_decide=can(principal, ProtectionAction.RELIEF_DECIDE),
    )
    return render(request, "protection/relief.html", context, status_code=status)


@router.get("/protection/relief/{relief_id}")
def relief_page(
    request: Request, principal: ReliefWriter, session: WebSession, relief_id: str
) -> Response:
    """A relief: status, milestones, family members, the legal clocks and the ledger."""
    return _relief_page(request, principal, session, relief_id)


@router.post("/protection/relief/{relief_id}/steps")
def record_step(
    request: Request,
    principal: ReliefWriter,
    session: WebSession,
    relief_id: str,
    step: FormText = "",
    on: FormText = "",
    reason: FormText = "",
    receipt: FormText = "",
    by: FormText = "",
    relationship: FormText = "",
    member: FormText = "",
    outcome: FormText = "",
    token: Token = "",
) -> Response:
    """Append a step (or, with step 'granted' or 'denied', the decision) to the relief's
    ledger; a role that may not decide gets the 403 page, any other refusal the relief page."""
    detail = {
        "receipt": receipt,
        "by": by[:200],
        "relationship": relationship,
        "member": member,
        "outcome": outcome,
    }

    def record() -> object:
        service.relief_for(session, principal, relief_id)
        if step not in ("granted", "denied"):
            note = reason[:MAX_FIELD]
            return relief.record(
                session, principal.username, relief_id, step, on or None, note, detail
            )
        if not can(principal, ProtectionAction.RELIEF_DECIDE):
            raise Forbidden("Your role may not decide relief.")
        granted = step == "granted"
        return relief.decide(
            session, principal.username, relief_id, granted, on or None, reason[:MAX_FIELD]
        )

    def show(form: FormState, status: int) -> Response:
        if status == 403:
            return error_page(request, principal, 403, form.reason)
        return _relief_page(request, principal, session, relief_id, form.reason, 400)

    done = f"/protection/relief/{relief_id}"
    return take_form(request, principal, token, {}, record, show, done)
