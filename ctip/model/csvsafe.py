"""CSV cells a spreadsheet opens as text, never as a formula (CSV injection, OWASP).

A name, an ad's text or a reason typed by anyone can start with ``=``, ``+``, ``-`` or ``@``;
opened in Excel or LibreOffice such a cell runs (``=HYPERLINK(...)``, ``=cmd|...``), on the
machine of the officer who exported it. A leading tab or carriage return is read the same way
by some spreadsheets. Every CSV writer of ctip passes its text cells through `safe_text`, so
the rule is written once: such text gets a leading ``'``, which the spreadsheet shows as text.

Numbers stay numbers: a writer passes a numeric column's value as an int, float or Decimal,
and `safe_cell` leaves it as it is (a negative amount is not a formula).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula."""

QUOTE = "'"

Cell = TypeVar("Cell")


def safe_text(text: str) -> str:
    """Text that no spreadsheet runs: formula-leading text gets a leading '."""
    return QUOTE + text if text.startswith(FORMULA_LEADS) else text


def safe_cell(value: Cell) -> Cell | str:
    """A cell of any type: text made safe, numbers and everything else left as they are."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def safe_row(values: Iterable[object]) -> list[object]:
    """A row of cells, each made safe (`safe_cell`)."""
    return [safe_cell(value) for value in values]
