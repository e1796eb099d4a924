"""The outreach area's fiscal-year figures, counted in SQL from the records on every call.

A record dated after today is on the calendar, not yet done, so it does not count.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ctip.model.area import Metric
from ctip.model.calendar import FiscalYear
from ctip.model.clock import SYSTEM_CLOCK
from ctip.outreach.access import OutreachAction
from ctip.outreach.records import BLUE_CAMPAIGN, BLUE_LIGHTNING, FLETC, ActivityKind
from ctip.outreach.tables import ActivityRow, PartnerRow


def _span(fiscal_year: int) -> tuple[str, str]:
    """The fiscal year's first day and its last day so far (a future record is planned)."""
    year = FiscalYear(fiscal_year)
    end = min(year.end, SYSTEM_CLOCK.today())
    return year.start.isoformat(), end.isoformat()


def _activities(fiscal_year: int, kind: ActivityKind, component: str) -> list[ColumnElement[bool]]:
    start, end = _span(fiscal_year)
    return [
        ActivityRow.kind == kind.value,
        ActivityRow.component == component,
        ActivityRow.held_on >= start,
        ActivityRow.held_on <= end,
    ]


def _sum_attendees(session: Session, conditions: list[ColumnElement[bool]]) -> int:
    query = select(func.coalesce(func.sum(ActivityRow.attendees), 0)).where(*conditions)
    return int(session.scalar(query) or 0)


def _by_audience(
    session: Session, conditions: list[ColumnElement[bool]], counted: ColumnElement[int]
) -> Mapping[str, int]:
    query = select(ActivityRow.audience, counted).where(*conditions).group_by(ActivityRow.audience)
    return {str(audience): int(value or 0) for audience, value in session.execute(query)}


def fletc_officers_trained(session: Session, fiscal_year: int) -> int:
    """Attendees of FLETC trainings held in the fiscal year."""
    return _sum_attendees(session, _activities(fiscal_year, ActivityKind.TRAINING, FLETC))


def fletc_by_audience(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """Officers trained by FLETC, by audience (basic training, TSA, CBP...)."""
    conditions = _activities(fiscal_year, ActivityKind.TRAINING, FLETC)
    return _by_audience(session, conditions, func.sum(ActivityRow.attendees))


def blue_campaign_presentations(session: Session, fiscal_year: int) -> int:
    """Blue Campaign presentations given in the fiscal year."""
    conditions = _activities(fiscal_year, ActivityKind.PRESENTATION, BLUE_CAMPAIGN)
    query = select(func.count()).select_from(ActivityRow).where(*conditions)
    return int(session.scalar(query) or 0)


def presentations_by_audience(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """Blue Campaign presentations by audience."""
    conditions = _activities(fiscal_year, ActivityKind.PRESENTATION, BLUE_CAMPAIGN)
    return _by_audience(session, conditions, func.count())


def blue_campaign_attendees(session: Session, fiscal_year: int) -> int:
    """People who attended Blue Campaign presentations in the fiscal year."""
    conditions = _activities(fiscal_year, ActivityKind.PRESENTATION, BLUE_CAMPAIGN)
    return _sum_attendees(session, conditions)


def attendees_by_audience(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """Blue Campaign attendees by audience."""
    conditions = _activities(fiscal_year, ActivityKind.PRESENTATION, BLUE_CAMPAIGN)
    return _by_audience(session, conditions, func.sum(ActivityRow.attendees))


def _partners(fiscal_year: int) -> list[ColumnElement[bool]]:
    start, end = _span(fiscal_year)
    return [
        PartnerRow.initiative == BLUE_LIGHTNING,
        PartnerRow.joined_on >= start,
        PartnerRow.joined_on <= end,
    ]


def blue_lightning_new_partners(session: Session, fiscal_year: int) -> int:
    """Organisations that joined the Blue Lightning Initiative in the fiscal year."""
    query = select(func.count()).select_from(PartnerRow).where(*_partners(fiscal_year))
    return int(session.scalar(query) or 0)


def partners_by_sector(session: Session, fiscal_year: int) -> Mapping[str, int]:
    """New Blue Lightning partners by sector (airlines, airports, industry bodies)."""
    query = (
        select(PartnerRow.sector, func.count())
        .where(*_partners(fiscal_year))
        .group_by(PartnerRow.sector)
    )
    return {str(sector or "unstated"): int(n) for sector, n in session.execute(query)}


def _records(kind: str, component: str) -> str:
    return f"/outreach?fy={{year}}&kind={kind}&component={component.replace(' ', '+')}"


METRICS = (
    Metric(
        "fletc_officers_trained",
        "Officers trained by FLETC",
        fletc_officers_trained,
        records=_records("training", FLETC),
        action=OutreachAction.READ,
        breakdown=fletc_by_audience,
    ),
    Metric(
        "blue_campaign_presentations",
        "Blue Campaign presentations",
        blue_campaign_presentations,
        records=_records("presentation", BLUE_CAMPAIGN),
        action=OutreachAction.READ,
        breakdown=presentations_by_audience,
    ),
    Metric(
        "blue_campaign_attendees",
        "Blue Campaign presentation attendees",
        blue_campaign_attendees,
        records=_records("presentation", BLUE_CAMPAIGN),
        action=OutreachAction.READ,
        breakdown=attendees_by_audience,
    ),
    Metric(
        "blue_lightning_new_partners",
        "New Blue Lightning Initiative partners",
        blue_lightning_new_partners,
        records="/outreach/partners?fy={year}",
        action=OutreachAction.READ,
        breakdown=partners_by_sector,
    ),
)
