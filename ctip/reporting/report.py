"""The fiscal-year report: every figure the areas declare, computed from their records for the
year and the year before, grouped by area, breakdowns published with small cells suppressed.

Figures come from the core catalogue (`ctip.model.figures`), never from the areas' modules,
and are never stored: asking twice after a new record gives a new answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from ctip.authz import audit
from ctip.model.area import Metric
from ctip.model.errors import InvalidInput
from ctip.model.figures import declared_metrics
from ctip.reporting.suppression import Cell, suppress

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
REQUIRED_IDS = (
    "hsi_cases_initiated",
    "hsi_arrests",
    "victims_identified_assisted",
    "cbp_shipments_detained",
    "cbp_shipments_seized",
    "cbp_seized_value_usd",
    "cbp_wros_issued",
    "fletc_officers_trained",
    "t_visas_approved_victims",
    "t_visas_approved_family",
    "continued_presence_granted",
    "blue_campaign_presentations",
    "blue_campaign_attendees",
    "blue_lightning_new_partners",
)
"""The figures of the source document's table (issue 13): a report names any not declared."""
SECTION_TITLES = {
    "cases": "Investigations (HSI)",
    "protection": "Victims and immigration relief",
    "trade": "Forced labour in trade (CBP)",
    "finance": "Illicit finance",
    "intake": "Screenings and tips",
    "outreach": "Outreach and training",
    "networks": "Trafficking networks",
}


@dataclass(frozen=True)
class Figure:
    """One figure of the report: this year, the year before, and where its records are."""

    id: str
    label: str
    value: int | float
    prior_year_value: int | float
    records: str
    action: StrEnum | None
    breakdown: tuple[Cell, ...] = ()

    @property
    def is_money(self) -> bool:
        """Whether the figure is an amount in US dollars (its id says so)."""
        return self.id.endswith("_usd")

    @property
    def change(self) -> float | None:
        """The change on the year before, as a fraction (None when there was nothing before)."""
        if not self.prior_year_value:
            return None
        return (self.value - self.prior_year_value) / self.prior_year_value


@dataclass(frozen=True)
class Section:
    """The figures of one area."""

    area: str
    title: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Report:
    """A fiscal year's report."""

    fiscal_year: int
    sections: tuple[Section, ...]

    @property
    def figures(self) -> list[Figure]:
        """Every figure in section order."""
        return [figure for section in self.sections for figure in section.figures]

    @property
    def missing(self) -> list[str]:
        """Ids of the source document's table no area declares yet."""
        present = {figure.id for figure in self.figures}
        return [metric_id for metric_id in REQUIRED_IDS if metric_id not in present]


def check_year(fiscal_year: int) -> int:
    """A fiscal year the report can be made for."""
    if not EARLIEST_YEAR <= fiscal_year <= LATEST_YEAR:
        raise InvalidInput(f"fiscal year {fiscal_year}: expected {EARLIEST_YEAR}-{LATEST_YEAR}")
    return fiscal_year


def _number(value: int | float) -> int | float:
    """Counts stay whole; amounts keep their cents."""
    if isinstance(value, float) and not value.is_integer():
        return round(value, 2)
    return int(value) if float(value).is_integer() else value


def _figure(session: Session, metric: Metric, fiscal_year: int) -> Figure:
    breakdown = metric.breakdown(session, fiscal_year) if metric.breakdown else {}
    return Figure(
        metric.id,
        metric.label,
        _number(metric.compute(session, fiscal_year)),
        _number(metric.compute(session, fiscal_year - 1)),
        metric.records.replace("{year}", str(fiscal_year)),
        metric.action,
        tuple(suppress(breakdown)),
    )


def compute(session: Session, fiscal_year: int) -> Report:
    """Every declared figure for the year and the year before, grouped by area."""
    check_year(fiscal_year)
    grouped: dict[str, list[Figure]] = {}
    for area, metric in declared_metrics():
        grouped.setdefault(area, []).append(_figure(session, metric, fiscal_year))
    sections = tuple(
        Section(area, SECTION_TITLES.get(area, area.capitalize()), tuple(figures))
        for area, figures in grouped.items()
    )
    return Report(fiscal_year, sections)


def read(session: Session, fiscal_year: int, actor: str, channel: str) -> Report:
    """The report, its reading recorded in the audit log (who read which year, where)."""
    report = compute(session, fiscal_year)
    detail = {"fiscal_year": fiscal_year, "channel": channel, "figures": len(report.figures)}
    audit.record(session, actor, "report.fy.read", f"report:fy{fiscal_year}", detail)
    return report


def as_json(report: Report) -> dict[str, Any]:
    """The report in the shape other tools rely on (values as numbers, money in dollars)."""
    return {
        "fiscal_year": report.fiscal_year,
        "metrics": [
            {
                "id": f.id,
                "label": f.label,
                "value": f.value,
                "prior_year_value": f.prior_year_value,
                "records": f.records,
            }
            for f in report.figures
        ],
    }


def display(value: int | float, money: bool) -> str:
    """A figure as people read it: thousands separated, dollars with a sign."""
    if money:
        return f"${value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
