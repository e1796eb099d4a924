"""API route of the reporting area: the fiscal-year report as JSON (the CLI's shape)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from ctip.api.deps import DbSession, require
from ctip.api.schemas import error_responses
from ctip.authz.policy import Principal
from ctip.reporting import report
from ctip.reporting.access import ReportAction

router = APIRouter(prefix="/reports", tags=["reports"])
Reader = Annotated[Principal, Depends(require(ReportAction.READ))]
Year = Annotated[int, Path(ge=report.EARLIEST_YEAR, le=report.LATEST_YEAR)]


@router.get("/fy/{year}", responses=error_responses(403, 422))
def fiscal_year(year: Year, principal: Reader, session: DbSession) -> dict[str, Any]:
    """Every figure for the fiscal year and the year before, computed from the records."""
    return report.as_json(report.read(session, year, principal.username, "api"))
