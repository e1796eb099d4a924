"""Cases: opening, the team, status from the ledger, referral and closure, need to know.

A case is opened with its facts (number, title, type, office, lead, the day it was opened).
Everything that happens to it afterwards (a member joins, a subject, an arrest, a link to
another area's record, a referral, the closure) is an event of the case's stream in the
shared append-only ledger (`ctip.store.ledger`, kind `case`), audited in the same
transaction; status, closure and disposition are folded from those events, never stored.

Need to know: a case's lead and team, and supervisors and admins, read it in full; anyone
else allowed to read cases sees it only at deconfliction level (number, office, lead).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, case, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ctip.authz import audit, users
from ctip.authz.policy import Principal, can
from ctip.cases.access import CaseAction
from ctip.cases.tables import CaseMemberRow, CaseRow
from ctip.model.calendar import fiscal_year
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import Conflict, Forbidden, InvalidInput, NotFound
from ctip.store import ledger
from ctip.store.tables import Base, LedgerEventRow

STREAM_KIND = "case"
"""The cases' streams in the shared ledger (audited as `case:<number>`)."""
HSI = "HSI"
MAX_TITLE = 300
MAX_OFFICE = 100
MAX_TEXT = 2000
NUMBER_ATTEMPTS = 5
NUMBER_PATTERN = r"^[A-Z0-9]{2,10}-\d{4}-\d{5}$"
_NUMBER = re.compile(NUMBER_PATTERN)


class CaseType(StrEnum):
    """What a case is about."""

    SEX_TRAFFICKING = "sex_trafficking"
    LABOUR_TRAFFICKING = "labour_trafficking"
    FORCED_LABOUR = "forced_labour"
    """Forced labour in supply chains (goods made with it)."""
    OTHER = "other"


class Status(StrEnum):
    """Where a case stands, folded from its ledger."""

    OPEN = "open"
    REFERRED = "referred"
    CLOSED = "closed"


class EventKind(StrEnum):
    """The events of a case's stream."""

    OPENED = "opened"
    MEMBER_ADDED = "member_added"
    SUBJECT_ADDED = "subject_added"
    EVIDENCE_LINKED = "evidence_linked"
    ARREST_RECORDED = "arrest_recorded"
    CHARGE_FILED = "charge_filed"
    OUTCOME_RECORDED = "outcome_recorded"
    DECONFLICTION = "deconfliction"
    REFERRED = "referred"
    CLOSED = "closed"
    REOPENED = "reopened"


STATUS_EVENTS = (EventKind.OPENED, EventKind.REFERRED, EventKind.CLOSED, EventKind.REOPENED)


class CaseNotFound(NotFound):
    """No case with that number."""


class CaseConflict(Conflict):
    """The step does not fit the case as it stands."""


class InvalidCase(InvalidInput):
    """A value a case cannot take."""


class NeedToKnow(Forbidden):
    """The person is not on the case (nor oversees cases)."""


@dataclass(frozen=True)
class CaseEvent:
    """One event of a case's history: what, on which day, who recorded it and why."""

    seq: int
    kind: str
    on: str
    recorded_at: str
    actor: str
    reason: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, event: ledger.LedgerEvent) -> CaseEvent:
        """From the ledger's event (the day it happened is the payload's `on`)."""
        detail = {k: v for k, v in event.payload.items() if k != "on"}
        day = str(event.payload.get("on") or event.at[:10])
        return cls(event.seq, event.kind, day, event.at, event.actor, event.reason, detail)


@dataclass(frozen=True)
class CaseStatus:
    """A case's status folded from its events."""

    status: Status = Status.OPEN
    closed_on: str | None = None
    disposition: str = ""
    referred_to: str = ""


def fold_status(events: Sequence[CaseEvent]) -> CaseStatus:
    """The status the events leave the case in (the last status event wins)."""
    state = CaseStatus()
    for event in events:
        if event.kind == EventKind.REFERRED:
            state = CaseStatus(Status.REFERRED, referred_to=str(event.detail.get("to", "")))
        elif event.kind == EventKind.CLOSED:
            disposition = str(event.detail.get("disposition", ""))
            state = CaseStatus(Status.CLOSED, event.on, disposition, state.referred_to)
        elif event.kind == EventKind.REOPENED:
            state = CaseStatus()
    return state


def status_expression() -> ColumnElement[str]:
    """A case's status in SQL (for lists, filters and counts): the kind of its latest status
    event, the same fold as `fold_status`."""
    latest = (
        select(LedgerEventRow.kind)
        .where(
            LedgerEventRow.stream_kind == STREAM_KIND,
            LedgerEventRow.stream_id == CaseRow.number,
            LedgerEventRow.kind.in_([k.value for k in STATUS_EVENTS]),
        )
        .order_by(LedgerEventRow.seq.desc())
        .limit(1)
        .correlate(CaseRow)
        .scalar_subquery()
    )
    return case(
        (latest == EventKind.REFERRED.value, Status.REFERRED.value),
        (latest == EventKind.CLOSED.value, Status.CLOSED.value),
        else_=Status.OPEN.value,
    )


def is_hsi(office: str) -> bool:
    """Whether a case counts as HSI's: no office given, or an HSI office ("HSI Houston")."""
    words = office.split()
    return not words or words[0].upper() == HSI


def hsi_condition() -> ColumnElement[bool]:
    """`is_hsi` in SQL."""
    office = func.upper(func.trim(CaseRow.office))
    return (office == "") | (office == HSI) | office.like(f"{HSI} %")


def stream(number: str) -> ledger.Stream:
    """A case's stream in the ledger."""
    return ledger.Stream(STREAM_KIND, number)


def check_text(value: str, name: str, limit: int = MAX_TEXT, required: bool = True) -> str:
    """Text a person typed, trimmed; refused when empty (if required), too long or with NUL."""
    text = " ".join(value.split()) if limit <= MAX_TITLE else value.strip()
    if required and not text:
        raise InvalidCase(f"{name}: required", [{"field": name, "reason": "required"}])
    if len(text) > limit or "\x00" in text:
        reason = f"at most {limit} characters, no NUL"
        raise InvalidCase(f"{name}: {reason}", [{"field": name, "reason": reason}])
    return text


def check_day(value: str | date | None, name: str, clock: Clock) -> date:
    """A day something happened: today by default, never in the future."""
    if value is None or value == "":
        return clock.today()
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            reason = f"{value[:20]!r} is not a date (YYYY-MM-DD)"
            raise InvalidCase(f"{name}: {reason}", [{"field": name, "reason": reason}]) from None
    if day > clock.today():
        reason = f"{day} is in the future"
        raise InvalidCase(f"{name}: {reason}", [{"field": name, "reason": reason}])
    return day


def case_type(value: str) -> CaseType:
    """A case type from its name; anything else is refused with the names allowed."""
    try:
        return CaseType(value.strip().lower().replace("-", "_").replace("labor", "labour"))
    except ValueError:
        known = ", ".join(t.value for t in CaseType)
        reason = f"{value[:40]!r}: one of {known}"
        raise InvalidCase(f"type {reason}", [{"field": "case_type", "reason": reason}]) from None


def office_prefix(office: str) -> str:
    """The letters a case number starts with: HSI for HSI offices and no office, else the
    office's first word ("FBI Houston" -> FBI)."""
    if is_hsi(office):
        return HSI
    word = re.sub(r"[^A-Za-z0-9]", "", office.split()[0]).upper()[:10]
    return word if len(word) >= 2 else "CASE"


def next_number(session: Session, prefix: str, year: int) -> str:
    """The next free number of an office prefix and fiscal year: HSI-2021-00042."""
    head = f"{prefix}-{year}-"
    query = select(func.max(CaseRow.number)).where(CaseRow.number.like(f"{head}%"))
    last = session.execute(query).scalar_one_or_none()
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{head}{sequence:05d}"


def append(
    session: Session,
    number: str,
    kind: EventKind,
    actor: str,
    reason: str,
    detail: dict[str, Any],
    on: date | str,
    clock: Clock = SYSTEM_CLOCK,
) -> None:
    """One event at the end of the case's stream, audited as `cases.<kind>`."""
    payload = {"on": str(on), **detail}
    ledger.append(
        session,
        stream(number),
        kind.value,
        actor,
        reason,
        payload,
        audit=audit.record,
        audit_action=f"cases.{kind.value}",
        clock=clock,
    )


def open_case(
    session: Session,
    principal: Principal,
    title: str,
    type_: str,
    opened_on: str | date | None = None,
    office: str = "",
    lead: str = "",
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> CaseRow:
    """Open a case; its number comes from the office and the fiscal year it opens in."""
    clean_title = check_text(title, "title", MAX_TITLE)
    kind = case_type(type_)
    day = check_day(opened_on, "opened_on", clock)
    clean_office = check_text(office, "office", MAX_OFFICE, required=False) or HSI
    lead_name = _lead(session, principal, lead)
    facts: dict[str, Any] = {"title": clean_title, "case_type": kind.value}
    facts["office"] = clean_office
    facts |= {"opened_on": day.isoformat(), "fiscal_year": fiscal_year(day), "lead": lead_name}
    facts |= {"created_at": iso_utc(clock.now()), "created_by": principal.username}
    row = _numbered(session, facts)
    _add_member_row(session, row.number, lead_name, principal.username, clock)
    if principal.username != lead_name:
        _add_member_row(session, row.number, principal.username, principal.username, clock)
    detail = {"title": clean_title, "type": kind.value, "office": clean_office, "lead": lead_name}
    why = check_text(reason, "reason", required=False) or "case opened"
    append(session, row.number, EventKind.OPENED, principal.username, why, detail, day, clock)
    return row


def _numbered(session: Session, facts: dict[str, Any]) -> CaseRow:
    """The case written under the next free number of its office and year."""
    prefix = office_prefix(str(facts["office"]))
    year = int(facts["fiscal_year"])
    return insert_numbered(
        session, lambda: CaseRow(number=next_number(session, prefix, year), **facts)
    )


Numbered = TypeVar("Numbered", bound=Base)


def insert_numbered(session: Session, make: Callable[[], Numbered]) -> Numbered:
    """Write a row whose id is the next free number (a case, an arrest, a charge). Two
    people adding at the same moment read the same "next" number; the second insert then
    meets the first's and takes the one after (in a savepoint, so nothing else is undone)."""
    for _attempt in range(NUMBER_ATTEMPTS):
        row = make()
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            continue
        return row
    raise CaseConflict("too many records are being added to this case at once; try again")


def _lead(session: Session, principal: Principal, lead: str) -> str:
    """The lead investigator: a known user, or the person opening the case."""
    name = lead.strip()
    if not name or name == principal.username:
        return principal.username
    if users.principal_for_username(session, name) is None:
        reason = f"no user {name[:100]!r}"
        raise InvalidCase(f"lead: {reason}", [{"field": "lead", "reason": reason}])
    return name


def _add_member_row(session: Session, number: str, username: str, actor: str, clock: Clock) -> None:
    member = CaseMemberRow(
        case_number=number, username=username, added_at=iso_utc(clock.now()), added_by=actor
    )
    session.add(member)
    session.flush()


def get_case(session: Session, number: str) -> CaseRow:
    """A case by its number (any case: `HSI-2021-00042`)."""
    clean = number.strip().upper()
    row = session.get(CaseRow, clean) if _NUMBER.match(clean) else None
    if row is None:
        raise CaseNotFound(f"no case {number[:40]!r}")
    return row


def team(session: Session, number: str) -> list[str]:
    """The usernames on a case (the lead among them)."""
    query = select(CaseMemberRow.username).where(CaseMemberRow.case_number == number)
    return list(session.execute(query.order_by(CaseMemberRow.username)).scalars())


def oversees(principal: Principal) -> bool:
    """Supervisors and admins read every case in full (their reads are audited too); the
    one policy decides who that is."""
    return can(principal, CaseAction.OVERSEE)


def needs_to_know(session: Session, principal: Principal, number: str) -> bool:
    """Whether the person reads this case in full: on its team, or overseeing cases."""
    if oversees(principal):
        return True
    query = select(
        exists().where(
            CaseMemberRow.case_number == number, CaseMemberRow.username == principal.username
        )
    )
    return bool(session.execute(query).scalar())


def require_need_to_know(session: Session, principal: Principal, number: str) -> CaseRow:
    """The case, when the person is on it (or oversees cases); refused otherwise."""
    row = get_case(session, number)
    if not needs_to_know(session, principal, row.number):
        raise NeedToKnow(f"you are not on case {row.number}; ask its lead ({row.lead})")
    return row


def events(session: Session, number: str) -> list[CaseEvent]:
    """A case's history in the order recorded."""
    return [CaseEvent.of(e) for e in ledger.events(session, stream(number))]


def case_status(session: Session, number: str) -> CaseStatus:
    """A case's status from its ledger."""
    return fold_status(events(session, number))


def add_member(
    session: Session,
    principal: Principal,
    number: str,
    username: str,
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> list[str]:
    """Put a user on the case's team (only someone on it, or oversight, may)."""
    row = require_need_to_know(session, principal, number)
    name = username.strip()
    if users.principal_for_username(session, name) is None:
        raise InvalidCase(
            f"no user {name[:100]!r}", [{"field": "username", "reason": "no such user"}]
        )
    if name in team(session, row.number):  # already on it (a retry): nothing new
        return team(session, row.number)
    _add_member_row(session, row.number, name, principal.username, clock)
    why = check_text(reason, "reason", required=False) or "joined the team"
    today = clock.today()
    append(
        session,
        row.number,
        EventKind.MEMBER_ADDED,
        principal.username,
        why,
        {"username": name},
        today,
        clock,
    )
    return team(session, row.number)


def refer(
    session: Session,
    principal: Principal,
    number: str,
    to: str,
    reason: str,
    on: str | date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CaseStatus:
    """Refer an open case to another agency or office (it stays on record as referred)."""
    row = require_need_to_know(session, principal, number)
    target = check_text(to, "to", MAX_OFFICE)
    why = check_text(reason, "reason")
    day = _after_opening(row, check_day(on, "on", clock), "on")
    state = case_status(session, row.number)
    if state.status is Status.REFERRED and state.referred_to == target:
        return state  # referred there already (a retry): nothing new
    if state.status is not Status.OPEN:
        raise CaseConflict(f"case {row.number} is {state.status.value}, not open")
    append(
        session, row.number, EventKind.REFERRED, principal.username, why, {"to": target}, day, clock
    )
    return case_status(session, row.number)


def close(
    session: Session,
    principal: Principal,
    number: str,
    disposition: str,
    reason: str = "",
    on: str | date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CaseStatus:
    """Close a case with its disposition (prosecution accepted, declined, no evidence...)."""
    row = require_need_to_know(session, principal, number)
    outcome = check_text(disposition, "disposition", MAX_TITLE)
    why = check_text(reason, "reason", required=False) or outcome
    day = _after_opening(row, check_day(on, "on", clock), "on")
    state = case_status(session, row.number)
    if state.status is Status.CLOSED and state.disposition == outcome:
        return state  # closed so already (a retry): nothing new
    if state.status is Status.CLOSED:
        raise CaseConflict(f"case {row.number} is already closed ({state.disposition})")
    detail = {"disposition": outcome}
    append(session, row.number, EventKind.CLOSED, principal.username, why, detail, day, clock)
    return case_status(session, row.number)


def reopen(
    session: Session,
    principal: Principal,
    number: str,
    reason: str,
    on: str | date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CaseStatus:
    """Open a closed or referred case again; the earlier closure stays in the history."""
    row = require_need_to_know(session, principal, number)
    why = check_text(reason, "reason")
    day = _after_opening(row, check_day(on, "on", clock), "on")
    state = case_status(session, row.number)
    if state.status is Status.OPEN:
        return state  # open already (a retry): nothing new
    append(session, row.number, EventKind.REOPENED, principal.username, why, {}, day, clock)
    return case_status(session, row.number)


def _after_opening(row: CaseRow, day: date, name: str) -> date:
    if day.isoformat() < row.opened_on:
        reason = f"{day} is before the case was opened ({row.opened_on})"
        raise CaseConflict(f"{name}: {reason}", [{"field": name, "reason": reason}])
    return day


def my_cases_condition(username: str) -> ColumnElement[bool]:
    """Cases the user is on (lead or team)."""
    members = select(CaseMemberRow.case_number).where(CaseMemberRow.username == username)
    return CaseRow.number.in_(members)


def count_open_led_by(session: Session, username: str) -> int:
    """How many open cases the user leads (their home page)."""
    query = select(func.count()).where(
        and_(CaseRow.lead == username, status_expression() == Status.OPEN.value)
    )
    return int(session.execute(query).scalar_one())


def record_read(session: Session, principal: Principal, number: str, level: str) -> None:
    """Every read of a case page is an audit row (full or deconfliction level)."""
    detail = {"level": level}
    audit.record(session, principal.username, "cases.read", f"{STREAM_KIND}:{number}", detail)
