"""The reporting area declared once: the fiscal-year report computed from every area's records.

Parts are named by where they live and imported on first use (`ctip.model.area.Ref`)."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import Area, CommandRef, NavEntry, Ref, grants_of
from ctip.reporting.access import ReportAction

HERE = Path(__file__).parent

AREA = Area(
    name="reporting",
    title="Reporting",
    grants=grants_of(ReportAction),
    routers=(Ref("ctip.reporting.api:router"),),
    pages=(Ref("ctip.reporting.pages:router"),),
    nav=(
        NavEntry(
            "Reports",
            "/reports",
            ReportAction.READ,
            "The fiscal year in figures, computed from the records, with the year before, "
            "charts and the records behind each figure.",
        ),
    ),
    templates=HERE / "templates",
    command_groups={
        "report": CommandRef(
            "ctip.reporting.commands:app", "The fiscal-year report, computed from the records."
        )
    },
)
