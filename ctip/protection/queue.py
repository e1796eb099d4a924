"""The relief deadlines queue: every open legal clock of every relief, next due first.

A specialist sees the clocks of the victims assigned to them; a supervisor sees everyone's,
with who holds each. Computed from the ledger on every view, never stored.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ctip.model.clock import SYSTEM_CLOCK, Clock
from ctip.protection import relief
from ctip.protection.tables import AssignmentRow, VictimRow

SOON_DAYS = 30


@dataclass(frozen=True)
class Deadline:
    """One open clock: which victim and relief, what falls due, when, and the law."""

    victim: str
    relief: str
    kind: str
    deadline: str
    label: str
    due: date
    days_left: int
    citation: str
    consequence: str
    specialists: tuple[str, ...]

    @property
    def overdue(self) -> bool:
        """Whether the day has passed."""
        return self.days_left < 0

    def as_json(self) -> dict[str, object]:
        """The object `ctip protection deadlines --format json` prints."""
        return {
            "victim": self.victim,
            "relief": self.relief,
            "kind": self.kind,
            "deadline": self.deadline,
            "label": self.label,
            "due": self.due.isoformat(),
            "days_left": self.days_left,
            "overdue": self.overdue,
            "citation": self.citation,
            "specialists": list(self.specialists),
        }


def _assigned(session: Session, specialist: str | None) -> dict[int, tuple[str, ...]]:
    """Victim id -> assigned specialists (only the given specialist's victims if named)."""
    query = select(AssignmentRow.victim_id, AssignmentRow.username)
    if specialist is not None:
        mine = select(AssignmentRow.victim_id).where(AssignmentRow.username == specialist)
        query = query.where(AssignmentRow.victim_id.in_(mine))
    holders: dict[int, list[str]] = defaultdict(list)
    for victim_id, username in session.execute(query):
        holders[victim_id].append(username)
    return {k: tuple(sorted(v)) for k, v in holders.items()}


def deadlines(
    session: Session, specialist: str | None = None, clock: Clock = SYSTEM_CLOCK
) -> list[Deadline]:
    """Every open clock (of one specialist's victims if named), overdue first, then by day."""
    holders = _assigned(session, specialist)
    ids = list(holders) if specialist is not None else None
    if ids == []:
        return []
    by_victim = {
        str(p): int(i) for p, i in session.execute(select(VictimRow.pseudonym, VictimRow.id))
    }
    found = []
    for state in relief.states(session, ids, clock, running_only=True):
        people = holders.get(by_victim.get(state.victim, -1), ())
        for due in state.due:
            found.append(
                Deadline(
                    victim=state.victim,
                    relief=state.id,
                    kind=state.kind.value,
                    deadline=due.rule.id,
                    label=due.rule.label,
                    due=due.due,
                    days_left=due.days_left,
                    citation=due.rule.citation,
                    consequence=due.rule.consequence,
                    specialists=people,
                )
            )
    return sorted(found, key=lambda d: (d.due, d.relief, d.deadline))


def due_soon(
    session: Session, specialist: str | None, days: int = SOON_DAYS, clock: Clock = SYSTEM_CLOCK
) -> int:
    """How many of the specialist's (everyone's: None) clocks are overdue or due within `days`
    (the home tile)."""
    return sum(1 for d in deadlines(session, specialist, clock) if d.days_left <= days)


@dataclass(frozen=True)
class Pending:
    """A Continued Presence request (or renewal) waiting for the CCHT's decision."""

    victim: str
    relief: str
    status: str
    requested_on: str
    agency: str
    waiting_days: int


def pending_continued_presence(
    session: Session, specialist: str | None = None, clock: Clock = SYSTEM_CLOCK
) -> list[Pending]:
    """Continued Presence requests and renewals not yet decided, longest waiting first."""
    holders = _assigned(session, specialist)
    ids = list(holders) if specialist is not None else None
    if ids == []:
        return []
    today = clock.today()
    found = []
    for state in relief.states(session, ids, clock, running_only=True):
        if state.kind is not relief.Kind.CONTINUED_PRESENCE:
            continue
        if state.status not in (relief.REQUESTED, "renewal requested"):
            continue
        since = state.milestones.get("renewal_requested", state.requested_on)
        waited = (today - date.fromisoformat(since)).days
        found.append(Pending(state.victim, state.id, state.status, since, state.agency, waited))
    return sorted(found, key=lambda p: -p.waiting_days)


def within(found: list[Deadline], days: int | None) -> list[Deadline]:
    """The deadlines overdue or due within `days` (all when None)."""
    return found if days is None else [d for d in found if d.days_left <= days]
