"""API routes of the cases area: open and list cases, read one (need to know applies), add
team members, subjects, evidence links, arrests, charges and outcomes, refer and close;
deconfliction notices and fiscal-year figures.

Every route calls the same services as the CLI and the workbench; a case the caller is not on
answers at deconfliction level (number, office, lead), a write to it 403.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from ctip.api.deps import DbSession, require
from ctip.api.explanations import ExplanationOut
from ctip.api.schemas import RequestBody, error_responses
from ctip.authz.policy import Principal
from ctip.cases import arrests, evidence, metrics, service, subjects, views
from ctip.cases.access import CaseAction
from ctip.cases.arrests import ArrestView
from ctip.cases.evidence import EvidenceLink
from ctip.cases.service import CaseEvent, CaseStatus
from ctip.cases.subjects import Notice, SharedKey, Subject
from ctip.store.paging import MAX_PER_PAGE, PageQuery

router = APIRouter(prefix="/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(CaseAction.READ))]
Writer = Annotated[Principal, Depends(require(CaseAction.WRITE))]
FiguresReader = Annotated[Principal, Depends(require(CaseAction.FIGURES))]
Number = Annotated[str, Path(min_length=11, max_length=24, pattern=service.NUMBER_PATTERN)]
RecordId = Annotated[str, Path(min_length=1, max_length=48)]
DateText = Annotated[str | None, Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Short = Annotated[str, Field(default="", max_length=300)]
FOUND = error_responses(403, 404, 409, 422)


class OpenCase(RequestBody):
    """A new case; without an office it is HSI's, without a lead the caller leads it."""

    title: Annotated[str, Field(min_length=1, max_length=300)]
    type: Literal["sex_trafficking", "labour_trafficking", "forced_labour", "other"]
    opened_on: DateText = None
    office: Annotated[str, Field(max_length=100)] = ""
    lead: Annotated[str, Field(max_length=100)] = ""
    reason: Short = ""


class AddMember(RequestBody):
    """A user to put on the case's team."""

    username: Annotated[str, Field(min_length=1, max_length=100)]
    reason: Short = ""


class AddSubject(RequestBody):
    """A subject: an entity id of the store, an identifier, or a cluster id, with its role."""

    kind: Literal["entity", "phone", "email", "account", "cluster"]
    value: Annotated[str, Field(min_length=1, max_length=255)]
    role: Annotated[str, Field(max_length=100)] = ""
    reason: Short = ""


class LinkEvidence(RequestBody):
    """A record of another area, by kind and id, and why it matters to the case."""

    kind: Literal[
        "ad_network",
        "flagged_account",
        "typology_finding",
        "detention",
        "entry_line",
        "cluster",
        "tip",
        "screening",
        "entity",
    ]
    record_id: Annotated[str, Field(min_length=1, max_length=255)]
    why: Text


class RecordArrest(RequestBody):
    """An arrest of one of the case's entity subjects, with the statutes charged."""

    person: Annotated[str, Field(min_length=1, max_length=255)]
    arrested_on: DateText = None
    agency: Annotated[str, Field(max_length=100)] = ""
    statutes: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=20
    )
    reason: Short = ""


class AddCharge(RequestBody):
    """A further charge on an arrest."""

    statute: Annotated[str, Field(min_length=1, max_length=200)]
    on: DateText = None


class RecordOutcome(RequestBody):
    """What became of a charge."""

    outcome: Literal["indicted", "convicted", "dismissed"]
    on: DateText = None
    reason: Short = ""


class Refer(RequestBody):
    """A referral to another agency or office."""

    to: Annotated[str, Field(min_length=1, max_length=100)]
    reason: Text
    on: DateText = None


class Close(RequestBody):
    """The closure and its disposition."""

    disposition: Annotated[str, Field(min_length=1, max_length=300)]
    reason: Short = ""
    on: DateText = None


class Reopen(RequestBody):
    """Why a closed or referred case is worked again."""

    reason: Text
    on: DateText = None


class NoticeOut(BaseModel):
    """Another case sharing a subject: its number, office and lead, what is shared (through
    the caller's own subjects) and the explanation a person reads."""

    other_case: str
    office: str
    lead: str
    shared: list[str]
    keys: list[SharedKey]
    explanation: ExplanationOut

    @classmethod
    def of(cls, notice: Notice) -> NoticeOut:
        """From the computed notice."""
        return cls(
            other_case=notice.other_case,
            office=notice.office,
            lead=notice.lead,
            shared=list(notice.shared),
            keys=list(notice.keys),
            explanation=ExplanationOut.of(notice.explained()),
        )


class CaseOut(BaseModel):
    """A case: in full for its team and oversight (`access` "full"), else only its number,
    office and lead (`access` "deconfliction")."""

    access: Literal["full", "deconfliction"]
    number: str
    office: str
    lead: str
    title: str | None = None
    case_type: str | None = None
    opened_on: str | None = None
    fiscal_year: int | None = None
    status: CaseStatus | None = None
    team: list[str] = Field(default_factory=list)
    subjects: list[Subject] = Field(default_factory=list)
    arrests: list[ArrestView] = Field(default_factory=list)
    evidence: list[EvidenceLink] = Field(default_factory=list)
    timeline: list[CaseEvent] = Field(default_factory=list)
    notices: list[NoticeOut] = Field(default_factory=list)

    @classmethod
    def of(cls, view: views.CaseView | views.CaseGlimpse) -> CaseOut:
        """From what the service let the caller see."""
        if isinstance(view, views.CaseGlimpse):
            return cls(
                access="deconfliction", number=view.number, office=view.office, lead=view.lead
            )
        fields = {k: getattr(view, k) for k in FULL_FIELDS}
        fields["notices"] = [NoticeOut.of(n) for n in view.notices]
        return cls(access="full", **fields)


FULL_FIELDS = (
    "number",
    "office",
    "lead",
    "title",
    "case_type",
    "opened_on",
    "fiscal_year",
    "status",
    "team",
    "subjects",
    "arrests",
    "evidence",
    "timeline",
    "notices",
)


class CasePage(BaseModel):
    """One page of the cases the caller may list."""

    total: int
    page: int
    per_page: int
    items: list[views.CaseSummary]


class SubjectAdded(BaseModel):
    """The subject added and the other cases it deconflicts with (number, office, lead)."""

    subject: Subject
    notices: list[NoticeOut]


class CaseNotices(BaseModel):
    """A case of the caller's and the other cases sharing a subject with it."""

    case: str
    notices: list[NoticeOut]


@router.get("", responses=error_responses(422))
def list_cases(
    principal: Reader,
    session: DbSession,
    page: Annotated[int, Query(ge=1, le=10**6)] = 1,
    per_page: Annotated[int, Query(ge=1, le=MAX_PER_PAGE)] = 50,
    fy: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    case_type: Annotated[
        Literal["sex_trafficking", "labour_trafficking", "forced_labour", "other"] | None,
        Query(alias="type"),
    ] = None,
    status: Annotated[Literal["open", "referred", "closed"] | None, Query()] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> CasePage:
    """Cases newest first: every case for oversight, the caller's own cases otherwise."""
    filters = [
        ("fy", str(fy) if fy else ""),
        ("case_type", case_type or ""),
        ("status", status or ""),
    ]
    query = PageQuery(page, per_page, "", False, q, tuple((k, v) for k, v in filters if v))
    result = views.case_listing(principal).page(session, query)
    return CasePage(
        total=result.total, page=result.query.page, per_page=per_page, items=result.rows
    )


@router.post("", status_code=201, responses=FOUND)
def open_case(principal: Writer, session: DbSession, body: OpenCase) -> CaseOut:
    """Open a case; the answer carries its number (HSI-2021-00042)."""
    row = service.open_case(
        session,
        principal,
        body.title,
        body.type,
        body.opened_on,
        body.office,
        body.lead,
        body.reason,
    )
    return CaseOut.of(views.full_view(session, row))


@router.get("/notices")
def my_notices(principal: Reader, session: DbSession) -> list[CaseNotices]:
    """Deconfliction notices of the cases the caller leads."""
    return [
        CaseNotices(case=n, notices=[NoticeOut.of(x) for x in found])
        for n, found in subjects.notices_for_lead(session, principal.username)
    ]


@router.get("/figures")
def figures(
    _: FiguresReader,
    session: DbSession,
    fiscal_year: Annotated[int, Query(ge=1990, le=2100)],
) -> dict[str, int | float]:
    """The area's fiscal-year figures, computed from the records now."""
    return {m.id: m.compute(session, fiscal_year) for m in metrics.METRICS}


@router.get("/{number}", responses=FOUND)
def read_case(principal: Reader, session: DbSession, number: Number) -> CaseOut:
    """One case as the caller may see it (the read is audited)."""
    return CaseOut.of(views.read_case(session, principal, number))


def _full(session: DbSession, principal: Principal, number: str) -> CaseOut:
    return CaseOut.of(
        views.full_view(session, service.require_need_to_know(session, principal, number))
    )


@router.post("/{number}/members", responses=FOUND)
def add_member(principal: Writer, session: DbSession, number: Number, body: AddMember) -> CaseOut:
    """Put a user on the team."""
    service.add_member(session, principal, number, body.username, body.reason)
    return _full(session, principal, number)


@router.post("/{number}/subjects", responses=FOUND)
def add_subject(
    principal: Writer, session: DbSession, number: Number, body: AddSubject
) -> SubjectAdded:
    """Add a subject; the answer names the other cases it is already in (deconfliction)."""
    subject, found = subjects.add_subject(
        session, principal, number, body.kind, body.value, body.role, body.reason
    )
    return SubjectAdded(subject=subject, notices=[NoticeOut.of(n) for n in found])


@router.post("/{number}/evidence", responses=FOUND)
def link_evidence(
    principal: Writer, session: DbSession, number: Number, body: LinkEvidence
) -> EvidenceLink:
    """Link another area's record to the case, with why."""
    return evidence.link(session, principal, number, body.kind, body.record_id, body.why)


@router.post("/{number}/arrests", responses=FOUND)
def record_arrest(
    principal: Writer, session: DbSession, number: Number, body: RecordArrest
) -> ArrestView:
    """Record an arrest of a subject, with its charges."""
    return arrests.record_arrest(
        session,
        principal,
        number,
        body.person,
        body.arrested_on,
        body.agency,
        tuple(body.statutes),
        body.reason,
    )


@router.post("/arrests/{arrest_id}/charges", responses=FOUND)
def add_charge(
    principal: Writer, session: DbSession, arrest_id: RecordId, body: AddCharge
) -> ArrestView:
    """Add a charge to an arrest."""
    return arrests.add_charge(session, principal, arrest_id, body.statute, body.on)


@router.post("/charges/{charge_id}/outcomes", responses=FOUND)
def record_outcome(
    principal: Writer, session: DbSession, charge_id: RecordId, body: RecordOutcome
) -> ArrestView:
    """Record what became of a charge."""
    return arrests.record_outcome(session, principal, charge_id, body.outcome, body.on, body.reason)


@router.post("/{number}/refer", responses=FOUND)
def refer(principal: Writer, session: DbSession, number: Number, body: Refer) -> CaseStatus:
    """Refer the case to another agency or office."""
    return service.refer(session, principal, number, body.to, body.reason, body.on)


@router.post("/{number}/close", responses=FOUND)
def close(principal: Writer, session: DbSession, number: Number, body: Close) -> CaseStatus:
    """Close the case with its disposition."""
    return service.close(session, principal, number, body.disposition, body.reason, body.on)


@router.post("/{number}/reopen", responses=FOUND)
def reopen(principal: Writer, session: DbSession, number: Number, body: Reopen) -> CaseStatus:
    """Open a closed or referred case again."""
    return service.reopen(session, principal, number, body.reason, body.on)
