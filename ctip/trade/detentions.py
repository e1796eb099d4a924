"""Detentions: an append-only ledger of every step from detention to release, exclusion or seizure.

A detention is opened for a flagged entry line. Each later step (notice sent, goods presented
for examination, the importer's submissions and documents, the decision, a protest) is one
event of the detention's stream in the shared ledger (`ctip.store.ledger`), naming who
recorded it, the day it happened and why. Nothing is updated in place: the status, the
documents and the legal clocks are computed from the events every time.

The clocks are deadline rules declared as data (`data/deadlines.yaml`, checked on load by
`ctip.model.deadlines`), each naming the statute and regulation it models, and counted with
the federal calendar (`ctip.model.calendar`). Modelled: the notice of detention (19 U.S.C.
1499(c)(2), 19 CFR 151.16(c), 5 working days), the admissibility decision (19 U.S.C.
1499(c)(1) and (c)(5)(A), 19 CFR 151.16: 30 days from presentation for examination, after
which the goods are deemed excluded), the importer's proof of admissibility for goods held
under a CBP Withhold Release Order or Finding (19 CFR 12.42(e), 12.43: three months from
importation) and the protest of an exclusion (19 U.S.C. 1514(c)(3), 19 CFR 174.12(e): 180
days). "Today" comes from an injectable clock, so a test can fix the day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.calendar import fiscal_year
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.deadlines import DeadlineRule, load_rules
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.store import ledger
from ctip.trade.lists import WRO_LIST
from ctip.trade.screening import flagged_by_list, stored_explanation
from ctip.trade.tables import DetentionRow, EntryLineRow, ScreeningRow

STREAM_KIND = "trade_detention"
"""The detentions' streams in the shared ledger (audited as `trade_detention:<id>`)."""
FLAGGED = frozenset({"detain", "review"})
MAX_TEXT = 2000
RULES_FILE = "data/deadlines.yaml"


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

# The errors keep LookupError / ValueError as second bases so adapters that still catch
# those keep answering 404 / 400 while they move to the CtipError family.


class DetentionNotFound(NotFound, LookupError):
    """No detention (or entry line) with that id."""


class DetentionConflict(Conflict, ValueError):
    """The step does not fit the detention's current state."""


class InvalidStep(InvalidInput, ValueError):
    """A step that cannot be recorded as given (no reason, a malformed or future date)."""


@dataclass(frozen=True)
class LegalClock:
    """One running or stopped legal clock of a detention."""

    deadline: DeadlineRule
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
class DetentionEvent:
    """One step of a detention as read back from the ledger."""

    seq: int
    kind: str
    occurred_on: str
    recorded_at: str
    actor: str
    reason: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, event: ledger.LedgerEvent) -> DetentionEvent:
        """From the ledger's event (the day it happened and the detail are its payload)."""
        payload = event.payload
        day, detail = str(payload["occurred_on"]), dict(payload["detail"])
        return cls(event.seq, event.kind, day, event.at, event.actor, event.reason, detail)


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
    events: tuple[DetentionEvent, ...]
    clocks: tuple[LegalClock, ...] = field(default=())

    @property
    def documents(self) -> list[DetentionEvent]:
        """The importer's documents, in the order received."""
        return [e for e in self.events if e.kind == EventKind.DOCUMENT]

    @property
    def submissions(self) -> list[DetentionEvent]:
        """The importer's submissions."""
        return [e for e in self.events if e.kind == EventKind.SUBMISSION]

    @property
    def next_due(self) -> LegalClock | None:
        """The running clock due first."""
        running = [c for c in self.clocks if not c.stopped]
        return min(running, key=lambda c: c.due, default=None)

    @property
    def is_open(self) -> bool:
        """Whether the goods still wait for a decision (deemed exclusion counts as open work)."""
        return self.status in ("detained", "deemed_excluded")


@cache
def deadlines() -> tuple[DeadlineRule, ...]:
    """The legal clocks, read from the package's rules file and checked (a rule with an
    unknown unit or a missing field stops the load, naming the rule)."""
    text = resources.files("ctip.trade").joinpath(RULES_FILE).read_text("utf-8")
    return load_rules(text, f"ctip/trade/{RULES_FILE}")


def detention_id(entry_number: str, line_number: int) -> str:
    """One detention per entry line: 'DET-ENTRY-LINE'."""
    return f"DET-{entry_number}-{line_number:03d}"


def _stream(det_id: str) -> ledger.Stream:
    return ledger.Stream(STREAM_KIND, det_id)


def _check_text(value: str, name: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidStep(f"{name}: say why (it goes in the ledger)")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise InvalidStep(f"{name}: at most {MAX_TEXT} characters, no NUL")
    return text


def _check_date(value: str | date | None, name: str, clock: Clock) -> str:
    """The day a step happened: today by default, never in the future."""
    if value is None:
        return clock.today().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidStep(f"{name} {value!r}: expected YYYY-MM-DD") from None
    if day > clock.today():
        raise InvalidStep(f"{name} {value}: a step cannot be recorded before it happens")
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
    three months from importation to prove admissibility (19 CFR 12.43). Read from the
    explanation's list references, never from its sentences."""
    return flagged_by_list(stored_explanation(features_json), WRO_LIST)


def open_detention(
    session: Session,
    entry_number: str,
    line_number: int,
    actor: str,
    reason: str,
    opened_on: str | date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> DetentionState:
    """Detain a flagged line (screened detain or review); a second call returns the first."""
    reason = _check_text(reason, "reason")
    day = _check_date(opened_on, "opened_on", clock)
    line = session.get(EntryLineRow, (entry_number, line_number))
    if line is None:
        raise DetentionNotFound(f"no entry line {entry_number}/{line_number}")
    existing = session.get(DetentionRow, detention_id(entry_number, line_number))
    if existing is not None:
        return detention_state(session, existing.id, clock=clock)
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
        opened_at=iso_utc(clock.now()),
        opened_by=actor,
    )
    session.add(row)
    detail: dict[str, Any] = {"screening": decision, "imported_on": line.arrival_date}
    detail["cbp_order"] = under_cbp_order(screening.features)
    _append(session, row.id, EventKind.OPENED, day, actor, reason, detail, clock)
    return detention_state(session, row.id, clock=clock)


def _append(
    session: Session,
    det_id: str,
    kind: EventKind,
    day: str,
    actor: str,
    reason: str,
    detail: dict[str, Any],
    clock: Clock,
) -> None:
    """One step at the end of the detention's stream (audited as trade.detention.<kind>)."""
    payload = {"occurred_on": day, "detail": detail}
    audit_action = f"trade.detention.{kind.value}"
    stream = _stream(det_id)
    ledger.append(
        session,
        stream,
        kind,
        actor,
        reason,
        payload,
        audit=audit.record,
        audit_action=audit_action,
        clock=clock,
    )


def record_step(
    session: Session,
    det_id: str,
    kind: EventKind | str,
    actor: str,
    reason: str,
    occurred_on: str | date | None = None,
    detail: dict[str, str] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> DetentionState:
    """Append a step (notice, presentation, submission, document, protest, note)."""
    step = _recordable(kind)
    day = _check_date(occurred_on, "occurred_on", clock)
    state = detention_state(session, det_id, date.fromisoformat(day))  # as it stood that day
    _check_order(state, step, day)
    clean = {k: _check_text(v, k) for k, v in (detail or {}).items() if v.strip()}
    if step == EventKind.DOCUMENT and "title" not in clean:
        raise InvalidStep("a document needs a title")
    _append(session, det_id, step, day, actor, _check_text(reason, "reason"), clean, clock)
    return detention_state(session, det_id, clock=clock)


def _recordable(kind: EventKind | str) -> EventKind:
    try:
        step = EventKind(kind)
    except ValueError:
        known = ", ".join(sorted(RECORDABLE))
        raise InvalidStep(f"unknown step {kind!r}: record one of {known}") from None
    if step not in RECORDABLE:
        raise InvalidStep(f"{step.value} is not recorded this way")
    return step


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
    clock: Clock = SYSTEM_CLOCK,
) -> DetentionState:
    """Record the decision; after release or seizure only a stated correction may follow."""
    result = _outcome(outcome)
    day = _check_date(decided_on, "decided_on", clock)
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
    reason = _check_text(reason, "reason")
    _append(session, det_id, EventKind.DECIDED, day, actor, reason, detail, clock)
    return detention_state(session, det_id, clock=clock)


def _outcome(outcome: Outcome | str) -> Outcome:
    try:
        return Outcome(outcome)
    except ValueError:
        known = ", ".join(o.value for o in Outcome)
        raise InvalidStep(f"unknown outcome {outcome!r}: decide one of {known}") from None


def _events(session: Session, det_id: str) -> list[DetentionEvent]:
    return [DetentionEvent.of(e) for e in ledger.events(session, _stream(det_id))]


def detention_state(
    session: Session, det_id: str, as_of: date | None = None, clock: Clock = SYSTEM_CLOCK
) -> DetentionState:
    """The detention as its ledger says it is on `as_of` (default: the clock's today)."""
    row = session.get(DetentionRow, det_id)
    if row is None:
        raise DetentionNotFound(f"no detention {det_id!r}")
    return compute_state(row, _events(session, det_id), as_of or clock.today())


def compute_state(row: DetentionRow, events: list[DetentionEvent], today: date) -> DetentionState:
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
    value = Decimal(row.value_usd or 0)  # a value not read counts as none in the figures
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


def _clock_starts(
    events: list[DetentionEvent], status: str, decided_on: str | None
) -> dict[str, str]:
    starts: dict[str, str] = {}
    for event in events:
        if event.kind in (EventKind.OPENED, EventKind.PRESENTED):
            starts.setdefault(event.kind, event.occurred_on)
        if (
            event.kind == EventKind.OPENED
            and event.detail.get("cbp_order")
            and event.detail.get("imported_on")
        ):
            starts["imported_under_order"] = str(event.detail["imported_on"])
    if status == "excluded" and decided_on:
        starts["excluded"] = decided_on
    return starts


def _clocks(starts: dict[str, str], events: list[DetentionEvent], today: date) -> list[LegalClock]:
    clocks = []
    for rule in deadlines():
        started = starts.get(rule.counts_from)
        if started is None:
            continue
        due = rule.due(date.fromisoformat(started))
        stopped = _stopped_on(rule, events, started)
        clocks.append(LegalClock(rule, started, due.isoformat(), stopped, (due - today).days))
    return clocks


def _stopped_on(rule: DeadlineRule, events: list[DetentionEvent], started: str) -> str | None:
    for event in events:
        kinds = {event.kind}
        if event.kind == EventKind.DECIDED:
            kinds.add(str(event.detail["outcome"]))
        if kinds & set(rule.stopped_by) and event.occurred_on >= started:
            return event.occurred_on
    return None


def list_detentions(
    session: Session,
    as_of: date | None = None,
    open_only: bool = False,
    clock: Clock = SYSTEM_CLOCK,
) -> list[DetentionState]:
    """Every detention, the one whose clock runs out first at the top (the queue)."""
    day = as_of or clock.today()
    rows = session.execute(select(DetentionRow).order_by(DetentionRow.id)).scalars().all()
    events = {
        det_id: [DetentionEvent.of(e) for e in stream]
        for det_id, stream in ledger.streams(session, STREAM_KIND).items()
    }
    states = [compute_state(row, events.get(row.id, []), day) for row in rows]
    if open_only:
        states = [s for s in states if s.is_open or s.next_due is not None]
    return sorted(states, key=_queue_order)


def _queue_order(state: DetentionState) -> tuple[int, str, str]:
    due = state.next_due
    return (0 if due else 1, due.due if due else "9999-12-31", state.id)


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
