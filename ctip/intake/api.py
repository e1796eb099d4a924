"""API routes of the intake area.

`POST /api/v1/tips` takes a tip from anyone, without credentials (other tools rely on its
shape: `reporter_location`, `activity`, `narrative` and optional fields in; 201 with
`{"acknowledgement": ...}` out; 422 for a bad body; 429 past 30 a minute from one client).
Nothing about the caller is kept: the client address is used only by the in-memory rate
limit, through a keyed hash. The staff routes list and decide tips and allegations and record
encounter screenings, each behind its action.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, field_validator

from ctip.api.deps import DbSession, require
from ctip.api.errors import ApiError
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import RequestBody, error_responses
from ctip.authz import audit
from ctip.authz.need_to_know import hidden_sources
from ctip.authz.policy import Principal, can
from ctip.intake import allegations, queues, screenings, tips, triage
from ctip.intake.abuse import limiter_for
from ctip.intake.access import SEES_EVERY_SCREENING, IntakeAction
from ctip.model.errors import NotFound
from ctip.store.paging import PageQuery

public = APIRouter(tags=["tips"])
router = APIRouter(prefix="/intake", tags=["intake"])
Submitter = Annotated[Principal, Depends(require(IntakeAction.SUBMIT_TIP))]
Triager = Annotated[Principal, Depends(require(IntakeAction.TRIAGE))]
Reviewer = Annotated[Principal, Depends(require(IntakeAction.REVIEW_ALLEGATIONS))]
Screener = Annotated[Principal, Depends(require(IntakeAction.SCREEN))]
TOO_MANY = "too many tips from this client in a minute; please wait a minute and send again"
Item = Annotated[str, Field(max_length=tips.MAX_ITEM)]
Items = Annotated[list[Item], Field(default_factory=list, max_length=tips.MAX_ITEMS)]
TipId = Annotated[str, Field(pattern=r"^TIP-[A-Z0-9]{10}$")]
PageNumber = Annotated[int, Query(ge=1, le=10**6)]
PerPage = Annotated[int, Query(ge=1, le=200)]


def rate_limited(request: Request) -> None:
    """Refuse (429) a client past the limit, before its body is read into a tip."""
    address = request.client.host if request.client else ""
    if not limiter_for(request.app.state).allow(address):
        raise ApiError(429, TOO_MANY)


Limited = Depends(rate_limited)


class TipIn(RequestBody):
    """A tip as the HSI tip form asks for it; a forced-labour allegation adds its fields."""

    reporter_location: Literal["inside_us", "outside_us"]
    activity: str = Field(description=f"one of {', '.join(tips.ACTIVITIES)} (any case)")
    narrative: str = Field(min_length=1, max_length=tips.MAX_NARRATIVE)
    persons: Items
    places: Items
    phones: Items
    emails: Items
    vehicles: Items
    contact: str = Field(default="", max_length=tips.MAX_CONTACT)
    company: str = Field(default="", max_length=tips.MAX_ITEM)
    goods: str = Field(default="", max_length=tips.MAX_ITEM)
    country: str = Field(default="", max_length=2)
    ilo_indicators: Items
    documents: Items

    @field_validator("activity")
    @classmethod
    def _known_activity(cls, value: str) -> str:
        folded = " ".join(value.split()).lower()
        if folded not in tips.ACTIVITIES:
            raise ValueError(f"one of {', '.join(tips.ACTIVITIES)}")
        return folded

    def to_input(self) -> tips.TipInput:
        """The service's input."""
        return tips.TipInput(
            reporter_location=self.reporter_location,
            activity=self.activity,
            narrative=self.narrative,
            persons=tuple(self.persons),
            places=tuple(self.places),
            phones=tuple(self.phones),
            emails=tuple(self.emails),
            vehicles=tuple(self.vehicles),
            contact=self.contact,
            company=self.company,
            goods=self.goods,
            country=self.country,
            ilo_indicators=tuple(self.ilo_indicators),
            documents=tuple(self.documents),
        )


class AcknowledgementOut(BaseModel):
    """The code the reporter keeps to add information later."""

    acknowledgement: str


class AdditionIn(RequestBody):
    """More information for a tip, found by its acknowledgement code."""

    acknowledgement: str = Field(min_length=4, max_length=40)
    narrative: str = Field(min_length=1, max_length=tips.MAX_NARRATIVE)
    persons: Items
    places: Items
    phones: Items
    emails: Items
    vehicles: Items


class AddedOut(BaseModel):
    """The addition was kept."""

    added: bool = True


@public.post(
    "/tips",
    status_code=201,
    dependencies=[Limited],
    responses=error_responses(422, 429),
)
def submit_tip(body: TipIn, _: Submitter, session: DbSession) -> AcknowledgementOut:
    """Report suspected trafficking, anonymously. Keep the acknowledgement code: with it you
    can add information later (`POST /api/v1/tips/additions`)."""
    receipt = tips.submit_tip(session, body.to_input(), "api")
    return AcknowledgementOut(acknowledgement=receipt.acknowledgement)


@public.post(
    "/tips/additions",
    status_code=201,
    dependencies=[Limited],
    responses=error_responses(404, 422, 429),
)
def add_to_tip(body: AdditionIn, _: Submitter, session: DbSession) -> AddedOut:
    """Add to a tip you sent, with its acknowledgement code."""
    details = tips.TipInput(
        reporter_location="",
        activity="",
        narrative="",
        persons=tuple(body.persons),
        places=tuple(body.places),
        phones=tuple(body.phones),
        emails=tuple(body.emails),
        vehicles=tuple(body.vehicles),
    )
    tips.add_to_tip(session, body.acknowledgement, body.narrative, details)
    return AddedOut()


class TipOut(BaseModel):
    """A tip in a queue."""

    id: str
    received_at: str
    channel: str
    reporter_location: str
    activity: str
    status: str
    narrative: str
    persons: list[str]
    places: list[str]
    phones: list[str]
    emails: list[str]
    vehicles: list[str]
    company: str
    goods: str
    country: str
    ilo_indicators: list[str]
    documents: list[str]
    screening_id: str

    @classmethod
    def of(cls, tip: tips.Tip) -> TipOut:
        """From a stored tip."""
        fields: dict[str, Any] = {name: getattr(tip, name) for name in cls.model_fields}
        return cls(**{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()})


class TipPageOut(BaseModel):
    """One page of a queue."""

    total: int
    page: int
    per_page: int
    tips: list[TipOut]


class TipDetailOut(BaseModel):
    """A tip, what the reporter added, its decisions, and what it connects to, explained."""

    tip: TipOut
    additions: list[str]
    decisions: list[dict[str, Any]]
    links: ExplanationOut


class DecisionIn(RequestBody):
    """Accept into a case (case_id), refer (referred_to), or close, always with a reason."""

    decision: Literal["accepted", "referred", "closed"]
    reason: str = Field(min_length=1, max_length=tips.MAX_REASON)
    case_id: str = Field(default="", max_length=60)
    referred_to: str = Field(default="", max_length=tips.MAX_ITEM)


class DecisionOut(BaseModel):
    """The decision as the ledger recorded it."""

    tip: str
    seq: int
    decision: str
    actor: str
    at: str
    reason: str
    payload: dict[str, Any]


def _page(queue: str, session: DbSession, status: str, page: int, per_page: int) -> TipPageOut:
    filters = (("status", status),) if status else ()
    query = PageQuery(
        page=page, per_page=per_page, sort="received", descending=True, filters=filters
    )
    found = queues.tip_listing(queue).page(session, query)
    return TipPageOut(
        total=found.total,
        page=found.query.page,
        per_page=per_page,
        tips=[TipOut.of(t) for t in found.rows],
    )


def _detail(session: DbSession, principal: Principal, tip_id: str, queue: str) -> TipDetailOut:
    tip = read_tip(session, principal, tip_id, queue)
    hidden = hidden_sources(principal)
    explanation = (
        allegations.review(session, tip, hidden).explanation
        if queue == queues.ALLEGATIONS
        else triage.tip_links(session, tip, hidden).explanation
    )
    decisions = [
        {"seq": e.seq, "decision": e.kind, "actor": e.actor, "at": e.at, "reason": e.reason}
        | e.payload
        for e in tips.history(session, tip.id)
    ]
    return TipDetailOut(
        tip=TipOut.of(tip),
        additions=[a.narrative for a in tip.additions],
        decisions=decisions,
        links=ExplanationOut.of(explanation),
    )


def read_tip(session: DbSession, principal: Principal, tip_id: str, queue: str) -> tips.Tip:
    """A tip of this queue (another queue's is NotFound), its reading audited."""
    tip = tips.get_tip(session, tip_id)
    if tip.is_allegation != (queue == queues.ALLEGATIONS):
        raise NotFound(f"no tip {tip_id!r} in the {queue} queue")
    audit.record(session, principal.username, "intake_tip.read", f"{tips.STREAM_KIND}:{tip_id}")
    return tip


def _decide(
    session: DbSession, principal: Principal, tip_id: str, queue: str, body: DecisionIn
) -> DecisionOut:
    read_tip(session, principal, tip_id, queue)
    choice = tips.Decision(body.decision, body.reason, body.case_id, body.referred_to)
    event = tips.decide(session, tip_id, principal.username, choice)
    return DecisionOut(
        tip=tip_id,
        seq=event.seq,
        decision=event.kind,
        actor=event.actor,
        at=event.at,
        reason=event.reason,
        payload=event.payload,
    )


Status = Annotated[str, Query(pattern=r"^(new|accepted|referred|closed)?$")]


@router.get("/tips", responses=error_responses(422))
def list_tips(
    _: Triager,
    session: DbSession,
    status: Status = "",
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> TipPageOut:
    """The tip queue, newest first (status new: waiting for triage)."""
    return _page(queues.TIPS, session, status, page, per_page)


@router.get("/tips/{tip_id}", responses=error_responses(404))
def show_tip(tip_id: str, principal: Triager, session: DbSession) -> TipDetailOut:
    """A tip with its duplicates and store matches, explained."""
    return _detail(session, principal, tip_id, queues.TIPS)


@router.post("/tips/{tip_id}/decision", status_code=201, responses=error_responses(404, 422))
def decide_tip(
    tip_id: str, body: DecisionIn, principal: Triager, session: DbSession
) -> DecisionOut:
    """Accept the tip into a case, refer it, or close it with a reason (in the ledger)."""
    return _decide(session, principal, tip_id, queues.TIPS, body)


@router.get("/allegations", responses=error_responses(422))
def list_allegations(
    _: Reviewer,
    session: DbSession,
    status: Status = "",
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> TipPageOut:
    """Forced-labour allegations, newest first."""
    return _page(queues.ALLEGATIONS, session, status, page, per_page)


@router.get("/allegations/{allegation_id}", responses=error_responses(404))
def show_allegation(allegation_id: str, principal: Reviewer, session: DbSession) -> TipDetailOut:
    """An allegation with its company matched against the lists in effect, explained."""
    return _detail(session, principal, allegation_id, queues.ALLEGATIONS)


@router.post(
    "/allegations/{allegation_id}/decision", status_code=201, responses=error_responses(404, 422)
)
def decide_allegation(
    allegation_id: str, body: DecisionIn, principal: Reviewer, session: DbSession
) -> DecisionOut:
    """Accept the allegation into a case, refer it, or close it with a reason."""
    return _decide(session, principal, allegation_id, queues.ALLEGATIONS, body)


class ScreeningIn(RequestBody):
    """An encounter screening (the person's name only with their consent)."""

    draft_id: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    place: str = Field(min_length=1, max_length=screenings.MAX_PLACE)
    port: str = Field(default="", max_length=10)
    encountered_on: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    answers: dict[Annotated[str, Field(max_length=60)], Literal["yes", "no", "unknown"]] = Field(
        max_length=100
    )
    notes: str = Field(default="", max_length=screenings.MAX_NOTES)
    consent: bool = False
    subject_name: str = Field(default="", max_length=screenings.MAX_NAME)
    referral: Literal["none", "tip_queue", "case"] = "none"
    case_id: str = Field(default="", max_length=60)


class ScreeningOut(BaseModel):
    """A recorded screening: score, outcome, referral and the explanation."""

    id: str
    officer: str
    place: str
    port: str
    encountered_on: str
    score: float
    outcome: str
    referral: str
    case_id: str
    tip_id: str
    explanation: ExplanationOut

    @classmethod
    def of(cls, s: screenings.Screening) -> ScreeningOut:
        """From a recorded screening."""
        return cls(
            id=s.id,
            officer=s.officer,
            place=s.place,
            port=s.port,
            encountered_on=s.encountered_on,
            score=s.score,
            outcome=s.outcome,
            referral=s.referral,
            case_id=s.case_id,
            tip_id=s.tip_id,
            explanation=ExplanationOut.of(s.explanation),
        )


@router.post("/screenings", status_code=201, responses=error_responses(422))
def record_screening(body: ScreeningIn, principal: Screener, session: DbSession) -> ScreeningOut:
    """Record a screening; a retry with the same draft_id returns the one already made."""
    data = screenings.ScreeningInput(**body.model_dump())
    return ScreeningOut.of(screenings.record_screening(session, principal.username, data))


@router.get("/screenings")
def list_screenings(
    principal: Screener, session: DbSession, page: PageNumber = 1, per_page: PerPage = 50
) -> list[ScreeningOut]:
    """Your screenings, newest first (a supervisor's: everyone's)."""
    officer = None if can_see_all(principal) else principal.username
    query = PageQuery(page=page, per_page=per_page, sort="on", descending=True)
    found = queues.screening_listing(officer).page(session, query)
    return [ScreeningOut.of(s) for s in found.rows]


def can_see_all(principal: Principal) -> bool:
    """Whether the principal reads every officer's screenings."""
    return principal.role in SEES_EVERY_SCREENING and can(principal, IntakeAction.SCREEN)
