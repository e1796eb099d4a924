"""The reporting area declared once: the fiscal-year report computed from every area's records."""

from __future__ import annotations

from pathlib import Path

from ctip.model.area import Area, NavEntry, grants_of
from ctip.reporting import api, commands, pages
from ctip.reporting.access import ReportAction

HERE = Path(__file__).parent

AREA = Area(
    name="reporting",
    title="Reporting",
    grants=grants_of(ReportAction),
    routers=(api.router,),
    pages=(pages.router,),
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
    command_groups={"report": commands.app},
)
