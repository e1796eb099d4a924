"""Immigration relief for a victim: Continued Presence, T visa, U visa, each a ledger stream.

The relief row says what was asked and by whom; every step after it (filed, Supplement B
requested, signed or declined, family members, bona fide determination, work authorisation,
waiting list, decision, renewal) is an event in the append-only ledger, and the state, the
milestones and the legal clocks are a fold over those events. A wrong step is corrected by
a later one; the record of the mistake stays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.calendar import fiscal_year
from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.model.deadlines import DeadlineRule, load_rules
from ctip.model.errors import Conflict, InvalidInput, NotFound
from ctip.protection.tables import ReliefRow, VictimRow
from ctip.protection.victims import checked_case_id, checked_date, flush_new, victim_row
from ctip.store import ledger
from ctip.store.db import utc_now
from ctip.store.ledger import LedgerEvent, Stream
from ctip.store.tables import LedgerEventRow

STREAM_KIND = "protection_relief"
RULES_FILE = Path(__file__).parent / "data" / "deadlines.yaml"
MAX_TEXT = 200
RECEIPT = re.compile(r"^[A-Z]{3}\d{10}$")
"""A USCIS receipt number: three letters (the service centre) and ten digits."""


class Kind(StrEnum):
    """The kinds of relief, as the CLI and API name them."""

    CONTINUED_PRESENCE = "continued-presence"
    T_VISA = "t-visa"
    U_VISA = "u-visa"


PREFIX = {Kind.CONTINUED_PRESENCE: "CP", Kind.T_VISA: "TV", Kind.U_VISA: "UV"}
RULE_PREFIX = {Kind.CONTINUED_PRESENCE: "continued_presence_", Kind.T_VISA: "t_", Kind.U_VISA: "u_"}
PROTECTED_1367 = frozenset({Kind.T_VISA, Kind.U_VISA})
"""Applicants for these are covered by 8 U.S.C. 1367 (no disclosure outside the compartment)."""


class Step(StrEnum):
    """What can happen to a relief after the request (ledger event kinds)."""

    FILED = "filed"
    SUPP_B_REQUESTED = "supp_b_requested"
    SUPP_B_SIGNED = "supp_b_signed"
    SUPP_B_DECLINED = "supp_b_declined"
    FAMILY_ADDED = "family_added"
    FAMILY_DECIDED = "family_decided"
    BFD = "bfd"
    EAD = "ead"
    WAITING_LIST = "waiting_list"
    RENEWAL_REQUESTED = "renewal_requested"
    ADJUSTMENT_FILED = "adjustment_filed"
    EXTENDED = "extended"
    CLOSED = "closed"
    NOTE = "note"


STEPS: dict[Kind, frozenset[Step]] = {
    Kind.CONTINUED_PRESENCE: frozenset({Step.RENEWAL_REQUESTED, Step.EAD, Step.CLOSED, Step.NOTE}),
    Kind.T_VISA: frozenset(Step) - {Step.WAITING_LIST, Step.RENEWAL_REQUESTED},
    Kind.U_VISA: frozenset(Step) - {Step.FAMILY_ADDED, Step.FAMILY_DECIDED, Step.RENEWAL_REQUESTED},
}
"""Which steps each kind of relief takes (a U visa's derivatives are a separate petition)."""
RELATIONSHIPS = ("spouse", "child", "parent", "unmarried_sibling", "child_of_derivative")
"""Who may be a T derivative (8 U.S.C. 1101(a)(15)(T)(ii); 8 CFR 214.211)."""
REQUESTED = "requested"
DECIDED = "decided"
GRANTED = "granted"
DENIED = "denied"


@dataclass(frozen=True)
class FamilyMember:
    """A Supplement A family member: no name here (that would identify), only the relation."""

    number: int
    relationship: str
    status: str
    decided_on: str = ""


@dataclass(frozen=True)
class DueDate:
    """One legal clock of a relief, computed from its ledger."""

    rule: DeadlineRule
    start: str
    due: date
    days_left: int

    @property
    def overdue(self) -> bool:
        """Whether the day has passed."""
        return self.days_left < 0


@dataclass
class ReliefState:
    """A relief as its ledger says it stands now."""

    id: str
    victim: str
    kind: Kind
    requested_on: str
    agency: str
    officer: str
    case: str
    status: str = REQUESTED
    milestones: dict[str, str] = field(default_factory=dict)
    family: dict[int, FamilyMember] = field(default_factory=dict)
    receipt: str = ""
    supp_b: str = ""
    events: list[LedgerEvent] = field(default_factory=list)
    due: list[DueDate] = field(default_factory=list)

    @property
    def protected_1367(self) -> bool:
        """Whether the applicant is covered by 8 U.S.C. 1367."""
        return self.kind in PROTECTED_1367


_rules: tuple[DeadlineRule, ...] | None = None


def rules() -> tuple[DeadlineRule, ...]:
    """The relief clocks, read and checked once from `data/deadlines.yaml`."""
    global _rules
    if _rules is None:
        _rules = load_rules(RULES_FILE.read_text(encoding="utf-8"), RULES_FILE.name)
    return _rules


def rules_for(kind: Kind) -> list[DeadlineRule]:
    """The clocks that apply to a kind of relief."""
    return [r for r in rules() if r.id.startswith(RULE_PREFIX[kind])]


def _kind(text: str) -> Kind:
    try:
        return Kind(text)
    except ValueError:
        raise InvalidInput(f"kind: {text[:40]!r} unknown (use {', '.join(Kind)})") from None


def _text(value: str | None, name: str) -> str:
    text = " ".join((value or "").split())
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"{name}: at most {MAX_TEXT} characters")
    return text


def next_relief_id(session: Session, kind: Kind, year: int) -> str:
    """The next id of a kind and year: CP-2021-00042, TV-2021-00007, UV-2022-00001."""
    prefix = f"{PREFIX[kind]}-{year}-"
    query = select(func.count()).where(ReliefRow.id.like(f"{prefix}%"))
    return f"{prefix}{int(session.scalar(query) or 0) + 1:05d}"


def request(
    session: Session,
    actor: str,
    pseudonym: str,
    kind: str,
    on: str | None = None,
    agency: str = "",
    officer: str = "",
    case: str = "",
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> str:
    """Open a relief for a victim (Continued Presence requested by law enforcement, a T or U
    application being prepared); returns its id."""
    relief_kind = _kind(kind)
    victim = victim_row(session, pseudonym)
    day = checked_date(on, "on", clock.today()) if on else clock.today().isoformat()
    case_id = checked_case_id(case) if case else ""
    relief_id = next_relief_id(session, relief_kind, int(day[:4]))
    row = ReliefRow(
        id=relief_id,
        victim_id=victim.id,
        kind=relief_kind.value,
        requested_on=day,
        fiscal_year=fiscal_year(day),
        agency=_text(agency, "agency"),
        officer=_text(officer, "officer"),
        case_id=case_id,
        created_at=utc_now(),
        created_by=actor,
    )
    session.add(row)
    flush_new(session, f"relief {relief_id}")
    payload = {"on": day, "victim": victim.pseudonym, "kind": relief_kind.value}
    payload |= {"agency": row.agency, "officer": row.officer, "case": case_id}
    _append(session, relief_id, REQUESTED, actor, reason or "requested", payload, clock)
    return relief_id


def _append(
    session: Session,
    relief_id: str,
    kind: str,
    actor: str,
    reason: str,
    payload: dict[str, Any],
    clock: Clock,
) -> LedgerEvent:
    return ledger.append(
        session,
        Stream(STREAM_KIND, relief_id),
        kind,
        actor,
        reason,
        payload,
        audit=audit.record,
        clock=clock,
    )


def relief_row(session: Session, relief_id: str) -> ReliefRow:
    """The relief with this id, or NotFound."""
    row = session.get(ReliefRow, relief_id.strip())
    if row is None:
        raise NotFound(f"no relief {relief_id[:20]!r}")
    return row


def record(
    session: Session,
    actor: str,
    relief_id: str,
    step: str,
    on: str | None = None,
    reason: str = "",
    detail: Mapping[str, str] | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> ReliefState:
    """Append a step (filed, Supplement B signed, BFD...) and return the new state."""
    row = relief_row(session, relief_id)
    kind = Kind(row.kind)
    try:
        chosen = Step(step)
    except ValueError:
        allowed = ", ".join(sorted(STEPS[kind]))
        raise InvalidInput(f"step: {step[:40]!r} unknown (for {kind} use {allowed})") from None
    if chosen not in STEPS[kind]:
        raise InvalidInput(f"step: {kind} takes no {chosen} (use {', '.join(sorted(STEPS[kind]))})")
    day = _step_day(row, on, clock)
    current = state(session, relief_id, clock)
    payload = {"on": day, **_step_detail(chosen, current, detail or {})}
    _check_order(current, chosen)
    _append(session, relief_id, chosen.value, actor, reason or chosen.value, payload, clock)
    return state(session, relief_id, clock)


def _step_day(row: ReliefRow, on: str | None, clock: Clock) -> str:
    day = checked_date(on, "on", clock.today()) if on else clock.today().isoformat()
    if day < row.requested_on:
        raise InvalidInput(f"on: before the relief was requested ({row.requested_on})")
    return day


def _step_detail(step: Step, current: ReliefState, detail: Mapping[str, str]) -> dict[str, Any]:
    """The fields a step carries, checked."""
    out: dict[str, Any] = {}
    if step is Step.FILED:
        receipt = (detail.get("receipt") or "").strip().upper()
        if receipt and not RECEIPT.match(receipt):
            raise InvalidInput("receipt: three letters and ten digits (like EAC2190012345)")
        out["receipt"] = receipt
    if step in (Step.SUPP_B_REQUESTED, Step.SUPP_B_SIGNED, Step.SUPP_B_DECLINED):
        out["by"] = _text(detail.get("by"), "by")
    if step is Step.FAMILY_ADDED:
        relationship = detail.get("relationship", "")
        if relationship not in RELATIONSHIPS:
            raise InvalidInput(f"relationship: use one of {', '.join(RELATIONSHIPS)}")
        out["member"] = max(current.family, default=0) + 1
        out["relationship"] = relationship
    if step is Step.FAMILY_DECIDED:
        out |= _family_decision(current, detail)
    return out


def _family_decision(current: ReliefState, detail: Mapping[str, str]) -> dict[str, Any]:
    try:
        member = int(detail.get("member", ""))
    except ValueError:
        raise InvalidInput("member: the family member's number") from None
    if member not in current.family:
        raise NotFound(f"{current.id} has no family member {member}")
    outcome = detail.get("outcome", "")
    if outcome not in ("approved", "denied"):
        raise InvalidInput("outcome: approved or denied")
    return {"member": member, "outcome": outcome}


def _check_order(current: ReliefState, step: Step) -> None:
    """Refuse steps the relief cannot take in its state (after closing, before filing)."""
    if current.status == "closed" and step is not Step.NOTE:
        raise Conflict(f"{current.id} is closed")
    if step is Step.RENEWAL_REQUESTED and current.status not in (GRANTED, "renewed"):
        raise Conflict(f"{current.id}: only granted Continued Presence is renewed")
    if step in (Step.ADJUSTMENT_FILED, Step.EXTENDED) and current.status != "approved":
        raise Conflict(f"{current.id}: {step} follows an approval")


def decide(
    session: Session,
    actor: str,
    relief_id: str,
    granted: bool,
    on: str | None = None,
    reason: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> ReliefState:
    """Record the decision (CCHT for Continued Presence, USCIS for T and U), or the decision
    on a pending Continued Presence renewal."""
    row = relief_row(session, relief_id)
    day = _step_day(row, on, clock)
    current = state(session, relief_id, clock)
    renewal = current.status == "renewal requested"
    if current.status in ("approved", DENIED, GRANTED, "renewed", "closed"):
        raise Conflict(f"{relief_id} is already {current.status}")
    outcome = GRANTED if granted else DENIED
    payload = {"on": day, "outcome": outcome, "renewal": renewal}
    _append(session, relief_id, DECIDED, actor, reason or outcome, payload, clock)
    return state(session, relief_id, clock)


def fold_events(
    row: ReliefRow, pseudonym: str, events: Sequence[LedgerEvent], today: date
) -> ReliefState:
    """A relief's state from its events, with its open clocks as of `today`."""
    current = ReliefState(
        id=row.id,
        victim=pseudonym,
        kind=Kind(row.kind),
        requested_on=row.requested_on,
        agency=row.agency,
        officer=row.officer,
        case=row.case_id,
        events=list(events),
    )
    for item in events:
        _apply(current, item)
    current.due = open_clocks(current, today)
    return current


def _apply(current: ReliefState, item: LedgerEvent) -> None:
    """One event's effect on the state."""
    on = str(item.payload.get("on", item.at[:10]))
    if item.kind == DECIDED:
        _apply_decision(current, item, on)
    elif item.kind == Step.FAMILY_ADDED:
        number = int(item.payload["member"])
        current.family[number] = FamilyMember(number, str(item.payload["relationship"]), "pending")
    elif item.kind == Step.FAMILY_DECIDED:
        number = int(item.payload["member"])
        member = current.family[number]
        current.family[number] = FamilyMember(
            number, member.relationship, str(item.payload["outcome"]), on
        )
        current.milestones["family_" + str(item.payload["outcome"])] = on
    elif item.kind != Step.NOTE and item.kind != REQUESTED:
        current.milestones[item.kind] = on
        current.status = _status_after(current, item.kind)
        if item.kind == Step.FILED:
            current.receipt = str(item.payload.get("receipt", ""))
        if item.kind.startswith("supp_b_"):
            current.supp_b = item.kind.removeprefix("supp_b_")


def _apply_decision(current: ReliefState, item: LedgerEvent, on: str) -> None:
    granted = item.payload.get("outcome") == GRANTED
    if current.kind is Kind.CONTINUED_PRESENCE:
        if granted:
            current.milestones[GRANTED] = on
            current.milestones["renewed" if item.payload.get("renewal") else "first_granted"] = on
        current.status = (
            ("renewed" if item.payload.get("renewal") else GRANTED)
            if granted
            else ("renewal denied" if item.payload.get("renewal") else DENIED)
        )
        if not granted and not item.payload.get("renewal"):
            current.milestones[DENIED] = on
        return
    current.milestones["approved" if granted else DENIED] = on
    current.status = "approved" if granted else DENIED


STATUS_AFTER = {
    Step.FILED: "filed",
    Step.SUPP_B_REQUESTED: "",
    Step.SUPP_B_SIGNED: "",
    Step.SUPP_B_DECLINED: "",
    Step.BFD: "bona fide",
    Step.EAD: "",
    Step.WAITING_LIST: "waiting list",
    Step.RENEWAL_REQUESTED: "renewal requested",
    Step.ADJUSTMENT_FILED: "adjustment filed",
    Step.EXTENDED: "extended",
    Step.CLOSED: "closed",
}


def _status_after(current: ReliefState, kind: str) -> str:
    """The status a step leaves; steps that change nothing keep the status."""
    return STATUS_AFTER.get(Step(kind), "") or current.status


def open_clocks(current: ReliefState, today: date) -> list[DueDate]:
    """The relief's clocks that have started and not been stopped, due first."""
    found = []
    for rule in rules_for(current.kind):
        start = current.milestones.get(rule.counts_from)
        if start is None:
            continue
        if any(current.milestones.get(s, "") >= start for s in rule.stopped_by):
            continue
        due = rule.due(date.fromisoformat(start))
        found.append(DueDate(rule, start, due, (due - today).days))
    return sorted(found, key=lambda d: d.due)


def state(session: Session, relief_id: str, clock: Clock = SYSTEM_CLOCK) -> ReliefState:
    """A relief as its ledger says it stands, with its open clocks."""
    row = relief_row(session, relief_id)
    victim = session.get(VictimRow, row.victim_id)
    pseudonym = victim.pseudonym if victim is not None else ""
    events = ledger.events(session, Stream(STREAM_KIND, row.id))
    return fold_events(row, pseudonym, events, clock.today())


FINAL_STEPS = (Step.CLOSED.value, Step.ADJUSTMENT_FILED.value)
"""Steps after which a relief runs no clock: closing is final, and an adjustment application
stops every clock an approval started (no step that starts one may follow it)."""


def states(
    session: Session,
    victim_ids: Sequence[int] | None = None,
    clock: Clock = SYSTEM_CLOCK,
    running_only: bool = False,
) -> list[ReliefState]:
    """Every relief (of the given victims), folded in one read of the ledger; with
    `running_only`, those that may still run a clock (the deadlines queue's)."""
    query = select(ReliefRow, VictimRow.pseudonym).join(
        VictimRow, VictimRow.id == ReliefRow.victim_id
    )
    if victim_ids is not None:
        query = query.where(ReliefRow.victim_id.in_(list(victim_ids)))
    if running_only:
        finished = select(LedgerEventRow.stream_id).where(
            LedgerEventRow.stream_kind == STREAM_KIND, LedgerEventRow.kind.in_(FINAL_STEPS)
        )
        query = query.where(ReliefRow.id.not_in(finished))
    rows = session.execute(query.order_by(ReliefRow.id)).all()
    ids = [row.id for row, _ in rows] if victim_ids is not None or running_only else None
    grouped = ledger.streams(session, STREAM_KIND, ids)
    today = clock.today()
    return [fold_events(row, pseudonym, grouped.get(row.id, []), today) for row, pseudonym in rows]


def protected_victims(session: Session, victim_ids: Sequence[int] | None = None) -> set[int]:
    """Victims with a T or U application: 8 U.S.C. 1367 records."""
    query = select(ReliefRow.victim_id).where(ReliefRow.kind.in_([k.value for k in PROTECTED_1367]))
    if victim_ids is not None:
        query = query.where(ReliefRow.victim_id.in_(list(victim_ids)))
    return set(session.scalars(query.distinct()))
