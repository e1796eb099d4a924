"""Detentions: an append-only ledger of every step from detention to release, exclusion or seizure.

A detention is opened for a flagged entry line. Each later step (notice sent, goods presented
for examination, the importer's submissions and documents, the decision, a protest) is one
ledger event naming who recorded it, when it happened and why. Nothing is updated in place:
the status, the documents and the legal clocks are computed from the events every time.

The clocks are data (`data/deadlines.yaml`): each names the statute and regulation it
models. Modelled: the notice of detention (19 U.S.C. 1499(c)(2), 19 CFR 151.16(c), 5 working
days), the admissibility decision (19 U.S.C. 1499(c)(1) and (c)(5)(A), 19 CFR 151.16: 30 days
from presentation for examination, after which the goods are deemed excluded), the
importer's proof of admissibility for goods held under a CBP Withhold Release Order or
Finding (19 CFR 12.42(e), 12.43: three months from importation) and the protest of an
exclusion (19 U.S.C. 1514(c)(3), 19 CFR 174.12(e): 180 days). Working days
skip weekends and the federal holidays of 5 U.S.C. 6103 as observed (a holiday on a Saturday
is kept the Friday before, on a Sunday the Monday after), from the `holidays` package's
tables, which ship with it.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

import holidays
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.store.db import utc_now
from ctip.trade.lists import WRO_LIST
from ctip.trade.tables import DetentionEventRow, DetentionRow, EntryLineRow, ScreeningRow

FLAGGED = frozenset({"detain", "review"})
MAX_TEXT = 2000


class Outcome(StrEnum):
    """How a detention ends: the goods are released, excluded from entry, or seized."""

    RELEASED = "released"
    EXCLUDED = "excluded"
    SEIZED = "seized"


class EventKind(StrEnum):
    """The steps a ledger records."""

    OPENED = "opened"
    NOTICE_SENT = "notice_sent"
    PRESENTED = "presented"
    SUBMISSION = "submission"
    DOCUMENT = "document"
    DECIDED = "decided"
    PROTEST_FILED = "protest_filed"
    NOTE = "note"


RECORDABLE = frozenset(
    {EventKind.NOTICE_SENT, EventKind.PRESENTED, EventKind.SUBMISSION, EventKind.DOCUMENT}
    | {EventKind.PROTEST_FILED, EventKind.NOTE}
)
FINAL = frozenset({Outcome.RELEASED, Outcome.SEIZED})
"""Released goods have left CBP custody; seized goods go to forfeiture: no later decision."""


class DetentionNotFound(LookupError):
    """No detention (or entry line) with that id."""


class DetentionConflict(ValueError):
    """The step does not fit the detention's current state."""


@dataclass(frozen=True)
class Deadline:
    """A legal clock as declared in the data file."""

    id: str
    label: str
    starts_on: str
    days: int
    day_kind: str
    stopped_by: tuple[str, ...]
    citation: str
    consequence: str


@dataclass(frozen=True)
class Clock:
    """One running or stopped clock of a detention."""

    deadline: Deadline
    started: str
    due: str
    stopped: str | None
    days_left: int

    @property
    def state(self) -> str:
        """'stopped', 'overdue' or 'running'."""
        if self.stopped:
            return "stopped"
        return "overdue" if self.days_left < 0 else "running"


@dataclass(frozen=True)
class LedgerEvent:
    """One event as read back."""

    seq: int
    kind: str
    occurred_on: str
    recorded_at: str
    actor: str
    reason: str
    detail: dict[str, Any]


@dataclass(frozen=True)
class DetentionState:
    """A detention as computed from its ledger on a given day."""

    id: str
    entry_number: str
    line_number: int
    value_usd: Decimal
    opened_on: str
    status: str
    decided_on: str | None
    events: tuple[LedgerEvent, ...]
    clocks: tuple[Clock, ...] = field(default=())

    @property
    def documents(self) -> list[LedgerEvent]:
        """The importer's documents, in the order received."""
        return [e for e in self.events if e.kind == EventKind.DOCUMENT]

    @property
    def submissions(self) -> list[LedgerEvent]:
        """The importer's submissions."""
        return [e for e in self.events if e.kind == EventKind.SUBMISSION]

    @property
    def next_due(self) -> Clock | None:
        """The running clock due first."""
        running = [c for c in self.clocks if not c.stopped]
        return min(running, key=lambda c: c.due, default=None)

    @property
    def is_open(self) -> bool:
        """Whether the goods still wait for a decision (deemed exclusion counts as open work)."""
        return self.status in ("detained", "deemed_excluded")


@cache
def deadlines() -> tuple[Deadline, ...]:
    """The legal clocks, read from the package's data file."""
    text = resources.files("ctip.trade").joinpath("data/deadlines.yaml").read_text("utf-8")
    return tuple(
        Deadline(**{**raw, "stopped_by": tuple(raw["stopped_by"])}) for raw in yaml.safe_load(text)
    )


def add_days(start: date, days: int, day_kind: str) -> date:
    """Calendar days; working days for 'business' (Monday to Friday, federal holidays as
    observed excepted); calendar months for 'months' (the same day of the month, or the
    month's last day when it is shorter)."""
    if day_kind == "months":
        return add_months(start, days)
    if day_kind != "business":
        return start + timedelta(days=days)
    current, left = start, days
    while left:
        current += timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


def add_months(start: date, months: int) -> date:
    """The same day `months` later (31 January + 1 month is the last day of February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date) -> bool:
    """A weekday that is no federal holiday (5 U.S.C. 6103, observed days included)."""
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


@cache
def _federal_holidays(year: int) -> holidays.HolidayBase:
    """The federal holidays of one year and their observed days."""
    return holidays.country_holidays("US", years=year, observed=True)


def detention_id(entry_number: str, line_number: int) -> str:
    """One detention per entry line: 'DET-ENTRY-LINE'."""
    return f"DET-{entry_number}-{line_number:03d}"


def _check_text(value: str, name: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError(f"{name}: say why (it goes in the ledger)")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise ValueError(f"{name}: at most {MAX_TEXT} characters, no NUL")
    return text


def _check_date(value: str | date | None, name: str = "date") -> str:
    if value is None:
        return date.today().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} {value!r}: expected YYYY-MM-DD") from None
    if day > date.today():
        raise ValueError(f"{name} {value}: a step cannot be recorded before it happens")
    return day.isoformat()


def latest_screening(session: Session, entry_number: str, line_number: int) -> ScreeningRow | None:
    """The line's most recent screening."""
    query = (
        select(ScreeningRow)
        .where(ScreeningRow.entry_number == entry_number, ScreeningRow.line_number == line_number)
        .order_by(ScreeningRow.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar_one_or_none()


def under_cbp_order(features_json: str) -> bool:
    """Whether a screening flagged the line under a CBP Withhold Release Order or Finding
    (a party on the WRO list, or one of its goods x place rules), which gives the importer
    three months from importation to prove admissibility (19 CFR 12.43)."""
    return any(
        f"matches {WRO_LIST} (" in f["evidence"] or f["evidence"].startswith(f"{WRO_LIST} rule ")
        for f in json.loads(features_json or "[]")
    )


def open_detention(
    session: Session,
    entry_number: str,
    line_number: int,
    actor: str,
    reason: str,
    opened_on: str | date | None = None,
) -> DetentionState:
    """Detain a flagged line (screened detain or review); a second call returns the first."""
    reason = _check_text(reason, "reason")
    day = _check_date(opened_on, "opened_on")
    line = session.get(EntryLineRow, (entry_number, line_number))
    if line is None:
        raise DetentionNotFound(f"no entry line {entry_number}/{line_number}")
    existing = session.get(DetentionRow, detention_id(entry_number, line_number))
    if existing is not None:
        return detention_state(session, existing.id)
    screening = latest_screening(session, entry_number, line_number)
    decision = screening.decision if screening else None
    if screening is None or decision not in FLAGGED:
        raise DetentionConflict(
            f"line {entry_number}/{line_number} is not flagged ({decision or 'not screened'})"
        )
    row = DetentionRow(
        id=detention_id(entry_number, line_number),
        entry_number=entry_number,
        line_number=line_number,
        value_usd=line.value_usd,
        opened_on=day,
        opened_at=utc_now(),
        opened_by=actor,
    )
    session.add(row)
    detail: dict[str, Any] = {"screening": decision, "imported_on": line.arrival_date}
    detail["cbp_order"] = under_cbp_order(screening.features)
    _append(session, row.id, EventKind.OPENED, day, actor, reason, detail)
    return detention_state(session, row.id)


def _append(
    session: Session,
    det_id: str,
    kind: EventKind,
    day: str,
    actor: str,
    reason: str,
    detail: dict[str, Any],
) -> None:
    text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
    session.add(
        DetentionEventRow(
            detention_id=det_id,
            kind=kind.value,
            occurred_on=day,
            recorded_at=utc_now(),
            actor=actor,
            reason=reason,
            detail=text,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        f"trade.detention.{kind.value}",
        f"trade_detention:{det_id}",
        {"on": day, "why": reason, **detail},
    )


def record_step(
    session: Session,
    det_id: str,
    kind: EventKind | str,
    actor: str,
    reason: str,
    occurred_on: str | date | None = None,
    detail: dict[str, str] | None = None,
) -> DetentionState:
    """Append a step (notice, presentation, submission, document, protest, note)."""
    step = EventKind(kind)
    if step not in RECORDABLE:
        raise ValueError(f"{step.value} is not recorded this way")
    day = _check_date(occurred_on, "occurred_on")
    state = detention_state(session, det_id, date.fromisoformat(day))  # as it stood that day
    _check_order(state, step, day)
    clean = {k: _check_text(v, k) for k, v in (detail or {}).items() if v.strip()}
    if step == EventKind.DOCUMENT and "title" not in clean:
        raise ValueError("a document needs a title")
    _append(session, det_id, step, day, actor, _check_text(reason, "reason"), clean)
    return detention_state(session, det_id)


def _check_order(state: DetentionState, step: EventKind, day: str) -> None:
    if day < state.opened_on:
        raise DetentionConflict(
            f"{step.value} on {day} is before the detention opened ({state.opened_on})"
        )
    if step == EventKind.PROTEST_FILED and state.status not in ("excluded", "deemed_excluded"):
        raise DetentionConflict(f"only an exclusion can be protested; the goods are {state.status}")
    if step == EventKind.PRESENTED and state.status in FINAL:
        raise DetentionConflict(f"the goods are already {state.status}")


def decide(
    session: Session,
    det_id: str,
    outcome: Outcome | str,
    actor: str,
    reason: str,
    decided_on: str | date | None = None,
    correction: bool = False,
) -> DetentionState:
    """Record the decision; after release or seizure only a stated correction may follow."""
    result = Outcome(outcome)
    day = _check_date(decided_on, "decided_on")
    state = detention_state(session, det_id, date.fromisoformat(day))
    if state.status in FINAL and not correction:
        raise DetentionConflict(
            f"the goods are already {state.status}; record a correction to change it"
        )
    if state.status == result.value and not correction:
        raise DetentionConflict(f"the goods are already {state.status}")
    if day < state.opened_on:
        raise DetentionConflict(
            f"decision on {day} is before the detention opened ({state.opened_on})"
        )
    detail = {"outcome": result.value, "correction": correction}
    _append(session, det_id, EventKind.DECIDED, day, actor, _check_text(reason, "reason"), detail)
    return detention_state(session, det_id)


def _events(session: Session, det_id: str) -> list[LedgerEvent]:
    query = (
        select(DetentionEventRow)
        .where(DetentionEventRow.detention_id == det_id)
        .order_by(DetentionEventRow.id)
    )
    return [
        LedgerEvent(
            r.id, r.kind, r.occurred_on, r.recorded_at, r.actor, r.reason, json.loads(r.detail)
        )
        for r in session.execute(query).scalars()
    ]


def detention_state(session: Session, det_id: str, today: date | None = None) -> DetentionState:
    """The detention as its ledger says it is on `today`."""
    row = session.get(DetentionRow, det_id)
    if row is None:
        raise DetentionNotFound(f"no detention {det_id!r}")
    return compute_state(row, _events(session, det_id), today or date.today())


def compute_state(row: DetentionRow, events: list[LedgerEvent], today: date) -> DetentionState:
    """Status and clocks from the events alone (the ledger is the truth)."""
    status, decided_on = "detained", None
    for event in events:
        if event.kind == EventKind.DECIDED:
            status, decided_on = str(event.detail["outcome"]), event.occurred_on
    starts = _clock_starts(events, status, decided_on)
    clocks = _clocks(starts, events, today)
    if status == "detained" and any(
        c.deadline.id == "admissibility_decision" and c.state == "overdue" for c in clocks
    ):
        status = "deemed_excluded"
        deemed = next(c.due for c in clocks if c.deadline.id == "admissibility_decision")
        clocks = _clocks({**starts, "excluded": deemed}, events, today)
    value = Decimal(row.value_usd)
    return DetentionState(
        row.id,
        row.entry_number,
        row.line_number,
        value,
        row.opened_on,
        status,
        decided_on,
        tuple(events),
        tuple(clocks),
    )


def _clock_starts(events: list[LedgerEvent], status: str, decided_on: str | None) -> dict[str, str]:
    starts: dict[str, str] = {}
    for event in events:
        if event.kind in (EventKind.OPENED, EventKind.PRESENTED):
            starts.setdefault(event.kind, event.occurred_on)
        if event.kind == EventKind.OPENED and event.detail.get("cbp_order"):
            starts["imported_under_order"] = str(event.detail["imported_on"])
    if status == "excluded" and decided_on:
        starts["excluded"] = decided_on
    return starts


def _clocks(starts: dict[str, str], events: list[LedgerEvent], today: date) -> list[Clock]:
    clocks = []
    for deadline in deadlines():
        started = starts.get(deadline.starts_on)
        if started is None:
            continue
        due = add_days(date.fromisoformat(started), deadline.days, deadline.day_kind)
        stopped = _stopped_on(deadline, events, started)
        clocks.append(Clock(deadline, started, due.isoformat(), stopped, (due - today).days))
    return clocks


def _stopped_on(deadline: Deadline, events: list[LedgerEvent], started: str) -> str | None:
    for event in events:
        kinds = {event.kind}
        if event.kind == EventKind.DECIDED:
            kinds.add(str(event.detail["outcome"]))
        if kinds & set(deadline.stopped_by) and event.occurred_on >= started:
            return event.occurred_on
    return None


def list_detentions(
    session: Session, today: date | None = None, open_only: bool = False
) -> list[DetentionState]:
    """Every detention, the one whose clock runs out first at the top (the queue)."""
    day = today or date.today()
    rows = session.execute(select(DetentionRow).order_by(DetentionRow.id)).scalars().all()
    events = _all_events(session)
    states = [compute_state(row, events.get(row.id, []), day) for row in rows]
    if open_only:
        states = [s for s in states if s.is_open or s.next_due is not None]
    return sorted(states, key=_queue_order)


def _all_events(session: Session) -> dict[str, list[LedgerEvent]]:
    grouped: dict[str, list[LedgerEvent]] = {}
    for r in session.execute(select(DetentionEventRow).order_by(DetentionEventRow.id)).scalars():
        event = LedgerEvent(
            r.id, r.kind, r.occurred_on, r.recorded_at, r.actor, r.reason, json.loads(r.detail)
        )
        grouped.setdefault(r.detention_id, []).append(event)
    return grouped


def _queue_order(state: DetentionState) -> tuple[int, str, str]:
    due = state.next_due
    return (0 if due else 1, due.due if due else "9999-12-31", state.id)


def fiscal_year(day: str | date) -> int:
    """The US federal fiscal year (1 October - 30 September) a date falls in."""
    when = date.fromisoformat(day) if isinstance(day, str) else day
    return when.year + 1 if when.month >= 10 else when.year


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year's detention figures; values in US dollars."""

    fiscal_year: int
    detained: int
    released: int
    excluded: int
    seized: int
    value_detained: Decimal
    value_seized: Decimal


def figures(states: Iterable[DetentionState]) -> list[YearFigures]:
    """Detained by the year opened; released/excluded/seized by the year of the decision."""
    counts: dict[int, dict[str, Any]] = {}

    def year(y: int) -> dict[str, Any]:
        return counts.setdefault(
            y,
            {
                "detained": 0,
                "released": 0,
                "excluded": 0,
                "seized": 0,
                "vd": Decimal(0),
                "vs": Decimal(0),
            },
        )

    for state in states:
        opened = year(fiscal_year(state.opened_on))
        opened["detained"] += 1
        opened["vd"] += state.value_usd
        if state.decided_on and state.status in ("released", "excluded", "seized"):
            decided = year(fiscal_year(state.decided_on))
            decided[state.status] += 1
            if state.status == "seized":
                decided["vs"] += state.value_usd
    return [
        YearFigures(y, c["detained"], c["released"], c["excluded"], c["seized"], c["vd"], c["vs"])
        for y, c in sorted(counts.items())
    ]
