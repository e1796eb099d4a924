"""API routes of the outreach area: list and record trainings, presentations and partners."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.schemas import RequestBody, error_responses
from ctip.authz.policy import Principal
from ctip.outreach import listings, records
from ctip.outreach.access import OutreachAction
from ctip.outreach.records import MAX_ATTENDEES, MAX_TEXT, NewActivity, NewPartner
from ctip.store.paging import MAX_PER_PAGE, PageQuery

router = APIRouter(prefix="/outreach", tags=["outreach"])
Reader = Annotated[Principal, Depends(require(OutreachAction.READ))]
Writer = Annotated[Principal, Depends(require(OutreachAction.WRITE))]
Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Optional = Annotated[str, Field(default="", max_length=MAX_TEXT)]
FiscalYearQuery = Annotated[int | None, Query(alias="fy", ge=2000, le=2100)]


class ActivityIn(RequestBody):
    """A training or presentation (a presentation without a component is the Blue Campaign's)."""

    kind: Literal["training", "presentation"]
    title: Text
    held_on: date
    attendees: int = Field(ge=0, le=MAX_ATTENDEES)
    component: Optional = ""
    audience: Optional = ""
    place: Optional = ""


class ActivityOut(BaseModel):
    """A stored training or presentation."""

    id: int
    kind: str
    title: str
    component: str
    audience: str
    held_on: str
    place: str
    attendees: int


class PartnerIn(RequestBody):
    """An organisation joining an initiative (default: the Blue Lightning Initiative)."""

    name: Text
    joined_on: date
    initiative: Optional = ""
    sector: Optional = ""


class PartnerOut(BaseModel):
    """A stored partner."""

    id: int
    name: str
    initiative: str
    sector: str
    joined_on: str


def _activity_out(activity: records.Activity) -> ActivityOut:
    return ActivityOut(**{k: v for k, v in vars(activity).items() if k != "recorded_by"})


@router.get("/activities", responses=error_responses(403))
def list_activities(
    _principal: Reader,
    session: DbSession,
    fiscal_year: FiscalYearQuery = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
) -> list[ActivityOut]:
    """Trainings and presentations, newest first (one fiscal year with `fy`)."""
    query = PageQuery(page=page, per_page=per_page, sort="held_on", descending=True)
    return [_activity_out(a) for a in listings.activities(fiscal_year).page(session, query).rows]


@router.post("/activities", status_code=201, responses=error_responses(403, 422))
def add_activity(body: ActivityIn, principal: Writer, session: DbSession) -> ActivityOut:
    """Record a training or presentation (audited)."""
    activity = NewActivity.checked(
        body.kind,
        body.title,
        body.held_on,
        body.attendees,
        body.component,
        body.audience,
        body.place,
    )
    return _activity_out(records.add_activity(session, activity, principal.username))


@router.get("/partners", responses=error_responses(403))
def list_partners(
    _principal: Reader, session: DbSession, fiscal_year: FiscalYearQuery = None
) -> list[PartnerOut]:
    """Partners by the day they joined, newest first (one fiscal year with `fy`)."""
    query = PageQuery(per_page=0, sort="joined_on", descending=True)
    return [PartnerOut(**vars(p)) for p in listings.partners(fiscal_year).every(session, query)]


@router.post("/partners", status_code=201, responses=error_responses(403, 422))
def add_partner(body: PartnerIn, principal: Writer, session: DbSession) -> PartnerOut:
    """Record an organisation joining an initiative (audited)."""
    partner = NewPartner.checked(body.name, body.joined_on, body.initiative, body.sector)
    return PartnerOut(**vars(records.add_partner(session, partner, principal.username)))
