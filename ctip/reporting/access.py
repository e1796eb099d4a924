"""Who may read the fiscal-year report: leadership and the analysts who answer for the figures.

The report publishes only totals and breakdowns with small cells suppressed, but its links
lead to the records behind each figure, so it stays inside the agency's staff who analyse or
oversee; outreach staff, front-line officers and victim specialists see their own areas.
"""

from __future__ import annotations

from ctip.model.area import AreaAction
from ctip.model.roles import ANALYSTS, OVERSIGHT


class ReportAction(AreaAction):
    """Reading the fiscal-year report (page, API, downloads)."""

    READ = "report:read", ANALYSTS | OVERSIGHT
