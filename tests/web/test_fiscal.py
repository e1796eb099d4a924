"""The one reading of `?fy=` (`ctip.web.fiscal`): four digits in range, or a clear refusal."""

from __future__ import annotations

import pytest
from fastapi import Request

from ctip.web.fiscal import BadFiscalYear, asked_fiscal_year, parse_fiscal_year


def _request(query: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode()})


@pytest.mark.parametrize("text", ["2021", " 2021 ", "2000", "2100"])
def test_a_year_written_as_four_digits_is_read(text: str) -> None:
    assert parse_fiscal_year(text) == int(text)


FULL_WIDTH_2021 = "\uff12\uff10\uff12\uff11"
"""2021 in full-width digits: `str.isdigit` says yes, a fiscal year it is not."""


@pytest.mark.parametrize("text", ["21", "FY2021", FULL_WIDTH_2021, "1999", "2101", "2021-22"])
def test_anything_else_is_refused_with_the_reason_and_a_400(text: str) -> None:
    with pytest.raises(BadFiscalYear) as refused:
        parse_fiscal_year(text)
    assert refused.value.http_status == 400
    assert "four digits from 2000 to 2100" in refused.value.message
    assert refused.value.details[0]["field"] == "fy"


def test_a_page_may_narrow_the_span() -> None:
    assert parse_fiscal_year("2019", 2010, 2020) == 2019
    with pytest.raises(BadFiscalYear, match="from 2010 to 2020"):
        parse_fiscal_year("2021", 2010, 2020)


def test_no_year_asked_is_none_and_a_bad_one_is_refused() -> None:
    assert asked_fiscal_year(_request("")) is None
    assert asked_fiscal_year(_request("fy=")) is None
    assert asked_fiscal_year(_request("closed=1&fy=2024")) == 2024
    with pytest.raises(BadFiscalYear):
        asked_fiscal_year(_request("fy=abc"))
