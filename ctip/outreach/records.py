"""Recording outreach: trainings, presentations, partners joining an initiative, materials.

Each write checks every field first (a bad date, a negative head count, an unknown component
is refused with the field named, before anything is stored) and is audited. A presentation
recorded without a delivering component is the Blue Campaign's: DHS's awareness campaign
gives most of them, and the fiscal-year figure "Blue Campaign presentations" counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.clock import SYSTEM_CLOCK, Clock, iso_utc
from ctip.model.errors import InvalidInput, NotFound
from ctip.outreach.tables import ActivityRow, MaterialRow, PartnerRow

BLUE_CAMPAIGN = "Blue Campaign"
FLETC = "FLETC"
BLUE_LIGHTNING = "Blue Lightning Initiative"
COMPONENTS = (BLUE_CAMPAIGN, FLETC, "CBP", "HSI", "TSA", "USCG", "CCHT", "FEMA", "USCIS")
"""The DHS components and programmes that deliver outreach (as the source document names them)."""
INITIATIVES = (BLUE_LIGHTNING, "Blue Campaign partner", "Truckers Against Trafficking", "Other")
AUDIENCES = (
    "TSA officers",
    "CBP officers",
    "law enforcement basic training",
    "law enforcement advanced training",
    "youth workers",
    "educators",
    "transport staff",
    "hospitality staff",
    "aviation crew",
    "health care workers",
    "faith and community groups",
    "general public",
)
"""Audiences the pages offer; others may be written (the field's own words)."""
MAX_TEXT = 300
MAX_ATTENDEES = 100_000
EARLIEST = date(1990, 1, 1)


class ActivityKind(StrEnum):
    """A training teaches a course; a presentation raises awareness."""

    TRAINING = "training"
    PRESENTATION = "presentation"


class OutreachFieldError(InvalidInput):
    """A field of an outreach record that cannot be stored as given."""


@dataclass(frozen=True)
class Activity:
    """A training or presentation, as the pages and the CLI show it."""

    id: int
    kind: str
    title: str
    component: str
    audience: str
    held_on: str
    place: str
    attendees: int
    recorded_by: str

    @classmethod
    def of(cls, row: ActivityRow) -> Activity:
        """From its row."""
        return cls(
            row.id,
            row.kind,
            row.title,
            row.component,
            row.audience,
            row.held_on,
            row.place,
            row.attendees,
            row.recorded_by,
        )


@dataclass(frozen=True)
class Partner:
    """An organisation that joined an initiative."""

    id: int
    name: str
    initiative: str
    sector: str
    joined_on: str

    @classmethod
    def of(cls, row: PartnerRow) -> Partner:
        """From its row."""
        return cls(row.id, row.name, row.initiative, row.sector, row.joined_on)


def clean_text(value: str, name: str, required: bool = True) -> str:
    """A single-line text field: trimmed, at most MAX_TEXT characters, no NUL."""
    text = " ".join(value.split())
    if required and not text:
        raise OutreachFieldError(f"{name}: required")
    if len(text) > MAX_TEXT or "\x00" in text:
        raise OutreachFieldError(f"{name}: at most {MAX_TEXT} characters, no NUL")
    return text


def clean_date(value: str | date, name: str) -> str:
    """A day as YYYY-MM-DD, not before 1990 (outreach is recorded as it is planned, too)."""
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            raise OutreachFieldError(f"{name} {value!r}: expected YYYY-MM-DD") from None
    if day < EARLIEST:
        raise OutreachFieldError(f"{name} {day}: before {EARLIEST}")
    return day.isoformat()


def clean_count(value: int | str, name: str) -> int:
    """A head count or quantity: a whole number from 0 to MAX_ATTENDEES."""
    try:
        number = int(str(value).strip().replace(",", ""))
    except ValueError:
        raise OutreachFieldError(f"{name} {value!r}: expected a whole number") from None
    if not 0 <= number <= MAX_ATTENDEES:
        raise OutreachFieldError(f"{name} {number}: expected 0 to {MAX_ATTENDEES}")
    return number


def _choice(value: str, known: tuple[str, ...], name: str) -> str:
    """One of the known names, matched without regard to case."""
    wanted = value.strip().casefold()
    for option in known:
        if option.casefold() == wanted:
            return option
    raise OutreachFieldError(f"{name} {value!r}: expected one of {', '.join(known)}")


def component_of(value: str, kind: ActivityKind) -> str:
    """The delivering component; a presentation without one is the Blue Campaign's."""
    if not value.strip():
        if kind is ActivityKind.PRESENTATION:
            return BLUE_CAMPAIGN
        raise OutreachFieldError("component: required for a training (FLETC, CBP, TSA...)")
    return _choice(value, COMPONENTS, "component")


@dataclass(frozen=True)
class NewActivity:
    """A training or presentation checked and ready to store."""

    kind: ActivityKind
    title: str
    component: str
    audience: str
    held_on: str
    place: str
    attendees: int

    @classmethod
    def checked(
        cls,
        kind: ActivityKind | str,
        title: str,
        held_on: str | date,
        attendees: int | str,
        component: str = "",
        audience: str = "",
        place: str = "",
    ) -> NewActivity:
        """Every field checked; the first bad one is refused with its name."""
        try:
            which = ActivityKind(str(kind).strip().lower())
        except ValueError:
            raise OutreachFieldError(f"kind {kind!r}: expected training or presentation") from None
        return cls(
            which,
            clean_text(title, "title"),
            component_of(component, which),
            clean_text(audience, "audience", required=False) or "general public",
            clean_date(held_on, "date"),
            clean_text(place, "place", required=False),
            clean_count(attendees, "attendees"),
        )

    def row(self, actor: str, at: str, file_id: int | None = None) -> dict[str, object]:
        """The row's columns, for a single add or a bulk insert."""
        return {
            "kind": self.kind.value,
            "title": self.title,
            "component": self.component,
            "audience": self.audience,
            "held_on": self.held_on,
            "place": self.place,
            "attendees": self.attendees,
            "recorded_by": actor,
            "recorded_at": at,
            "file_id": file_id,
        }


def add_activity(
    session: Session, activity: NewActivity, actor: str, clock: Clock = SYSTEM_CLOCK
) -> Activity:
    """Store one training or presentation (audited); returns it with its new id."""
    row = ActivityRow(**activity.row(actor, iso_utc(clock.now())))
    session.add(row)
    session.flush()
    detail = {"kind": row.kind, "component": row.component, "held_on": row.held_on}
    audit.record(session, actor, f"outreach.{row.kind}.add", f"outreach_activity:{row.id}", detail)
    return Activity.of(row)


@dataclass(frozen=True)
class NewPartner:
    """A partner joining an initiative, checked."""

    name: str
    initiative: str
    sector: str
    joined_on: str

    @classmethod
    def checked(
        cls, name: str, joined_on: str | date, initiative: str = "", sector: str = ""
    ) -> NewPartner:
        """Every field checked; an initiative left blank is the Blue Lightning Initiative."""
        chosen = _choice(initiative, INITIATIVES, "initiative") if initiative.strip() else None
        return cls(
            clean_text(name, "name"),
            chosen or BLUE_LIGHTNING,
            clean_text(sector, "sector", required=False),
            clean_date(joined_on, "joined"),
        )

    def row(self, actor: str, at: str, file_id: int | None = None) -> dict[str, object]:
        """The row's columns."""
        return {
            "name": self.name,
            "initiative": self.initiative,
            "sector": self.sector,
            "joined_on": self.joined_on,
            "recorded_by": actor,
            "recorded_at": at,
            "file_id": file_id,
        }


def add_partner(
    session: Session, partner: NewPartner, actor: str, clock: Clock = SYSTEM_CLOCK
) -> Partner:
    """Store one partner (audited)."""
    row = PartnerRow(**partner.row(actor, iso_utc(clock.now())))
    session.add(row)
    session.flush()
    detail = {"initiative": row.initiative, "joined_on": row.joined_on}
    audit.record(session, actor, "outreach.partner.add", f"outreach_partner:{row.id}", detail)
    return Partner.of(row)


def add_material(
    session: Session,
    title: str,
    distributed_on: str | date,
    quantity: int | str,
    actor: str,
    component: str = "",
    place: str = "",
    clock: Clock = SYSTEM_CLOCK,
) -> int:
    """Record materials handed out (a blank component is the Blue Campaign's); returns the id."""
    row = MaterialRow(
        title=clean_text(title, "title"),
        component=component_of(component, ActivityKind.PRESENTATION),
        distributed_on=clean_date(distributed_on, "date"),
        place=clean_text(place, "place", required=False),
        quantity=clean_count(quantity, "quantity"),
        recorded_by=actor,
        recorded_at=iso_utc(clock.now()),
    )
    session.add(row)
    session.flush()
    detail = {"component": row.component, "quantity": row.quantity}
    audit.record(session, actor, "outreach.material.add", f"outreach_material:{row.id}", detail)
    return row.id


@dataclass(frozen=True)
class Material:
    """Awareness materials handed out."""

    id: int
    title: str
    component: str
    distributed_on: str
    place: str
    quantity: int

    @classmethod
    def of(cls, row: MaterialRow) -> Material:
        """From its row."""
        return cls(row.id, row.title, row.component, row.distributed_on, row.place, row.quantity)


def activity(session: Session, activity_id: int) -> Activity:
    """One training or presentation by id."""
    row = session.get(ActivityRow, activity_id)
    if row is None:
        raise NotFound(f"no outreach activity {activity_id}")
    return Activity.of(row)


def upcoming(session: Session, today: date, days: int = 30) -> int:
    """Trainings and presentations on the calendar from today for `days` days."""
    end = date.fromordinal(today.toordinal() + days).isoformat()
    query = select(func.count()).where(
        ActivityRow.held_on >= today.isoformat(), ActivityRow.held_on <= end
    )
    return int(session.scalar(query.select_from(ActivityRow)) or 0)
