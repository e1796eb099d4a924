"""Calendars: working days without federal holidays as observed, months, years, fiscal years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from ctip.model import calendar
from ctip.model.calendar import FiscalYear, Unit
from ctip.model.errors import InvalidInput


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (date(2026, 11, 25), date(2026, 12, 3)),  # Thanksgiving, Thursday 26 November
        (date(2027, 12, 22), date(2027, 12, 30)),  # Christmas kept on Friday 24 December
        (date(2027, 12, 27), date(2028, 1, 4)),  # New Year's Day kept on Friday 31 December
        (date(2026, 6, 29), date(2026, 7, 7)),  # Independence Day kept on Friday 3 July
        (date(2026, 3, 2), date(2026, 3, 9)),  # no holiday: five weekdays
        (date(2025, 3, 7), date(2025, 3, 14)),  # from a Friday: the next Friday
    ],
)
def test_five_working_days_skip_weekends_and_federal_holidays_as_observed(
    start: date, due: date
) -> None:
    assert calendar.add_working_days(start, 5) == due
    assert calendar.working_days_between(start, due) == 5


def test_observed_holidays_are_not_working_days() -> None:
    assert not calendar.is_working_day(date(2027, 12, 24))  # Christmas 2027 is a Saturday
    assert not calendar.is_working_day(date(2026, 7, 3))  # 4 July 2026 is a Saturday
    assert not calendar.is_working_day(date(2025, 3, 8))  # a Saturday
    assert calendar.is_working_day(date(2027, 12, 27))


def test_working_days_count_backwards_too() -> None:
    assert calendar.add_working_days(date(2026, 12, 3), -5) == date(2026, 11, 25)
    assert calendar.working_days_between(date(2026, 12, 3), date(2026, 11, 25)) == -5
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2025, 1, 31), 3, date(2025, 4, 30)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),  # leap year
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
        (date(2025, 10, 15), 3, date(2026, 1, 15)),  # across the year end
        (date(2025, 3, 31), -1, date(2025, 2, 28)),
    ],
)
def test_months_end_on_the_same_day_or_the_last_of_a_shorter_month(
    start: date, months: int, due: date
) -> None:
    assert calendar.add_months(start, months) == due


def test_a_year_from_29_february_ends_on_28_february() -> None:
    assert calendar.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert calendar.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_days_between_counts_calendar_days() -> None:
    assert calendar.days_between(date(2025, 3, 4), date(2025, 4, 3)) == 30
    assert calendar.days_between(date(2025, 4, 3), date(2025, 3, 4)) == -30


def test_add_dispatches_on_the_unit_and_refuses_an_unknown_one() -> None:
    start = date(2025, 1, 31)
    assert calendar.add(start, 30, Unit.CALENDAR_DAYS) == start + timedelta(days=30)
    assert calendar.add(start, 1, "calendar_months") == date(2025, 2, 28)
    assert calendar.add(start, 1, "years") == date(2026, 1, 31)
    assert calendar.add(start, 1, "working_days") == date(2025, 2, 3)
    with pytest.raises(InvalidInput, match="unknown unit 'business'"):
        calendar.add(start, 5, "business")


def test_the_fiscal_year_runs_october_to_september() -> None:
    fy2021 = FiscalYear(2021)
    assert (fy2021.start, fy2021.end) == (date(2020, 10, 1), date(2021, 9, 30))
    assert FiscalYear.of("2021-09-30") == fy2021
    assert FiscalYear.of(date(2020, 10, 1)) == fy2021
    assert calendar.fiscal_year("2021-10-01") == 2022
    assert date(2020, 12, 31) in fy2021 and date(2021, 10, 1) not in fy2021
    assert str(fy2021) == "FY2021"
