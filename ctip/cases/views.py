"""What a person sees of cases: the list (paged in SQL, need to know applied) and a case
(in full for its team and oversight, at deconfliction level for anyone else), every read
of a case audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, select
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal
from ctip.cases import arrests, evidence, service, subjects
from ctip.cases.arrests import ArrestView
from ctip.cases.evidence import EvidenceLink
from ctip.cases.service import CaseEvent, CaseStatus
from ctip.cases.subjects import Notice, Subject
from ctip.cases.tables import CaseRow
from ctip.store.paging import Listing, ListingField


@dataclass(frozen=True)
class CaseSummary:
    """A case as a list row."""

    number: str
    title: str
    case_type: str
    office: str
    lead: str
    opened_on: str
    fiscal_year: int
    status: str


@dataclass(frozen=True)
class CaseView:
    """A case in full: facts, status, team, subjects, arrests, evidence, timeline, notices."""

    number: str
    title: str
    case_type: str
    office: str
    lead: str
    opened_on: str
    fiscal_year: int
    status: CaseStatus
    team: list[str]
    subjects: list[Subject]
    arrests: list[ArrestView]
    evidence: list[EvidenceLink]
    timeline: list[CaseEvent]
    notices: list[Notice]


@dataclass(frozen=True)
class CaseGlimpse:
    """Another case, as deconfliction allows: its number, office and lead only."""

    number: str
    office: str
    lead: str


def case_listing(principal: Principal) -> Listing[CaseSummary]:
    """Cases for the table: every case for oversight, the person's own cases otherwise."""
    status = service.status_expression().label("status")
    statement = select(CaseRow, status)
    if not service.oversees(principal):
        statement = statement.where(service.my_cases_condition(principal.username))
    fields = {
        "number": ListingField(CaseRow.number, match="contains", searched=True),
        "title": ListingField(CaseRow.title, searched=True),
        "case_type": ListingField(CaseRow.case_type, match="equals"),
        "office": ListingField(CaseRow.office, match="contains", searched=True),
        "lead": ListingField(CaseRow.lead, match="equals", searched=True),
        "opened_on": ListingField(CaseRow.opened_on),
        "fy": ListingField(CaseRow.fiscal_year.cast(String), match="equals"),
        "status": ListingField(service.status_expression(), match="equals"),
    }
    newest_first = (CaseRow.opened_on.desc(), CaseRow.number.desc())
    return Listing(statement, fields, _summary, tiebreak=newest_first)


def _summary(row: object) -> CaseSummary:
    case_row: CaseRow = row[0]  # type: ignore[index]
    status: str = row[1]  # type: ignore[index]
    return CaseSummary(
        case_row.number,
        case_row.title,
        case_row.case_type,
        case_row.office,
        case_row.lead,
        case_row.opened_on,
        case_row.fiscal_year,
        status,
    )


def read_case(session: Session, principal: Principal, number: str) -> CaseView | CaseGlimpse:
    """A case as this person may see it; the read is audited at the level it was given."""
    row = service.get_case(session, number)
    if not service.needs_to_know(session, principal, row.number):
        service.record_read(session, principal, row.number, "deconfliction")
        return CaseGlimpse(row.number, row.office, row.lead)
    service.record_read(session, principal, row.number, "full")
    return full_view(session, row)


def full_view(session: Session, row: CaseRow) -> CaseView:
    """Everything about a case (callers check need to know first)."""
    history = service.events(session, row.number)
    return CaseView(
        number=row.number,
        title=row.title,
        case_type=row.case_type,
        office=row.office,
        lead=row.lead,
        opened_on=row.opened_on,
        fiscal_year=row.fiscal_year,
        status=service.fold_status(history),
        team=service.team(session, row.number),
        subjects=subjects.subjects(session, row.number),
        arrests=arrests.arrests(session, row.number),
        evidence=evidence.links(session, row.number),
        timeline=sorted(history, key=lambda e: (e.on, e.seq)),
        notices=subjects.notices(session, row.number),
    )
