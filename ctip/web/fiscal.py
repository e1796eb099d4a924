"""The `?fy=` of a workbench address: the one reading of the fiscal year a page is narrowed to.

The report links each figure to its records with `?fy=YEAR` (the detention queue, outreach
activities and partners, tips), and the report page itself is chosen by it. A person who
types `?fy=21` or `?fy=FY2021` must be told, not shown every year's records as if they were
the year's: a year that is not four digits in range answers 400 with the reason.
"""

from __future__ import annotations

from fastapi import Request, Response

from ctip.authz.policy import Principal
from ctip.model.errors import CtipError
from ctip.web.frame import error_page

FY_PARAMETER = "fy"
EARLIEST_FY, LATEST_FY = 2000, 2100
"""The fiscal years ctip keeps records for (the same span the report can be made for)."""


class BadFiscalYear(CtipError):
    """The address names something that is not a fiscal year ctip can show."""

    http_status, exit_code, code = 400, 2, "bad_fiscal_year"


def parse_fiscal_year(text: str, earliest: int = EARLIEST_FY, latest: int = LATEST_FY) -> int:
    """The fiscal year written as four digits (FY2021 is `2021`), within `earliest`-`latest`."""
    written = text.strip()
    if written.isascii() and written.isdigit() and len(written) == len("2021"):
        year = int(written)
        if earliest <= year <= latest:
            return year
    shown = written[:12]
    raise BadFiscalYear(
        f"“{shown}” is not a fiscal year: give it as four digits from {earliest} to {latest}"
        " (FY2021 is fy=2021).",
        [{"field": FY_PARAMETER, "reason": "not a fiscal year", "value": shown}],
    )


def asked_fiscal_year(
    request: Request, earliest: int = EARLIEST_FY, latest: int = LATEST_FY
) -> int | None:
    """The fiscal year the address narrows the page to; None when it names none (`fy` absent
    or empty). Raises BadFiscalYear for anything else."""
    text = request.query_params.get(FY_PARAMETER, "")
    return parse_fiscal_year(text, earliest, latest) if text.strip() else None


def bad_fiscal_year_page(request: Request, principal: Principal, bad: BadFiscalYear) -> Response:
    """The 400 page for a `?fy=` that is not a fiscal year, in the workbench's frame."""
    return error_page(request, principal, bad.http_status, bad.message)
