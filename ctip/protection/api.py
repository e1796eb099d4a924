"""API routes of the protection area (under /api/v1/protection).

A victim is named by pseudonym in the path. `GET /victims/{victim}` gives the identity only to
an assigned specialist, or to a supervisor with a recorded break-glass (each read audited);
everyone else gets the pseudonymous record with `identity: null`. The identity is never in a
list, an export, a deadline or an error.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field
from sqlalchemy.orm import Session

from ctip.api.deps import DbSession, require
from ctip.api.schemas import RequestBody
from ctip.authz import audit
from ctip.authz.policy import Action, Principal, can
from ctip.authz.protected import CompartmentClosed
from ctip.model.errors import Forbidden
from ctip.protection import queue, relief, service, victims
from ctip.protection.access import ProtectionAction
from ctip.protection.victims import Context, Identity
from ctip.store.paging import PageQuery

router = APIRouter(prefix="/protection", tags=["protection"])
Reader = Annotated[Principal, Depends(require(ProtectionAction.READ))]
VictimWriter = Annotated[Principal, Depends(require(ProtectionAction.VICTIM_WRITE))]
ReliefReader = Annotated[Principal, Depends(require(ProtectionAction.RELIEF_READ))]
ReliefWriter = Annotated[Principal, Depends(require(ProtectionAction.RELIEF_WRITE))]
ReliefDecider = Annotated[Principal, Depends(require(ProtectionAction.RELIEF_DECIDE))]
Assigner = Annotated[Principal, Depends(require(ProtectionAction.ASSIGN))]
IdentityReader = Annotated[Principal, Depends(require(Action.VICTIM_IDENTITY_READ))]
IdentityWriter = Annotated[Principal, Depends(require(Action.VICTIM_IDENTITY_WRITE))]
GlassBreaker = Annotated[Principal, Depends(require(Action.VICTIM_BREAK_GLASS))]
Refusal = TypeVar("Refusal", bound=Forbidden)
Short = Annotated[str, Field(max_length=300)]
DateText = Annotated[str | None, Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")]


class IdentityIn(RequestBody):
    """A victim's identity (sealed on arrival)."""

    names: list[Short] = Field(min_length=1, max_length=10)
    birth_date: Annotated[str, Field(max_length=10)] = ""
    nationality: Annotated[str, Field(max_length=100)] = ""
    contact: Short = ""
    address: Annotated[str, Field(max_length=1000)] = ""
    languages: list[Short] = Field(default_factory=list, max_length=20)
    documents: list[Short] = Field(default_factory=list, max_length=20)

    def identity(self) -> Identity:
        """As the service's identity."""
        return Identity(
            tuple(self.names),
            self.birth_date,
            self.nationality,
            self.contact,
            self.address,
            tuple(self.languages),
            tuple(self.documents),
        )


class VictimIn(IdentityIn):
    """A new victim: identity, HTCDS context, specialists, cases."""

    assign: list[Annotated[str, Field(max_length=100)]] = Field(min_length=1, max_length=10)
    cases: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=50)
    identified_on: DateText = None
    trafficking_status: Short = "ActualVictimOfTrafficking"
    exploitation: list[Short] = Field(default_factory=list, max_length=20)
    recruitment: list[Short] = Field(default_factory=list, max_length=20)
    control: list[Short] = Field(default_factory=list, max_length=20)
    relationship: Short = ""
    age_when_trafficked: int | None = Field(default=None, ge=0, le=120)
    needs: list[Short] = Field(default_factory=list, max_length=20)

    def context(self) -> Context:
        """As the service's context."""
        return Context(
            self.trafficking_status,
            tuple(self.exploitation),
            tuple(self.recruitment),
            tuple(self.control),
            self.relationship,
            self.age_when_trafficked,
            tuple(self.needs),
        )


class BreakGlassIn(RequestBody):
    """Why a supervisor must see an identity they are not assigned to."""

    reason: str = Field(min_length=1, max_length=2000)


class AssignIn(RequestBody):
    """A specialist to assign (or remove)."""

    username: str = Field(min_length=1, max_length=100)
    remove: bool = False


class ReferralIn(RequestBody):
    """A service referral."""

    service: str = Field(min_length=1, max_length=30)
    status: str = Field(default="referred", max_length=20)
    provider: Annotated[str, Field(max_length=200)] = ""
    on: DateText = None


class ReferralStatusIn(RequestBody):
    """Where a service referral stands now."""

    status: str = Field(min_length=1, max_length=20)


class ReliefIn(RequestBody):
    """A relief request."""

    victim: str = Field(min_length=1, max_length=20)
    kind: str = Field(min_length=1, max_length=30)
    on: DateText = None
    agency: Annotated[str, Field(max_length=200)] = ""
    officer: Annotated[str, Field(max_length=200)] = ""
    case: Annotated[str, Field(max_length=40)] = ""
    reason: Annotated[str, Field(max_length=2000)] = ""


class StepIn(RequestBody):
    """A step in a relief's ledger."""

    step: str = Field(min_length=1, max_length=30)
    on: DateText = None
    reason: Annotated[str, Field(max_length=2000)] = ""
    receipt: Annotated[str, Field(max_length=20)] = ""
    by: Annotated[str, Field(max_length=200)] = ""
    relationship: Annotated[str, Field(max_length=30)] = ""
    member: Annotated[str, Field(max_length=5)] = ""
    outcome: Annotated[str, Field(max_length=20)] = ""


class DecisionIn(RequestBody):
    """A decision on a relief."""

    granted: bool
    on: DateText = None
    reason: Annotated[str, Field(max_length=2000)] = ""


def _view_json(page: service.VictimPage) -> dict[str, Any]:
    view = page.view
    return {
        "pseudonym": view.pseudonym,
        "identified_on": view.identified_on,
        "fiscal_year": view.fiscal_year,
        "protected_1367": view.protected_1367,
        "context": {
            "vic_TraffickingStatus": view.context.trafficking_status,
            "vic_TypeOfExploitation": list(view.context.exploitation),
            "vic_MethodOfRecruitment": list(view.context.recruitment),
            "vic_MethodsOfControl": list(view.context.control),
            "vic_RelationshipToTrafficker": view.context.relationship,
            "vic_AgeWhenTrafficked": view.context.age_when_trafficked,
            "needs": list(view.context.needs),
        },
        "cases": list(view.cases),
        "specialists": list(view.specialists),
        "referrals": [r.__dict__ for r in view.referrals],
        "break_glass": [o.__dict__ for o in view.openings] if page.identity else [],
        "relief": [service.relief_json(s) for s in page.reliefs],
        "relief_withheld": page.withheld,
        "identity": page.identity.as_json() if page.identity else None,
    }


def _refused_after_commit(session: Session, error: Refusal) -> Refusal:
    """Keep the refusal's audit row (the request's transaction would roll it back)."""
    session.commit()
    return error


@router.get("/victims")
def list_victims(
    session: DbSession,
    principal: Reader,
    mine: bool = False,
    fy: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    case: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """Victims by pseudonym (never identity), paged; `mine` for one's own, `case` for those
    linked to a case (by the id the cases area prints)."""
    listing = service.victim_listing(
        principal.username if mine else None, fy, case, service.sees_only_case_victims(principal)
    )
    found = listing.page(session, PageQuery(page=page, per_page=per_page))
    rows = [
        {
            "pseudonym": r.pseudonym,
            "identified_on": r.identified_on,
            "vic_TraffickingStatus": r.trafficking_status,
            "vic_TypeOfExploitation": json.loads(r.exploitation),
        }
        for r in found.rows
    ]
    return {"total": found.total, "page": found.query.page, "victims": rows}


@router.post("/victims", status_code=201)
def add_victim(session: DbSession, principal: VictimWriter, body: VictimIn) -> dict[str, str]:
    """Record a victim; the identity is sealed; answers the pseudonym."""
    pseudonym = victims.add_victim(
        session,
        principal.username,
        body.identity(),
        body.context(),
        body.assign,
        body.cases,
        body.identified_on,
    )
    return {"pseudonym": pseudonym}


@router.get("/victims/{victim}")
def get_victim(session: DbSession, principal: Reader, victim: str) -> dict[str, Any]:
    """A victim: the identity only for an assigned specialist or a recorded break-glass."""
    return _view_json(service.victim_page(session, principal, victim))


@router.get("/victims/{victim}/identity")
def get_identity(session: DbSession, principal: IdentityReader, victim: str) -> dict[str, Any]:
    """The identity alone: 403 (and the attempt audited) unless the compartment opens."""
    row = victims.victim_row(session, victim)
    try:
        return victims.read_identity(session, principal, row).as_json()
    except CompartmentClosed as error:
        raise _refused_after_commit(session, error) from None


@router.put("/victims/{victim}/identity")
def put_identity(
    session: DbSession, principal: IdentityWriter, victim: str, body: IdentityIn
) -> dict[str, str]:
    """Replace the identity: the assigned specialists only (the attempt audited)."""
    try:
        victims.change_identity(session, principal, victim, body.identity())
    except CompartmentClosed as error:
        raise _refused_after_commit(session, error) from None
    return {"pseudonym": victim}


@router.post("/victims/{victim}/break-glass")
def break_glass(
    session: DbSession, principal: GlassBreaker, victim: str, body: BreakGlassIn
) -> dict[str, Any]:
    """A supervisor opens the compartment with a written reason (audited, shown to the
    assigned specialists); answers the identity, open to them for an hour."""
    identity = victims.open_by_break_glass(session, principal, victim, body.reason)
    return {
        "pseudonym": victim,
        "identity": identity.as_json(),
        "open_minutes": victims.BREAK_GLASS_MINUTES,
    }


@router.post("/victims/{victim}/assignments")
def assign(session: DbSession, principal: Assigner, victim: str, body: AssignIn) -> dict[str, Any]:
    """Assign a victim specialist (or remove one)."""
    victims.assign(session, principal.username, victim, body.username, body.remove)
    row = victims.victim_row(session, victim)
    return {"pseudonym": victim, "specialists": list(victims.specialists_of(session, row.id))}


@router.post("/victims/{victim}/referrals", status_code=201)
def refer(
    session: DbSession, principal: VictimWriter, victim: str, body: ReferralIn
) -> dict[str, int]:
    """Record a service referral."""
    number = victims.refer(
        session, principal.username, victim, body.service, body.status, body.provider, body.on
    )
    return {"referral": number}


@router.patch("/victims/{victim}/referrals/{referral_id}")
def update_referral(
    session: DbSession,
    principal: IdentityWriter,
    victim: str,
    referral_id: int,
    body: ReferralStatusIn,
) -> dict[str, Any]:
    """Move a referral on (accepted, receiving, completed, declined): a specialist assigned to
    the victim only; the change, and a refusal, audited."""
    try:
        referral = victims.update_referral(session, principal, victim, referral_id, body.status)
    except victims.ReferralClosed as error:
        raise _refused_after_commit(session, error) from None
    return {"pseudonym": victim, "referral": asdict(referral)}


HTCDS_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "every victim as HTCDS 2.0 fields, one row each",
        "content": {"text/csv": {"schema": {"type": "string"}}},
    }
}


@router.get("/export.csv", response_class=Response, responses=HTCDS_CSV)
def export_htcds(
    session: DbSession,
    principal: ReliefReader,
    fy: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> Response:
    """Every victim as HTCDS 2.0 fields (never an identity field); the export is audited with
    its row count before it leaves."""
    rows = service.htcds_rows(session, fy)
    resource = f"protection:victims:fy{fy}" if fy is not None else "protection:victims"
    audit.record_read(session, principal.username, "protection.export", resource, len(rows))
    return Response(service.htcds_csv(rows), media_type="text/csv; charset=utf-8")


@router.post("/relief", status_code=201)
def request_relief(session: DbSession, principal: ReliefWriter, body: ReliefIn) -> dict[str, str]:
    """Open a relief; investigators may request Continued Presence only."""
    if body.kind != relief.Kind.CONTINUED_PRESENCE and not _team(principal):
        raise CompartmentClosed("T and U applications are the protection team's (8 U.S.C. 1367)")
    relief_id = relief.request(
        session,
        principal.username,
        body.victim,
        body.kind,
        body.on,
        body.agency,
        body.officer,
        body.case,
        body.reason,
    )
    return {"relief": relief_id}


def _team(principal: Principal) -> bool:
    return can(principal, ProtectionAction.RELIEF_READ)


@router.get("/relief/{relief_id}")
def get_relief(session: DbSession, principal: ReliefWriter, relief_id: str) -> dict[str, Any]:
    """A relief: status, milestones, family members, open clocks, ledger."""
    return service.relief_json(service.relief_for(session, principal, relief_id))


@router.post("/relief/{relief_id}/steps")
def record_step(
    session: DbSession, principal: ReliefWriter, relief_id: str, body: StepIn
) -> dict[str, Any]:
    """Append a step to the relief's ledger."""
    service.relief_for(session, principal, relief_id)
    detail = {
        "receipt": body.receipt,
        "by": body.by,
        "relationship": body.relationship,
        "member": body.member,
        "outcome": body.outcome,
    }
    state = relief.record(
        session, principal.username, relief_id, body.step, body.on, body.reason, detail
    )
    return service.relief_json(state)


@router.post("/relief/{relief_id}/decision")
def decide(
    session: DbSession, principal: ReliefDecider, relief_id: str, body: DecisionIn
) -> dict[str, Any]:
    """Record the decision on a relief (or on a Continued Presence renewal)."""
    state = relief.decide(
        session, principal.username, relief_id, body.granted, body.on, body.reason
    )
    return service.relief_json(state)


@router.get("/deadlines")
def deadlines(
    session: DbSession,
    principal: ReliefReader,
    mine: bool = False,
    days: Annotated[int | None, Query(ge=0, le=3650)] = None,
) -> list[dict[str, object]]:
    """Open relief deadlines, overdue included, next due first (one's own with `mine`; a
    specialist always sees their own; only those due within `days` if given)."""
    own = mine or not can(principal, ProtectionAction.ASSIGN)
    found = queue.deadlines(session, principal.username if own else None)
    return [d.as_json() for d in queue.within(found, days)]
