"""Workbench page of the reporting area: the fiscal-year report with a chart per section,
each figure linked to its records for the roles that may open them, and its downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from markupsafe import Markup

from ctip.authz.policy import Principal, can
from ctip.model.calendar import fiscal_year as fiscal_year_of
from ctip.model.clock import SYSTEM_CLOCK
from ctip.reporting import exports, report
from ctip.reporting.access import ReportAction
from ctip.reporting.charts import section_svg
from ctip.reporting.report import Figure
from ctip.web.auth import WebSession, page_for
from ctip.web.fiscal import BadFiscalYear, asked_fiscal_year, bad_fiscal_year_page
from ctip.web.frame import error_page, page_context
from ctip.web.rendering import harden, render

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(page_for(ReportAction.READ))]
DOWNLOADS = {
    "json": ("application/json", exports.json_text),
    "csv": ("text/csv; charset=utf-8", exports.csv_text),
    "html": ("text/html; charset=utf-8", exports.html_document),
}
YEARS_OFFERED = 6


def _last_complete_year() -> int:
    return fiscal_year_of(SYSTEM_CLOCK.today()) - 1


def _link(principal: Principal, figure: Figure) -> str:
    """The records behind the figure, only for roles allowed to open them."""
    if not figure.records or figure.action is None or not can(principal, figure.action):
        return ""
    return figure.records


@router.get("/reports")
def report_page(request: Request, principal: Reader, session: WebSession) -> Response:
    """The report for `fy` (default: the last complete fiscal year), the year before beside
    each figure, a chart per section and the downloads; a `fy` that is not a year answers 400."""
    try:
        asked = asked_fiscal_year(request, report.EARLIEST_YEAR, report.LATEST_YEAR)
    except BadFiscalYear as bad:
        return bad_fiscal_year_page(request, principal, bad)
    year = _last_complete_year() if asked is None else asked
    made = report.read(session, year, principal.username, "web")
    charts = {s.area: Markup(section_svg(s, year)) for s in made.sections}  # escaped in section_svg
    links = {f.id: _link(principal, f) for f in made.figures}
    latest = _last_complete_year()
    context = page_context(
        request,
        principal,
        active="/reports",
        report=made,
        charts=charts,
        links=links,
        years=list(range(latest, latest - YEARS_OFFERED, -1)),
        suppressed=exports.SUPPRESSED,
        note=exports.NOTE,
    )
    return render(request, "reporting/report.html", context)


@router.get("/reports/fy/{year}.{kind}")
def report_download(
    request: Request, principal: Reader, session: WebSession, year: int, kind: str
) -> Response:
    """The report as a file: json, csv, html or pdf."""
    if not report.EARLIEST_YEAR <= year <= report.LATEST_YEAR or kind not in (*DOWNLOADS, "pdf"):
        return error_page(request, principal, 404, "No such report file.")
    made = report.read(session, year, principal.username, f"web:{kind}")
    name = f"ctip-fy{year}-report.{kind}"
    if kind == "pdf":
        media, body = "application/pdf", exports.pdf_bytes(made)
    else:
        media, write = DOWNLOADS[kind]
        body = write(made).encode()
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return harden(Response(body, media_type=media, headers=headers))
