"""Arrests, charges and what became of each charge.

An arrest is of a person who is a subject of the case (an entity of the shared store), on a
day, by an agency. Each charge cites a section of 18 U.S.C. chapter 77 or a state statute as
written (`ctip.cases.statutes`). A charge's outcomes (indicted, convicted, dismissed) are
appended with their dates, never overwritten, and every step is also an event of the case's
ledger stream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.authz.policy import Principal
from ctip.cases.service import (
    CaseConflict,
    EventKind,
    InvalidCase,
    append,
    check_day,
    check_text,
    insert_numbered,
    require_need_to_know,
)
from ctip.cases.statutes import cite
from ctip.cases.subjects import entity_subject_ids
from ctip.cases.tables import ArrestRow, ChargeOutcomeRow, ChargeRow
from ctip.model.calendar import fiscal_year
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import NotFound

DEFAULT_AGENCY = "HSI"
MAX_AGENCY = 100


class Outcome(StrEnum):
    """What became of a charge."""

    INDICTED = "indicted"
    CONVICTED = "convicted"
    DISMISSED = "dismissed"


FINAL = frozenset({Outcome.CONVICTED, Outcome.DISMISSED})


@dataclass(frozen=True)
class ChargeView:
    """A charge with its outcomes in date order."""

    id: str
    statute: str
    federal: bool
    outcomes: tuple[tuple[str, str], ...]
    """(outcome, day) pairs."""

    @property
    def current(self) -> str:
        """The latest outcome, or 'charged' when none is recorded yet."""
        return self.outcomes[-1][0] if self.outcomes else "charged"


@dataclass(frozen=True)
class ArrestView:
    """An arrest with its charges."""

    id: str
    person: str
    arrested_on: str
    agency: str
    recorded_by: str
    charges: tuple[ChargeView, ...] = field(default=())


class ArrestNotFound(NotFound):
    """No arrest or charge with that id."""


def record_arrest(
    session: Session,
    principal: Principal,
    number: str,
    person: str,
    arrested_on: str | date | None = None,
    agency: str = "",
    statutes: tuple[str, ...] = (),
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> ArrestView:
    """Record an arrest of one of the case's entity subjects, with its first charges."""
    row = require_need_to_know(session, principal, number)
    person_id = person.strip()
    if person_id not in entity_subject_ids(session, row.number):
        reason_text = "add the person as a subject (an entity of the store) first"
        raise InvalidCase(
            f"{person_id[:80]!r} is not a subject of {row.number}: {reason_text}",
            [{"field": "person", "reason": reason_text}],
        )
    day = check_day(arrested_on, "arrested_on", clock)
    citations = [cite(s) for s in statutes if s.strip()]
    clean_agency = check_text(agency, "agency", MAX_AGENCY, required=False) or DEFAULT_AGENCY
    facts = {
        "case_number": row.number,
        "person": person_id,
        "arrested_on": day.isoformat(),
        "fiscal_year": fiscal_year(day),
        "agency": clean_agency,
        "recorded_at": iso_utc(clock.now()),
        "recorded_by": principal.username,
    }
    arrest = insert_numbered(
        session, lambda: ArrestRow(id=_next_arrest_id(session, row.number), **facts)
    )
    why = check_text(reason, "reason", required=False) or "arrest recorded"
    detail = {"arrest": arrest.id, "person": person_id, "agency": clean_agency}
    append(
        session, row.number, EventKind.ARREST_RECORDED, principal.username, why, detail, day, clock
    )
    for citation in citations:
        _file_charge(
            session, arrest, citation.text, citation.federal, principal.username, day, clock
        )
    return arrest_view(session, arrest.id)


def _next_arrest_id(session: Session, number: str) -> str:
    query = select(func.count()).where(ArrestRow.case_number == number)
    return f"{number}-A{int(session.execute(query).scalar_one()) + 1:03d}"


def _file_charge(
    session: Session,
    arrest: ArrestRow,
    statute: str,
    federal: bool,
    actor: str,
    day: date,
    clock: Clock,
) -> ChargeRow:
    count = select(func.count()).where(ChargeRow.arrest_id == arrest.id)

    def numbered() -> ChargeRow:
        return ChargeRow(
            id=f"{arrest.id}-C{int(session.execute(count).scalar_one()) + 1:02d}",
            arrest_id=arrest.id,
            case_number=arrest.case_number,
            statute=statute,
            federal=int(federal),
            recorded_at=iso_utc(clock.now()),
            recorded_by=actor,
        )

    charge = insert_numbered(session, numbered)
    detail = {"arrest": arrest.id, "charge": charge.id, "statute": statute}
    append(
        session,
        arrest.case_number,
        EventKind.CHARGE_FILED,
        actor,
        "charge filed",
        detail,
        day,
        clock,
    )
    return charge


def add_charge(
    session: Session,
    principal: Principal,
    arrest_id: str,
    statute: str,
    on: str | date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ArrestView:
    """Add a charge to an arrest."""
    arrest = _arrest(session, arrest_id)
    require_need_to_know(session, principal, arrest.case_number)
    citation = cite(statute)
    day = check_day(on, "on", clock)
    _file_charge(session, arrest, citation.text, citation.federal, principal.username, day, clock)
    return arrest_view(session, arrest.id)


def record_outcome(
    session: Session,
    principal: Principal,
    charge_id: str,
    outcome: str,
    on: str | date | None = None,
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> ArrestView:
    """Append what became of a charge; nothing follows a conviction or a dismissal."""
    charge = session.get(ChargeRow, charge_id.strip())
    if charge is None:
        raise ArrestNotFound(f"no charge {charge_id[:60]!r}")
    require_need_to_know(session, principal, charge.case_number)
    result = _outcome(outcome)
    day = check_day(on, "on", clock)
    arrest = _arrest(session, charge.arrest_id)
    if (result.value, day.isoformat()) in _outcomes(session, [charge.id]).get(charge.id, []):
        return arrest_view(session, arrest.id)  # recorded already (a retry): nothing new
    _check_outcome_order(session, charge, result, day, arrest)
    session.add(
        ChargeOutcomeRow(
            charge_id=charge.id,
            case_number=charge.case_number,
            outcome=result.value,
            outcome_on=day.isoformat(),
            fiscal_year=fiscal_year(day),
            recorded_at=iso_utc(clock.now()),
            recorded_by=principal.username,
        )
    )
    why = check_text(reason, "reason", required=False) or result.value
    detail = {"charge": charge.id, "outcome": result.value, "statute": charge.statute}
    append(
        session,
        charge.case_number,
        EventKind.OUTCOME_RECORDED,
        principal.username,
        why,
        detail,
        day,
        clock,
    )
    return arrest_view(session, arrest.id)


def _outcome(value: str) -> Outcome:
    try:
        return Outcome(value.strip().lower())
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        reason = f"{value[:20]!r}: one of {known}"
        raise InvalidCase(f"outcome {reason}", [{"field": "outcome", "reason": reason}]) from None


def _check_outcome_order(
    session: Session, charge: ChargeRow, result: Outcome, day: date, arrest: ArrestRow
) -> None:
    if day.isoformat() < arrest.arrested_on:
        raise CaseConflict(f"{result.value} on {day} is before the arrest ({arrest.arrested_on})")
    earlier = _outcomes(session, [charge.id]).get(charge.id, [])
    if any(Outcome(o) in FINAL for o, _ in earlier):
        raise CaseConflict(f"charge {charge.id} is already {earlier[-1][0]}")
    if any(o == result.value for o, _ in earlier):
        raise CaseConflict(f"charge {charge.id} is already {result.value}")


def _arrest(session: Session, arrest_id: str) -> ArrestRow:
    arrest = session.get(ArrestRow, arrest_id.strip())
    if arrest is None:
        raise ArrestNotFound(f"no arrest {arrest_id[:60]!r}")
    return arrest


def _outcomes(session: Session, charge_ids: list[str]) -> dict[str, list[tuple[str, str]]]:
    query = (
        select(ChargeOutcomeRow)
        .where(ChargeOutcomeRow.charge_id.in_(charge_ids))
        .order_by(ChargeOutcomeRow.outcome_on, ChargeOutcomeRow.id)
    )
    grouped: dict[str, list[tuple[str, str]]] = {}
    for row in session.execute(query).scalars():
        grouped.setdefault(row.charge_id, []).append((row.outcome, row.outcome_on))
    return grouped


def arrest_view(session: Session, arrest_id: str) -> ArrestView:
    """One arrest with its charges and their outcomes."""
    return _views(session, [_arrest(session, arrest_id)])[0]


def arrests(session: Session, number: str) -> list[ArrestView]:
    """A case's arrests in date order."""
    query = select(ArrestRow).where(ArrestRow.case_number == number)
    rows = list(session.execute(query.order_by(ArrestRow.arrested_on, ArrestRow.id)).scalars())
    return _views(session, rows)


def _views(session: Session, rows: list[ArrestRow]) -> list[ArrestView]:
    ids = [r.id for r in rows]
    charges = list(
        session.execute(
            select(ChargeRow).where(ChargeRow.arrest_id.in_(ids)).order_by(ChargeRow.id)
        ).scalars()
    )
    outcomes = _outcomes(session, [c.id for c in charges])
    by_arrest: dict[str, list[ChargeView]] = {}
    for c in charges:
        view = ChargeView(c.id, c.statute, bool(c.federal), tuple(outcomes.get(c.id, [])))
        by_arrest.setdefault(c.arrest_id, []).append(view)
    return [
        ArrestView(
            r.id, r.person, r.arrested_on, r.agency, r.recorded_by, tuple(by_arrest.get(r.id, []))
        )
        for r in rows
    ]
