"""The outreach lists the workbench pages and exports: paged, sorted and filtered in SQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ctip.model.calendar import FiscalYear
from ctip.outreach.records import Activity, Material, Partner
from ctip.outreach.tables import ActivityRow, MaterialRow, PartnerRow
from ctip.store.paging import Listing, ListingField


def _activity(row: Any) -> Activity:
    return Activity.of(row[0])


def _partner(row: Any) -> Partner:
    return Partner.of(row[0])


def activities(fiscal_year: int | None = None, from_day: date | None = None) -> Listing[Activity]:
    """Trainings and presentations, newest first; one fiscal year's when one is named, and
    only those on or after `from_day` when one is given (the calendar)."""
    statement = select(ActivityRow)
    if from_day is not None:
        statement = statement.where(ActivityRow.held_on >= from_day.isoformat())
    if fiscal_year is not None:
        year = FiscalYear(fiscal_year)
        statement = statement.where(
            ActivityRow.held_on >= year.start.isoformat(),
            ActivityRow.held_on <= year.end.isoformat(),
        )
    fields = {
        "held_on": ListingField(ActivityRow.held_on),
        "kind": ListingField(ActivityRow.kind, match="equals"),
        "title": ListingField(ActivityRow.title, searched=True),
        "component": ListingField(ActivityRow.component, match="equals"),
        "audience": ListingField(ActivityRow.audience, match="contains", searched=True),
        "place": ListingField(ActivityRow.place, searched=True),
        "attendees": ListingField(ActivityRow.attendees),
    }
    return Listing(statement, fields, _activity, tiebreak=(ActivityRow.id.desc(),))


def partners(fiscal_year: int | None = None) -> Listing[Partner]:
    """Partners by the day they joined, newest first; one fiscal year's when one is named."""
    statement = select(PartnerRow)
    if fiscal_year is not None:
        year = FiscalYear(fiscal_year)
        statement = statement.where(
            PartnerRow.joined_on >= year.start.isoformat(),
            PartnerRow.joined_on <= year.end.isoformat(),
        )
    fields = {
        "joined_on": ListingField(PartnerRow.joined_on),
        "name": ListingField(PartnerRow.name, searched=True),
        "initiative": ListingField(PartnerRow.initiative, match="equals"),
        "sector": ListingField(PartnerRow.sector, match="contains", searched=True),
    }
    return Listing(statement, fields, _partner, tiebreak=(PartnerRow.id.desc(),))


def _material(row: Any) -> Material:
    return Material.of(row[0])


def materials() -> Listing[Material]:
    """Materials handed out, newest first."""
    fields = {
        "distributed_on": ListingField(MaterialRow.distributed_on),
        "title": ListingField(MaterialRow.title, searched=True),
        "component": ListingField(MaterialRow.component, match="equals"),
        "place": ListingField(MaterialRow.place, searched=True),
        "quantity": ListingField(MaterialRow.quantity),
    }
    return Listing(select(MaterialRow), fields, _material, tiebreak=(MaterialRow.id.desc(),))
